"""Consistency checks find the inconsistencies the reports really contain."""

from publish.validate import check_facts


def fact(id, measure, value, unit="count", stage=None, category=None, raw=None, doc="d1", period="2017-18"):
    return {"id": id, "authority_code": "E06000034", "authority_name": "Thurrock", "period": period,
            "measure": measure, "stage": stage, "category": category, "category_raw": raw, "value": value,
            "unit": unit, "document_sha256": doc, "document_name": f"{doc}.pdf", "page": 1, "line": None, "quote": "q"}


def test_outcomes_adding_up_to_more_than_the_stage_total_are_flagged():
    facts = [fact(1, "complaints_received", 48, stage="stage1"),
             fact(2, "complaints_by_outcome", 28, stage="stage1", category="not_upheld"),
             fact(3, "complaints_by_outcome", 22, stage="stage1", category="upheld")]
    (issue,) = [i for i in check_facts(facts) if i["check_name"] == "outcomes_exceed_total"]
    assert "add up to 50, more than the 48" in issue["message"]
    assert issue["fact_ids"] == "[1, 2, 3]"


def test_a_percentage_that_does_not_match_its_count_is_flagged_beyond_rounding():
    facts = [fact(1, "complaints_received", 48, stage="stage1"),
             fact(2, "complaints_by_outcome", 28, stage="stage1", category="not_upheld"),
             fact(3, "complaints_by_outcome", 56, unit="percent", stage="stage1", category="not_upheld"),
             fact(4, "complaints_by_outcome", 9, stage="stage1", category="upheld"),
             fact(5, "complaints_by_outcome", 18, unit="percent", stage="stage1", category="upheld")]
    issues = [i for i in check_facts(facts) if i["check_name"] == "percent_mismatch"]
    assert [i["message"] for i in issues] == ["not_upheld: 28 of 48 is 58.3%, printed 56%"]  # 9/48 = 18.75%: rounding


def test_a_breakdown_that_does_not_add_up_is_noted():
    facts = [fact(1, "complaints_received", 10),
             fact(2, "complaints_by_service", 6, raw="Fostering"), fact(3, "complaints_by_service", 3, raw="MASH")]
    (issue,) = check_facts(facts)
    assert issue["check_name"] == "breakdown_sum" and issue["severity"] == "info"


def test_consistent_figures_raise_nothing_and_documents_are_checked_apart():
    facts = [fact(1, "complaints_received", 10, stage="stage1"),
             fact(2, "complaints_by_outcome", 4, stage="stage1", category="upheld"),
             fact(3, "complaints_by_outcome", 40, unit="percent", stage="stage1", category="upheld"),
             fact(4, "complaints_by_outcome", 9, stage="stage1", category="not_upheld", doc="d2")]
    assert check_facts(facts) == []
