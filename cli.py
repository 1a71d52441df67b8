"""The `complaints` command: thin commands that call the pipeline's stages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DEFAULT_DB = "complaints.db"
DEFAULT_PORT = 8001


@click.group()
@click.version_option(package_name="csc-complaints")
def main() -> None:
    """Read councils' children's social care complaints reports into sourced facts,
    and publish them as a SQLite database with Datasette."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object {document, facts}.")
@click.option("--council", help="The council, when the document does not say (name or ONS code).")
@click.option("--year", "period", help="The reporting year, e.g. 2023-24, when the document does not say.")
def extract(file: Path, as_json: bool, council: str | None, period: str | None) -> None:
    """Extract the facts of one report (PDF, DOCX, HTML or text).

    The council and year are read from the document itself unless given.

    Example:

        complaints extract corpus/reports/004_0f72ccf6eb1b7efb.txt --json
    """
    from pipeline.run import extract_file
    from schemas import check_period

    if period:
        try:
            check_period(_normal_period(period))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--year") from exc
        period = _normal_period(period)
    if not file.exists():
        raise click.ClickException(f"{file}: no such file")
    extraction = extract_file(file, council=council, period=period)
    if as_json:
        payload = {
            "document": extraction.document.model_dump(mode="json")
            | {"status": extraction.status.value, "error": extraction.error, "warnings": extraction.warnings},
            "facts": [fact.model_dump(mode="json") for fact in extraction.facts],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        _print_extraction(extraction)
    if extraction.error and extraction.status.value in {"failed", "unidentified"}:
        click.echo(f"Error: {extraction.error}", err=True)
        sys.exit(1)


def _normal_period(text: str) -> str:
    from schemas.periods import parse_period

    return parse_period(text) or text


def _print_extraction(extraction) -> None:
    doc = extraction.document
    click.echo(f"{doc.file_name}  {doc.format.value}  sha256 {doc.sha256[:12]}…")
    click.echo(f"council: {doc.authority_name or '?'} ({doc.authority_code or '?'})  period: {doc.period or '?'}  "
               f"status: {extraction.status.value}  facts: {len(extraction.facts)}")
    if extraction.error:
        click.echo(f"error: {extraction.error}")
    for warning in extraction.warnings:
        click.echo(f"warning: {warning}")
    if not extraction.facts:
        return
    header = f"{'period':<8} {'measure':<30} {'stage':<7} {'category':<28} {'value':>9} {'unit':<7} {'where':<10} quote"
    click.echo(header)
    click.echo("-" * len(header))
    for f in extraction.facts:
        p = f.provenance
        where = f"p{p.page}" if p.page else (f"l{p.line}" if p.line else f"b{p.block}")
        category = f.category or (f"[{f.category_raw}]" if f.category_raw else "")
        quote = p.quote.replace("\n", " ")
        click.echo(f"{f.period:<8} {f.measure.value:<30} {(f.stage.value if f.stage else ''):<7} {category[:28]:<28} "
                   f"{f.value:>9g} {f.unit.value:<7} {where:<10} {quote[:70]}")


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Corpus folder with manifest.csv and reports/ (default: the bundled corpus).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="Database to write.")
@click.option("--strict", is_flag=True, help="Stop at the first document that cannot be read; keep the old database.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes extracting in parallel (default: the number of cores).")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where extractions are cached by SHA-256 and extractor version (default: .cache/extractions).")
@click.option("--no-cache", is_flag=True, help="Read every document again.")
@click.option("--timeout", type=click.IntRange(min=1), default=None,
              help="Seconds allowed for one document before it is recorded as failed (default: 300).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def build(corpus_dir: Path | None, db_path: Path, strict: bool, workers: int | None, cache_dir: Path | None,
          no_cache: bool, timeout: int | None, quiet: bool) -> None:
    """Build the SQLite database from the corpus.

    Documents are extracted in parallel and cached, so a rebuild reads only new or changed
    files. Exits 0 when every document was read and identified, 2 when some were not (they
    are recorded in the database's documents and ingest_log tables).

    Example:

        complaints build --db complaints.db
    """
    import os

    from corpus.manifest import load_corpus
    from pipeline.batch import DEFAULT_CACHE, DEFAULT_TIMEOUT
    from publish.build import build as run_build
    from schemas.errors import BuildAborted

    entries = load_corpus(corpus_dir).entries()
    progress = None
    if not quiet:
        from tqdm import tqdm

        progress = tqdm(total=len(entries), unit="doc", desc="extracting", file=sys.stderr, dynamic_ncols=True)
    pages = 0

    def on_document(path: Path, extraction) -> None:
        nonlocal pages
        pages += extraction.document.pages or 0
        if progress is None:
            return
        progress.update(1)
        progress.set_postfix(pages=pages, refresh=False)
        if extraction.status.value in {"failed", "unidentified"}:
            progress.write(f"  {extraction.error}", file=sys.stderr)

    try:
        report = run_build(
            corpus_dir, db_path, strict=strict, on_document=on_document,
            workers=workers or os.cpu_count() or 1,
            cache_dir=None if no_cache else (cache_dir or DEFAULT_CACHE),
            timeout=timeout or DEFAULT_TIMEOUT,
        )
    except BuildAborted as exc:
        raise click.ClickException(f"build stopped (--strict): {exc}") from exc
    finally:
        if progress is not None:
            progress.close()
    click.echo(
        f"Built {report.db_path}: {report.documents} documents{f' ({pages} PDF pages)' if pages else ''}, {report.facts} facts "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.by_status.items()))}); {report.warnings} warnings"
    )
    if report.failed:
        click.echo(f"{report.failed} document(s) could not be read or identified; see the documents table.", err=True)
        sys.exit(2)


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Corpus folder the database was built from, whose report files the site serves "
                   "(default: the bundled corpus).")
