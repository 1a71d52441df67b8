"""Extract many documents: in parallel, with a per-document time limit, cached by content.

A document's extraction is cached under its SHA-256, the council and year it was given, and
a fingerprint of the extractor (the source of extract/, normalise/ and schemas/ and their
data files), so an unchanged document is not read again and any change to the rules
invalidates every cached result without anyone remembering to bump a version.
"""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import lru_cache
from pathlib import Path

from corpus.files import sha256_of
from pipeline.run import extract_file, failed_extraction
from schemas import DocumentStatus, Extraction

ROOT = Path(__file__).resolve().parent.parent
FINGERPRINTED = ("extract", "normalise", "schemas", "pipeline")
DEFAULT_TIMEOUT = 300  # seconds for one document; a 500-page PDF takes well under this
DEFAULT_CACHE = ROOT / ".cache" / "extractions"


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A hash of the code and data that decide what is extracted."""
    digest = hashlib.sha256()
    for folder in FINGERPRINTED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".yaml", ".yml", ".csv"} and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    for path in sorted((ROOT / "reference").glob("la_codes*.csv")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionCache:
    def __init__(self, directory: Path | None):
        self.directory = Path(directory) if directory else None
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str, council: str | None, period: str | None) -> Path | None:
        if self.directory is None:
            return None
        given = hashlib.sha256(f"{council or ''}|{period or ''}".encode()).hexdigest()[:8]
        return self.directory / f"{sha256}-{extractor_fingerprint()}-{given}.json"

    def get(self, sha256: str, council: str | None, period: str | None) -> Extraction | None:
        path = self._path(sha256, council, period)
        if path is None or not path.exists():
            return None
        try:
            return Extraction.model_validate_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError):
            return None  # a damaged cache entry is read again, not trusted

    def put(self, sha256: str, council: str | None, period: str | None, extraction: Extraction) -> None:
        path = self._path(sha256, council, period)
        if path is None or extraction.status is DocumentStatus.FAILED and "took longer" in (extraction.error or ""):
            return
        temporary = path.with_suffix(".tmp")
        temporary.write_text(extraction.model_dump_json(), encoding="utf-8")
        os.replace(temporary, path)


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that readers' `except Exception` cannot swallow it."""


def _alarm(signum, frame):  # pragma: no cover - called by the OS
    raise _Timeout()


def extract_with_limit(path: Path, council: str | None, period: str | None, timeout: int | None) -> Extraction:
    """Extract one document, giving up after `timeout` seconds (in a worker's main thread)."""
    use_alarm = bool(timeout) and hasattr(signal, "SIGALRM")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(int(timeout))
    try:
        return extract_file(path, council=council, period=period)
    except _Timeout:
        return failed_extraction(Path(path), f"{Path(path).name}: took longer than {timeout} s to read; left out (is it huge or damaged?)")
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _work(job: tuple[str, str | None, str | None, int | None]) -> Extraction:
    path, council, period, timeout = job
    return extract_with_limit(Path(path), council, period, timeout)


def extract_many(
    jobs: Iterable[tuple[Path, str | None, str | None]],
    workers: int | None = None,
    cache_dir: Path | None = DEFAULT_CACHE,
    timeout: int | None = DEFAULT_TIMEOUT,
    on_result: Callable[[Path, Extraction, bool], None] | None = None,
) -> Iterator[tuple[Path, Extraction]]:
    """Extract documents, yielding (path, extraction) in the order given.

    `on_result(path, extraction, cached)` is called as each finishes, for progress.
    Results are streamed: at most a few documents per worker are held in memory.
    """
    cache = ExtractionCache(cache_dir)
    workers = max(1, workers or os.cpu_count() or 1)
    ordered: list[tuple[Path, str | None, str | None, str, Extraction | None]] = []
    for path, council, period in jobs:
        path = Path(path)
        digest = sha256_of(path) if path.is_file() else "0" * 64
        cached = cache.get(digest, council, period) if path.is_file() else None
        ordered.append((path, council, period, digest, cached))
    if workers == 1:
        for path, council, period, digest, cached in ordered:
            extraction = cached or extract_with_limit(path, council, period, timeout)
            if cached is None:
                cache.put(digest, council, period, extraction)
            if on_result:
                on_result(path, extraction, cached is not None)
            yield path, extraction
        return
    results: dict[int, Extraction] = {}
    next_to_yield = 0
    window = workers * 4  # bounded number of documents in flight: memory stays flat
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=50) as pool:
        futures = {}
        position = 0
        while next_to_yield < len(ordered):
            while position < len(ordered) and len(futures) + len(results) < window:
                path, council, period, digest, cached = ordered[position]
                if cached is not None:
                    results[position] = cached
                    if on_result:
                        on_result(path, cached, True)
                else:
                    futures[pool.submit(_work, (str(path), council, period, timeout))] = position
                position += 1
            if futures and next_to_yield not in results:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    index = futures.pop(future)
                    path, council, period, digest, _ = ordered[index]
                    try:
                        extraction = future.result()
                    except Exception as exc:  # a worker that died (out of memory, a crash in C code)
                        extraction = failed_extraction(path, f"{path.name}: the reader crashed ({type(exc).__name__}: {exc})")
                    cache.put(digest, council, period, extraction)
                    results[index] = extraction
                    if on_result:
                        on_result(path, extraction, False)
            while next_to_yield in results:
                yield ordered[next_to_yield][0], results.pop(next_to_yield)
                next_to_yield += 1
