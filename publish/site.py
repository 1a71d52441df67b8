"""What the site's own pages show, read from the served database and the archived reports.

The Datasette plugin (publish/plugins/site.py) calls these for the fact, document, checking
and benchmarking pages; they take Datasette's database object and return plain dicts for the
templates. The database is served immutable, so what never changes while it is served (its
columns, the vocabulary, the choices of the benchmarking form) is read once per process.

A `status` column on `facts` (accepted, needs_check, verified, corrected: the checking of
facts) is shown wherever it exists; a database built before it still works, and says that its
facts are not checked.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from publish import provenance, words
from publish.benchmark import matching_codes, unknown_council
from schemas.periods import shift
from publish.serve import CORPUS_ENV, DEFAULT_PAGE_CACHE, PAGE_CACHE_ENV
from schemas import STAGE_LABELS
from corpus.manifest import CORPUS_DIR

#: The benchmark key the /benchmark form opens on when the address gives none (if it has data).
DEFAULT_KEY = {"measure": "complaints_received", "stage": "stage1", "category": "", "unit": "count"}
KEY_FIELDS = ("measure", "stage", "category", "unit")
FORM_FIELDS = ("council", "measure", "stage", "year", "category", "unit")
#: Checking statuses in the order a checker works through them.
STATUS_ORDER = ("needs_check", "accepted", "corrected", "verified")
FORMAT_WORDS = {"pdf": "PDF", "docx": "Word document", "html": "web page", "text": "text"}

#: Column headings of the benchmarking queries, in words, and the order they are shown in
#: (who, the figure, how it compares, then its source; columns not listed follow).
COLUMN_WORDS = {
    "council": "Council", "compared_as": "Compared as", "region": "Region", "period": "Year", "value": "Figure",
    "rate_per_10k_children": "Per 10,000 children", "rate_per_1k_referrals": "Per 1,000 referrals",
    "with_data": "Councils with the figure", "rank": "Rank (1 = highest)", "quartile": "Quartile",
    "rate_rank": "Rank by rate", "change": "Change from the year before", "change_percent": "Change (%)",
    "neighbour_average": "Neighbours' average", "neighbours_with_data": "Neighbours with the figure",
    "region_average": "Region average", "england_average": "England average",
    "england_with_data": "Councils in England with the figure",
    "england_average_rate_per_10k": "England average per 10,000 children", "quote": "Quote", "fact_id": "Source",
    "flags": "Warnings", "caveats": "Caveats", "closeness": "Closeness (DfE)",
}
COLUMN_ORDER = {
    "compare_with_neighbours": ["council", "compared_as", "value", "rate_per_10k_children", "rate_per_1k_referrals",
                                "with_data", "rank", "quartile", "change", "quote", "fact_id", "flags", "closeness"],
    "measure_across_councils": ["rank", "council", "region", "value", "quartile", "rate_per_10k_children",
                                "rate_rank", "neighbour_average", "neighbours_with_data", "england_average", "change",
                                "quote", "fact_id", "flags", "caveats"],
    "council_over_time": ["period", "council", "value", "change", "change_percent", "neighbour_average",
                          "neighbours_with_data", "region_average", "england_average", "england_with_data", "rank",
                          "quartile", "rate_per_10k_children", "england_average_rate_per_10k", "quote", "fact_id",
                          "flags", "caveats"],
}
#: Not shown in the HTML table (still in its CSV and JSON): the comparison's caveats are the
#: council's alone and are in its summary.
HIDDEN_COLUMNS = {"compare_with_neighbours": {"position", "caveats"}}
AVERAGE_ROLES = {"neighbours' average": "neighbours", "region average": "region", "England average": "england"}


def ordered_columns(query: str, columns: list[str]) -> list[str]:
    """A benchmarking query's columns in reading order (see COLUMN_ORDER)."""
    order = [c for c in COLUMN_ORDER.get(query, []) if c in columns]
    hidden = HIDDEN_COLUMNS.get(query, set())
    return order + [c for c in columns if c not in order and c not in hidden]


