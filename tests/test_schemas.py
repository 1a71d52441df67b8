"""The fact contract: valid facts are built, invalid ones are rejected with a clear message."""

import pytest
from pydantic import ValidationError

from schemas import Fact, Measure, Provenance, SourceDocument, check_period

SHA = "a" * 64


def fact(**changes):
    data = dict(
        authority_code="E06000034",
        authority_name="Thurrock",
        period="2017-18",
        measure="complaints_by_outcome",
        stage="stage1",
        category="upheld",
        category_raw="Upheld",
        value=9,
        unit="count",
        provenance=Provenance(document_sha256=SHA, document_name="r.pdf", page=3, quote="Upheld 9 (10%)",
                              method="table", confidence=0.9),
    )
    data.update(changes)
    return Fact(**data)


def test_a_valid_fact_is_built_and_typed():
    built = fact()
    assert built.measure is Measure.COMPLAINTS_BY_OUTCOME
    assert built.provenance.page == 3
    assert built.key() == ("E06000034", "2017-18", "complaints_by_outcome", "stage1", "upheld", "count")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"measure": "complaints_withdrawn"}, "measure"),
        ({"measure": "complaints_received", "category": "upheld"}, "has no category"),
        ({"category": "sort_of_upheld"}, "is not one of"),
        ({"category": None}, "needs a category"),
        ({"period": "2017/18"}, "period must look like"),
        ({"period": "2017-19"}, "not one April-to-March year"),
        ({"unit": "percent", "value": 140}, "cannot exceed 100"),
        ({"measure": "complaints_received", "category": None, "category_raw": None, "unit": "percent"}, "not measured in 'percent'"),
        ({"value": -1}, "must not be negative"),
        ({"value": float("nan")}, "finite"),
        ({"authority_code": "Thurrock"}, "GSS code"),
        ({"measure": "compliments_received", "category": None, "category_raw": None}, "has no stage"),
        ({"measure": "complaints_by_service", "category": None, "category_raw": None, "stage": None}, "needs the printed label"),
        ({"unit": "pounds"}, "unit"),
    ],
)
def test_invalid_facts_are_rejected_with_a_message_naming_the_problem(changes, message):
    with pytest.raises(ValidationError) as error:
        fact(**changes)
    assert message in str(error.value)


def test_labelled_measures_keep_the_printed_label_and_may_have_no_canonical_category():
    built = fact(measure="complaints_by_service", stage=None, category=None, category_raw="Through Care 1")
    assert built.category is None and built.category_raw == "Through Care 1"


def test_enquiries_may_be_a_total_with_no_type():
    built = fact(measure="enquiries_received", stage=None, category=None, category_raw=None, value=48)
    assert built.category is None


def test_provenance_needs_a_quote_and_a_method():
    with pytest.raises(ValidationError):
        Provenance(document_sha256=SHA, document_name="r.pdf", quote="", method="table", confidence=0.5)
    with pytest.raises(ValidationError):
        Provenance(document_sha256=SHA, document_name="r.pdf", quote="x", method="guess", confidence=0.5)


def test_source_document_checks_its_hash():
    with pytest.raises(ValidationError, match="64 lower-case hex"):
        SourceDocument(file_name="r.pdf", sha256="abc", format="pdf", size_bytes=10)


@pytest.mark.parametrize("period", ["2017-18", "1999-00", "2099-00"])
def test_check_period_accepts_financial_years(period):
    assert check_period(period) == period
