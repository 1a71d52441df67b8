"""The `complaints` command: thin commands that call the pipeline's stages."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click

DEFAULT_DB = "complaints.db"
DEFAULT_PORT = 8001
_CORPUS_OPTION = dict(type=click.Path(file_okay=False, path_type=Path),
                      help="Corpus folder with manifest.csv and reports/ (default: the bundled corpus).")


@click.group()
@click.version_option(package_name="csc-complaints")
def main() -> None:
    """Read councils' children's social care complaints reports into sourced facts,
    and publish them as a SQLite database with Datasette."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object {document, facts, rejected} (rejected: facts a person rejected in verifications.csv).")
@click.option("--council", help="The council, when the document does not say (name or ONS code).")
@click.option("--year", "period", help="The reporting year, e.g. 2023-24, when the document does not say.")
@click.option("--accepted-only", is_flag=True,
              help="Only facts accepted by calibration or checked by a person (verified, corrected).")
@click.option("--verifications", "verifications_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="People's decisions to apply (default: corpus/verifications.csv).")
def extract(file: Path, as_json: bool, council: str | None, period: str | None, accepted_only: bool,
            verifications_path: Path | None) -> None:
    """Extract the facts of one report (PDF, DOCX, HTML or text).

    The council and year are read from the document itself unless given. Each fact has a
    calibrated confidence and a status: accepted, needs_check, or a person's decision from
    verifications.csv (verified, corrected; rejected facts are left out and counted).

    Example:

        complaints extract corpus/reports/004_0f72ccf6eb1b7efb.txt --json

        complaints extract corpus/reports/004_0f72ccf6eb1b7efb.txt --accepted-only
    """
    from normalise.verifications import DEFAULT_VERIFICATIONS, apply_verifications, by_document, load_verifications
    from pipeline.run import extract_file
    from schemas import TRUSTED_STATUSES, check_period
    from schemas.errors import VerificationError

    if period:
        try:
            check_period(_normal_period(period))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--year") from exc
        period = _normal_period(period)
    if not file.exists():
        raise click.ClickException(f"{file}: no such file")
    extraction = extract_file(file, council=council, period=period)
    try:
        decisions = by_document(load_verifications(verifications_path or DEFAULT_VERIFICATIONS))
    except VerificationError as exc:
        raise click.ClickException(str(exc)) from exc
    verified = apply_verifications(extraction.facts, decisions.get(extraction.document.sha256, []))
    extraction.facts, extraction.rejected = verified.facts, verified.rejected
    extraction.warnings += [f"a decision fits no fact: {o.reason}" for o in verified.orphans]
    if accepted_only:
        extraction.facts = [f for f in extraction.facts if f.status in TRUSTED_STATUSES]
    if as_json:
        payload = {
            "document": extraction.document.model_dump(mode="json")
            | {"status": extraction.status.value, "error": extraction.error, "warnings": extraction.warnings},
            "facts": [fact.model_dump(mode="json") for fact in extraction.facts],
            "rejected": [r.model_dump(mode="json") for r in extraction.rejected],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        _print_extraction(extraction)
    if extraction.error and extraction.status.value in {"failed", "unidentified"}:
        if as_json:  # the summary printed it already; with --json, standard error carries the one line
            click.echo(f"Error: {extraction.error}", err=True)
        sys.exit(1)


def _normal_period(text: str) -> str:
    from schemas.periods import parse_period

    return parse_period(text) or text


def _print_extraction(extraction) -> None:
    doc = extraction.document
    click.echo(f"{doc.file_name}  {doc.format.value}  sha256 {doc.sha256[:12]}…")
    statuses = Counter(f.status.value for f in extraction.facts)
    statuses.update({"rejected": len(extraction.rejected)} if extraction.rejected else {})
    click.echo(f"council: {doc.authority_name or '?'} ({doc.authority_code or '?'})  period: {doc.period or '?'}  "
               f"status: {extraction.status.value}  facts: {len(extraction.facts)}"
               + (f" ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})" if statuses else ""))
    if extraction.error:
        click.echo(f"error: {extraction.error}")
    for warning in extraction.warnings:
        click.echo(f"warning: {warning}")
    if not extraction.facts:
        return
    header = (f"{'period':<8} {'measure':<30} {'stage':<7} {'category':<28} {'value':>9} {'unit':<7} {'where':<7} "
              f"{'status':<11} {'conf':>5}  quote")
    click.echo(header)
    click.echo("-" * len(header))
    for f in extraction.facts:
        p = f.provenance
        where = f"p{p.page}" if p.page else (f"l{p.line}" if p.line else f"b{p.block}")
        category = f.category or (f"[{f.category_raw}]" if f.category_raw else "")
        quote = p.quote.replace("\n", " ")
        click.echo(f"{f.period:<8} {f.measure.value:<30} {(f.stage.value if f.stage else ''):<7} {category[:28]:<28} "
                   f"{f.value:>9g} {f.unit.value:<7} {where:<7} {f.status.value:<11} {p.confidence:>5.3f}  {quote[:60]}")


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
    from schemas.errors import BuildAborted, VerificationError

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
    except VerificationError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if progress is not None:
            progress.close()
    click.echo(
        f"Built {report.db_path}: {report.documents} documents{f' ({pages} PDF pages)' if pages else ''}, {report.facts} facts "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.by_status.items()))}); {report.warnings} warnings; "
        f"{report.verifications_applied} verification decisions applied"
    )
    for orphan in report.orphaned:
        d = orphan.decision
        click.echo(f"warning: verifications.csv line {d.line}: {d.decision.value} of {d.measure.value} {d.value:g} "
                   f"({d.period}) fits no fact: {orphan.reason}", err=True)
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
    and the archived report files at /reports/<sha256>.<ext>. Datasette names the database
    after its file: complaints.db is at /complaints, my.db at /my.

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
@click.option("--given-identity", is_flag=True,
              help="Give each document the council and year of its gold file, as a manifest row would "
                   "(for pages that do not name them; tests/real has a manifest instead).")
