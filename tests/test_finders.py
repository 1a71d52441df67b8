"""Each table and prose pattern on small, made-up reports written the way other councils write.

None of these sentences or tables comes from a seed report: they check that the rules are
general, not fitted to the five seeds.
"""

from __future__ import annotations

import pytest


def facts_of(extraction, measure, **where):
    found = [f for f in extraction.facts if f.measure.value == measure]
    for key, value in where.items():
        if key == "stage":
            found = [f for f in found if (f.stage.value if f.stage else None) == value]
        else:
            found = [f for f in found if getattr(f, key) == value]
    return found


def value_of(extraction, measure, **where):
    found = facts_of(extraction, measure, **where)
    assert len(found) == 1, f"expected one {measure} {where}, got {[(f.period, f.value, f.unit.value, f.category, f.stage) for f in found]}"
    return found[0].value


# -- tables ------------------------------------------------------------------------------------

SUMMARY_TABLE = """Annual report on complaints 2022/23

3. Summary

\t2021/22\t2022/23
Stage One complaints\t41\t37
Stage Two complaints\t3\t-
Stage Three complaints\t0\t1
Compliments received\t88\t102
Councillor enquiries\t12\t9
Ombudsman enquiries\t4\tn/a
Total\t148\t149
"""


def test_multi_year_table_gives_a_fact_per_year_and_skips_dashes(text_report):
    ex = text_report(SUMMARY_TABLE, year="2022-23")
    assert value_of(ex, "complaints_received", period="2021-22", stage="stage1") == 41
    assert value_of(ex, "complaints_received", period="2022-23", stage="stage1") == 37
    assert facts_of(ex, "complaints_received", period="2022-23", stage="stage2") == []  # '-' is not zero
    assert value_of(ex, "complaints_received", period="2021-22", stage="stage3") == 0  # a printed 0 is
    assert value_of(ex, "compliments_received", period="2022-23") == 102
    assert value_of(ex, "enquiries_received", period="2021-22", category="councillor") == 12
    assert value_of(ex, "lgsco_complaints", period="2021-22") == 4
    assert facts_of(ex, "lgsco_complaints", period="2022-23") == []  # 'n/a'
    # the total of a table of different kinds of representation is all representations
    assert value_of(ex, "representations_received", period="2022-23") == 149


def test_count_and_percentage_in_one_cell_are_two_facts(text_report):
    body = """Outcomes of stage 1 complaints

Outcome (Stage 1)\t2022/23
Upheld\t12 (30%)
Partly upheld\t8(20%)
Not upheld\t18 (45%)
Withdrawn\t2 (5%)
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_by_outcome", category="upheld", unit="count") == 12
    assert value_of(ex, "complaints_by_outcome", category="upheld", unit="percent") == 30
    assert value_of(ex, "complaints_by_outcome", category="partially_upheld", unit="percent") == 20
    assert {f.stage.value for f in facts_of(ex, "complaints_by_outcome")} == {"stage1"}


def test_years_down_the_side_and_outcomes_across_the_top(text_report):
    body = """Table 2: Stage 2 outcomes

Year\tUpheld\tPartially upheld\tNot upheld\tTotal
2021-22\t1\t2\t3\t6
2020-21\t0\t4\t1\t5
"""
    ex = text_report(body, year="2021-22")
    assert value_of(ex, "complaints_by_outcome", period="2020-21", category="partially_upheld") == 4
    assert value_of(ex, "complaints_received", period="2021-22", stage="stage2") == 6


def test_services_with_locality_sub_headings_keep_the_path(text_report):
    body = """Complaints by service area

Service Area\t2022/23\t2021/22
Children in Care
North\t4\t6
South\t2\t1
Fostering\t3\t0
"""
    ex = text_report(body, year="2022-23")
    labels = {f.category_raw: f for f in facts_of(ex, "complaints_by_service", period="2022-23")}
    assert labels["Children in Care > North"].value == 4
    assert labels["Children in Care > North"].category == "children_looked_after"
    assert "Fostering" in {label.split(" > ")[-1] for label in labels}


def test_rows_that_fall_in_one_category_are_summed(text_report):
    body = """Who complained

Complainant\t2022/23
Parent\t20
Grandparent\t3
Special guardian\t2
Young person\t4
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_by_complainant", category="parent_or_carer") == 22
    assert value_of(ex, "complaints_by_complainant", category="relative") == 3
    assert value_of(ex, "complaints_by_complainant", category="child_or_young_person") == 4


def test_response_time_bands_are_stage_1(text_report):
    body = """Response times

Timescale\t2022/23
Within 10 working days\t15
Within 20 working days\t9
Over 20 working days\t4
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_by_response_time", category="within_10_days") == 15
    assert value_of(ex, "complaints_by_response_time", category="outside_timescale", stage="stage1") == 4


def test_a_table_of_an_unsupported_breakdown_gives_no_facts(text_report):
    body = """Ethnicity of complainants

Ethnicity\t2022/23
White British\t30
Not known\t11
"""
    ex = text_report(body, year="2022-23")
    assert ex.facts == []


def test_benchmarking_rows_are_facts_about_the_council_they_name(text_report):
    body = """Benchmarking with neighbours

