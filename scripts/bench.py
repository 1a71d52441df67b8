"""Speed and memory benchmark: `make bench`.

Generates a realistic corpus of report PDFs from the fixture generator (the five seed
layouts, each re-issued for other councils and years, with appendix pages of case studies)
and prints, measured in this one run on this machine:

* pages per second for the whole pipeline (read, find, normalise), and its ratio to
  pdfplumber's own cost of opening each page and calling extract_text() and
  extract_tables() (the floor for a pdfplumber pipeline), and to poppler's pdftotext;
* the full build time cold (nothing cached), warm (all cached) and after adding one report;
* peak memory (RSS, the build and its workers together);
* a synthetic national-scale database (153 councils x 15 years, about a million facts):
  its build time and the p50/p95 latency of the benchmarking and facet pages served by
  Datasette over HTTP on 127.0.0.1.

Targets (from the issue): pipeline cost at most 1.5x the pdfplumber floor; warm rebuild
under 10 s; peak memory under 1 GiB; benchmarking pages p95 under 200 ms.
Usage: python scripts/bench.py [--reports 200] [--out bench-out] [--skip-national]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_FLOOR_RATIO = 1.5
TARGET_WARM_SECONDS = 10.0
TARGET_PEAK_BYTES = 1 << 30
TARGET_P95_MS = 200.0

FILLER = (
    "Case study {n}. The complainant was unhappy with the way the service communicated a change to the "
    "arrangements for their family. The manager met the family, explained the reasons for the decision and "
    "apologised that the letter had not been sent sooner. The service has since reminded staff of the "
    "importance of writing to families promptly when plans change, and the team manager now checks that "
    "letters are sent before a plan is closed. The family said they were satisfied with the response and "
    "did not ask for the complaint to be considered further."
)


def load_fixture_module():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


# -- the corpus ----------------------------------------------------------------------------------

def _shift_years(text: str, years: int) -> str:
    def pair(match: re.Match) -> str:
        first = int(match.group(1)) + years
        second = match.group(3)
        shifted = str((first + 1) % 100).zfill(2) if len(second) == 2 else str(first + 1)
        return f"{first}{match.group(2)}{shifted}"

    text = re.sub(r"\b(20\d\d)(\s*[/-]\s*)(\d{4}|\d{2})\b", pair, text)
    return re.sub(r"\b(April|March)\s+(20\d\d)\b", lambda m: f"{m.group(1)} {int(m.group(2)) + years}", text)


def _variant(job: tuple[int, int, str, str, int, int, str]) -> tuple[str, int]:
    """Write one report: a seed layout re-issued for another council and year."""
    from corpus.files import sha256_of  # noqa: F401  (warm import in the worker)
    from schemas import Paragraph

    look_index, number, council, old_council, years, filler_paragraphs, out = job
    fixtures = load_fixture_module()
    look = fixtures.LOOKS[look_index]
    source = fixtures.load(look)

    def rewrite(text: str) -> str:
        text = text.replace(old_council, council)
        return _shift_years(text, years)

    blocks = []
    for block in source.blocks:
        update = {}
        if hasattr(block, "text") and block.kind != "table":
            update["text"] = rewrite(block.text)
        if block.kind == "table":
            update["rows"] = [[cell.model_copy(update={"text": rewrite(cell.text)}) for cell in row] for row in block.rows]
        if block.kind == "chart":
            update["categories"] = [rewrite(c) for c in block.categories]
        blocks.append(block.model_copy(update=update))
    start = len(blocks)
    blocks.append(source.blocks[0].__class__(index=start, text="Appendix: case studies", level=2)
                  if source.blocks[0].kind == "heading" else Paragraph(index=start, text="Appendix: case studies"))
    for n in range(filler_paragraphs):
        blocks.append(Paragraph(index=start + 1 + n, text=FILLER.format(n=n + 1)))
    first_year = int(re.match(r"(\d{4})", look.year).group(1)) + years
    look = fixtures.ReportLook(**{**look.__dict__, "council": f"{council} Council",
                                  "year": f"{first_year}/{(first_year + 1) % 100:02d}"})
    variant = fixtures.Source(look, blocks, source.section_numbers)
    path = Path(out) / f"{look.stem}-{number:03d}.pdf"
    fixtures.make_pdf(variant, path)
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return str(path), len(pdf.pages)


def make_corpus(directory: Path, reports: int, workers: int) -> list[tuple[Path, int]]:
    from normalise.councils import load_registry

    directory.mkdir(parents=True, exist_ok=True)
    existing = sorted(directory.glob("*.pdf"))
    if len(existing) == reports:
        import pdfplumber

        counted = []
        for path in existing:
            with pdfplumber.open(path) as pdf:
                counted.append((path, len(pdf.pages)))
        return counted
    for path in existing:
        path.unlink()
    fixtures = load_fixture_module()
    councils = sorted(c.name for c in load_registry().current())
    originals = [re.sub(r"\s+Council$", "", look.council).replace("&", "and") for look in fixtures.LOOKS]
    rng = random.Random(2024)
    jobs = []
    for number in range(reports):
        look_index = number % len(fixtures.LOOKS)
        council = councils[(number * 7) % len(councils)].split(",")[0]
        jobs.append((look_index, number, council, originals[look_index], rng.randint(-4, 1), rng.randint(45, 70),
                     str(directory)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [(Path(p), n) for p, n in pool.map(_variant, jobs)]


def long_report(path: Path, pages: int) -> Path:
    """A report of `pages` pages of text, for the memory and time of one huge document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(pages):
        pdf.setFont("Helvetica", 10)
        for line in range(50):
            pdf.drawString(60, 760 - line * 14, f"Case {number * 50 + line}: the team met the family, explained the "
                                                f"decision and apologised for the delay in writing.")
        pdf.showPage()
    pdf.save()
    return path


