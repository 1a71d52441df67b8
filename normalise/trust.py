"""Calibrated confidence and status: how likely each fact is to be right, and whether it is accepted.

How a fact's confidence is decided
----------------------------------
A fact is described by a few **dimensions** of its evidence, in a fixed order (the
calibration file lists them):

* ``agreement``: ``agrees`` when another figure of the document checks it (a breakdown that
  adds up to its total, a percentage that is its count's share, the figure printed twice;
  see normalise/agreement.py), else ``conflict`` when the same figure is printed elsewhere
  with another value, else ``disagrees`` when a check failed, else ``alone``;
* ``method``: how it was read (``table``, ``text``, ``list``, ``chart``);
* ``period``: ``current`` (the report's own year) or ``prior`` (an earlier year it quotes);
* also available: ``rule`` (the finder rule), ``category`` (how the category was decided),
  and any evidence prefix the finders write (``scope`` for 'scope:heading', ``frame``, ...).

`complaints calibrate` extracts the calibration sets, labels every extracted fact right or
wrong with the evaluation matcher, and counts, for each combination of the first k
dimensions (k = 0, 1, 2, ...: a tree of **bins**), how many facts fell in it and how many
were right. A bin's probability is its share right, pulled toward its parent's by
``prior_strength`` pseudo-facts, so a bin of three facts says little and a bin of three
hundred says a lot::

    p(bin) = (right + S * p(parent)) / (facts + S),   p(root) = (right + 1) / (facts + 2)

A fact's confidence is the probability of the most specific bin the calibration saw for it
(an unseen combination falls back to its parent). Each bin is a sentence anyone can check:
"facts read from tables whose figures add up: 872 of 872 right".

Status. A fact is ``accepted`` when its confidence reaches the calibration's threshold, else
``needs_check``. The threshold is chosen from the reliability table of leave-one-document-out
confidences on the calibration sets (each document scored by bins fitted without it): the
lowest band edge at which the facts at or above it, and those of every band above it, are
right at least TARGET_PRECISION of the time (`choose_threshold`). A person's decision
(verified, corrected, rejected) is applied later, at build (normalise/verifications.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from normalise.agreement import AGREES, DISAGREES, REPEATED, with_agreement
from schemas import Fact, FactStatus
from schemas.errors import CalibrationError

CALIBRATION_FILE = Path(__file__).parent / "data" / "calibration.yaml"
#: Accepted facts must be right at least this often on the calibration sets.
TARGET_PRECISION = 0.95
#: How many facts' worth of weight a bin's parent has in the bin's probability.
DEFAULT_PRIOR_STRENGTH = 10.0
#: The dimensions a new calibration uses, most telling first.
DEFAULT_DIMENSIONS = ("agreement", "scope", "rule")
#: How sure the threshold must be that a band reaches the target: z of a one-sided 80% bound.
CONFIDENCE_Z = 1.28
#: Lower edges of the reliability table's confidence bands (the last band includes 1.0).
BAND_EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
#: Decimals a confidence is stored with, rounded down (it never claims more than the calibration
#: found, and a bin just under the threshold is not rounded over it); status is decided on it.
CONFIDENCE_DECIMALS = 3
#: No reading by a machine is certain: a bin of 1,239 right out of 1,239 still says 0.999, not 1.
MAX_CONFIDENCE = 0.999


# -- dimensions -------------------------------------------------------------------------------

def agreement_state(evidence: Iterable[str]) -> str:
    """agrees > conflict > disagrees > alone: the strongest thing other figures say about it."""
    evidence = set(evidence)
    if any(e.startswith(AGREES) for e in evidence):
        return "agrees"
    if DISAGREES + REPEATED in evidence:
        return "conflict"
    if any(e.startswith(DISAGREES) for e in evidence):
        return "disagrees"
    return "alone"


def _period(fact: Fact, document_period: str | None) -> str:
    return "current" if document_period is None or fact.period == document_period else "prior"


#: Dimensions computed from the fact; any other name is an evidence prefix ('scope' -> 'scope:...').
DIMENSIONS: dict[str, Callable[[Fact, str | None], str]] = {
    "agreement": lambda fact, _: agreement_state(fact.provenance.evidence),
    "method": lambda fact, _: fact.provenance.method.value,
    "rule": lambda fact, _: fact.provenance.rule or "none",
    "period": _period,
    "category": lambda fact, _: fact.category_method.value,
}


def dimension_value(name: str, fact: Fact, document_period: str | None) -> str:
    """The fact's value on one dimension; for an evidence prefix, what follows it ('none' if absent)."""
    if name in DIMENSIONS:
        return DIMENSIONS[name](fact, document_period)
    prefix = name + ":"
    found = sorted(e[len(prefix):] for e in fact.provenance.evidence if e.startswith(prefix))
    return "+".join(found) or "none"