Local Authority\tComplaints received\t% upheld
Medway\t120\t31%
Swindon Borough Council\t85\t40%
"""
    ex = text_report(body, year="2022-23")
    by_code = {f.authority_code: f for f in facts_of(ex, "complaints_received")}
    assert by_code["E06000035"].value == 120  # Medway
    assert by_code["E06000030"].value == 85  # Swindon
    assert value_of(ex, "complaints_by_outcome", authority_code="E06000030", unit="percent") == 40


def test_a_benchmarking_row_naming_no_council_is_left_out_with_a_warning(text_report):
    body = """Benchmarking

Council\tComplaints received
Medway\t120
Gotham City\t300
"""
    ex = text_report(body, year="2022-23")
    assert [f.value for f in facts_of(ex, "complaints_received")] == [120]
    assert any("Gotham City" in w for w in ex.warnings)


# -- prose -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, measure, where, value",
    [
        ("In 2022/23 the council received 57 complaints about children's social care.", "complaints_received", {}, 57),
        ("A total of 214 representations were received during the year.", "representations_received", {}, 214),
        ("We recorded 96 compliments, compared with 71 in 2021/22.", "compliments_received", {"period": "2021-22"}, 71),
        ("Of the 40 complaints responded to, 11 were upheld and 20 were not upheld.", "complaints_by_outcome",
         {"category": "not_upheld"}, 20),
        ("Seven complaints progressed to stage 2 of the procedure.", "complaints_received", {"stage": "stage2"}, 7),
        ("Four complaints were escalated to stage 3.", "complaints_received", {"stage": "stage3"}, 4),
        ("72% of complaints were answered within timescale.", "complaints_in_timescale", {"unit": "percent"}, 72),
        ("The average time to respond to a stage 1 complaint was 13 working days.", "average_response_days",
         {"stage": "stage1"}, 13),
        ("Nine complaints were referred to the Local Government and Social Care Ombudsman.", "lgsco_complaints", {}, 9),
        ("The Ombudsman made final decisions on 6 cases.", "lgsco_decisions", {}, 6),
        ("The service received 3,412 contacts and 1,120 referrals.", "referrals_received", {}, 1120),
        ("Twelve complaints were received directly from young people.", "complaints_by_complainant",
         {"category": "child_or_young_person"}, 12),
        ("35% of complaints were made by email.", "complaints_by_channel", {"category": "email"}, 35),
        ("There were 14 MP enquiries in the year.", "enquiries_received", {"category": "mp"}, 14),
    ],
)
def test_prose_sentences(text_report, sentence, measure, where, value):
    ex = text_report(f"Complaints annual report\n\n{sentence}\n", year="2022-23")
    assert value_of(ex, measure, **where) == value


@pytest.mark.parametrize(
    "sentence",
    [
        "Stage 1 complaints should be answered within 10 working days, or 20 working days if complex.",
        "This is a decrease of 12 on last year.",
        "The report was presented to the panel on 14 March 2023.",
        "Complaints fell by 15% compared with the previous year.",
        "The complaints procedure is a 3-stage process set out in the Children Act 1989.",
        "Complaints represented 0.8% of open cases.",
        "A young person turning 18 asked about their savings.",
        "Two panel members attended the review.",
        "No complaints were received about the adoption service.",
        "Section 4.2 sets out the learning from upheld complaints.",
        "The service aims to respond to 90% of complaints in time by 2024/25.",
    ],
)
def test_numbers_that_are_not_figures_are_left_out(text_report, sentence):
    ex = text_report(f"Complaints annual report\n\n{sentence}\n", year="2022-23")
    assert ex.facts == [], [(f.measure.value, f.value) for f in ex.facts]


def test_numbers_written_as_words_and_the_previous_year(text_report):
    ex = text_report("Complaints annual report\n\nThirty compliments were received, up from 21 the previous year.\n",
                     year="2022-23")
    assert value_of(ex, "compliments_received", period="2022-23") == 30
    assert value_of(ex, "compliments_received", period="2021-22") == 21


def test_a_list_of_services_under_an_introduction(text_report):
    body = """Complaints annual report

The complaints concerned the following teams:

- 5 Fostering
- 3 Leaving Care Team
- 2 Disabled Children's Service
"""
    ex = text_report(body, year="2022-23")
    services = {f.category_raw: f for f in facts_of(ex, "complaints_by_service")}
    assert services["Fostering"].value == 5 and services["Fostering"].category == "fostering"
    assert services["Leaving Care Team"].category == "care_leavers"
    assert {f.provenance.method.value for f in services.values()} == {"list"}


def test_a_list_of_outcomes_takes_its_subject_from_the_introduction(text_report):
    body = """Complaints annual report

Of the complaints closed, the outcomes were:

- 4 were upheld
- 6 were partly upheld
- 9 were not upheld
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_by_outcome", category="partially_upheld") == 6