@click.option("-v", "--verbose", is_flag=True, help="List missed and extra facts.")
def evaluate(gold_dir: Path, corpus_dir: Path | None, given_identity: bool, verbose: bool) -> None:
    """Score extraction against gold facts: recall and precision per document and overall,
    the reliability of confidence (band -> facts, right, precision), and the precision and
    recall of the accepted facts alone.

    Example:

        complaints evaluate --gold tests/gold -v

        complaints evaluate --gold tests/real --corpus tests/real
    """
    from pipeline.evaluate import accepted_score, describe_fact, describe_gold, evaluate_folder, reliability_table

    results = evaluate_folder(gold_dir, corpus_dir, given_identity=given_identity)
    if not results:
        raise click.ClickException(f"no document in the corpus matches a gold file in {gold_dir}")
    width = max([36] + [len(score.name) for score, _ in results])
    click.echo(f"{'document':<{width}} {'council':<26} {'period':<8} {'gold':>5} {'found':>6} {'extra':>6} {'recall':>7} "
               f"{'precision':>9} {'accepted':>8}")
    for score, extraction in results:
        doc = extraction.document
        accepted = accepted_score(score)
        precision = f"{score.precision:.3f}" if score.extracted else "-"  # nothing published: no precision to give
        click.echo(f"{score.name:<{width}} {(doc.authority_name or '?')[:26]:<26} {doc.period or '?':<8} {score.gold:>5} "
                   f"{len(score.matched):>6} {len(score.extra):>6} {score.recall:>7.3f} {precision:>9} "
                   f"{accepted.extracted:>8}")
        if verbose:
            for miss in score.missed:
                click.echo(f"    missed: {describe_gold(miss)}")
            for fact, right in sorted(score.labelled(), key=lambda pair: pair[0].provenance.block or 0):
                if not right:
                    click.echo(f"    extra:  {describe_fact(fact)}  [{fact.status.value} {fact.provenance.confidence:g}]")
    all_facts = _totals(score for score, _ in results)
    accepted = _totals(accepted_score(score) for score, _ in results)
    click.echo(f"{'overall':<{width}} {'':<26} {'':<8} {all_facts.gold:>5} {all_facts.matched:>6} "
               f"{all_facts.extracted - all_facts.matched:>6} {all_facts.recall:>7.3f} {all_facts.precision:>9.3f} "
               f"{accepted.extracted:>8}")
    click.echo("(found: gold facts extracted; extra: extracted facts not in the gold; accepted: extracted facts "
               "whose calibrated confidence reaches the threshold, the rest are needs_check)")
    click.echo("")
    click.echo("reliability of confidence (every extracted fact):")
    click.echo(f"  {'confidence':<11} {'facts':>6} {'right':>6} {'precision':>9}")
    for band in reliability_table(results):
        precision = f"{band.precision:.3f}" if band.facts else "-"
        click.echo(f"  {band.label:<11} {band.facts:>6} {band.correct:>6} {precision:>9}")
    click.echo(f"accepted facts: {accepted.extracted} of {all_facts.extracted}, {accepted.matched} right: "
               f"precision {_ratio(accepted.matched, accepted.extracted)}, "
               f"recall {_ratio(accepted.matched, accepted.gold)} (all facts: {all_facts.recall:.3f})")