def corpus_dir() -> Path:

    return Path(os.environ.get(CORPUS_ENV) or CORPUS_DIR)


def page_cache() -> Path:
    return Path(os.environ.get(PAGE_CACHE_ENV) or DEFAULT_PAGE_CACHE)


async def _once(db, key: str, read):
    """`read()`'s result, read once per served database (it is immutable): kept on Datasette's
    database object, so another database served by the same process is read afresh."""
    cache = db.__dict__.setdefault("_complaints_site_cache", {})
    if key not in cache:
        cache[key] = await read()
    return cache[key]


async def columns(db, table: str) -> set[str]:
    async def read():
        return {row[1] for row in (await db.execute(f"pragma table_info([{table}])")).rows}

    return await _once(db, f"columns:{table}", read)


async def has_status(db) -> bool:
    return "status" in await columns(db, "facts")


# -- words for measures and categories ----------------------------------------------------------

@dataclass
class Vocabulary:
    """The database's `measures` and `categories` tables: the one source of words for the site."""

    labels: dict[str, str]
    kinds: dict[str, str | None]
    categories: dict[tuple[str | None, str], str]

    def measure(self, measure: str | None) -> str:
        return self.labels.get(measure or "", measure or "")

    def category(self, measure: str | None, category: str | None) -> str | None:
        if not category:
            return None
        return self.categories.get((self.kinds.get(measure or ""), category), category.replace("_", " "))

    def what(self, measure, stage, category=None) -> str:
        """'Stage 1 complaints received', 'Complaints by outcome (upheld)'."""
        return words.what_words(self.measure(measure), stage, self.category(measure, category))

    def key(self, row) -> str:
        """A benchmark key in words: 'Stage 1 complaints received', '... (percent)' in another unit."""
        unit = row["unit"] or "count"
        return self.what(row["measure"], row["stage"], row["category"]) + (f" ({unit})" if unit != "count" else "")

    def fact(self, row) -> str:
        """'Stage 1 complaints received: 9'."""
        return words.fact_words(self.measure(row["measure"]), row["stage"], self.category(row["measure"], row["category"]),
                                row["value"], row["unit"])


async def vocabulary(db) -> Vocabulary:
    async def read():
        measure_columns = await columns(db, "measures")
        label = "label" if "label" in measure_columns else "measure"
        kind = "category_kind" if "category_kind" in measure_columns else "null"
        rows = (await db.execute(f"select measure, {label}, {kind} from measures")).rows if measure_columns else []
        categories = {}
        if await columns(db, "categories"):
            categories = {(r[0], r[1]): r[2] for r in (await db.execute("select kind, category, label from categories")).rows}
        return Vocabulary({r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}, categories)

    return await _once(db, "vocabulary", read)


# -- links ----------------------------------------------------------------------------------------

def query_url(datasette, database: str, query: str, params: dict) -> str:
    """A canned query's address with every parameter in it (empty ones too: they are answers)."""
    return f"{datasette.urls.database(database)}/{query}?{urlencode(params)}"


def benchmark_params(row) -> dict:
    """The comparison form's parameters for a benchmark row (or a fact)."""
    get = (lambda k: row[k] if k in row.keys() else None) if hasattr(row, "keys") else row.get
    return {"council": get("council_name") or get("authority_name"), "measure": get("measure"),
            "stage": get("stage") or "", "year": get("period"), "category": get("category") or "",
            "unit": get("unit") or "count"}


# -- the fact page -------------------------------------------------------------------------------

def fact_context(fact: dict, document: dict, path: Path) -> provenance.Located:
    """The fact's quote found again in its archived file, in the way its format allows."""
    fmt = document["format"]
    bbox = tuple(json.loads(fact["bbox"])) if fact.get("bbox") else None
    if fmt == "pdf" and fact.get("page"):
        return provenance.pdf_context(path, fact["page"], bbox, fact["quote"], fact["value"], fact["method"])
    if fmt == "text":
        return provenance.text_context(path, fact.get("line"), fact["quote"], fact["value"], fact["method"])
    return provenance.blocks_context(path, fact.get("block"), fact["quote"], fact["value"], fact["method"])