def test_ombudsman_section_makes_complaints_ombudsman_complaints(text_report):
    body = """Complaints annual report

Local Government and Social Care Ombudsman

5 complaints were considered during the year.
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "lgsco_complaints") == 5
    assert facts_of(ex, "complaints_received") == []


def test_every_fact_keeps_its_provenance(text_report):
    ex = text_report("Children's social care complaints annual report\n\nWe received 57 complaints in the year.\n",
                     year="2022-23", title=None)
    (fact,) = ex.facts
    assert fact.provenance.quote == "We received 57 complaints in the year."
    assert fact.provenance.line == 3
    assert fact.provenance.method.value == "text"
    assert fact.provenance.document_sha256 == ex.document.sha256


# -- layouts met on reports from other councils --------------------------------------------------


def test_key_figure_lines_with_last_years_figure_and_a_unit(text_report):
    body = """Annual report on complaints 2022/23

KEY FIGURES

Stage 2 complaints received: 14 (2021/22: 11)
Compliments: 240 (2021/22: 198)
Average Stage 2 response time: 38 working days (2021/22: 44)
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_received", period="2021-22", stage="stage2") == 11
    assert value_of(ex, "compliments_received", period="2022-23") == 240
    fact = facts_of(ex, "average_response_days", period="2022-23", stage="stage2")
    assert [(f.value, f.unit.value) for f in fact] == [(38, "days")]
    assert value_of(ex, "average_response_days", period="2021-22", stage="stage2") == 44


def test_page_numbers_between_dashes_are_not_figures(text_report):
    body = """Complaints annual report 2022/23

In 2022/23 the service received 61 complaints.

- 4 -

Page 5 of 12
"""
    ex = text_report(body, year="2022-23")
    assert [f.value for f in ex.facts] == [61]


def test_a_bracketed_count_with_its_noun_in_a_list_of_themes(text_report):
    body = """Complaints annual report 2022/23

The main issues raised were delay (22 complaints), a decision about contact (15), the quality of a plan (6) and staff attitude (4).
"""
    ex = text_report(body, year="2022-23")
    themes = {f.category_raw: f.value for f in facts_of(ex, "complaints_by_theme")}
    assert themes == {"delay": 22, "decision about contact": 15, "quality of a plan": 6, "staff attitude": 4}
    assert not facts_of(ex, "complaints_received")


def test_a_month_name_is_a_sub_period_but_decisions_is_not(lexicon):
    assert lexicon.has("sub_period", "Apr - Jun")
    assert lexicon.has("sub_period", "Q3")
    assert not lexicon.has("sub_period", "Decisions")
    assert not lexicon.has("sub_period", "Marketing")


def test_ombudsman_table_with_a_decisions_column(text_report):
    body = """Complaints annual report 2022/23

Local Government and Social Care Ombudsman

Year\tComplaints received\tDecisions\tUpheld
2021/22\t9\t8\t3
2022/23\t12\t10\t4
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "lgsco_decisions", period="2022-23") == 10
    assert value_of(ex, "lgsco_upheld", period="2021-22") == 3


def test_a_stage_column_does_not_borrow_its_neighbours_base(text_report):
    body = """Complaints annual report 2022/23

STAGE 2 AND STAGE 3

Escalations

Year\tStage 2 requests\tStage 2 investigations\tADR meetings\tStage 3 panels
2022/23\t9\t7\t5\t2
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "adr_cases", period="2022-23") == 5
    assert value_of(ex, "complaints_received", period="2022-23", stage="stage3") == 2


def test_an_aside_in_brackets_does_not_name_who_complained(text_report):
    body = """Complaints annual report 2022/23

Who complained

Parents made 60% of complaints, children 20% (most with help from an advocate) and grandparents 20%.
"""
    ex = text_report(body, year="2022-23")
    shares = {f.category: f.value for f in facts_of(ex, "complaints_by_complainant")}
    assert shares.get("child_or_young_person") == 20
    assert "advocate" not in shares


def test_running_footers_are_not_tables_or_figures(text_report):
    footer = "Anytown Council \u2013 Children's Complaints Report 2022/23\t\t{}"
    paged = "Anytown Council\tChildren's Complaints Report 2022/23\tPage {} of 3"
    body = "\n\n".join([
        "Complaints annual report 2022/23",
        "In 2022/23 we received 61 complaints.",
        footer.format(1), paged.format(1),
        "We received 140 compliments.",
        footer.format(2), paged.format(2),
        "Total complaints received in the year: 61",
        footer.format(3), paged.format(3),
    ]) + "\n"
    ex = text_report(body, year="2022-23")
    assert sorted(f.value for f in ex.facts) == [61, 140]