def serve(db_path: Path, port: int, host: str, corpus_dir: Path | None) -> None:
    """Serve the database with Datasette (read-only), with titles, descriptions and licences,
    and the archived report files at /reports/<sha256>.<ext>.

    Example:

        complaints serve --db complaints.db --port 8001
    """
    from publish.serve import PortInUseError, serve as run_serve

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database yet; run `complaints build` first")
    try:
        run_serve(db_path, host=host, port=port, corpus_dir=corpus_dir)
    except PortInUseError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The built database whose unmapped labels to list.")
@click.option("--accept", "assignments", multiple=True, metavar="LABEL=ID",
              help="Record that a printed label means a canonical id (repeatable).")
@click.option("--council", default="*", show_default=True,
              help="With --accept: the GSS code of the one council the decision is for, or * for all.")
@click.option("--note", default="", help="With --accept: why (kept in normalise/overrides.csv).")
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON.")
@click.option("--overrides", "overrides_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The overrides file to write (default: normalise/overrides.csv).")
def review(db_path: Path, assignments: tuple[str, ...], council: str, note: str, as_json: bool,
           overrides_path: Path | None) -> None:
    """List printed labels (services, themes, remedies) no category was confidently found
    for, or record a decision on one.

    Decisions are written to normalise/overrides.csv and win over fuzzy matching at the
    next build.

    Example:

        complaints review

        complaints review --accept "Oaktree Centre=early_help" --note "contact centre, p5"
    """
    from schemas.errors import TaxonomyError
    from normalise.review import accept, parse_assignment, review_queue

    if assignments:
        for assignment in assignments:
            try:
                label, canonical_id = parse_assignment(assignment)
                written = accept(label, canonical_id, council=council, note=note,
                                 **({"path": overrides_path} if overrides_path else {}))
            except (ValueError, TaxonomyError) as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(f"recorded: {written.label!r} -> {written.category} for {written.council} "
                       f"(overrides.csv line {written.line}); rebuild to apply")
        return
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database yet; run `complaints build` first")
    rows = review_queue(_unmapped_facts(db_path))
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("The review queue is empty: every printed label has a category.")
        return
    click.echo(f"{'label':<44} {'kind':<8} {'facts':>5}  {'councils':<22} best candidates (score)")
    for row in rows:
        candidates = ", ".join(f"{c} ({s:.0f})" for c, s in row.candidates[:3]) or "-"
        click.echo(f"{row.label[:44]:<44} {row.kind:<8} {row.facts:>5}  {', '.join(row.councils)[:22]:<22} {candidates}")
    click.echo(f"{len(rows)} labels wait for a decision: complaints review --accept 'LABEL=ID'")


def _unmapped_facts(db_path: Path):
    import sqlite_utils

    from schemas import Fact

    db = sqlite_utils.Database(db_path)
    for row in db.query("select * from facts where category_method = 'unmapped'"):
        yield Fact(
            **{k: row[k] for k in ("authority_code", "authority_name", "period", "measure", "stage", "category",
                                   "category_raw", "category_method", "category_score", "value", "unit")},
            provenance={"document_sha256": row["document_sha256"], "document_name": row["document_name"],
                        "page": row["page"], "block": row["block"], "line": row["line"], "quote": row["quote"],
                        "method": row["method"], "confidence": row["confidence"]},
        )