def features(fact: Fact, document_period: str | None, dimensions: Iterable[str]) -> tuple[str, ...]:
    """The fact's path through the bins: its value on each dimension, in order."""
    return tuple(dimension_value(name, fact, document_period) for name in dimensions)


# -- bins ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bin:
    path: tuple[str, ...]
    facts: int
    correct: int
    probability: float


def fit_bins(samples: Iterable[tuple[tuple[str, ...], bool]], depth: int,
             prior_strength: float = DEFAULT_PRIOR_STRENGTH) -> dict[tuple[str, ...], Bin]:
    """Bins for every prefix of the samples' paths (up to `depth`), smoothed toward their parents."""
    counts: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    for path, right in samples:
        for k in range(depth + 1):
            tally = counts[tuple(path[:k])]
            tally[0] += 1
            tally[1] += int(right)
    root = counts[()]
    bins = {(): Bin((), root[0], root[1], (root[1] + 1) / (root[0] + 2))}
    for path in sorted((p for p in counts if p), key=lambda p: (len(p), p)):
        facts, correct = counts[path]
        parent = bins[path[:-1]].probability
        bins[path] = Bin(path, facts, correct, (correct + prior_strength * parent) / (facts + prior_strength))
    return bins


def probability(bins: dict[tuple[str, ...], Bin], path: tuple[str, ...]) -> float:
    """The probability of the most specific bin on `path` that was seen (at most MAX_CONFIDENCE),
    rounded down as it is stored."""
    found = bins[()].probability
    for k in range(1, len(path) + 1):
        step = bins.get(path[:k])
        if step is None:
            break
        found = step.probability
    scale = 10 ** CONFIDENCE_DECIMALS
    return math.floor(min(found, MAX_CONFIDENCE) * scale + 1e-9) / scale


# -- reliability and the threshold --------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    low: float
    high: float
    facts: int
    correct: int
    confidence_sum: float = 0.0

    @property
    def precision(self) -> float | None:
        return self.correct / self.facts if self.facts else None

    @property
    def mean_confidence(self) -> float | None:
        return self.confidence_sum / self.facts if self.facts else None

    @property
    def label(self) -> str:
        return f"{self.low:.2f}-{self.high:.2f}"


def reliability(scored: Iterable[tuple[float, bool]], edges: tuple[float, ...] = BAND_EDGES) -> list[Band]:
    """Confidence band -> facts, right, precision: does a confidence of 0.9 mean 9 in 10 right?"""
    tallies = [[0, 0, 0.0] for _ in edges]
    for confidence, right in scored:
        index = max(i for i, low in enumerate(edges) if confidence >= low)
        tallies[index][0] += 1
        tallies[index][1] += int(right)
        tallies[index][2] += confidence
    highs = list(edges[1:]) + [1.0]
    return [Band(low, high, t[0], t[1], t[2]) for low, high, t in zip(edges, highs, tallies)]


def lower_bound(correct: int, facts: int, z: float = CONFIDENCE_Z) -> float:
    """The Wilson score lower bound of a share: what `correct` of `facts` right says the share is
    at least, with the confidence that `z` stands for (1.28: 80%, one-sided)."""
    if not facts:
        return 0.0
    share = correct / facts
    centre = share + z * z / (2 * facts)
    spread = z * math.sqrt(share * (1 - share) / facts + z * z / (4 * facts * facts))
    return (centre - spread) / (1 + z * z / facts)