def test_a_long_numbered_sentence_is_not_a_heading(text_report):
    body = """Complaints annual report 2022/23

4. Complaint outcomes

4.1 All 120 complaints were considered at stage 1 of the procedure.

4.2 Of the 120 complaints received, 30 (25%) were upheld.
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_received", stage="stage1") == 120
    # the stage is printed in 4.1, not in 4.2: 4.1 is a paragraph, not the heading of 4.2
    assert [f.stage for f in facts_of(ex, "complaints_by_outcome", category="upheld")] == [None, None]


@pytest.mark.parametrize("sentence, measure, where, value", [
    ("We received 412 representations (2021/22: 371) in the year.", "representations_received", {}, 371),
    ("Nine complaints went to stage 2 (2021/22: 11) and two to stage 3 (2021/22: three).",
     "complaints_received", {"stage": "stage3"}, 3),
    ("We answered 41 enquiries from MPs (2021/22: 33).", "enquiries_received", {"category": "mp"}, 33),
    ("90% of stage 1 complaints were answered within timescale, against a target of 95% (2021/22: 84%).",
     "complaints_in_timescale", {"stage": "stage1"}, 84),
])
def test_last_years_figure_in_brackets_repeats_the_reading(text_report, sentence, measure, where, value):
    ex = text_report(f"Complaints annual report 2022/23\n\n{sentence}\n", year="2022-23")
    assert value_of(ex, measure, period="2021-22", **where) == value


def test_a_target_in_the_next_clause_does_not_cancel_the_figure(text_report):
    body = "Complaints annual report 2022/23\n\n•\t90% of stage 1 complaints were answered within timescale, against a target of 95%.\n"
    ex = text_report(body, year="2022-23")
    assert [(f.value, f.period) for f in facts_of(ex, "complaints_in_timescale")] == [(90, "2022-23")]


def test_next_years_priorities_are_not_figures(text_report):
    body = """Complaints annual report 2022/23

We received 88 complaints.

Priorities for 2023/24

• Respond to 95% of stage 1 complaints within timescale.
• Hold 4 learning events, one for each of the 120 team managers.
"""
    ex = text_report(body, year="2022-23")
    assert [f.value for f in ex.facts] == [88]


def test_figures_in_brackets_under_a_heading_that_says_whose_they_are(text_report):
    body = """Complaints annual report 2022/23

At a glance - 2022/23 (2021/22 in brackets)
•\t96 stage 1 complaints (88)
•\t148 compliments (131)
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "complaints_received", period="2022-23", stage="stage1") == 96
    assert value_of(ex, "complaints_received", period="2021-22", stage="stage1") == 88
    assert value_of(ex, "compliments_received", period="2021-22") == 131


def test_response_time_table_with_an_average_row_and_quarters(text_report):
    body = """Complaints annual report 2022/23

Table 4: Stage 1 response times by quarter
Quarter\tWithin 10 working days\tOutside 20 working days\t% in time
Q1 Apr-Jun\t15\t4\t85%
Q2 Jul-Sep\t17\t3\t87%
2022/23\t32\t7\t86%

Table 5: Stage 1 response times
Measure\t2021/22\t2022/23
Within 10 working days\t30\t32
Average working days to respond\t14.2\t11.8
"""
    ex = text_report(body, year="2022-23")
    outside = facts_of(ex, "complaints_by_response_time", category="outside_timescale")
    assert [(f.value, f.period) for f in outside] == [(7, "2022-23")]  # the quarters are not years
    assert value_of(ex, "complaints_in_timescale", stage="stage1", unit=_percent()) == 86
    averages = facts_of(ex, "average_response_days", stage="stage1")
    assert sorted((f.period, f.value, f.unit.value) for f in averages) == [("2021-22", 14.2, "days"), ("2022-23", 11.8, "days")]


def _percent():
    from schemas import Unit

    return Unit.PERCENT


def test_services_named_in_a_sentence(text_report):
    body = """Complaints annual report 2022/23

The Children in Care service received 54 complaints, the Assessment and Safeguarding teams 49, Early Help 23 and Fostering 15.

Upheld complaints were highest in Children in Care (28) and Fostering (6).

Fostering received 42 compliments and Early Help 30.
"""
    ex = text_report(body, year="2022-23")
    by_service = {f.category_raw: f.value for f in facts_of(ex, "complaints_by_service")}
    assert by_service == {"Children in Care": 54, "Assessment and Safeguarding": 49, "Early Help": 23, "Fostering": 15}
    upheld = {f.category_raw: f.value for f in facts_of(ex, "complaints_upheld_by_service")}
    assert upheld == {"Children in Care": 28, "Fostering": 6}
    assert {f.category_raw: f.value for f in facts_of(ex, "compliments_by_service")} == {"Fostering": 42, "Early Help": 30}
    assert not facts_of(ex, "complaints_received") and not facts_of(ex, "children_looked_after")


def test_years_down_the_side_and_services_across_the_top(text_report):
    body = """Complaints annual report 2022/23

Table 1: Representations received by year
Year\tConcerns\tStage 1\tComments\tCompliments\tTotal
2022/23\t58\t171\t6\t96\t331

Table 3: Stage 1 complaints by service area
Year\tFamily Social Work\tChildren in Care\tOther\tTotal
2021/22\t48\t31\t7\t86
2022/23\t51\t36\t7\t94
"""
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "representations_received", period="2022-23") == 331
    assert value_of(ex, "complaints_received", period="2022-23", stage="stage1") == 171
    assert value_of(ex, "complaints_by_service", period="2021-22", category_raw="Children in Care") == 31
    assert value_of(ex, "complaints_by_service", period="2022-23", category_raw="Other") == 7
    assert not facts_of(ex, "children_looked_after")
    assert 6 not in [f.value for f in ex.facts]  # comments are no measure of the contract