@dataclass
class _Totals:
    gold: int = 0
    matched: int = 0
    extracted: int = 0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 0.0


def _totals(scores) -> _Totals:
    totals = _Totals()
    for score in scores:
        totals.gold += score.gold
        totals.matched += len(score.matched)
        totals.extracted += score.extracted
    return totals


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


@main.command()
@click.option("--dimensions", default=None, metavar="A,B,...",
              help="Evidence dimensions, most telling first (default: agreement,scope,rule). Names: agreement, method, "
                   "rule, period, category, or an evidence prefix such as scope or frame.")
@click.option("--prior-strength", type=click.FloatRange(min=0), default=None,
              help="Pseudo-facts a bin's parent counts for (default 10).")
@click.option("--target", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Precision accepted facts must reach on the calibration sets (default 0.95).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write it (default: normalise/data/calibration.yaml, which extraction uses).")
@click.option("--dry-run", is_flag=True, help="Print the calibration; write nothing.")
def calibrate(dimensions: str | None, prior_strength: float | None, target: float | None, out: Path | None,
              dry_run: bool) -> None:
    """Fit confidence on the calibration sets (tests/gold, generality, heldout, blind/batch_a) and choose the
    threshold for accepted facts. Re-run after any change to the finders.

    Every extracted fact of the calibration sets is labelled right or wrong by the evaluation
    matcher; facts are binned by their evidence; each bin's share right (smoothed toward its
    parent) becomes the confidence of its facts. The held-out and real sets are never used:
    `complaints evaluate` measures the result on them.

    Example:

        complaints calibrate

        complaints calibrate --dimensions agreement,scope,rule --dry-run
    """
    from normalise.trust import CALIBRATION_FILE, DEFAULT_DIMENSIONS, DEFAULT_PRIOR_STRENGTH, TARGET_PRECISION
    from pipeline.calibrate import run_calibration
    from schemas.errors import CalibrationError

    chosen = tuple(d.strip() for d in dimensions.split(",") if d.strip()) if dimensions else DEFAULT_DIMENSIONS
    destination = None if dry_run else (out or CALIBRATION_FILE)
    try:
        calibration = run_calibration(dimensions=chosen, out=destination,
                                      prior_strength=DEFAULT_PRIOR_STRENGTH if prior_strength is None else prior_strength,
                                      target=target or TARGET_PRECISION)
    except CalibrationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"fitted on {', '.join(calibration.fitted_on)}; dimensions: {', '.join(calibration.dimensions)}; "
               f"prior strength {calibration.prior_strength:g}")
    click.echo(f"{'bin':<44} {'facts':>6} {'right':>6} {'probability':>11}")
    for found in calibration.bins.values():
        click.echo(f"{' / '.join(found.path) or '(all)':<44} {found.facts:>6} {found.correct:>6} "
                   f"{found.probability:>11.3f}")
    click.echo("")
    click.echo("reliability, leave-one-document-out (each document scored by bins fitted without it):")
    click.echo(f"  {'confidence':<11} {'facts':>6} {'right':>6} {'precision':>9}")
    for band in calibration.reliability:
        precision = f"{band.precision:.3f}" if band.facts else "-"
        click.echo(f"  {band.label:<11} {band.facts:>6} {band.correct:>6} {precision:>9}")
    click.echo(f"log loss (leave-one-document-out, lower is better): {calibration.log_loss}")
    click.echo(f"threshold for accepted: {calibration.threshold:g} ({calibration.reason})")
    click.echo(f"written to {destination}" if destination else "dry run: nothing written")


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--council", help="A council (name or ONS code): check its documents in the corpus.")
@click.option("--year", "period", help="A reporting year, e.g. 2023-24: check the corpus's documents for it.")
@click.option("--accept", "accepts", multiple=True, metavar="ID", help="Record that the fact is right (repeatable).")
@click.option("--reject", "rejects", multiple=True, metavar="ID", help="Record that the fact is no fact (repeatable).")
@click.option("--note", default="", help="With --accept/--reject: why (kept with the decision).")
@click.option("--who", default=None, help="Who decides (default: git's user.name, else the login name).")
@click.option("--all", "include_accepted", is_flag=True, help="Walk through accepted facts too, not only needs-check ones.")
@click.option("--corpus", "corpus_dir", **_CORPUS_OPTION)
@click.option("--verifications", "verifications_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The decisions file (default: verifications.csv in the corpus folder).")
@click.option("--no-cache", is_flag=True, help="Read the documents again instead of using cached extractions.")
def verify(file: Path | None, council: str | None, period: str | None, accepts: tuple[str, ...],
           rejects: tuple[str, ...], note: str, who: str | None, include_accepted: bool, corpus_dir: Path | None,
           verifications_path: Path | None, no_cache: bool) -> None:
    """Check facts by hand: accept, reject or correct each fact that needs checking, seeing
    it in its context (the lines around it, or its PDF page's text).

    Decisions go to verifications.csv at once (each in one atomic write) and are applied at
    every build, matched by document, key and value, so they survive rebuilds. Fact ids are
    the `ref` of `complaints extract --json` and of the facts table.

    Example:

        complaints verify corpus/reports/001_8a475261652e58a2.txt

        complaints verify --council Thurrock --year 2023-24

        complaints verify --council Thurrock --year 2023-24 --accept 58353920a951 --note "checked p4"
    """
    from normalise.verifications import load_verifications, verifications_path as default_path
    from pipeline.batch import DEFAULT_CACHE
    from pipeline.verify import all_facts, decide, default_who, find, select_documents, waiting
    from schemas import Decision
    from schemas.errors import VerificationError

    if file is None and not (council or period):
        raise click.UsageError("give a FILE, or --council and --year (or one of them) to check the corpus's documents")
    period = _normal_period(period) if period else None
    path = verifications_path or default_path(corpus_dir)
    who = who or default_who()
    try:
        jobs = select_documents(corpus_dir, council, period, file)
        pending = all_facts(jobs, load_verifications(path), council, period, None if no_cache else DEFAULT_CACHE)
        if accepts or rejects:
            for refs, decision in ((accepts, Decision.ACCEPT), (rejects, Decision.REJECT)):
                for ref in refs:
                    fact = find(pending, ref).fact
                    decide(fact, decision, path, who, note)
                    click.echo(f"recorded: {decision.value} {ref} ({fact.measure.value} {fact.value:g}) in {path}")
            click.echo("rebuild to apply: complaints build")
            return
    except VerificationError as exc:
        raise click.ClickException(str(exc)) from exc
    queue = waiting(pending, include_accepted)
    if not queue:
        click.echo("Nothing to check: no fact of these documents needs checking.")
        return
    recorded = _walk(queue, path, who)
    click.echo(f"{recorded} decision(s) recorded in {path}; rebuild to apply: complaints build")