# -- measurements --------------------------------------------------------------------------------

def pdfplumber_floor(paths: list[Path]) -> float:
    import pdfplumber

    start = time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.flush_cache()
    return time.perf_counter() - start


def pdftotext_time(paths: list[Path]) -> float | None:
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    start = time.perf_counter()
    for path in paths:
        subprocess.run([tool, "-layout", str(path), os.devnull], check=True)
    return time.perf_counter() - start


def pipeline_time(paths: list[Path]) -> float:
    from pipeline.run import extract_file

    extract_file(paths[0])  # warm the imports and caches, as a build's workers are
    start = time.perf_counter()
    for path in paths:
        extract_file(path)
    return time.perf_counter() - start


class PeakMemory:
    """Samples the resident memory of a process and all its children."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self, pid: int) -> list[int]:
        pids = [pid]
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                for child in children:
                    pids.extend(self._tree(int(child)))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
        return pids

    def _rss(self, pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._rss(p) for p in set(self._tree(self.pid))))
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


def timed_build(corpus: Path, db: Path, cache: Path, workers: int) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "cli", "build", "--corpus", str(corpus), "--db", str(db), "--quiet",
               "--workers", str(workers), "--cache", str(cache)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory(process.pid) as memory:
        out, err = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 2):
        raise RuntimeError(f"build failed ({process.returncode}): {err[-2000:]}")
    return elapsed, memory.peak, out.strip().splitlines()[-1] if out.strip() else ""


# -- national scale -------------------------------------------------------------------------------

NATIONAL_YEARS = 15
TEAMS = {"Family Support Team": "child_in_need", "Children Looked After Team": "children_looked_after",
         "Assessment Team": "assessment", "Child Protection Team": "child_protection",
         "Leaving Care Team": "care_leavers", "Fostering Team": "fostering"}
SERVICES = {f"{team} {n}": service for team, service in TEAMS.items() for n in range(1, 10)} | {
    "MASH": "front_door", "Disabled Children": "disabled_children", "Adoption": "adoption", "Early Help": "early_help",
    "Youth Justice": "youth_justice"}
THEMES = {"Communication": "communication", "Lack of support": "quality_of_service", "Delay": "delay",
          "Staff conduct": "staff_conduct", "Disagree with decision": "decision", "Finance": "finance",
          "Contact arrangements": "contact_arrangements", "Placement issues": "placement",
          "Data protection": "data_protection", "Policy": "policy"}
THEME_QUARTERS = 16  # themes printed by quarter and sub-theme: many rows per report


def synthetic_extractions(years: int):
    """SYNTHETIC facts for every current council and `years` years: about a million.

    Never published: they exist only in the benchmark's own database under bench-out/."""
    from schemas import Extraction
    from normalise.councils import load_registry
    from schemas.periods import make_period
    from schemas import DocumentFormat, Fact, Provenance, SourceDocument

    rng = random.Random(7)
    councils = sorted(load_registry().current(), key=lambda c: c.code)
    for council in councils:
        for offset in range(years):
            period = make_period(2024 - years + offset)
            name = f"SYNTHETIC-{council.code}-{period}.txt"
            digest = hashlib.sha256(name.encode()).hexdigest()
            provenance = Provenance(document_sha256=digest, document_name=name, line=1, quote="SYNTHETIC figure",
                                    method="table", confidence=0.9)
            base = dict(authority_code=council.code, authority_name=council.name, period=period, provenance=provenance,
                        status="accepted")
            facts = []
            total = rng.randint(20, 400)
            facts.append(Fact(**base, measure="complaints_received", value=total, unit="count"))
            for stage, share in (("stage1", 0.9), ("stage2", 0.08), ("stage3", 0.02)):
                received = round(total * share)
                facts.append(Fact(**base, measure="complaints_received", stage=stage, value=received, unit="count"))
                for outcome in ("upheld", "partially_upheld", "not_upheld", "withdrawn", "ineligible", "in_progress"):
                    count = rng.randint(0, max(1, received // 3))
                    facts.append(Fact(**base, measure="complaints_by_outcome", stage=stage, category=outcome,
                                      category_raw=outcome.replace("_", " ").title(), value=count, unit="count"))
                    facts.append(Fact(**base, measure="complaints_by_outcome", stage=stage, category=outcome,
                                      category_raw=outcome.replace("_", " ").title(),
                                      value=round(100 * count / max(received, 1), 1) if received else 0, unit="percent"))
            for band in ("within_10_days", "within_20_days", "outside_timescale"):
                facts.append(Fact(**base, measure="complaints_by_response_time", stage="stage1", category=band,
                                  category_raw=band, value=rng.randint(0, total), unit="count"))
            facts.append(Fact(**base, measure="complaints_in_timescale", stage="stage1", value=rng.randint(40, 100),
                              unit="percent"))
            facts.append(Fact(**base, measure="compliments_received", value=rng.randint(10, 600), unit="count"))
            for enquiry in ("mp", "councillor"):
                facts.append(Fact(**base, measure="enquiries_received", category=enquiry, category_raw=enquiry,
                                  value=rng.randint(0, 80), unit="count"))
            facts.append(Fact(**base, measure="lgsco_complaints", value=rng.randint(0, 20), unit="count"))
            for service, canonical in SERVICES.items():
                for measure in ("complaints_by_service", "complaints_upheld_by_service", "compliments_by_service",
                                "enquiries_by_service"):
                    facts.append(Fact(**base, measure=measure, category=canonical, category_raw=service,
                                      value=rng.randint(0, 25), unit="count", category_method="alias"))
            for theme, canonical in THEMES.items():
                for quarter in range(THEME_QUARTERS):
                    facts.append(Fact(**base, measure="complaints_by_theme", category=canonical,
                                      category_raw=f"{theme} > part {quarter + 1}", value=rng.randint(0, 30),
                                      unit="count", category_method="alias"))
            source = SourceDocument(file_name=name, sha256=digest, format=DocumentFormat.TEXT, size_bytes=1,
                                    authority_code=council.code, authority_name=council.name, period=period,
                                    title="SYNTHETIC national-scale benchmark report", identified_by="manifest")
            yield Path(name), None, Extraction(document=source, facts=facts)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def latencies(base: str, paths: list[str], repeats: int) -> list[float]:
    import httpx

    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in paths:
            client.get(path)  # first hit warms Datasette's caches, as a visitor after the first would see
        for _ in range(repeats):
            for path in paths:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def national_benchmark(out: Path, requests: int, years: int = NATIONAL_YEARS) -> None:
    from publish.build import build
    from publish.serve import datasette_args, write_metadata

    db = out / "national.db"
    print(f"\nNational scale: SYNTHETIC facts for every council x {years} years (bench-out only, never published)")
    empty = out / "empty-corpus"  # the synthetic documents come straight from the generator
    empty.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    report = build(empty, db, extractions=synthetic_extractions(years))
    built = time.perf_counter() - start
    print(f"  build: {report.documents} documents, {report.facts:,} facts in {built:.0f} s "
          f"({db.stat().st_size / 2**20:.0f} MiB)")
    port = free_port()
    metadata = write_metadata(db, out)
    server = subprocess.Popen(datasette_args(db, "127.0.0.1", port, metadata), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import httpx

        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(base + "/-/versions.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        name = db.stem
        councils = ["E06000034", "E08000033", "E06000050", "E06000020", "E09000026"]
        benchmarking = [
            f"/benchmark?council={c}&measure=complaints_received&stage=stage1&year=2023-24" for c in councils
        ] + [
            f"/{name}/compare_with_neighbours?council={c}&measure=complaints_received&stage=stage1&year=2022-23"
            "&category=&unit=" for c in councils
        ] + [f"/{name}/council_over_time?council={c}&measure=complaints_received&stage=stage1&category=&unit="
             for c in councils[:2]]
        facets = [
            f"/{name}/facts?authority_code={c}&_facet=measure&_facet=period&_facet=stage" for c in councils
        ] + [f"/{name}/benchmark?measure=complaints_received&period=2023-24&_facet=region_name",
             f"/{name}/facts?measure=complaints_by_outcome&period=2023-24&_facet=category"]
        for title, paths in (("benchmarking pages", benchmarking), ("facet pages", facets)):
            times = latencies(base, paths, requests // len(paths) + 1)
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            line = f"  {title:<20} {len(times):>4} requests  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
            if title == "benchmarking pages":
                line += f"   target p95 <= {TARGET_P95_MS:g} ms  {'MET' if p95 <= TARGET_P95_MS else 'MISSED'}"
            print(line)
    finally:
        server.terminate()
        server.wait(timeout=10)


def ratio_line(name: str, value: float, target: float, unit: str = "", higher_is_worse: bool = True) -> str:
    met = value <= target if higher_is_worse else value >= target
    return f"{name:<52} {value:>10.2f}{unit:<4} target {'<=' if higher_is_worse else '>='} {target:g}{unit}  {'MET' if met else 'MISSED'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed and memory benchmark")
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=25, help="reports timed page by page against the floors")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--requests", type=int, default=40, help="requests per page type on the national site")
    parser.add_argument("--national-years", type=int, default=NATIONAL_YEARS)
    args = parser.parse_args(argv)
    out: Path = args.out
    corpus = out / "corpus"
    reports_dir = corpus / "reports"
    print(f"Machine: {os.cpu_count()} cores; workers {args.workers}; python {sys.version.split()[0]}")

    start = time.perf_counter()
    made = make_corpus(reports_dir, args.reports, args.workers)
    pages = sum(n for _, n in made)
    print(f"Corpus: {len(made)} report PDFs, {pages} pages ({time.perf_counter() - start:.0f} s to generate or check)")

    sample = [p for p, _ in made[:: max(1, len(made) // args.sample)]][: args.sample]
    sample_pages = sum(n for p, n in made if p in set(sample))
    floor = pdfplumber_floor(sample)
    poppler = pdftotext_time(sample)
    ours = pipeline_time(sample)
    print(f"\nPer-page cost on a sample of {len(sample)} reports ({sample_pages} pages), one process:")
    print(f"  pdfplumber floor (open + extract_text + extract_tables): {floor:.2f} s ({sample_pages / floor:.1f} pages/s)")
    if poppler is not None:
        print(f"  pdftotext (poppler, raw text):                           {poppler:.2f} s ({sample_pages / poppler:.1f} pages/s)")
    print(f"  whole pipeline (read, find, normalise):                  {ours:.2f} s ({sample_pages / ours:.1f} pages/s)")
    print("  " + ratio_line("pipeline / pdfplumber floor", ours / floor, TARGET_FLOOR_RATIO, "x"))
    if poppler is not None:
        print(f"  {'pipeline / pdftotext':<52} {ours / poppler:>10.2f}x   (reference only)")

    cache = out / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    db = out / "bench.db"
    print(f"\nFull build of the corpus ({len(made)} reports, {pages} pages, {args.workers} workers):")
    cold, cold_peak, summary = timed_build(corpus, db, cache, args.workers)
    print(f"  cold (nothing cached):  {cold:7.1f} s  {pages / cold:6.1f} pages/s   peak RSS {cold_peak / 2**20:6.0f} MiB   [{summary}]")
    warm, warm_peak, _ = timed_build(corpus, db, cache, args.workers)
    print(f"  warm (all cached):      {warm:7.1f} s                    peak RSS {warm_peak / 2**20:6.0f} MiB")
    added = reports_dir / "added-report.pdf"
    shutil.copy(ROOT / "tests" / "fixtures" / "documents" / "004_0f72ccf6eb1b7efb.pdf", added)
    one_more, _, _ = timed_build(corpus, db, cache, args.workers)
    added.unlink()
    print(f"  after adding a report:  {one_more:7.1f} s")
    print("  " + ratio_line("warm rebuild (s)", warm, TARGET_WARM_SECONDS, "s"))
    peak = max(cold_peak, warm_peak)
    print("  " + ratio_line("peak memory of the build (MiB)", peak / 2**20, TARGET_PEAK_BYTES / 2**20, ""))

    print("\nOne very large PDF (500 pages of text), read alone:")
    huge = long_report(out / "huge" / "huge.pdf", 500)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "cli", "extract", str(huge), "--json", "--council", "Medway",
                                "--year", "2022-23"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with PeakMemory(process.pid) as memory:
        process.wait()
    elapsed = time.perf_counter() - start
    print(f"  {elapsed:.1f} s ({500 / elapsed:.1f} pages/s), peak RSS {memory.peak / 2**20:.0f} MiB "
          f"(build time limit per document: 300 s)")
    # a report with no headings is one long section: its text must be shared, not copied per paragraph
    print("  " + ratio_line("peak memory of one 500-page PDF (MiB)", memory.peak / 2**20, TARGET_PEAK_BYTES / 2**20, ""))

    if not args.skip_national:
        national_benchmark(out, args.requests, args.national_years)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
