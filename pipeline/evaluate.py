"""Score extracted facts against hand-checked gold facts: recall, precision, misses, extras.

A gold fact is found when an extracted fact has the same council, period, measure, stage,
unit and value, and the same category (fixed lists) or a clearly matching printed label
(services, themes, remedies): the same words, ignoring case, punctuation and order, in
the whole label, its last segment ('Member/Cllr Enquiries > MASH' -> 'MASH') or the gold's
category slug ('winsford_children_in_need' = 'Children in Need > Winsford'). Each extracted
fact can match one gold fact only.

The same matching labels each extracted fact right (it matched a gold fact) or wrong, which
is what confidence is calibrated on (pipeline/calibrate.py) and what the reliability table
shows: per confidence band, how many facts and how many right. Accepted facts are scored on
their own too (`accepted_score`): the precision a reader of accepted facts gets, and the
share of gold facts they still hold (recall).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.manifest import CORPUS_DIR, REPORT_SUFFIXES
from normalise.trust import Band, Calibration, reliability
from pipeline.run import extract_file
from schemas import FIXED_CATEGORIES, LABELLED_MEASURES, TRUSTED_STATUSES, Extraction, Fact, Measure

VALUE_TOLERANCE = 1e-6


@dataclass
class GoldFile:
    path: Path
    source: str
    authority_code: str
    period: str
    facts: list[dict]

    @property
    def stem(self) -> str:
        return Path(self.source).stem


@dataclass
class Score:
    name: str
    gold: int
    extracted: int
    matched: list[tuple[dict, Fact]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    extra: list[Fact] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.matched) / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return len(self.matched) / self.extracted if self.extracted else (1.0 if not self.gold else 0.0)

    def gold_facts(self) -> list[dict]:
        return [g for g, _ in self.matched] + self.missed

    def labelled(self) -> list[tuple[Fact, bool]]:
        """Every extracted fact, right (it matched a gold fact) or wrong."""
        return [(f, True) for _, f in self.matched] + [(f, False) for f in self.extra]


def load_gold(path: Path) -> GoldFile:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("source", "authority_code", "period", "facts"):
        if key not in data:
            raise ValueError(f"{Path(path).name}: a gold file needs {key!r}")
    return GoldFile(Path(path), data["source"], data["authority_code"], data["period"], data["facts"])


GENERIC_LABEL_WORDS = frozenset({"the", "team", "teams", "service", "services"})


def label_tokens(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    text = text.casefold().replace("&", " and ").replace("’", "'")
    text = re.sub(r"'s\b", "s", text)
    # 'the Fostering team' and 'Fostering' are one label (as for the normaliser)
    return frozenset(re.findall(r"[a-z0-9]+", text)) - GENERIC_LABEL_WORDS


def labels_match(gold: dict, fact: Fact) -> bool:
    measure = Measure(gold["measure"])
    if measure in FIXED_CATEGORIES:
        return gold.get("category") == fact.category
    if measure not in LABELLED_MEASURES:
        return True
    raw = fact.category_raw or ""
    segments = [s for s in raw.split(" > ") if s]
    ours = {label_tokens(raw), label_tokens(segments[-1] if segments else raw)}
    theirs = {label_tokens(gold.get("category_raw")), label_tokens((gold.get("category") or "").replace("_", " "))}
    return bool(ours & theirs - {frozenset()})


def _key_match(gold: dict, fact: Fact) -> bool:
    return (
        gold["authority_code"] == fact.authority_code
        and gold["period"] == fact.period
        and gold["measure"] == fact.measure.value
        and (gold.get("stage") or None) == (fact.stage.value if fact.stage else None)
        and gold["unit"] == fact.unit.value
        and abs(float(gold["value"]) - fact.value) <= VALUE_TOLERANCE
    )


def score(name: str, facts: list[Fact], gold: list[dict]) -> Score:
    result = Score(name=name, gold=len(gold), extracted=len(facts))
    unused = list(facts)
    for expected in gold:
        match = next((f for f in unused if _key_match(expected, f) and labels_match(expected, f)), None)
        if match is None:
            result.missed.append(expected)
        else:
            result.matched.append((expected, match))
            unused.remove(match)
    result.extra = unused
    return result


def describe_gold(fact: dict) -> str:
    parts = [fact["period"], fact["measure"], fact.get("stage") or "-", fact.get("category") or "-",
             f"{fact['value']:g} {fact['unit']}"]
    return " ".join(parts) + f"  «{fact.get('quote', '')[:80]}»"


def describe_fact(fact: Fact) -> str:
    parts = [fact.period, fact.measure.value, fact.stage.value if fact.stage else "-",
             fact.category or (f"[{fact.category_raw}]" if fact.category_raw else "-"), f"{fact.value:g} {fact.unit.value}"]
    if fact.authority_code:
        parts.insert(0, fact.authority_code)
    return " ".join(parts) + f"  «{fact.provenance.quote[:80]}»"


def documents_for(stem: str, folder: Path) -> list[Path]:
    """Every version of a document (any supported format) in a folder tree, by file stem."""
    return sorted(p for p in Path(folder).rglob(f"{stem}.*") if p.suffix.lower() in REPORT_SUFFIXES)


def given_identities(corpus_dir: Path) -> dict[str, tuple[str | None, str | None]]:
    """Council and year by file stem from a `manifest.csv` beside the documents (columns
    `file`, `council`, `period`), as a manifest row gives them for a page fetched from a
    known address; {} when there is none."""
    manifest = Path(corpus_dir) / "manifest.csv"
    if not manifest.is_file():
        return {}
    with open(manifest, newline="", encoding="utf-8") as handle:
        return {Path(row["file"]).stem: (row.get("council") or None, row.get("period") or None)
                for row in csv.DictReader(handle) if row.get("file")}


def evaluate_folder(gold_dir: Path, corpus_dir: Path | None = None, given_identity: bool = False,
                    calibration: Calibration | None = None) -> list[tuple[Score, Extraction]]:
    """Extract each document that has a gold file and score it. The council and year are
    detected from the document itself, as for a report with no manifest row, unless the
    corpus folder has a manifest.csv that gives them, or `given_identity`: then they are the
    gold file's, as a manifest row would give them."""
    corpus_dir = Path(corpus_dir) if corpus_dir else CORPUS_DIR
    manifest = given_identities(corpus_dir)
    results = []
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        gold = load_gold(gold_path)
        given = {"council": gold.authority_code, "period": gold.period} if given_identity else {}
        for path in documents_for(gold.stem, corpus_dir):
            council, period = manifest.get(path.stem, (None, None))
            identity = given or {"council": council, "period": period}
            extraction = extract_file(path, calibration=calibration, **identity)
            results.append((score(path.name, extraction.facts, gold.facts), extraction))
    return results


def accepted_score(result: Score) -> Score:
    """The score of the accepted (and verified, corrected) facts alone against the same gold."""
    trusted = [f for f, _ in result.labelled() if f.status in TRUSTED_STATUSES]
    return score(result.name, trusted, result.gold_facts())


def reliability_table(results: list[tuple[Score, Extraction]]) -> list[Band]:
    """Confidence band -> facts and how many were right, over every extracted fact scored."""
    return reliability((f.provenance.confidence, right) for result, _ in results for f, right in result.labelled())