@main.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of gold files (<document stem>.json).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the documents are (default: the bundled corpus). Every format of a document is scored.")
@click.option("-v", "--verbose", is_flag=True, help="List missed and extra facts.")
def evaluate(gold_dir: Path, corpus_dir: Path | None, verbose: bool) -> None:
    """Score extraction against gold facts: recall and precision per document and overall.

    Example:

        complaints evaluate --gold tests/gold -v
    """
    from pipeline.evaluate import describe_fact, describe_gold, evaluate_folder

    results = evaluate_folder(gold_dir, corpus_dir)
    if not results:
        raise click.ClickException(f"no document in the corpus matches a gold file in {gold_dir}")
    matched = gold = extracted = 0
    click.echo(f"{'document':<36} {'council':<26} {'period':<8} {'gold':>5} {'found':>6} {'extra':>6} {'recall':>7} {'precision':>9}")
    for score, extraction in results:
        doc = extraction.document
        click.echo(f"{score.name:<36} {(doc.authority_name or '?')[:26]:<26} {doc.period or '?':<8} {score.gold:>5} "
                   f"{len(score.matched):>6} {len(score.extra):>6} {score.recall:>7.3f} {score.precision:>9.3f}")
        matched += len(score.matched)
        gold += score.gold
        extracted += score.extracted
        if verbose:
            for miss in score.missed:
                click.echo(f"    missed: {describe_gold(miss)}")
            for extra in score.extra:
                click.echo(f"    extra:  {describe_fact(extra)}")
    recall = matched / gold if gold else 1.0
    precision = matched / extracted if extracted else 0.0
    click.echo(f"{'overall':<36} {'':<26} {'':<8} {gold:>5} {matched:>6} {extracted - matched:>6} {recall:>7.3f} {precision:>9.3f}")



@main.command()
@click.argument("council")
@click.option("--measure", required=True, help="A measure, e.g. complaints_received (see the measures table).")
@click.option("--stage", default="", help="stage1, stage2 or stage3; leave out for figures without a stage.")
@click.option("--year", "period", help="Reporting year, e.g. 2023-24 (default: the latest with a figure).")
@click.option("--category", default="", help="Category, for measures that have them (e.g. upheld).")
@click.option("--unit", default="count", show_default=True, help="count, percent, days or gbp.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True)
@click.option("--ofsted", "grade", metavar="GRADE",
              help="Also compare with England's councils whose Ofsted judgement in force in that year is GRADE "
                   "(Outstanding, Good, 'Requires improvement', Inadequate).")
def benchmark(council: str, measure: str, stage: str, period: str | None, category: str, unit: str, db_path: Path,
              grade: str | None) -> None:
    """Compare a council's figure with its statistical neighbours, region and England.

    Prints the neighbours' average and how many have data, region and England averages,
    rank and quartile, change from the year before, rates per 10,000 children and per
    1,000 referrals, flags and caveats, then each neighbour's figure, and the council's
    Ofsted judgement in force at the end of the year. With --ofsted, England's average and
    the council's rank among only the councils with that judgement (Ofsted's judgements as
    extracted by Data to Insight: a third-party extraction, not an official statistic).

    Example:

        complaints benchmark "Thurrock" --measure complaints_received --stage stage1 --year 2023-24

        complaints benchmark Thurrock --measure complaints_received --stage stage1 --year 2023-24 --ofsted good
    """
    from publish.benchmark import compare, format_comparison
    from publish.ofsted import england_with_judgement, format_council_judgement, format_judgement_group
    from schemas.errors import BenchmarkError

    try:
        comparison = compare(db_path, council, measure, _normal_period(period) if period else None,
                             stage=stage.replace(" ", "").lower(), category=category, unit=unit)
        group = england_with_judgement(db_path, comparison.row, grade) if grade else None
        judgement = format_council_judgement(db_path, comparison.row)
    except BenchmarkError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_comparison(comparison))
    if judgement:
        click.echo(judgement)
    if group is not None:
        click.echo(format_judgement_group(comparison.row, group))


# -- collecting reports ------------------------------------------------------------------------

