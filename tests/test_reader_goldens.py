"""Reader goldens: what each reader makes of each fixture document, committed as JSON.

tests/fixtures/readers/<file name>.json holds the blocks a reader gives for
tests/fixtures/documents/<file name> (kind, text, table rows with bold and italic cells, caption,
page or line, and the box rounded to a tenth of a point). A reader change shows up as a readable
diff of these files. They are written only by an explicit command:

    make reader-goldens          # READER_GOLDENS=1 pytest tests/test_reader_goldens.py

A missing golden fails (it is never written silently), and the flag must be off in CI.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from extract.readers import read
from tests.conftest import FIXTURE_DOCS, IN_CI, ROOT

GOLDENS = ROOT / "tests" / "fixtures" / "readers"
REGENERATE = os.environ.get("READER_GOLDENS", "") == "1"
DOCUMENTS = sorted(p for p in FIXTURE_DOCS.iterdir() if p.suffix in {".pdf", ".docx", ".html"})


def blocks_as_data(path: Path) -> dict:
    """The reader's output for one file, in a stable, readable form."""
    document = read(path)
    blocks = []
    for block in document.blocks:
        entry: dict = {"kind": block.kind}
        for name in ("page", "line"):
            if getattr(block, name) is not None:
                entry[name] = getattr(block, name)
        if block.bbox is not None:
            entry["bbox"] = [round(v, 1) for v in block.bbox]
        if block.kind == "table":
            if block.caption:
                entry["caption"] = block.caption
            entry["rows"] = [["*" * c.bold + "_" * c.italic + c.text for c in row] for row in block.rows]
        elif block.kind == "chart":
            entry.update(title=block.title, categories=block.categories, complete=block.complete,
                         series={s.name: s.values for s in block.series})
        else:
            entry["text"] = block.text
            if block.kind == "heading":
                entry["level"] = block.level
        blocks.append(entry)
    source = document.source
    return {"file": path.name, "format": source.format.value, "pages": source.pages, "title": source.title,
            "warnings": document.warnings, "blocks": blocks}


def _dumped(data: dict) -> str:
    """JSON with one line per block, and one line per row of a table: diffs read block by block."""
    one = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
    head = {key: value for key, value in data.items() if key != "blocks"}
    lines = ["{" + ", ".join(f"{one(k)}: {one(v)}" for k, v in head.items()) + ', "blocks": [']
    for n, block in enumerate(data["blocks"]):
        comma = "," if n < len(data["blocks"]) - 1 else ""
        rows = block.get("rows")
        if rows is None:
            lines.append(f" {one(block)}{comma}")
            continue
        fields = ", ".join(f"{one(k)}: {one(v)}" for k, v in block.items() if k != "rows")
        lines.append(f' {{{fields}, "rows": [')
        lines += [f"  {one(row)}{',' if m < len(rows) - 1 else ''}" for m, row in enumerate(rows)]
        lines.append(f" ]}}{comma}")
    return "\n".join(lines + ["]}"]) + "\n"


def test_regenerating_goldens_is_off_in_ci():
    assert not (IN_CI and REGENERATE), "READER_GOLDENS=1 must not be set in CI"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_reader_output_matches_its_golden(path):
    golden = GOLDENS / f"{path.name}.json"
    produced = _dumped(blocks_as_data(path))
    if REGENERATE:
        GOLDENS.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {path.name}: run `make reader-goldens` and commit {golden.relative_to(ROOT)}"
    expected = golden.read_text(encoding="utf-8")
    if produced != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), produced.splitlines(True),
                                            f"golden/{golden.name}", f"now/{golden.name}", n=2))
        pytest.fail(f"{path.name}: the reader's output changed; if that is intended run `make reader-goldens`\n"
                    + diff[:6000])