def test_a_markdown_table_keeps_its_header_row_of_years(text_report):
    body = """Complaints annual report 2018/19

| Type of feedback | 2017/18 | 2018/19 |
|---|---|---|
| Compliments | 187 | 211 |
| Stage 1 complaints | 168 | 153 |
"""
    ex = text_report(body, year="2018-19")
    assert value_of(ex, "compliments_received", period="2017-18") == 187
    assert value_of(ex, "complaints_received", period="2018-19", stage="stage1") == 153


def test_a_contents_page_with_dot_leaders_is_not_figures(text_report):
    body = """Complaints annual report 2018/19

Contents
1. Foreword ........ 2
2. Stage 1 complaints ........ 4
3. Local Government and Social Care Ombudsman ........ 7

We received 153 stage 1 complaints.
"""
    ex = text_report(body, year="2018-19")
    assert [f.value for f in ex.facts] == [153]


def test_sentences_that_go_on_counting_the_last_ones_subject(text_report):
    body = """Complaints annual report 2021/22

Of the 164 stage 1 complaints, 38 were upheld and 61 were not upheld. A further 12 were withdrawn by the complainant.

Eleven stage 2 investigations were commissioned. Of the eleven, two were upheld and three not upheld.
"""
    ex = text_report(body, year="2021-22")
    assert value_of(ex, "complaints_by_outcome", stage="stage1", category="withdrawn") == 12
    assert value_of(ex, "complaints_by_outcome", stage="stage2", category="upheld") == 2
    assert value_of(ex, "complaints_by_outcome", stage="stage2", category="not_upheld") == 3


@pytest.mark.parametrize("sentence, measure, where, value", [
    ("Twelve complaints were resolved through an alternative dispute resolution meeting.", "adr_cases", {}, 12),
    ("Of the stage 1 responses, 71 were sent within 10 working days, 47 within the extended 20 working days "
     "and 28 took longer.", "complaints_by_response_time", {"category": "within_20_days"}, 47),
    ("Of the stage 1 responses, 71 were sent within 10 working days and 28 took longer.",
     "complaints_by_response_time", {"category": "outside_timescale"}, 28),
    ("Remedies agreed at stages 1 and 2 included 41 apologies, 9 changes to practice and 4 financial payments.",
     "remedies_by_type", {"category_raw": "changes to practice"}, 9),
])
def test_more_prose_patterns(text_report, sentence, measure, where, value):
    ex = text_report(f"Complaints annual report 2021/22\n\n{sentence}\n", year="2021-22")
    assert value_of(ex, measure, **where) == value


def test_up_from_a_figure_with_no_year_is_last_years(text_report):
    body = "Complaints annual report 2021/22\n\nParents made 119 complaints and young people 18 (up from 11).\n"
    ex = text_report(body, year="2021-22")
    young = facts_of(ex, "complaints_by_complainant", category="child_or_young_person")
    assert sorted((f.period, f.value) for f in young) == [("2020-21", 11), ("2021-22", 18)]


def test_label_dash_value_lines_and_phone_numbers(text_report):
    body = """Complaints annual report 2024/25

6. Who complained
Parent/carer – 128
Young person – 21
Foster carer – 9

For help with a complaint call 01632 960 233 or write to us.
"""
    ex = text_report(body, year="2024-25")
    who = {f.category: f.value for f in facts_of(ex, "complaints_by_complainant")}
    assert who == {"parent_or_carer": 128, "child_or_young_person": 21, "foster_carer": 9}
    assert not {1632, 960, 233} & {f.value for f in ex.facts}


def test_an_outcome_table_with_received_and_in_time_rows(text_report):
    body = """Complaints annual report 2015/16

Table 3: Stage 2 investigations
\t2014-15\t2015-16
Received\t11\t9
Upheld\t1\t1
Partly upheld\t4\t3
Not upheld\t5\t4
Withdrawn\t1\t–
Completed in time\t3\t6
% completed in time\t27%\t75%
"""
    ex = text_report(body, year="2015-16")
    assert value_of(ex, "complaints_received", period="2014-15", stage="stage2") == 11
    in_time = sorted((f.period, f.value, f.unit.value) for f in facts_of(ex, "complaints_in_timescale", stage="stage2"))
    assert in_time == [("2014-15", 3, "count"), ("2014-15", 27, "percent"), ("2015-16", 6, "count"), ("2015-16", 75, "percent")]