def _walk(queue, path: Path, who: str) -> int:
    """The interactive loop of `verify`: one prompt per fact; returns the decisions recorded."""
    from pipeline.verify import decide, describe, fact_context
    from schemas import Decision
    from schemas.errors import VerificationError

    actions = {"a": Decision.ACCEPT, "r": Decision.REJECT, "c": Decision.CORRECT}
    recorded = 0
    for number, pending in enumerate(queue, start=1):
        fact = pending.fact
        where = fact.provenance
        place = f"page {where.page}" if where.page else (f"line {where.line}" if where.line else f"block {where.block}")
        click.echo("")
        click.echo(click.style(f"[{number}/{len(queue)}] {describe(fact)}", bold=True))
        click.echo(f"{pending.path.name}, {place}; id {fact.ref}")
        click.echo(fact_context(fact, pending.path, pending.format))
        while True:
            choice = click.prompt("accept, reject, correct, skip or quit? [a/r/c/s/q]",
                                  type=click.Choice(["a", "r", "c", "s", "q"]), show_choices=False)
            if choice == "q":
                return recorded
            if choice == "s":
                break
            corrections = _ask_corrections(fact) if choice == "c" else {}
            if choice == "c" and not corrections:
                click.echo("nothing changed: accept it instead, or give the right value")
                continue
            note = click.prompt("note (optional)", default="", show_default=False)
            try:
                decide(fact, actions[choice], path, who, note, **corrections)
            except VerificationError as exc:
                click.echo(f"not recorded: {exc}")
                continue
            recorded += 1
            click.echo(f"recorded: {actions[choice].value}")
            break
    return recorded