def _where(fact: dict, document: dict, located: provenance.Located | None) -> str:
    """'page 1, in a table', 'line 17 of the text', 'block 12 of the document as read'."""
    kind = {"table": "in a table", "list": "in a list", "chart": "in a chart's data", "text": "in the text"}.get(
        fact.get("method"), "")
    if document["format"] == "pdf" and fact.get("page"):
        where = f"page {fact['page']}"
    elif document["format"] == "text":
        marked = [line.number for line in (located.lines if located else []) if line.marks]
        where = f"line {marked[0] if marked else fact.get('line')}"
    else:
        where = f"block {fact.get('block')} as read"
    return f"{where}, {kind}" if kind else where


async def report_link(document: dict) -> tuple[str | None, Path | None, str | None]:
    """(address of the archived file, its path, why it cannot be served)."""
    url = provenance.report_url(document["sha256"], document["format"])
    if url is None or not document.get("path"):
        return None, None, "this document has no archived file of a known format"
    try:
        path = await asyncio.to_thread(provenance.report_file, corpus_dir(), document["path"], document["sha256"])
    except provenance.ReportFileError as exc:
        return None, None, str(exc)
    return url, path, None


async def fact_page(datasette, db, fact_id: str) -> dict | None:
    row = (await db.execute("select * from facts where id = ?", [fact_id])).first()
    if row is None:
        return None
    fact = dict(row)
    vocab = await vocabulary(db)
    document_row = (await db.execute("select * from documents where sha256 = ?", [fact["document_sha256"]])).first()
    document = dict(document_row) if document_row else None
    page = {
        "fact": fact,
        "words": vocab.fact(fact),
        "what": vocab.what(fact["measure"], fact["stage"], fact["category"]),
        "value": words.value_words(fact["value"], fact["unit"]),
        "measure_label": vocab.measure(fact["measure"]),
        "category_label": vocab.category(fact["measure"], fact["category"]),
        "status": await fact_status(db, fact),
        "document": document,
        "document_url": datasette.urls.row(db.name, "documents", fact["document_sha256"]),
        "check_url": f"/check/{fact['document_sha256']}",
        "benchmarks": await _benchmarks_of(datasette, db, vocab, fact["id"]),
        **_format_words(document),
    }
    if document is None:
        page["problem"] = "the document this fact was read from is not in the documents table"
        return page
    url, path, problem = await report_link(document)
    page["problem"] = problem
    page["report_url"] = url
    if url and document["format"] == "pdf" and fact.get("page"):
        page["report_url"] = f"{url}#page={fact['page']}"
        page["picture_url"] = f"/reports/{document['sha256']}/page-{fact['page']}.png?fact={fact['id']}"
    located = await asyncio.to_thread(fact_context, fact, document, path) if path else None
    page["located"] = located
    page["where"] = _where(fact, document, located)
    return page


async def fact_status(db, fact: dict) -> dict:
    """The fact's checking status in words, with its confidence."""
    status = fact.get("status") if await has_status(db) else None
    name, meaning = words.status_words(status)
    return {"status": status or "unchecked", "name": name, "meaning": meaning, "confidence": fact.get("confidence")}


async def _benchmarks_of(datasette, db, vocab: Vocabulary, fact_id) -> list[dict]:
    """The comparisons a fact's value is used in, with their addresses."""
    if not await columns(db, "benchmark_sources"):
        return []
    rows = (await db.execute(
        "select b.* from benchmark b where b.id in (select benchmark_id from benchmark_sources "
        "where fact_id = ? and used = 1) order by b.period, b.measure", [fact_id])).rows
    return [{"words": f"{row['council_name']}, {row['period']}: {vocab.key(row)}",
             "url": query_url(datasette, db.name, "compare_with_neighbours", benchmark_params(row))} for row in rows]


# -- the document and checking pages ------------------------------------------------------------