def test_enquiries_answered_in_time_and_average_days_by_stage(text_report):
    body = """Complaints annual report 2024/25

Table 6: Enquiries
Type\tReceived\tAnswered in 10 working days
MP enquiries\t58\t49
Councillor enquiries\t73\t66

Table 3: Average working days to respond
Stage\t2023-24\t2024-25
Stage 1\t12.8\t11.9
Stage 2\t58\t47
"""
    ex = text_report(body, year="2024-25")
    assert value_of(ex, "enquiries_in_timescale", category="mp") == 49
    assert value_of(ex, "enquiries_received", category="councillor") == 73
    averages = {(f.stage.value, f.period): (f.value, f.unit.value) for f in facts_of(ex, "average_response_days")}
    assert averages[("stage2", "2023-24")] == (58, "days")
    assert averages[("stage1", "2024-25")] == (11.9, "days")


def test_a_question_and_answer_report(text_report):
    body = """Complaints annual report 2022/23

Q3. What were complaints about?
We record one main theme for each complaint.
Communication: 31
Delays: 12
Staff conduct: 9

Q4. Who complained?
The 52 complaints were made by:
• 30 parents
• 12 children and young people
• 10 foster carers

Q5. How did people contact us?
Email 20 | Online form 18 | Telephone 9 | Letter 5

Q6. What did we put right?
For the complaints we upheld we offered:
• an apology (20)
• a meeting with a manager (4)

Q7. How do we compare?
Across England about 20% of stage 1 complaints are upheld in full.

Q8. What will we do next?
• Answer 90% of complaints on time.
"""
    ex = text_report(body, year="2022-23")
    assert {f.category_raw: f.value for f in facts_of(ex, "complaints_by_theme")} == {
        "Communication": 31, "Delays": 12, "Staff conduct": 9}
    assert {f.category: f.value for f in facts_of(ex, "complaints_by_complainant")} == {
        "parent_or_carer": 30, "child_or_young_person": 12, "foster_carer": 10}
    assert {f.category: f.value for f in facts_of(ex, "complaints_by_channel")} == {
        "email": 20, "online_form": 18, "phone": 9, "letter": 5}
    assert {f.category_raw: f.value for f in facts_of(ex, "remedies_by_type")} == {"apology": 20, "meeting with a manager": 4}
    assert not {20.0, 90.0} & {f.value for f in ex.facts if f.unit.value == "percent"}


def test_a_year_at_the_start_of_a_sentence_dates_all_its_figures(text_report):
    body = "Complaints annual report 2022/23\n\nIn 2021/22 the figures were 131 stage 1 complaints and 344 compliments.\n"
    ex = text_report(body, year="2022-23")
    assert value_of(ex, "compliments_received", period="2021-22") == 344
    assert not facts_of(ex, "compliments_received", period="2022-23")


def test_month_rows_costs_and_numbers_inside_names(text_report):
    body = """Complaints annual report 2016/17

Stage 1 complaints received by month
Month\tNumber
April 2016\t19
May 2016\t24

Independent investigators for stage 2 cost £41,300, and stage 3 panels cost £5,150.

Fostering received the most compliments (97), followed by the 0-25 Disability Service (72).
"""
    ex = text_report(body, year="2016-17")
    assert not facts_of(ex, "complaints_received")  # months are not years
    assert not facts_of(ex, "remedy_payments_gbp")  # what the procedure cost is not a remedy
    by_service = {f.category_raw: f.value for f in facts_of(ex, "compliments_by_service")}
    assert by_service["Fostering"] == 97 and 72 in by_service.values()
    assert 0 not in [f.value for f in ex.facts]


def test_an_infographic_with_figures_under_their_labels(text_report):
    body = """Complaints annual report 2016/17

The year at a glance

Stage 1 complaints
262
up from 241 in 2015-16

Compliments
421
"""
    ex = text_report(body, year="2016-17")
    assert value_of(ex, "complaints_received", period="2016-17", stage="stage1") == 262
    assert value_of(ex, "complaints_received", period="2015-16", stage="stage1") == 241
    assert value_of(ex, "compliments_received", period="2016-17") == 421


def test_complaints_received_row_in_a_table_of_stages_and_outcomes(text_report):
    body = """Complaints annual report 2019/20

Table 1: Statutory complaints by stage and outcome
\tStage 1\t\tStage 2\t
\t2018/19\t2019/20\t2018/19\t2019/20
Complaints received\t188\t203\t21\t17
Upheld\t31\t36\t4\t2
Not upheld\t100\t110\t12\t10
"""
    ex = text_report(body, year="2019-20")
    assert value_of(ex, "complaints_received", period="2018-19", stage="stage2") == 21
    assert value_of(ex, "complaints_by_outcome", period="2019-20", stage="stage1", category="upheld") == 36


def test_who_made_the_complaints_after_each_number(text_report):
    body = ("Complaints annual report 2019/20\n\nOf the 150 stage 1 complaints, 90 were made by parents or carers, "
            "30 by children and young people themselves and 10 by foster carers.\n")
    ex = text_report(body, year="2019-20")
    assert {f.category: f.value for f in facts_of(ex, "complaints_by_complainant")} == {
        "parent_or_carer": 90, "child_or_young_person": 30, "foster_carer": 10}


# -- wrapped labels, places, references and fractions ------------------------------------------