def _ask_corrections(fact) -> dict:
    """Ask for the right value, measure, stage and category (Enter keeps each; 'none' clears)."""
    from schemas import CLEARED

    value = click.prompt("value", default=f"{fact.value:g}", type=float)
    measure = click.prompt("measure", default=fact.measure.value)
    stage = click.prompt("stage (none for no stage)", default=fact.stage.value if fact.stage else CLEARED)
    category = click.prompt("category (none for no category)", default=fact.category or CLEARED)
    corrections = {}
    if value != fact.value:
        corrections["corrected_value"] = value
    if measure != fact.measure.value:
        corrections["corrected_measure"] = measure
    if stage != (fact.stage.value if fact.stage else CLEARED):
        corrections["corrected_stage"] = stage
    if category != (fact.category or CLEARED):
        corrections["corrected_category"] = category
    return corrections


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
@click.option("--include-needs-check", is_flag=True,
              help="Also use facts that need checking (not accepted by calibration); they are flagged.")
def benchmark(council: str, measure: str, stage: str, period: str | None, category: str, unit: str, db_path: Path,
              grade: str | None, include_needs_check: bool) -> None:
    """Compare a council's figure with its statistical neighbours, region and England.

    Prints the neighbours' average and how many have data, region and England averages,
    rank and quartile, change from the year before, rates per 10,000 children and per
    1,000 referrals, flags and caveats, then each neighbour's figure, and the council's
    Ofsted judgement in force at the end of the year. With --ofsted, England's average and
    the council's rank among only the councils with that judgement (Ofsted's judgements as
    extracted by Data to Insight: a third-party extraction, not an official statistic).
    Only accepted, verified and corrected facts are used unless --include-needs-check.

    Example:

        complaints benchmark "Thurrock" --measure complaints_received --stage stage1 --year 2023-24

        complaints benchmark Thurrock --measure complaints_received --stage stage1 --year 2023-24 --ofsted good
    """
    from publish.benchmark import compare, format_comparison
    from publish.ofsted import england_with_judgement, format_council_judgement, format_judgement_group
    from schemas.errors import BenchmarkError

    try:
        comparison = compare(db_path, council, measure, _normal_period(period) if period else None,
                             stage=stage.replace(" ", "").lower(), category=category, unit=unit,
                             include_needs_check=include_needs_check)
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