_CORPUS_OPTION = dict(type=click.Path(file_okay=False, path_type=Path),
                      help="Corpus folder with manifest.csv and reports/ (default: the bundled corpus).")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--council", help="The council (name or ONS code); read from the document when left out.")
@click.option("--year", "period", help="The reporting year, e.g. 2023-24; read from the document when left out.")
@click.option("--url", help="Where the council published it (recorded as source_url; `complaints fetch` checks it).")
@click.option("--title", help="The report's title.")
@click.option("--licence", help="Its licence, e.g. 'Open Government Licence v3.0'.")
@click.option("--notes", help="A note for the manifest's notes column (what the file is, how it was made).")
@click.option("--corpus", "corpus_dir", **_CORPUS_OPTION)
def add(file: Path, council: str | None, period: str | None, url: str | None, title: str | None,
        licence: str | None, notes: str | None, corpus_dir: Path | None) -> None:
    """Add a local report file to the corpus: stored as reports/<sha256>.<ext>, with a manifest row.

    The council and year are checked against the council registry. Left out, they are read
    from the document; when it does not say, the row is added with them blank, to fill in.
    The same file added twice is stored once. A file the readers cannot read is refused.
    With --url, the address is noted in the corpus's sources.csv too.

    Example:

        complaints add thurrock-2023-24.pdf --council Thurrock --year 2023-24 --url https://www.thurrock.gov.uk/report.pdf
    """
    from pipeline.add import add_document
    from schemas.errors import AddError

    try:
        result = add_document(file, corpus_dir, council=council, period=period, url=url, title=title, licence=licence,
                              notes=notes)
    except AddError as exc:
        raise click.ClickException(str(exc)) from exc
    row = result.row
    if not result.added:
        click.echo(f"already in the corpus: {row.file} ({row.council or '?'} {row.period or '?'}); "
                   "the same file is stored once, no row added")
        return
    if result.detected:
        found = ", ".join(result.detected[k] for k in ("council", "period") if k in result.detected)
        click.echo(f"detected: {found} (from the document)")
    stored = "stored" if not result.stored.existed else "already stored"
    click.echo(f"added {row.file} ({stored}): {row.council or '?'} {row.period or '?'}, {row.format}, "
               f"{row.size_bytes:,} bytes")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command()
@click.option("--corpus", "corpus_dir", **_CORPUS_OPTION)
@click.option("--sources", "from_sources", is_flag=True,
              help="Fetch the known addresses in the corpus's sources.csv not fetched yet, instead of the manifest's "
                   "rows: committee pages are followed to the complaints documents they link.")
@click.option("--council", help="With --sources: only this council's addresses (name or ONS code).")
@click.option("--recheck", is_flag=True, help="With --sources: fetch addresses fetched before again.")
@click.option("--delay", type=click.FloatRange(min=0), default=None,
              help="Seconds between two requests to the same host (default 2).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds to wait to connect and between reads (default 30).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest file to download (default 50 MiB); a bigger one is stopped and recorded as failed.")
@click.option("--attempts", type=click.IntRange(1, 10), default=None,
              help="Tries per request on server errors and dropped connections, with back-off (default 3).")