WRAPPED_LABELS = """Table 2: Statutory complaints received at each stage

	2014/15	2015/16
Stage 1 (local resolution)	318	341
Stage 2 (independent		
investigation)	22	27

      Table 5: Stage 1 complaints by complainant

      Complainant                    Number
      Parent                            247
      Grandparent or other
      relative                           29
      Advocate (on behalf of a
      child)                              9
"""


def test_a_row_label_wrapped_over_two_lines_is_one_label(text_report):
    extraction = text_report(WRAPPED_LABELS, year="2015-16")
    assert value_of(extraction, "complaints_received", stage="stage2", period="2014-15") == 22
    assert value_of(extraction, "complaints_received", stage="stage2", period="2015-16") == 27
    assert value_of(extraction, "complaints_by_complainant", category="relative") == 29
    assert value_of(extraction, "complaints_by_complainant", category="advocate") == 9


def test_a_channel_named_with_a_place_before_its_bracketed_figure(text_report):
    extraction = text_report("Stage 1 complaints reached us through the online form (71), by letter (6) "
                             "and in person at the Civic Offices (3).")
    assert value_of(extraction, "complaints_by_channel", category="in_person") == 3
    assert value_of(extraction, "complaints_by_channel", category="online_form") == 71
    assert not facts_of(extraction, "complaints_received")


def test_case_references_ratios_and_fractions_are_no_counts(text_report):
    extraction = text_report(
        "The Ombudsman made decisions on 8 complaints.\n\n"
        "Reference 24 001 437 - Family Support and Safeguarding: delay in assessing a child's needs.\n\n"
        "Fewer than 1 in 10 complainants went on to stage 2.\n\n"
        "Stage 1 replies took an average of 12.8 working days (15.1 in 2022 to 2023).")
    assert {f.value for f in extraction.facts} == {8, 12.8, 15.1}
    assert value_of(extraction, "average_response_days", period="2022-23") == 15.1
    assert all(f.unit.value == "days" for f in extraction.facts if not float(f.value).is_integer())


def test_a_percentage_that_is_not_its_counts_share_is_set_aside_with_the_reason(text_report):
    extraction = text_report("Of the 75 complaints received 17 (13.0%) were resolved through alternative dispute "
                             "resolution (ADR) by the social care teams.")
    assert value_of(extraction, "adr_cases") == 17  # the count only
    [aside] = [a for a in extraction.set_aside if a.value == 13.0]
    assert "17 of the 75" in aside.reason and "22.7%" in aside.reason


def test_parts_joined_by_and_are_both_parts_of_the_total(text_report):
    extraction = text_report("The remaining 58 had progressed to a formal investigation, although one of these was "
                             "subsequently withdrawn by the complainant and 57 were investigated to outcome.")
    assert value_of(extraction, "complaints_by_outcome", category="withdrawn") == 1
    assert not facts_of(extraction, "complaints_received")


def test_the_parts_of_an_opening_total_count_what_it_counts(text_report):
    """'Of the 60 contacts, 41 were complaints and 7 were made by children': the 7 are contacts,
    not complaints made by children."""
    extraction = text_report("Of the 60 contacts, 41 were complaints and 7 were made by children and young people.")
    assert not facts_of(extraction, "complaints_by_complainant")


def test_complaints_about_one_subject_are_some_of_them_not_all(text_report):
    extraction = text_report("We received 57 complaints about children's social care. 21 complaints were about a "
                             "disabled child. The investigation looked at 6 points of complaint and upheld 2 of them.")
    assert value_of(extraction, "complaints_received") == 57
    assert {f.value for f in extraction.facts} == {57}


def test_an_aside_between_commas_keeps_who_made_the_complaints(text_report):
    extraction = text_report("Children and young people made, or were helped to make, 38 stage 1 complaints.")
    assert value_of(extraction, "complaints_by_complainant", category="child_or_young_person", stage="stage1") == 38
    assert not facts_of(extraction, "complaints_received")


def test_two_lists_side_by_side_are_two_breakdowns(text_report):
    extraction = text_report("Table 5: Stage 1 complaints by complainant and by method of contact\n\n"
                             "Complainant\tNumber\tMethod of contact\tNumber\n"
                             "Parent\t247\tEmail\t139\n"
                             "Foster carer\t11\tLetter\t33\n"
                             "Other (e.g. solicitor)\t7\t\t\n", year="2015-16")
    assert {(f.category, f.value) for f in facts_of(extraction, "complaints_by_complainant")} == {
        ("parent_or_carer", 247), ("foster_carer", 11), ("other", 7)}
    assert {(f.category, f.value) for f in facts_of(extraction, "complaints_by_channel")} == {("email", 139), ("letter", 33)}


def test_a_bracketed_part_of_a_group_is_no_group_of_its_own(text_report):
    extraction = text_report("Parents and carers made 121 of the stage 1 complaints; children and young people made 19 "
                             "(12 of them with help from an advocate); foster carers 7.")
    assert {(f.category, f.value) for f in facts_of(extraction, "complaints_by_complainant")} == {
        ("parent_or_carer", 121), ("child_or_young_person", 19), ("foster_carer", 7)}