def choose_threshold(scored: list[tuple[float, bool]], target: float = TARGET_PRECISION,
                     edges: tuple[float, ...] = BAND_EDGES) -> tuple[float, str]:
    """The lowest band edge at which the facts at or above it, and those of every band above
    it, are right at least `target` of the time, and surely so: a band of 70 right out of 73
    (0.959) might be a 0.93 band that was lucky, so each band's share is taken at its lower
    bound (`lower_bound`). With the reason, in words."""
    bands = reliability(scored, edges)
    for position, band in enumerate(bands):
        above = [b for b in bands[position:] if b.facts]
        facts = sum(b.facts for b in above)
        correct = sum(b.correct for b in above)
        if not facts or lower_bound(correct, facts) < target or any(lower_bound(b.correct, b.facts) < target
                                                                    for b in above):
            continue
        below = sum(b.facts for b in bands[:position])
        reason = (f"lowest band edge where the facts at or above it ({correct} of {facts} right, "
                  f"{correct / facts:.3f}) and every band above it reach precision {target} (80% lower bound) in "
                  f"leave-one-document-out confidences on the calibration sets; {below} facts below it")
        return band.low, reason
    return 1.0, f"no band reaches precision {target}: nothing is accepted without a person's check"


# -- the calibration file -----------------------------------------------------------------------

