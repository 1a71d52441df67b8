"""Datasette plugin: context for the comparison page (loaded by `complaints serve` with --plugins-dir).

On the "Compare a council with its neighbours" page (the `compare_with_neighbours` canned
query), `extra_template_vars` gives `templates/_comparison_context.html` the council's and each
neighbour's Ofsted judgement in force at the end of the year compared, with its attribution
and caveat, and the link to "what is missing for this comparison" (the `comparison_group`
query). Read-only; the members come from the `comparison_groups` table, so they are the
neighbours of the DfE model for that year.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from datasette import hookimpl

from publish.ofsted import ATTRIBUTION, CAVEAT

COMPARISON_QUERY = "compare_with_neighbours"
MISSING_QUERY = "comparison_group"
OFSTED_SQL = """
select g.position, g.member_name as name, g.period, o.overall, o.published, o.note, o.report_url, o.as_at
from comparison_groups g
join councils c on c.code = g.member_code
left join ofsted_in_force o on o.dfe_number = c.dfe_number and o.period = g.period
where g.council_code in (select code from councils
                         where lower(name) = lower(trim(:council)) or code = upper(trim(:council)))
  and g.period = replace(trim(:year), '/', '-')
order by g.position
"""


def _long_date(text: str | None) -> str | None:
    if not text:
        return None
    day = date.fromisoformat(text)
    return f"{day.day} {day:%B %Y}"


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if request is None or not template.startswith("query") or \
            request.path.rstrip("/").rsplit("/", 1)[-1] != COMPARISON_QUERY:
        return {}

    async def comparison_context():
        db = datasette.get_database(database)
        tables = set(await db.table_names())
        council, year = request.args.get("council", ""), request.args.get("year", "")
        if not {"comparison_groups", "ofsted_in_force"} <= tables or not council or not year:
            return {"comparison_context": None}
        rows = [dict(r) for r in (await db.execute(OFSTED_SQL, {"council": council, "year": year})).rows]
        for row in rows:
            row["published_text"] = _long_date(row["published"])
        as_at = next((r["as_at"] for r in rows if r["as_at"]), None)
        query = urlencode({"council": council, "year": year})
        return {"comparison_context": {
            "members": rows,
            "year": year,
            "as_at": _long_date(as_at),
            "attribution": ATTRIBUTION,
            "caveat": CAVEAT,
            "missing_url": f"{datasette.urls.database(database)}/{MISSING_QUERY}?{query}",
        }}

    return comparison_context