async def status_counts(db, sha256: str) -> list[dict]:
    """How many of a document's facts have each checking status (all 'not checked' without one)."""
    if not await has_status(db):
        total = (await db.execute("select count(*) from facts where document_sha256 = ?", [sha256])).first()[0]
        name, meaning = words.status_words(None)
        return [{"status": "unchecked", "name": name, "meaning": meaning, "count": total}] if total else []
    rows = (await db.execute("select status, count(*) from facts where document_sha256 = ? group by status",
                             [sha256])).rows
    counts = {r[0] or "unchecked": r[1] for r in rows}
    order = [s for s in STATUS_ORDER if s in counts] + sorted(set(counts) - set(STATUS_ORDER))
    return [{"status": s, "name": words.status_words(s if s != "unchecked" else None)[0],
             "meaning": words.status_words(s if s != "unchecked" else None)[1], "count": counts[s]} for s in order]


def _format_words(document: dict | None) -> dict:
    """'PDF', and the council's original format when the archived file is an extraction of it."""
    fmt, original = (document or {}).get("format"), (document or {}).get("original_format")
    return {"format_words": FORMAT_WORDS.get(fmt, fmt or "unknown"),
            "original_words": FORMAT_WORDS.get(original, original) if original and original != fmt else None}


async def document_page(datasette, db, sha256: str) -> dict | None:
    row = (await db.execute("select * from documents where sha256 = ?", [sha256])).first()
    if row is None:
        return None
    document = dict(row)
    url, _, problem = await report_link(document)
    methods = (await db.execute("select method, count(*) from facts where document_sha256 = ? group by method "
                                "order by count(*) desc", [sha256])).rows
    used = (await db.execute("select count(distinct fact_id) from benchmark_sources where used = 1 and fact_id in "
                             "(select id from facts where document_sha256 = ?)", [sha256])).first()[0] \
        if await columns(db, "benchmark_sources") else 0
    return {
        "document": document,
        "heading": document.get("label") or document.get("title") or document.get("file_name"),
        "report_url": url,
        "problem": problem,
        **_format_words(document),
        "statuses": await status_counts(db, sha256),
        "methods": [{"method": m[0], "count": m[1]} for m in methods],
        "used_in_benchmarks": used,
        "facts_url": f"{datasette.urls.table(db.name, 'facts')}?{urlencode({'document_sha256': sha256})}",
        "check_url": f"/check/{sha256}",
    }


async def check_page(datasette, db, sha256: str, status: str | None = None) -> dict | None:
    """Every fact of one document with its status, words and quote, the ones needing a check first."""
    page = await document_page(datasette, db, sha256)
    if page is None:
        return None
    vocab = await vocabulary(db)
    with_status = await has_status(db)
    sql = "select * from facts where document_sha256 = ?"
    params = [sha256]
    if status and with_status:
        sql += " and status = ?"
        params.append(status)
    rows = [dict(r) for r in (await db.execute(sql, params)).rows]
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    rows.sort(key=lambda f: (rank.get(f.get("status"), len(rank)) if with_status else 0,
                             f.get("page") or 0, f.get("line") or 0, f.get("block") or 0, f["id"]))
    facts = []
    for fact in rows:
        name, meaning = words.status_words(fact.get("status") if with_status else None)
        facts.append({"fact": fact, "words": vocab.fact(fact), "status": fact.get("status") or "unchecked",
                      "status_name": name, "status_meaning": meaning,
                      "where": _where(fact, page["document"], None),
                      "url": datasette.urls.row(db.name, "facts", str(fact["id"]))})
    page.update({"facts": facts, "status_filter": status, "with_status": with_status})
    return page


# -- the benchmarking form and the comparison pages ----------------------------------------------

