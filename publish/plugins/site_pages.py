"""Datasette plugin for the site's own pages (loaded by `complaints serve` with --plugins-dir).

Read-only hooks; what the pages show is read by publish/site.py:

* `register_routes`: the archived report files at /reports/<sha256>.<ext> (checked against
  their SHA-256, with their content type), a PDF page's picture with a fact's figure marked at
  /reports/<sha256>/page-<n>.png?fact=<id>, a document's checking page at /check/<sha256>,
  and the years and measures a council has at /benchmark/options.json (for the form).
* `extra_template_vars`: the fact, document and comparison pages' provenance, status and
  summaries; the /benchmark form's choices.
* `render_cell`: fact ids become links to the fact; measures in query results are shown in words.
* `prepare_connection`: `council_codes(name)`, so the canned queries read 'Thurrock Council'
  as the command line does (normalise.councils).
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response, asgi_send_file
from markupsafe import Markup, escape

from publish import provenance, site, words
from publish.benchmark import register_functions

#: Result columns that hold a fact id and become links to the fact.
FACT_COLUMNS = frozenset({"fact_id", "neighbour_fact_id"})
#: Views (no foreign keys of their own) whose fact ids become links too.
FACT_VIEWS = frozenset({"conflicts", "neighbour_values"})
BENCHMARK_QUERIES = ("compare_with_neighbours", "council_over_time", "measure_across_councils")
SHA256 = r"(?P<sha256>[0-9a-f]{64})"
CHUNK = 1 << 16


@hookimpl
def prepare_connection(conn):
    register_functions(conn)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["sentence"] = words.sentence


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if (table is None or table in FACT_VIEWS) and column in FACT_COLUMNS and isinstance(value, int):
        url = datasette.urls.row(database, "facts", str(value))
        return Markup(f'<a href="{escape(url)}">fact {value}</a>')
    if table is None and column == "measure" and isinstance(value, str):
        return _in_words(datasette, database, value)
    return None


def _in_words(datasette, database, measure):
    async def render():
        vocab = await site.vocabulary(datasette.get_database(database))
        label = vocab.measure(measure)
        return Markup(f'{escape(label)} <code class="id">{escape(measure)}</code>') if label != measure else None

    return render()


@hookimpl
def extra_template_vars(template, table, view_name, request, datasette):
    async def template_vars():
        db = datasette.get_database()
        found = {"site_db": db.name}
        if template == "pages/benchmark.html":
            found["form"] = await site.benchmark_form(db, request.args)
            found["database_name"] = db.name
        elif view_name == "row" and table in ("facts", "documents"):
            key = request.url_vars.get("pks", "")
            page = await (site.fact_page if table == "facts" else site.document_page)(datasette, db, key)
            found["fact_page" if table == "facts" else "document_page"] = page
        elif template.startswith("query") and request and request.url_vars.get("table") in BENCHMARK_QUERIES:
            found.update(await _benchmark_query_vars(datasette, db, request))
        return found

    return template_vars


async def _benchmark_query_vars(datasette, db, request) -> dict:
    query = request.url_vars["table"]
    params = {key: request.args.get(key, "") for key in site.FORM_FIELDS}
    links = {q: site.query_url(datasette, db.name, q, params) for q in BENCHMARK_QUERIES}
    links["form_query"] = urlencode({k: v for k, v in params.items() if v or k in ("stage", "category")})
    found = {"benchmark_query": query, "benchmark_params": params, "benchmark_links": links,
             "vocabulary": await site.vocabulary(db), "column_words": site.COLUMN_WORDS,
             "ordered_columns": site.ordered_columns, "average_roles": site.AVERAGE_ROLES,
             "query_url": lambda q, changes: site.query_url(datasette, db.name, q, {**params, **changes}),
             "flag_names": lambda flags: ", ".join(f.replace("_", " ") for f in json.loads(flags or "[]"))}
    if query == "compare_with_neighbours":
        found["comparison"] = await site.comparison(datasette, db, params)
    # why there are no rows: asked by the template only when there are none
    found["explain_empty"] = lambda: site.explain_empty(datasette, db, query, params)
    return found


@hookimpl
def register_routes():
    return [
        (rf"^/reports/{SHA256}\.(?P<ext>[a-z]+)$", report_file),
        (rf"^/reports/{SHA256}/page-(?P<page>\d+)\.png$", page_picture),
        (rf"^/check/{SHA256}$", check_page),
        (r"^/benchmark/options\.json$", council_options),
    ]


async def _document(datasette, sha256: str) -> dict:
    db = datasette.get_database()
    row = (await db.execute("select * from documents where sha256 = ?", [sha256])).first()
    if row is None:
        raise NotFound(f"No report has the SHA-256 {sha256}")
    return dict(row)


async def report_file(datasette, request, send):
    """The archived report, as the council published it (or as archived), with its content type."""
    document = await _document(datasette, request.url_vars["sha256"])
    url, path, problem = await site.report_link(document)
    if url is None:
        raise NotFound(f"The report file cannot be served: {problem}")
    if url.rsplit("/", 1)[1] != request.url_vars["sha256"] + "." + request.url_vars["ext"]:
        return Response.redirect(url)  # the same report under its format's extension
    content_type = provenance.REPORT_TYPES[document["format"]][1]
    name = re.sub(r"[^\w.-]+", "_", f"{document['sha256'][:12]}-{document['file_name']}")
    headers = {"content-disposition": f'inline; filename="{name}"', "x-content-type-options": "nosniff",
               "cache-control": "public, max-age=86400"}
    if document["format"] == "html":
        headers["content-security-policy"] = "sandbox"  # a council's page runs no script on this site
    await asgi_send_file(send, path, content_type=content_type, headers=headers, chunk_size=CHUNK)


async def page_picture(datasette, request):
    """A PDF page as a PNG; with ?fact=<id>, that fact's quote shaded and its figure boxed."""
    document = await _document(datasette, request.url_vars["sha256"])
    page = int(request.url_vars["page"])
    if document["format"] != "pdf" or not 1 <= page <= (document.get("pages") or 0):
        raise NotFound("Pictures are drawn of the pages of PDF reports only")
    url, path, problem = await site.report_link(document)
    if url is None:
        raise NotFound(f"The report file cannot be read: {problem}")
    located, key = None, f"{document['sha256']}-p{page}"
    fact_id = request.args.get("fact")
    if fact_id:
        db = datasette.get_database()
        row = (await db.execute("select * from facts where id = ? and document_sha256 = ? and page = ?",
                                [fact_id, document["sha256"], page])).first()
        if row is None:
            raise NotFound(f"Fact {fact_id} is not on page {page} of this report")
        located = await asyncio.to_thread(site.fact_context, dict(row), document, path)
        key += f"-f{row['id']}"
    data = await asyncio.to_thread(provenance.page_picture, path, page, located, site.page_cache(), key)
    return Response(data, content_type="image/png", headers={"cache-control": "public, max-age=86400"})


async def check_page(datasette, request):
    db = datasette.get_database()
    page = await site.check_page(datasette, db, request.url_vars["sha256"], request.args.get("status"))
    if page is None:
        raise NotFound(f"No report has the SHA-256 {request.url_vars['sha256']}")
    html = await datasette.render_template("check.html", {"page": page, "database": db.name}, request=request)
    return Response.html(html)


async def council_options(datasette, request):
    """What a council has figures for, for the /benchmark form's lists (JSON)."""
    db = datasette.get_database()
    return Response.json(await site.council_options(db, request.args.get("council", "")))