def fetch(corpus_dir: Path | None, from_sources: bool, council: str | None, recheck: bool, delay: float | None,
          timeout: float | None, max_bytes: int | None, attempts: int | None) -> None:
    """Download the reports the manifest lists by URL, and check archived ones for changes;
    or, with --sources, fetch the corpus's known addresses (sources.csv).

    A row with a source_url and no archived file is downloaded; an archived one gets a
    conditional GET, and a changed report becomes a new version (new file, new row; the old
    ones are kept). With --sources, each address not fetched yet is requested: a committee
    page (ModernGov mgAi.aspx, ieIssueDetails.aspx...) is read for linked documents whose
    titles name complaints or representations, and those are archived with the page as their
    origin_url (a page that links none is archived itself); any other address is archived as
    it is. Every outcome is written to the manifest and sources.csv after each document, so an
    interrupted run is resumed by running it again. Exits 2 when a URL failed.

    Example:

        complaints fetch --delay 2 --timeout 30

        complaints fetch --sources --council Swindon
    """
    from corpus.fetch import fetch_corpus
    from corpus.follow import fetch_sources
    from pipeline.run import identify_file
    from pipeline.sources import council_selector
    from schemas.errors import UnknownCouncilError

    options = {k: v for k, v in dict(delay=delay, timeout=timeout, max_bytes=max_bytes, attempts=attempts).items()
               if v is not None}
    if (council or recheck) and not from_sources:
        raise click.UsageError("--council and --recheck go with --sources")

    def progress(result, indent: str = "") -> None:
        row = result.row
        click.echo(f"{indent}{result.outcome:<13} {(row.council or '?')[:26]:<26} {row.period or '?':<8} {result.url}")
        click.echo(f"{indent}              {result.detail}")

    def source_progress(result) -> None:
        source = result.source
        click.echo(f"{result.outcome:<13} {(source.council or '?')[:26]:<26} {source.period or '?':<8} {source.url}")
        click.echo(f"              {result.detail}")
        for document in result.documents:
            if document.url != source.url:
                progress(document, indent="  ")

    try:
        if from_sources:
            try:
                select = council_selector(council) if council else None
            except UnknownCouncilError as exc:
                raise click.BadParameter(str(exc), param_hint="--council") from exc
            summary = fetch_sources(corpus_dir, recheck=recheck, select=select, on_source=source_progress,
                                    identify=identify_file, **options)
            problems = len(summary.problems) + len(summary.documents.problems)
        else:
            summary = fetch_corpus(corpus_dir, on_document=progress, identify=identify_file, **options)
            problems = len(summary.problems)
    except KeyboardInterrupt:
        click.echo("interrupted: the manifest has every document done so far; run again to continue", err=True)
        sys.exit(130)
    click.echo(summary.describe())
    if problems:
        click.echo(f"{problems} URL(s) could not be archived; see the status columns of the manifest and sources.csv.",
                   err=True)
        sys.exit(2)


@main.command()
@click.option("--corpus", "corpus_dir", **_CORPUS_OPTION)
@click.option("--council", help="Only this council's addresses (name or ONS code).")
@click.option("--import", "list_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Add the addresses of a CSV list (columns council, period, url, kind, what_it_is) first.")
def sources(corpus_dir: Path | None, council: str | None, list_path: Path | None) -> None:
    """List the known addresses of reports (the corpus's sources.csv) and what became of each.

    The list grows with every `complaints add --url` and `complaints fetch`; --import adds
    a list of addresses (council names are checked against the registry; a children's trust
    named with its council in brackets is that council's). Addresses not fetched yet are
    fetched by `complaints fetch --sources`.

    Example:

        complaints sources --council Havering

        complaints sources --import more_addresses.csv
    """
    from corpus.sources import load_sources, sources_path
    from pipeline.sources import council_selector, import_sources
    from schemas.errors import SourcesError, UnknownCouncilError

    path = sources_path(corpus_dir)
    if list_path is not None:
        try:
            imported = import_sources(list_path, path, listed_by=f"imported from {list_path.name}")
        except SourcesError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"imported {list_path}: {len(imported.added)} addresses added, {len(imported.known)} already known")
    try:
        select = council_selector(council) if council else None
    except UnknownCouncilError as exc:
        raise click.BadParameter(str(exc), param_hint="--council") from exc
    rows = [row for row in load_sources(path) if select is None or select(row)]
    click.echo(f"{'council':<26} {'period':<8} {'kind':<15} {'status':<10} {'files':>5}  url")
    for row in sorted(rows, key=lambda r: ((r.council or "").casefold(), r.period or "", r.url)):
        click.echo(f"{(row.council or '?')[:26]:<26} {row.period or '?':<8} {(row.kind or '')[:15]:<15} "
                   f"{row.state or 'not fetched':<10} {len(row.files):>5}  {row.url}")
    states = [row.state or "not fetched" for row in rows]
    counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
    councils = {(row.council or "?").casefold() for row in rows}
    click.echo(f"{len(rows)} addresses for {len(councils)} councils: {counts or 'none'} ({path})")


@main.command()
@click.argument("council")
@click.option("--year", "period", help="The reporting year compared, e.g. 2023-24 (default: the council's latest "
                                       "year in the corpus).")
