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
    from extract.pipeline import extract_file
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
    from normalise.periods import parse_period

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
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def build(corpus_dir: Path | None, db_path: Path, strict: bool, quiet: bool) -> None:
    """Build the SQLite database from the corpus.

    Exits 0 when every document was read and identified, 2 when some were not (they are
    recorded in the database's documents and ingest_log tables).

    Example:

        complaints build --db complaints.db
    """
    from publish.build import BuildAborted, build as run_build

    def progress(path: Path, extraction) -> None:
        if quiet:
            return
        mark = {"ok": "ok", "no_facts": "no facts", "unidentified": "UNIDENTIFIED", "failed": "FAILED"}[extraction.status.value]
        click.echo(f"  {path.name:<45} {mark:<13} {len(extraction.facts):>5} facts", err=True)
        if extraction.error and extraction.status.value != "ok":
            click.echo(f"    {extraction.error}", err=True)

    try:
        report = run_build(corpus_dir, db_path, strict=strict, on_document=progress)
    except BuildAborted as exc:
        raise click.ClickException(f"build stopped (--strict): {exc}") from exc
    click.echo(
        f"Built {report.db_path}: {report.documents} documents, {report.facts} facts "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.by_status.items()))}); {report.warnings} warnings"
    )
    if report.failed:
        click.echo(f"{report.failed} document(s) could not be read or identified; see the documents table.", err=True)
        sys.exit(2)


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(db_path: Path, port: int, host: str) -> None:
    """Serve the database with Datasette (read-only), with titles, descriptions and licences.

    Example:

        complaints serve --db complaints.db --port 8001
    """
    from publish.serve import serve as run_serve

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database yet; run `complaints build` first")
    run_serve(db_path, host=host, port=port)


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
    from normalise.categories import TaxonomyError
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
    from extract.evaluate import describe_fact, describe_gold, evaluate_folder

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


if __name__ == "__main__":
    main()