async def _form_lists(db) -> dict:
    """The form's lists, read once: councils with figures, and the measures, stages, categories
    and units in the benchmark table (each list of distinct values is read from an index)."""
    async def read():
        if not await columns(db, "benchmark"):
            return {"councils": [], "measures": [], "stages": [], "categories": [], "units": [], "all_councils": 0}

        async def distinct(sql):
            return [tuple(r) for r in (await db.execute(sql)).rows]

        vocab = await vocabulary(db)
        return {
            "councils": [(r[0], r[0]) for r in await distinct("select distinct council_name from benchmark order by 1")],
            "measures": sorted(((r[0], vocab.measure(r[0])) for r in await distinct(
                "select distinct measure from benchmark")), key=lambda m: m[1]),
            "stages": [(r[0], STAGE_LABELS.get(r[0], r[0]) if r[0] else "no stage (all stages, or not split)")
                       for r in await distinct("select distinct stage from benchmark order by 1")],
            "categories": sorted({(r[1], vocab.category(r[0], r[1]) or "none (a total)") for r in await distinct(
                "select distinct measure, category from benchmark")}),
            "units": [(r[0], r[0]) for r in await distinct("select distinct unit from benchmark order by 1")],
            "all_councils": (await db.execute("select count(*) from councils where current")).first()[0],
        }

    return await _once(db, "form_lists", read)


async def council_name(db, asked: str | None) -> str | None:
    """The name the benchmark table gives a council asked for by any of its names or its code."""
    codes = matching_codes(asked or "")
    if not codes or not await columns(db, "benchmark"):
        return None
    row = (await db.execute(f"select council_name from benchmark where council_code in ({', '.join('?' * len(codes))}) "
                            "order by period desc limit 1", codes)).first()
    return row[0] if row else None


async def council_options(db, council: str) -> list[dict]:
    """What one council has figures for: measure, stage, category, unit and its years (newest first)."""
    if not await columns(db, "benchmark"):
        return []
    options: dict[tuple, list[str]] = {}
    for row in (await db.execute("select measure, stage, category, unit, period from benchmark where council_name = ? "
                                 "order by measure, stage, category, unit, period desc", [council])).rows:
        options.setdefault(tuple(row[:4]), []).append(row[4])
    return [dict(zip(KEY_FIELDS, key), years=years) for key, years in options.items()]


async def _default_council(db) -> str:
    """The first council with the default figure, else the first council with any."""
    async def read():
        row = (await db.execute("select min(council_name) from benchmark where measure = ? and stage = ? "
                                "and category = ? and unit = ?", [DEFAULT_KEY[f] for f in KEY_FIELDS])).first()
        lists = await _form_lists(db)
        return row[0] if row and row[0] else (lists["councils"][0][0] if lists["councils"] else "")

    return await _once(db, "default_council", read)


async def benchmark_form(db, args) -> dict:
    """The /benchmark form: choices that exist, defaults that have data, the chosen council's years."""
    lists = await _form_lists(db)
    chosen = {field: args.get(field) for field in FORM_FIELDS}
    chosen["council"] = await council_name(db, chosen["council"]) or await _default_council(db)
    options = await council_options(db, chosen["council"])
    if chosen["measure"] is None:  # nothing asked: the default figure if the council has it, else its first
        usable = [o for o in options if {f: o[f] for f in KEY_FIELDS} == DEFAULT_KEY] or options
        for field in KEY_FIELDS:
            chosen[field] = usable[0][field] if usable else DEFAULT_KEY[field]
    for field in ("stage", "category", "unit"):
        chosen[field] = chosen[field] or ("count" if field == "unit" else "")
    match = next((o for o in options if all(o[f] == chosen[f] for f in KEY_FIELDS)), None)
    years = match["years"] if match else []
    if not chosen["year"] or chosen["year"] not in years:
        chosen["year"] = years[0] if years else (chosen["year"] or "")
    return {**lists, "chosen": chosen, "years": [(y, y) for y in years], "options": options,
            "has_figure": match is not None}