def test_a_list_opened_by_a_colon_names_what_each_count_is(text_report):
    extraction = text_report("The most frequent subjects of complaint were: quality of service 52; communication 41; "
                             "delay 27.")
    assert {(f.category, f.value) for f in facts_of(extraction, "complaints_by_theme")} == {
        ("quality_of_service", 52), ("communication", 41), ("delay", 27)}
    assert not facts_of(extraction, "complaints_received")


def test_a_figure_for_two_groups_of_complainants_together_is_no_group(text_report):
    extraction = text_report("41 complaints (32%) were made by children and young people or by an advocate on their "
                             "behalf. Of the 120 complaints, 17 were made by grandparents and other family members.")
    assert not facts_of(extraction, "complaints_by_complainant", value=41)
    assert not facts_of(extraction, "complaints_received")
    assert value_of(extraction, "complaints_by_complainant", category="relative") == 17  # one group


def test_a_section_on_childrens_services_is_no_table_of_services(text_report):
    extraction = text_report("4. Children's Services\n\nChildren's Social Care received 215 complaints. They were "
                             "received at the following stages:\n\nStage 1: 197\nStage 2: 14\nStage 3: 4\n")
    assert not facts_of(extraction, "complaints_by_service")
    assert value_of(extraction, "complaints_received", stage="stage1") == 197
    assert value_of(extraction, "complaints_received", stage="stage3") == 4


def test_childrens_stage_1_complaints_in_a_council_wide_report(text_report):
    extraction = text_report("Adult social care received 148 statutory complaints. 72% of children's Stage 1 complaints "
                             "were answered within timescale. A Member noted that 17 children's social care complaints "
                             "had been made by young people themselves.",
                             title="Annual complaints report 2021-22: all council services", year="2021-22")
    assert value_of(extraction, "complaints_in_timescale", stage="stage1") == 72
    assert value_of(extraction, "complaints_by_complainant", category="child_or_young_person") == 17
    assert not facts_of(extraction, "complaints_received")  # the 148 are adults'


def test_two_sentences_ending_with_a_colon_are_a_paragraph_not_a_heading(text_report):
    extraction = text_report("4.2 During the year 190 Stage 1 complaints were responded to. Response times were:\n\n"
                             "Within 10 working days\t111\nOutside timescale\t27\n")
    assert value_of(extraction, "complaints_responded", stage="stage1") == 190
    assert value_of(extraction, "complaints_by_response_time", category="within_10_days") == 111


def test_complaints_concluded_in_the_year_are_complaints_responded_to(text_report):
    extraction = text_report("166 Stage 1 complaints were concluded during the year.")
    assert value_of(extraction, "complaints_responded", stage="stage1") == 166
    assert not facts_of(extraction, "complaints_received")


def test_figures_given_respectively_answer_the_figures_before_them_in_order(text_report):
    extraction = text_report("Adult social care received 148 statutory complaints and children's social care 96 "
                             "Stage 1 complaints, against 88 and 112 respectively in 2020/21.",
                             title="Annual complaints report 2021-22: all council services", year="2021-22")
    assert value_of(extraction, "complaints_received", stage="stage1", period="2021-22") == 96
    assert value_of(extraction, "complaints_received", stage="stage1", period="2020-21") == 112
    assert {a.value for a in extraction.set_aside} >= {148, 88}  # the adults' figures, set aside


def test_a_comparison_with_last_year_keeps_who_and_the_year_before_is_last_year(text_report):
    extraction = text_report("Children and young people made 38 of the Stage 1 complaints, compared to 29 last year. "
                             "Overall 78% of Stage 1 complaints were answered within 20 working days, up from 73% the "
                             "year before. This report compares the figures with the two previous years.",
                             year="2022-23")
    assert value_of(extraction, "complaints_by_complainant", category="child_or_young_person", period="2021-22") == 29
    assert value_of(extraction, "complaints_in_timescale", period="2021-22") == 73
    assert not facts_of(extraction, "complaints_received")


def test_services_named_with_a_bracketed_area_or_as_the_subject_of_complaints(text_report):
    extraction = text_report("Officers advised that Family Help (North) had received 23 complaints and Family Help "
                             "(South) 18. The Children in Care service was the subject of 30 complaints.")
    assert {(f.category_raw, f.value) for f in facts_of(extraction, "complaints_by_service")} >= {
        ("Family Help (North)", 23), ("Family Help (South)", 18)}
    assert value_of(extraction, "complaints_by_service", value=30) == 30
    assert not facts_of(extraction, "complaints_received")


def test_a_figure_for_two_stages_together_has_no_stage_of_its_own(text_report):
    extraction = text_report("We paid £3,450 in time and trouble payments following 9 stage 1 and stage 2 complaints. "
                             "The Child Protection and Court Teams received the most stage 1 complaints (42).",
                             year="2018-19")
    assert value_of(extraction, "remedy_payments_gbp") == 3450
    assert not facts_of(extraction, "complaints_received")
    assert not facts_of(extraction, "complaints_in_timescale")  # 'time and trouble' is no timescale
    assert value_of(extraction, "complaints_by_service", stage="stage1") == 42