@click.option("--corpus", "corpus_dir", **_CORPUS_OPTION)
def neighbours(council: str, period: str | None, corpus_dir: Path | None) -> None:
    """List a council's 10 statistical neighbours and what the corpus has and lacks for each: the
    to-do list of a real comparison.

    The neighbours are DfE's model for the year (April 2021 before 2023-24, May 2025 from
    then). For the council and each neighbour: its status for the year, the years the corpus
    has, the years of the comparison it lacks (the year and the council's other years, first
    to last), the known addresses of its reports (sources.csv), and what to do: fetch a known
    address (`complaints fetch --sources --council NAME`) or find one. The site shows the same
    as "what is missing for this comparison".

    Example:

        complaints neighbours Thurrock --year 2023-24
    """
    from corpus.manifest import load_corpus
    from publish.neighbours import comparison_group, format_group
    from schemas.errors import UnknownCouncilError

    if period:
        try:
            period = check_year(period)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--year") from exc
    try:
        group = comparison_group(council, period, load_corpus(corpus_dir))
    except UnknownCouncilError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_group(group))


def check_year(text: str) -> str:
    """'2023/24' -> '2023-24'; ValueError for what is not one reporting year."""
    from schemas import check_period

    return check_period(_normal_period(text))


@main.command("corpus")
@click.option("--corpus", "corpus_dir", **_CORPUS_OPTION)
def corpus_command(corpus_dir: Path | None) -> None:
    """List the corpus: one line per document, then coverage (councils x years present, failed, missing).

    Example:

        complaints corpus --corpus corpus
    """
    from publish.coverage import FAILED, MISSING, PRESENT, coverage_from_manifest
    from corpus.manifest import CORPUS_DIR, load_corpus

    root = corpus_dir or CORPUS_DIR
    corpus = load_corpus(root)
    click.echo(f"{'council':<26} {'period':<8} {'format':<6} {'status':<12} file")
    for row in corpus.rows:
        exists = bool(row.file) and (corpus.root / row.file).is_file()
        # failed and refused rows show their reason in the coverage below
        status = row.state or ("ok" if exists else "not fetched" if row.source_url else "file missing")
        suffix = Path(row.file).suffix.lower().lstrip(".") if row.file else ""
        fmt = row.format or {"txt": "text", "md": "text", "htm": "html"}.get(suffix, suffix)
        click.echo(f"{(row.council or '?')[:26]:<26} {row.period or '?':<8} {fmt:<6} {status:<12} "
                   f"{row.file or row.source_url}")
    for path in corpus.unlisted:
        click.echo(f"{'?':<26} {'?':<8} {'':<6} {'no row':<12} "
                   f"{path.relative_to(corpus.root) if path.is_relative_to(corpus.root) else path}")

    coverage = coverage_from_manifest(corpus.rows, corpus.root)
    if not coverage.periods:
        click.echo("coverage: no document has both a council and a year yet")
    else:
        first, last = coverage.periods[0], coverage.periods[-1]
        named = coverage.named_councils
        click.echo(
            f"coverage: {len(coverage.councils)} councils x {len(coverage.periods)} years ({first} to {last}), "
            f"{len(coverage.cells)} council-years (each council's years with children's services): "
            f"{len(coverage.present)} present, {len(coverage.failed)} failed, {len(coverage.missing)} missing"
        )
        click.echo(f"{len(named)} councils have a row in the manifest; the other {len(coverage.councils) - len(named)} "
                   "have nothing yet (the site's coverage table lists every council)")
        marks = {PRESENT: "#", FAILED: "x", MISSING: "."}
        click.echo(f"{'':<26} " + " ".join(f"{p[2:]:>5}" for p in coverage.periods))
        for code, name in named:
            cells = {c.period: marks[c.status] for c in coverage.council_cells(code)}
            click.echo(f"{name[:26]:<26} " + " ".join(f"{cells.get(p, ' '):>5}" for p in coverage.periods))
        click.echo("(# present, x failed, . missing, blank: the council did not run children's services that year)")
        for code, name in named:
            gaps = [c.period for c in coverage.council_cells(code) if c.status == MISSING]
            if gaps:
                click.echo(f"missing: {name}: {', '.join(gaps)}")
        for cell in coverage.failed:
            click.echo(f"failed:  {cell.council} {cell.period}: {'; '.join(cell.details)}")
    if coverage.unplaced:
        click.echo(f"{len(coverage.unplaced)} row(s) have no council or year; fill them in in the manifest: "
                   + ", ".join(r.file or r.source_url for r in coverage.unplaced))
    for row, why in coverage.unknown:
        click.echo(f"not counted: {row.file or row.source_url}: {why}")
    if corpus.unlisted:
        click.echo(f"{len(corpus.unlisted)} file(s) in reports/ have no row and are not counted: "
                   "`complaints add FILE --council C --year Y` gives them one")


if __name__ == "__main__":
    main()
