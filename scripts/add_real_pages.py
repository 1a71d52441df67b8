"""Add the project's 25 real council pages to the bundled corpus, and copy them as a test set.

Run once (2026-12-06) from a checkout with the shared folder beside it (`../shared/real`:
docs/<slug>.txt, gold/<slug>.json, INDEX.md); kept to show how the manifest rows were made.
A clone without ../shared does not need it: its results are committed.

* Each page is added with `complaints add` (archived as reports/<sha256>.txt, its manifest
  row made the normal way, its address noted in corpus/sources.csv), with the council, year
  and source address from INDEX.md (the pages mostly name the council only in the website's
  header, so they are not read from the text), the Open Government Licence, a title from the
  first sentence of the gold file's notes, and a note saying what the file is.
* tests/real/ gets the texts and gold files side by side (<slug>.txt, <slug>.json), INDEX.md,
  README.md and a manifest.csv (file, council, period, source_url, licence), so that
  `complaints evaluate --gold tests/real --corpus tests/real` scores them.

    .venv/bin/python scripts/add_real_pages.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENCE = "Open Government Licence v3.0"
#: Addresses that are not the council's own: the page is the council's report as another site transcribed it.
MIRRORS = ("docsbay.net", "pdfslide.net")


def index_rows(shared: Path) -> list[dict]:
    """The rows of real/INDEX.md: document, council, year, gold facts, source address."""
    rows = []
    for line in (shared / "real" / "INDEX.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] not in {"document", "---"}:
            rows.append(dict(zip(("slug", "council", "period", "facts", "url"), cells)))
    return rows


def title_and_note(row: dict, gold: dict) -> tuple[str, str]:
    """The page's title (the first sentence of the gold notes, which say what the page is) and
    the manifest note."""
    description = re.sub(r"^HARD NEGATIVE[^.]*\.\s*", "", gold["notes"])
    title = re.split(r"(?<=[a-z0-9)])\.\s", description)[0].split("; ")[0].strip()
    note = (f"real page: the stored text of a public page, cut at about 2,000 characters (it may end mid-sentence); "
            f"one of the project's 25 real pages, with {row['facts']} hand-checked gold "
            f"fact{'' if row['facts'] == '1' else 's'} in "
            f"tests/real/{row['slug']}.json")
    if int(row["facts"]) == 0:
        note += "; a hard negative: the page gives no children's social care figure, so any fact read from it is wrong"
    host = re.sub(r"^https?://", "", row["url"]).split("/")[0]
    if any(host.endswith(mirror) for mirror in MIRRORS):
        note += f"; transcribed by a third-party site ({host}), not the council's own address; the report is the council's"
    return title, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    real = args.shared / "real"
    tests = ROOT / "tests" / "real"
    tests.mkdir(exist_ok=True)
    complaints = Path(sys.executable).parent / "complaints"
    manifest = []
    for row in index_rows(args.shared):
        source, gold_path = real / "docs" / f"{row['slug']}.txt", real / "gold" / f"{row['slug']}.json"
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        assert (gold["authority_name"], gold["period"], gold["url"]) == (row["council"], row["period"], row["url"]), row
        title, note = title_and_note(row, gold)
        subprocess.run([str(complaints), "add", str(source), "--council", row["council"], "--year", row["period"],
                        "--url", row["url"], "--licence", LICENCE, "--title", title, "--notes", note], check=True)
        shutil.copyfile(source, tests / source.name)
        shutil.copyfile(gold_path, tests / gold_path.name)
        manifest.append({"file": source.name, "council": row["council"], "period": row["period"],
                         "source_url": row["url"], "licence": LICENCE})
    for name in ("INDEX.md", "README.md"):
        shutil.copyfile(real / name, tests / name)
    with open(tests / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "council", "period", "source_url", "licence"])
        writer.writeheader()
        writer.writerows(manifest)


if __name__ == "__main__":
    main()
