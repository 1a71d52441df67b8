"""Fit the confidence calibration: extract the calibration sets, label each fact, count the bins.

The calibration sets are the gold sets the rules were developed on: the seed reports
(tests/gold), the generality and held-out reports (tests/generality, tests/heldout) and the
first blind batch of minutes and council-wide reports (tests/blind/batch_a). The real council
pages (tests/real) and the second blind batch (tests/blind/batch_b) are never used here: they
measure the calibration (`complaints evaluate`), so fitting on them would hide how it does on
documents it has not seen.

Re-run after any change to the finders (`complaints calibrate`): the evidence they write
changes which facts fall in which bin. The result goes to normalise/data/calibration.yaml,
which is part of the extractor's fingerprint, so the next build re-reads every document.
"""

from __future__ import annotations

from pathlib import Path

from corpus.files import write_text_atomically
from corpus.manifest import CORPUS_DIR
from normalise.trust import (
    CALIBRATION_FILE,
    DEFAULT_DIMENSIONS,
    DEFAULT_PRIOR_STRENGTH,
    TARGET_PRECISION,
    Calibration,
    Samples,
    calibrate,
    features,
    load_calibration,
)
from pipeline.evaluate import evaluate_folder

ROOT = Path(__file__).resolve().parent.parent
#: (gold folder, document folder) of each calibration set, relative to the project.
CALIBRATION_SETS: tuple[tuple[str, str], ...] = (
    ("tests/gold", str(CORPUS_DIR.relative_to(ROOT))),
    ("tests/generality", "tests/generality"),
    ("tests/heldout", "tests/heldout"),
    ("tests/blind/batch_a", "tests/blind/batch_a"),
)


def calibration_samples(sets: tuple[tuple[str, str], ...] = CALIBRATION_SETS,
                        dimensions: tuple[str, ...] = DEFAULT_DIMENSIONS, root: Path = ROOT) -> Samples:
    """Each document's facts as (path through the bins, right or wrong), by document."""
    samples: Samples = {}
    for gold_dir, corpus_dir in sets:
        results = evaluate_folder(root / gold_dir, root / corpus_dir, calibration=Calibration.neutral())
        if not results:
            raise FileNotFoundError(f"no documents with gold in {gold_dir} ({corpus_dir})")
        for result, extraction in results:
            period = extraction.document.period
            samples[f"{gold_dir}/{result.name}"] = [
                (features(fact, period, dimensions), right) for fact, right in result.labelled()
            ]
    return samples


def run_calibration(sets: tuple[tuple[str, str], ...] = CALIBRATION_SETS,
                    dimensions: tuple[str, ...] = DEFAULT_DIMENSIONS,
                    prior_strength: float = DEFAULT_PRIOR_STRENGTH, target: float = TARGET_PRECISION,
                    out: Path | None = CALIBRATION_FILE, root: Path = ROOT) -> Calibration:
    """Fit a calibration on `sets` and write it to `out` (atomically; None: do not write)."""
    samples = calibration_samples(sets, dimensions, root)
    calibration = calibrate(samples, dimensions, prior_strength, target, fitted_on=tuple(g for g, _ in sets))
    if out is not None:
        write_text_atomically(Path(out), calibration.to_yaml())
        load_calibration.cache_clear()  # the next extraction in this process uses it
    return calibration