@dataclass
class Calibration:
    """Bins, threshold and how they were made: normalise/data/calibration.yaml."""

    dimensions: tuple[str, ...]
    bins: dict[tuple[str, ...], Bin]
    threshold: float
    reason: str = ""
    prior_strength: float = DEFAULT_PRIOR_STRENGTH
    target_precision: float = TARGET_PRECISION
    fitted_on: tuple[str, ...] = ()
    reliability: list[Band] = field(default_factory=list)  # leave-one-document-out, for the record
    log_loss: float | None = None  # leave-one-document-out: lower is better; compares choices of dimensions

    @classmethod
    def neutral(cls) -> "Calibration":
        """One bin, nothing accepted: for extracting the facts a calibration is fitted on."""
        return cls(dimensions=(), bins={(): Bin((), 0, 0, 0.5)}, threshold=1.0, reason="not calibrated")

    def confidence(self, fact: Fact, document_period: str | None) -> float:
        return probability(self.bins, features(fact, document_period, self.dimensions))

    def status(self, confidence: float) -> FactStatus:
        return FactStatus.ACCEPTED if confidence >= self.threshold else FactStatus.NEEDS_CHECK

    def to_yaml(self) -> str:
        settings = {
            "dimensions": list(self.dimensions),
            "prior_strength": self.prior_strength,
            "target_precision": self.target_precision,
            "threshold": self.threshold,
            "reason": self.reason,
            "fitted_on": list(self.fitted_on),
            "log_loss": self.log_loss,
        }
        reliability_rows = [{"band": b.label, "facts": b.facts, "correct": b.correct} for b in self.reliability]
        bins = [{"path": list(b.path), "facts": b.facts, "correct": b.correct, "probability": round(b.probability, 4)}
                for b in self.bins.values()]

        def rows(name: str, items: list[dict]) -> str:  # one flow mapping a line: easy to read and diff
            return f"{name}:\n" + "".join(
                f"- {yaml.safe_dump(item, default_flow_style=True, sort_keys=False, width=1000)}" for item in items)

        return ("# Written by `complaints calibrate` (normalise/trust.py explains it); do not edit by hand.\n"
                + yaml.safe_dump(settings, sort_keys=False, allow_unicode=True, width=110)
                + "# leave-one-document-out confidences on the calibration sets, by band (how the threshold was chosen)\n"
                + rows("reliability", reliability_rows)
                + "# facts of the calibration sets with these values of the dimensions, how many were right, and\n"
                + "# the smoothed probability a fact of the bin gets as its confidence (at most 0.999)\n"
                + rows("bins", bins))

    @classmethod
    def from_yaml(cls, text: str, source: str = CALIBRATION_FILE.name) -> "Calibration":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise CalibrationError(f"{source}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise CalibrationError(f"{source}: must be a mapping with dimensions, threshold and bins")
        missing = {"dimensions", "threshold", "bins"} - set(data)
        if missing:
            raise CalibrationError(f"{source}: needs {', '.join(sorted(missing))}; run `complaints calibrate`")
        dimensions = tuple(data["dimensions"])
        threshold = data["threshold"]
        if not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
            raise CalibrationError(f"{source}: threshold must be a number in (0, 1], got {threshold!r}")
        bins = {}
        for number, entry in enumerate(data["bins"], start=1):
            try:
                path = tuple(str(v) for v in entry["path"])
                made = Bin(path, int(entry["facts"]), int(entry["correct"]), float(entry["probability"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise CalibrationError(f"{source}: bin {number}: needs path, facts, correct and probability ({exc})") from exc
            if len(path) > len(dimensions) or not 0 <= made.probability <= 1 or not 0 <= made.correct <= made.facts:
                raise CalibrationError(f"{source}: bin {number} {list(path)}: a path longer than the dimensions, "
                                       "a probability outside 0-1 or more right than facts")
            bins[path] = made
        if () not in bins:
            raise CalibrationError(f"{source}: no root bin (path []); run `complaints calibrate`")
        bands = [Band(float(b["band"].split("-")[0]), float(b["band"].split("-")[1]), int(b["facts"]), int(b["correct"]))
                 for b in data.get("reliability") or []]
        return cls(dimensions=dimensions, bins=bins, threshold=float(threshold), reason=str(data.get("reason", "")),
                   prior_strength=float(data.get("prior_strength", DEFAULT_PRIOR_STRENGTH)),
                   target_precision=float(data.get("target_precision", TARGET_PRECISION)),
                   fitted_on=tuple(data.get("fitted_on") or ()), reliability=bands, log_loss=data.get("log_loss"))


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    path = Path(path)
    if not path.exists():
        raise CalibrationError(f"{path}: no calibration; run `complaints calibrate` to make one")
    return Calibration.from_yaml(path.read_text(encoding="utf-8"), path.name)


# -- fitting ------------------------------------------------------------------------------------

Samples = dict[str, list[tuple[tuple[str, ...], bool]]]  # document -> (path, right) of each of its facts


def cross_validated(samples: Samples, depth: int, prior_strength: float = DEFAULT_PRIOR_STRENGTH
                    ) -> list[tuple[float, bool]]:
    """Each document's facts scored by bins fitted on the other documents only."""
    scored = []
    for document, own in samples.items():
        others = [s for name, rows in samples.items() if name != document for s in rows]
        bins = fit_bins(others, depth, prior_strength)
        scored += [(probability(bins, path), right) for path, right in own]
    return scored


def calibrate(samples: Samples, dimensions: tuple[str, ...] = DEFAULT_DIMENSIONS,
              prior_strength: float = DEFAULT_PRIOR_STRENGTH, target: float = TARGET_PRECISION,
              fitted_on: tuple[str, ...] = ()) -> Calibration:
    """Fit the bins on every sample, and choose the threshold from leave-one-document-out confidences."""
    for name in dimensions:
        if not name.replace("_", "").isalnum():
            raise CalibrationError(f"dimension {name!r}: use a name like 'method' or an evidence prefix like 'scope'")
    depth = len(dimensions)
    held_out = cross_validated(samples, depth, prior_strength)
    threshold, reason = choose_threshold(held_out, target)
    bins = fit_bins((s for rows in samples.values() for s in rows), depth, prior_strength)
    return Calibration(dimensions=tuple(dimensions), bins=bins, threshold=threshold, reason=reason,
                       prior_strength=prior_strength, target_precision=target, fitted_on=fitted_on,
                       reliability=reliability(held_out), log_loss=round(log_loss(held_out), 4))


def log_loss(scored: list[tuple[float, bool]]) -> float:
    """Mean negative log-likelihood of right/wrong under the confidences (a proper score)."""
    floor = 1e-4
    return -sum(math.log(max(floor, p if right else 1 - p)) for p, right in scored) / max(1, len(scored))


# -- applying it --------------------------------------------------------------------------------

def assess(facts: list[Fact], document_period: str | None, calibration: Calibration | None = None) -> list[Fact]:
    """A document's facts with agreement evidence, calibrated confidence, status and stable ref."""
    calibration = calibration or load_calibration()
    assessed = []
    for fact in with_agreement(facts):
        confidence = calibration.confidence(fact, document_period)
        assessed.append(fact.model_copy(update={
            "provenance": fact.provenance.model_copy(update={"confidence": confidence}),
            "status": calibration.status(confidence),
            "ref": fact.reference(),
        }))
    return assessed
