"""Reports from councils the rules were not written on.

`tests/generality/` holds invented reports that were a blind held-out set and have since been
used to improve the extractor: the floors below keep those gains. `tests/heldout/` was written
afterwards without reading the extractor, measured blind, then used to improve it too.
`tests/real/` holds 25 real council pages (committee minutes, report pages) with hand-checked
gold, six of them hard negatives with no children's social care figure at all. `tests/blind/`
holds two batches of invented minutes, council-wide reports and pages written by helpers who
never saw the code: batch A was measured blind and then used to improve the extractor, batch B
was only ever measured (its misses were not read). Floors sit just under the latest measurement,
so a change that makes the extractor worse on any of them fails. Council and year are read from
each document itself, except where a folder's manifest.csv gives them (a page that names its
council only in the site header), as a manifest row would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import evaluate_folder, load_gold

TESTS = Path(__file__).parent

#: folder: (per-document recall floor, per-document precision floor, overall recall, overall precision)
FLOORS = {
    # after four rounds of tuning on them: 0.930 / 0.953 overall, weakest document 0.819 / 0.908;
    # 2026-12-06: 0.936 / 0.958, weakest 0.836 / 0.901
    "generality": (0.80, 0.88, 0.91, 0.94),
    # first blind measurement (2026-11-23): recall 0.572, precision 0.675 over 341 gold facts;
    # weakest document (tables drawn with box characters) 0.379 / 0.462. 2026-12-06, after the
    # issue 13 work: 0.836 / 0.908, weakest (wakefield) 0.617 / 0.833
    "heldout": (0.58, 0.80, 0.80, 0.90),
    # issue 13's bar: precision >= 0.95 and recall >= 0.85 pooled. First measurement (2026-12-06,
    # council and year from the manifest): 0.580 / 0.286, 38 facts from the hard negatives; after
    # the issue 13 work: 0.957 / 1.000, none. Pages hold one to eight facts, so no per-page floor.
    "real": (0.0, 0.0, 0.85, 0.95),
    # blind measurement (2026-12-06): 0.590 / 0.417; after tuning on it: 0.850 / 0.913
    "blind/batch_a": (0.45, 0.55, 0.82, 0.89),
    # never tuned on. Blind measurement: 0.730 / 0.481; after the issue 13 work (measured, not
    # read): 0.778 / 0.841, weakest documents 0.217 recall and 0.615 precision
    "blind/batch_b": (0.20, 0.58, 0.75, 0.82),
}
#: folders whose documents with no gold facts (hard negatives) must give no fact at all
NO_FACTS_FROM_NEGATIVES = {"real", "blind/batch_a"}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request):
    folder = TESTS / request.param
    results = evaluate_folder(folder, folder)
    assert results, f"no documents with gold in {folder}"
    return request.param, results


def test_council_and_year_come_from_the_document_or_its_manifest_row(scored):
    folder, results = scored
    given = (TESTS / folder / "manifest.csv").is_file()
    for result, extraction in results:
        gold = load_gold(TESTS / folder / f"{Path(result.name).stem}.json")
        document = extraction.document
        assert document.identified_by == ("manifest" if given else "document"), result.name
        assert (document.authority_code, document.period) == (gold.authority_code, gold.period), result.name


def test_every_document_has_a_gold_file_and_a_score(scored):
    folder, results = scored
    reports = sorted(p.stem for p in (TESTS / folder).glob("*.json"))
    assert sorted(Path(r.name).stem for r, _ in results) == reports


def test_hard_negatives_give_no_fact(scored):
    """A page about adults', corporate or SEND complaints, or minutes with no children's figure,
    publishes nothing (its numbers are set aside with the reason)."""
    folder, results = scored
    negatives = [(r.name, r.extracted) for r, _ in results if r.gold == 0]
    if folder in NO_FACTS_FROM_NEGATIVES:
        assert negatives and all(extracted == 0 for _, extracted in negatives), negatives


def test_recall_and_precision_floors(scored):
    folder, results = scored
    doc_recall, doc_precision, all_recall, all_precision = FLOORS[folder]
    for result, _ in results:
        print(f"{folder}/{result.name}: recall {result.recall:.3f} precision {result.precision:.3f}")
        if result.gold == 0:
            continue  # a hard negative: see test_hard_negatives_give_no_fact
        assert result.recall >= doc_recall, (result.name, result.recall)
        assert result.precision >= doc_precision, (result.name, result.precision)
    gold = sum(r.gold for r, _ in results)
    matched = sum(len(r.matched) for r, _ in results)
    extracted = sum(r.extracted for r, _ in results)
    assert matched / gold >= all_recall, (folder, matched, gold)
    assert matched / extracted >= all_precision, (folder, matched, extracted)
