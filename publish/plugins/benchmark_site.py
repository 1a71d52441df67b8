"""Datasette plugin for the benchmarking pages (loaded by `complaints serve` with --plugins-dir).

Two small hooks, both read-only:

* `render_cell`: in query results (canned queries, SQL) and views, a `fact_id` becomes a link
  to the fact's page, where its quote, page or line and source document are shown; on a fact's
  page, its document is a link to the report's page. Every figure on a comparison page is
  one click from its quote and two from its report.
* `extra_template_vars`: the choices (councils with figures, measures, stages, years,
  categories, units) for the form on the /benchmark page, read from the database so the
  page only offers what exists.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape

#: Result columns that hold a fact id and become links to the fact.
FACT_COLUMNS = frozenset({"fact_id", "neighbour_fact_id"})
#: Views (no foreign keys of their own) whose fact ids become links too.
FACT_VIEWS = frozenset({"conflicts", "neighbour_values"})
CHOOSER_TEMPLATE = "pages/benchmark.html"
#: What the form shows first when the address gives nothing.
DEFAULTS = {"measure": "complaints_received", "stage": "stage1", "unit": "count"}
STAGES = ["", "stage1", "stage2", "stage3"]
UNITS = ["count", "percent", "days", "gbp"]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if (table is None or table in FACT_VIEWS) and column in FACT_COLUMNS and isinstance(value, int):
        url = datasette.urls.row(database, "facts", str(value))
        return Markup(f'<a href="{escape(url)}" title="the quote and its source">fact {value}</a>')
    if table == "facts" and column == "document_sha256" and isinstance(value, str):  # (a dict in table views)
        # Datasette's row page does not link foreign keys: a fact must lead to its report
        url = datasette.urls.row(database, "documents", value)
        label = row["document_name"] if "document_name" in row.keys() else value
        return Markup(f'<a href="{escape(url)}">{escape(label)}</a> <em>{escape(value)}</em>')
    return None


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != CHOOSER_TEMPLATE:
        return {}

    async def template_vars():
        db = datasette.get_database()
        choices = _CHOICES.get(db.name) or await _read_choices(db)
        _CHOICES[db.name] = choices  # the database is served immutable: read once per process
        chosen = {key: request.args.get(key, DEFAULTS.get(key, "")) for key in
                  ("council", "measure", "stage", "year", "category", "unit")}
        if not chosen["year"] and choices["periods"]:
            chosen["year"] = choices["periods"][0]
        return {"database_name": db.name, "choices": choices, "chosen": chosen}

    return template_vars


_CHOICES: dict[str, dict] = {}


async def _read_choices(db) -> dict:
    async def column(sql):
        return [row[0] for row in (await db.execute(sql)).rows]

    measures = (await db.execute(
        "select measure, description from measures "
        "where measure in (select distinct measure from benchmark) order by measure")).rows
    return {
        "councils": await column("select distinct council_name from benchmark order by council_name"),
        "all_councils": (await db.execute("select count(*) from councils where current")).first()[0],
        "measures": [(m[0], m[1]) for m in measures],
        "stages": STAGES,
        "periods": await column("select distinct period from benchmark order by period desc"),
        "categories": await column("select distinct category from benchmark order by category"),
        "units": UNITS,
    }
