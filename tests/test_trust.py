"""Calibrated confidence and status: agreement evidence, the bins, the threshold, the
calibration file, and what accepted facts are worth on sets the calibration never saw."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from cli import main
from normalise.agreement import with_agreement
from normalise.trust import (
    CALIBRATION_FILE,
    MAX_CONFIDENCE,
    Band,
    Bin,
    Calibration,
    agreement_state,
    assess,
    calibrate,
    lower_bound,
    choose_threshold,
    fit_bins,
    load_calibration,
    probability,
    reliability,
)
from pipeline.calibrate import run_calibration
from pipeline.evaluate import accepted_score, evaluate_folder, reliability_table
from schemas import Fact, FactStatus, Provenance, fact_ref
from schemas.errors import CalibrationError
from tests.conftest import ROOT, SHARED

SHA = "b" * 64
TESTS = ROOT / "tests"


def fact(measure: str, value: float, stage: str | None = None, category: str | None = None,
         label: str | None = None, unit: str = "count", period: str = "2023-24", block: int = 1,
         method: str = "table", rule: str = "table", evidence: tuple[str, ...] = ()) -> Fact:
    return Fact(authority_code="E06000034", authority_name="Thurrock", period=period, measure=measure, stage=stage,
                category=category, category_raw=label or category, value=value, unit=unit,
                provenance=Provenance(document_sha256=SHA, document_name="r.txt", block=block, line=block,
                                      quote=f"{label or measure} {value:g}", method=method, confidence=0.5,
                                      rule=rule, evidence=evidence))


def evidence_of(facts: list[Fact]) -> list[set[str]]:
    return [set(f.provenance.evidence) for f in with_agreement(facts)]


# -- agreement ----------------------------------------------------------------------------------

def test_a_total_and_the_outcomes_that_add_up_to_it_agree():
    facts = [fact("complaints_received", 10, stage="stage1"),
             fact("complaints_by_outcome", 4, stage="stage1", category="upheld"),
             fact("complaints_by_outcome", 6, stage="stage1", category="not_upheld"),
             fact("complaints_by_outcome", 3, stage="stage2", category="upheld")]
    total, upheld, not_upheld, other_stage = evidence_of(facts)
    assert total == upheld == not_upheld == {"agrees:breakdown_sum"}
    assert other_stage == set()  # a breakdown of another stage is not compared


def test_a_breakdown_that_does_not_add_up_disagrees():
    facts = [fact("complaints_received", 10, stage="stage1"),
             fact("complaints_by_outcome", 4, stage="stage1", category="upheld"),
             fact("complaints_by_outcome", 5, stage="stage1", category="not_upheld")]
    assert all(e == {"disagrees:breakdown_sum"} for e in evidence_of(facts))


def test_a_breakdown_adding_up_to_the_responded_total_agrees_with_it():
    facts = [fact("complaints_received", 12, stage="stage1"),
             fact("complaints_responded", 10, stage="stage1"),
             fact("complaints_by_outcome", 4, stage="stage1", category="upheld"),
             fact("complaints_by_outcome", 6, stage="stage1", category="not_upheld")]
    received, responded, *outcomes = evidence_of(facts)
    assert responded == {"agrees:breakdown_sum"} and all(e == {"agrees:breakdown_sum"} for e in outcomes)
    assert received == set()  # the outcomes agree with one total; the other is not held against them


def test_a_nested_row_under_its_printed_parent_is_not_counted_twice():
    facts = [fact("complaints_received", 9),
             fact("complaints_by_service", 5, label="Children in Care"),
             fact("complaints_by_service", 2, label="Children in Care > Fostering"),
             fact("complaints_by_service", 4, label="Early Help")]
    total, parent, nested, other = evidence_of(facts)
    assert total == parent == other == {"agrees:breakdown_sum"}
    assert nested == set()  # already inside its parent's 5


def test_a_percentage_that_is_its_counts_share_agrees_and_one_that_is_not_disagrees():
    facts = [fact("complaints_received", 40, stage="stage1"),
             fact("complaints_by_outcome", 10, stage="stage1", category="upheld"),
             fact("complaints_by_outcome", 25, stage="stage1", category="upheld", unit="percent"),
             fact("complaints_by_outcome", 30, stage="stage1", category="not_upheld"),
             fact("complaints_by_outcome", 60, stage="stage1", category="not_upheld", unit="percent")]
    _, upheld, upheld_percent, not_upheld, not_upheld_percent = evidence_of(facts)
    assert "agrees:percent_of_count" in upheld and "agrees:percent_of_count" in upheld_percent
    assert "disagrees:percent_of_count" in not_upheld_percent and "disagrees:percent_of_count" in not_upheld


def test_percentages_of_a_breakdown_that_add_up_to_100_agree():
    facts = [fact("complaints_by_channel", 33.3, category="email", unit="percent"),
             fact("complaints_by_channel", 33.3, category="phone", unit="percent"),
             fact("complaints_by_channel", 33.3, category="letter", unit="percent")]
    assert all(e == {"agrees:percent_sum"} for e in evidence_of(facts))


def test_the_same_key_read_with_two_values_is_a_conflict():
    facts = [fact("compliments_received", 102, block=1), fact("compliments_received", 120, block=9)]
    assert all(e == {"disagrees:repeated"} for e in evidence_of(facts))
    assert agreement_state({"disagrees:repeated"}) == "conflict"
    assert agreement_state({"disagrees:repeated", "agrees:breakdown_sum"}) == "agrees"
    assert agreement_state({"disagrees:breakdown_sum"}) == "disagrees"
    assert agreement_state(()) == "alone"


def test_a_figure_printed_in_a_table_and_again_in_a_sentence_is_one_fact_that_agrees(text_report):
    body = ("Complaints report 2023-24\n\nCompliments\n\nCompliments\t2023-24\nReceived\t57\n\n"
            "We received 57 compliments in 2023/24.\n")
    extraction = text_report(body)
    compliments = [f for f in extraction.facts if f.measure.value == "compliments_received" and f.period == "2023-24"]
    assert len(compliments) == 1
    assert "agrees:repeated" in compliments[0].provenance.evidence


# -- bins, reliability, threshold ---------------------------------------------------------------

def test_bins_are_smoothed_toward_their_parent():
    samples = [(("agrees", "table"), True)] * 8 + [(("alone", "prose"), True)] * 1 + [(("alone", "prose"), False)] * 1
    bins = fit_bins(samples, depth=2, prior_strength=10)
    root = (9 + 1) / (10 + 2)
    assert bins[()].probability == pytest.approx(root)
    alone = (1 + 10 * root) / (2 + 10)
    assert bins[("alone",)].probability == pytest.approx(alone)
    assert bins[("alone", "prose")].probability == pytest.approx((1 + 10 * alone) / (2 + 10))
    assert (bins[("alone",)].facts, bins[("alone",)].correct) == (2, 1)


def test_an_unseen_combination_falls_back_to_its_parent_and_nothing_is_certain():
    bins = fit_bins([(("agrees", "table"), True)] * 500 + [(("alone", "table"), False)] * 5, depth=2)
    assert probability(bins, ("alone", "chart")) == probability(bins, ("alone", "never-seen")) \
        == pytest.approx(bins[("alone",)].probability, abs=1e-3)
    assert probability(bins, ("unknown", "x")) == pytest.approx(bins[()].probability, abs=1e-3)
    assert probability(bins, ("agrees", "table")) == MAX_CONFIDENCE


def test_confidence_is_rounded_down_so_a_bin_just_under_the_threshold_stays_under_it():
    bins = {(): Bin((), 66, 63, 0.9499)}
    assert probability(bins, ()) == 0.949


def test_reliability_counts_facts_and_right_ones_per_band():
    bands = reliability([(0.99, True), (0.99, False), (0.96, True), (0.3, False), (1.0, True)])
    by_label = {b.label: b for b in bands}
    assert (by_label["0.98-1.00"].facts, by_label["0.98-1.00"].correct) == (3, 2)
    assert (by_label["0.95-0.98"].facts, by_label["0.00-0.50"].facts, by_label["0.50-0.70"].facts) == (1, 1, 0)
    assert by_label["0.50-0.70"].precision is None


def test_the_threshold_is_the_lowest_edge_above_which_every_band_surely_reaches_the_target():
    scored = ([(0.99, True)] * 400 + [(0.96, True)] * 195 + [(0.96, False)] * 5
              + [(0.92, True)] * 95 + [(0.92, False)] * 5)
    threshold, reason = choose_threshold(scored, target=0.95)
    # the 0.90-0.95 band is right 95 of 100 times: 0.95 exactly, but it could as well be 0.92 by luck
    assert threshold == 0.95
    assert "595 of 600 right" in reason
    assert choose_threshold([(0.99, True)] * 200 + [(0.6, True)] * 100, target=0.95)[0] == 0.0
    assert choose_threshold([(0.99, False)] * 10, target=0.95)[0] == 1.0
    assert choose_threshold([(0.99, True)] * 10, target=0.95)[0] == 1.0  # ten right is too little to be sure


def test_the_lower_bound_of_a_share_grows_with_the_evidence():
    assert lower_bound(19, 20) < lower_bound(190, 200) < 0.95 < lower_bound(1990, 2000) < 0.995
    assert lower_bound(0, 0) == 0.0 and lower_bound(10, 10) < 1.0


def test_calibrate_fits_bins_and_picks_the_threshold_from_held_out_documents():
    samples = {f"doc{i}": [(("agrees",), True)] * 30 + [(("conflict",), i % 2 == 0)] * 4 for i in range(6)}
    calibration = calibrate(samples, dimensions=("agreement",), prior_strength=10, target=0.95)
    assert calibration.threshold > calibration.bins[("conflict",)].probability
    assert calibration.threshold <= calibration.bins[("agrees",)].probability
    assert sum(b.facts for b in calibration.reliability) == 6 * 34
    assert calibration.log_loss > 0


# -- the calibration file -----------------------------------------------------------------------

def test_a_calibration_survives_writing_and_reading():
    bins = fit_bins([(("agrees", "table"), True)] * 5 + [(("alone", "prose"), False)], depth=2)
    written = Calibration(dimensions=("agreement", "rule"), bins=bins, threshold=0.95, reason="because",
                          fitted_on=("tests/gold",), reliability=[Band(0.0, 0.5, 3, 1)], log_loss=0.1)
    read = Calibration.from_yaml(written.to_yaml())
    assert read.dimensions == written.dimensions and read.threshold == 0.95 and read.reason == "because"
    assert {p: (b.facts, b.correct) for p, b in read.bins.items()} == {p: (b.facts, b.correct) for p, b in bins.items()}
    assert read.reliability[0].facts == 3 and read.log_loss == 0.1


@pytest.mark.parametrize("text, message", [
    ("dimensions: [agreement]\nbins: []\n", "needs threshold"),
    ("dimensions: [agreement]\nthreshold: 2\nbins: []\n", "threshold must be"),
    ("dimensions: [agreement]\nthreshold: 0.9\nbins:\n- {path: [a, b], facts: 1, correct: 1, probability: 0.5}\n",
     "bin 1 ['a', 'b']"),
    ("dimensions: [agreement]\nthreshold: 0.9\nbins:\n- {path: [a], facts: 1, correct: 1, probability: 0.5}\n",
     "no root bin"),
    ("[", "not valid YAML"),
])
def test_a_bad_calibration_file_is_refused_with_the_entry_named(text, message):
    with pytest.raises(CalibrationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Calibration.from_yaml(text)


def test_evidence_prefixes_are_dimensions_too():
    with_scope = fact("compliments_received", 5, evidence=("scope:heading", "frame:received"))
    bins = fit_bins([(("heading",), True)] * 200 + [(("none",), False)] * 200, depth=1)
    calibration = Calibration(dimensions=("scope",), bins=bins, threshold=0.9)
    assert calibration.confidence(with_scope, "2023-24") > 0.9
    assert calibration.confidence(fact("compliments_received", 5), "2023-24") < 0.1


def test_assess_gives_each_fact_its_confidence_status_and_stable_ref():
    calibration = load_calibration()
    facts = assess([fact("complaints_received", 10, stage="stage1"),
                    fact("complaints_by_outcome", 4, stage="stage1", category="upheld"),
                    fact("complaints_by_outcome", 6, stage="stage1", category="not_upheld"),
                    fact("compliments_received", 102, method="text", rule="prose", block=3),
                    fact("compliments_received", 120, method="text", rule="prose", block=9)], "2023-24", calibration)
    for f in facts:
        assert (f.status is FactStatus.ACCEPTED) == (f.provenance.confidence >= calibration.threshold)
        assert f.ref == fact_ref(SHA, f.key(), f.value) and len(f.ref) == 12
    total, *outcomes, conflicting, other = facts
    assert total.status is FactStatus.ACCEPTED and all(o.status is FactStatus.ACCEPTED for o in outcomes)
    assert conflicting.status is other.status is FactStatus.NEEDS_CHECK  # one of them is wrong


def test_the_packaged_calibration_is_up_to_date_with_the_finders():
    """Re-fitting on the calibration sets gives the packaged bins: a change to the finders or to
    the agreement checks must be followed by `complaints calibrate` (and this file committed)."""
    packaged = load_calibration(CALIBRATION_FILE)
    fresh = run_calibration(dimensions=packaged.dimensions, prior_strength=packaged.prior_strength,
                            target=packaged.target_precision, out=None)
    stale = {p for p in fresh.bins.keys() | packaged.bins.keys()
             if (fresh.bins.get(p) and (fresh.bins[p].facts, fresh.bins[p].correct))
             != (packaged.bins.get(p) and (packaged.bins[p].facts, packaged.bins[p].correct))}
    assert not stale, f"normalise/data/calibration.yaml is stale for bins {sorted(stale)}: run `complaints calibrate`"
    assert fresh.threshold == packaged.threshold


# -- what accepted facts are worth --------------------------------------------------------------

def _accepted(results) -> tuple[int, int, int]:
    accepted = [accepted_score(r) for r, _ in results]
    return (sum(len(a.matched) for a in accepted), sum(a.extracted for a in accepted), sum(a.gold for a in accepted))


def test_accepted_facts_reach_the_target_precision_on_the_calibration_sets():
    results = evaluate_folder(TESTS / "generality", TESTS / "generality")
    right, accepted, gold = _accepted(results)
    assert right / accepted >= load_calibration().target_precision, (right, accepted)
    assert right / gold > 0.7, "accepted facts keep most of what is found on the generality set"


def test_on_unseen_documents_accepted_facts_are_more_often_right_than_all_facts():
    """The second blind batch and the real pages were never tuned or calibrated on: confidence must
    still rank facts. History: on tests/heldout (then unseen) all facts 199/293 right (0.679),
    accepted 124/135 (0.919). 2026-12-06, calibrated on seeds, generality, heldout and blind
    batch A with scope as evidence: blind batch B all facts 233/274 (0.850), accepted 181/191
    (0.948, recall 0.618); real pages all 66/66, accepted 25/25 (recall 0.362). After the
    rendering fixes: blind B all facts 233/262 (0.889), accepted 182/190 (0.958): the share of
    wrong facts falls from 0.111 to 0.042 once the unsure ones are set aside."""
    results = evaluate_folder(TESTS / "blind" / "batch_b", TESTS / "blind" / "batch_b")
    right, accepted, _ = _accepted(results)
    all_right = sum(len(r.matched) for r, _ in results)
    all_facts = sum(r.extracted for r, _ in results)
    assert right / accepted >= 0.93
    wrong_accepted, wrong_all = 1 - right / accepted, 1 - all_right / all_facts
    assert wrong_accepted <= wrong_all / 2, "confidence must separate right from wrong: accepted facts at most half as often wrong"
    bands = reliability_table(results)
    low, high = bands[0], bands[-1]
    assert low.precision < 0.5 < 0.9 < high.precision
    real = evaluate_folder(TESTS / "real", TESTS / "real")
    right, accepted, _ = _accepted(real)
    assert accepted and right / accepted >= 0.95


def test_evaluate_prints_the_reliability_table_and_accepted_precision_and_recall():
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(TESTS / "heldout"), "--corpus", str(TESTS / "heldout")])
    assert result.exit_code == 0, result.output
    assert "reliability of confidence" in result.output
    assert "0.98-1.00" in result.output
    assert "accepted facts:" in result.output and "precision" in result.output and "recall" in result.output


@pytest.mark.skipif(not (SHARED / "real" / "gold").is_dir(), reason="../shared/real is not here")
def test_evaluate_can_give_council_and_year_as_a_manifest_would():
    real = SHARED / "real"
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(real / "gold"), "--corpus", str(real / "docs"),
                                       "--given-identity"])
    assert result.exit_code == 0, result.output
    assert "Harrow" in result.output and "accepted facts:" in result.output


def test_calibrate_dry_run_prints_bins_reliability_and_threshold_and_writes_nothing(tmp_path):
    before = CALIBRATION_FILE.read_bytes()
    result = CliRunner().invoke(main, ["calibrate", "--dry-run", "--dimensions", "agreement"])
    assert result.exit_code == 0, result.output
    assert "agrees" in result.output and "threshold for accepted" in result.output
    assert "leave-one-document-out" in result.output and "nothing written" in result.output
    assert CALIBRATION_FILE.read_bytes() == before
    out = tmp_path / "calibration.yaml"
    result = CliRunner().invoke(main, ["calibrate", "--dimensions", "agreement,method", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_calibration(out).dimensions == ("agreement", "method")