async def explain_empty(datasette, db, query: str, params: dict) -> dict:
    """Why a comparison has no rows, and links to what exists (the command line's explanations)."""
    council = (params.get("council") or "").strip()
    vocab = await vocabulary(db)
    key = {f: (params.get(f) or "").strip() for f in KEY_FIELDS}
    key["unit"] = key["unit"] or "count"
    key["stage"] = key["stage"].replace(" ", "").lower()
    year = (params.get("year") or "").strip().replace("/", "-")
    what = vocab.key(key)
    if query != "measure_across_councils":
        if not council:
            return {"message": "Choose a council.", "links": []}
        if not matching_codes(council):
            return {"message": words.sentence(unknown_council(council)), "links": []}
        name = await council_name(db, council)
        if not name:
            return {"message": f"There are no figures for {council} yet: none of its reports has been read.",
                    "links": []}
        options = await council_options(db, name)
        same = next((o for o in options if all(o[f] == key[f] for f in KEY_FIELDS)), None)
        if same:
            links = [(y, query_url(datasette, db.name, query, {**_form(params), "council": name, "year": y}))
                     for y in same["years"]]
            return {"message": f"{name} has no figure for {what} in {year or 'the year asked'}. "
                               "Years with one:", "links": links}
        links = [(f"{vocab.key(o)}, {o['years'][0]}",
                  query_url(datasette, db.name, query, {"council": name, **{f: o[f] for f in KEY_FIELDS},
                                                          "year": o["years"][0]}))
                 for o in options]
        return {"message": f"{name} has no figure for {what}. Figures it has:", "links": links}
    years = [r[0] for r in (await db.execute(
        "select distinct period from benchmark where measure = ? and stage = ? and category = ? and unit = ? "
        "order by period desc", [key[f] for f in KEY_FIELDS])).rows] if await columns(db, "benchmark") else []
    if years:
        links = [(y, query_url(datasette, db.name, query, {**_form(params), "year": y})) for y in years]
        return {"message": f"No council has a figure for {what} in {year or 'the year asked'}. Years with figures:",
                "links": links}
    return {"message": f"No council has a figure for {what} yet.", "links": []}


def _form(params: dict) -> dict:
    return {f: params.get(f) or "" for f in FORM_FIELDS if f in params}


def summary(row: dict, vocab: Vocabulary) -> dict:
    """The comparison's summary in words: the change (in percentage points for a percentage),
    flags as sentences, and which averages rest on too few councils."""
    return {
        "what": vocab.what(row["measure"], row["stage"], row["category"]),
        "value": words.value_words(row["value"], row["unit"]),
        "change": words.change_words(row["change"], row["change_percent"], row["previous_value"], row["unit"],
                                     row["period"]),
        "previous_period": shift(row["period"], -1),
        "flags": words.flag_words(row),
        "rank": words.rank_words(row),
        "weak": {
            "neighbours": words.low_coverage(row["neighbours_with_data"], row["neighbours"], neighbours=True),
            "region": words.low_coverage(row["region_with_data"], row["region_councils"]),
            "england": words.low_coverage(row["england_with_data"], row["england_councils"]),
        },
    }


async def comparison(datasette, db, params: dict) -> dict | None:
    """The benchmark row a comparison page shows, with its summary in words and its fact's status."""
    codes = matching_codes(params.get("council") or "")
    if not codes or not await columns(db, "benchmark"):
        return None
    row = (await db.execute(
        f"select * from benchmark where council_code in ({', '.join('?' * len(codes))}) and measure = ? "
        "and stage = ? and period = ? and category = ? and unit = ? limit 1",
        [*codes, (params.get("measure") or "").strip(), (params.get("stage") or "").replace(" ", "").lower().strip(),
         (params.get("year") or "").strip().replace("/", "-"), (params.get("category") or "").strip(),
         (params.get("unit") or "").strip() or "count"])).first()
    if row is None:
        return None
    row = dict(row)
    vocab = await vocabulary(db)
    fact = (await db.execute("select * from facts where id = ?", [row["fact_id"]])).first()
    return {
        "row": row,
        **summary(row, vocab),
        "fact": dict(fact) if fact else None,
        "fact_url": datasette.urls.row(db.name, "facts", str(row["fact_id"])) if fact else None,
        "fact_status": await fact_status(db, dict(fact)) if fact else None,
        "over_time_url": query_url(datasette, db.name, "council_over_time", benchmark_params(row)),
    }
