"""Random and mutated documents, fed to every reader: a clean error or a valid result,
never a crash or a hang."""

from __future__ import annotations

import signal
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.run import extract_file
from schemas import DocumentStatus
from tests.conftest import FIXTURE_DOCS, REPORTS_DIR

SECONDS_PER_DOCUMENT = 20
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@contextmanager
def time_limit(seconds: int):
    def stop(signum, frame):
        raise AssertionError(f"a reader took longer than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check(path):
    with time_limit(SECONDS_PER_DOCUMENT):
        extraction = extract_file(path)  # must not raise
    assert isinstance(extraction.status, DocumentStatus)
    if extraction.status is DocumentStatus.FAILED:
        assert extraction.error and extraction.error.startswith(path.name) and "\n" not in extraction.error
        assert extraction.facts == []
    for fact in extraction.facts:
        assert fact.provenance.document_sha256 == extraction.document.sha256
    return extraction


def mutate(data: bytes, edits: list[tuple[int, int]], cut: float | None) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    if cut is not None:
        buffer = buffer[: max(1, int(len(buffer) * cut))]
    return bytes(buffer)


EDITS = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=40)
CUTS = st.one_of(st.none(), st.floats(0.01, 1.0))


@FUZZ
@given(edits=EDITS, cut=CUTS)
def test_mutated_pdfs(tmp_path_factory, edits, cut):
    source = (FIXTURE_DOCS / "004_0f72ccf6eb1b7efb.pdf").read_bytes()
    path = tmp_path_factory.mktemp("pdf") / "mutated.pdf"
    path.write_bytes(mutate(source, edits, cut))
    check(path)


@FUZZ
@given(edits=EDITS, cut=CUTS)
def test_mutated_word_documents(tmp_path_factory, edits, cut):
    source = (FIXTURE_DOCS / "003_ced6d74cb9ed2c53.docx").read_bytes()
    path = tmp_path_factory.mktemp("docx") / "mutated.docx"
    path.write_bytes(mutate(source, edits, cut))
    check(path)


@FUZZ
@given(edits=EDITS, cut=CUTS)
def test_mutated_web_pages(tmp_path_factory, edits, cut):
    source = (FIXTURE_DOCS / "004_0f72ccf6eb1b7efb.html").read_bytes()
    path = tmp_path_factory.mktemp("html") / "mutated.html"
    path.write_bytes(mutate(source, edits, cut))
    check(path)


TEXTISH = st.lists(
    st.one_of(st.text(alphabet="abcXYZ 0123456789\t\n-•%()£,./:*#|", max_size=8),
              st.sampled_from(["Stage 1", " complaints ", "2023/24", "\tUpheld\t", "were upheld", "\n- ", "(10%)"])),
    max_size=80,
).map("".join)


@FUZZ
@given(body=TEXTISH)
def test_random_text_reports(tmp_path_factory, body):
    path = tmp_path_factory.mktemp("txt") / "random.txt"
    path.write_text("Thurrock Council complaints report 2023/24\n" + body, encoding="utf-8")
    check(path)


@FUZZ
@given(raw=st.binary(max_size=3000))
def test_random_bytes_of_any_kind(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bin") / "random.pdf"
    path.write_bytes(raw)
    check(path)


@FUZZ
@given(edits=EDITS, cut=CUTS)
def test_mutated_text_reports(tmp_path_factory, edits, cut):
    source = (REPORTS_DIR / "002_b2d53a85b4a9d071.txt").read_bytes()
    path = tmp_path_factory.mktemp("txt2") / "mutated.txt"
    path.write_bytes(mutate(source, [(p, v) for p, v in edits if 32 <= v < 127 or v in (9, 10)], cut))
    check(path)
