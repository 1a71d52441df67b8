"""Normalisation: service/theme taxonomies with fuzzy mapping and review, council identity, periods.

The labelled sets live in tests/labels/. Run with `pytest -s` to see precision and recall.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from normalise.categories import (
    AMBIGUITY_MARGIN,
    DEFAULT_SCORE_CUTOFF,
    OVERRIDES_CSV,
    CategoryMapper,
    Entry,
    Override,
    Taxonomy,
    TaxonomyError,
    load_mapper,
    load_overrides,
    load_taxonomies,
    normalise_label,
)
from normalise.councils import UnknownCouncilError, detect_council, load_registry, name_key
from schemas.periods import find_periods, is_period_label, make_period, parse_period, shift, start_year
from normalise.review import ReviewRow, accept, parse_assignment, review_queue
from schemas import CategoryMethod, Fact, Measure, Method, Provenance, Unit

LABELS = Path(__file__).resolve().parent / "labels"

#: The floor under which service recall must not fall. Measured 0.945 on the labelled set
#: (348 labels; 0.92 on the held-out batches before any tuning): the floor leaves room
#: for a few labels to move to review, never the other way.
SERVICE_RECALL_FLOOR = 0.92
THEME_RECALL_FLOOR = 0.90
PRECISION_FLOOR = 0.97

REQUIRED_SERVICES = {
    "front_door", "assessment", "child_in_need", "child_protection", "early_help", "children_looked_after",
    "fostering", "adoption", "residential_care", "care_leavers", "disabled_children", "uasc", "youth_justice",
    "commissioning_placements", "finance", "legal_court", "other",
}
REQUIRED_THEMES = {
    "communication", "quality_of_service", "staff_conduct", "decision", "delay", "contact_arrangements", "finance",
    "other",
}


def read_labels(name: str) -> list[dict[str, str]]:
    with open(LABELS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mapper() -> CategoryMapper:
    return load_mapper()


@pytest.fixture(scope="module")
def taxonomies() -> dict[str, Taxonomy]:
    return load_taxonomies()


# -- taxonomy data -------------------------------------------------------------------------


def test_taxonomies_cover_the_required_areas(taxonomies):
    assert REQUIRED_SERVICES <= set(taxonomies["service"].entries)
    assert REQUIRED_THEMES <= set(taxonomies["theme"].entries)
    assert {"apology", "explanation", "financial"} <= set(taxonomies["remedy"].entries)
    for taxonomy in taxonomies.values():
        for entry in taxonomy.entries.values():
            assert entry.name and entry.description and entry.aliases, entry.id


def evaluate(mapper: CategoryMapper, kind: str, rows: list[dict[str, str]]) -> dict:
    mapped = correct = to_map = 0
    wrong, leaked, missed = [], [], []
    for row in rows:
        result = mapper.map_kind(kind, row["label"])
        expected = row["expected"]
        if expected != "review":
            to_map += 1
        if result.category is None:
            assert result.method is CategoryMethod.UNMAPPED
            if expected != "review":
                missed.append(row["label"])
            continue
        mapped += 1
        if result.category == expected:
            correct += 1
        elif expected == "review":
            leaked.append((row["label"], result.category))
        else:
            wrong.append((row["label"], expected, result.category))
    return {
        "precision": correct / mapped if mapped else 1.0,
        "recall": correct / to_map if to_map else 1.0,
        "mapped": mapped,
        "queue": len(rows) - mapped,
        "wrong": wrong,
        "leaked": leaked,
        "missed": missed,
        "n": len(rows),
    }


@pytest.mark.parametrize(
    "kind, file, minimum, recall_floor",
    [("service", "service_labels.csv", 150, SERVICE_RECALL_FLOOR), ("theme", "theme_labels.csv", 40, THEME_RECALL_FLOOR)],
)
def test_labelled_set(mapper, taxonomies, kind, file, minimum, recall_floor):
    rows = read_labels(file)
    assert len(rows) >= minimum
    for row in rows:  # a typo in the expected column would otherwise count as a miss
        assert row["expected"] == "review" or row["expected"] in taxonomies[kind].entries, row
    result = evaluate(mapper, kind, rows)
    print(
        f"\n{kind} labels: n={result['n']} mapped={result['mapped']} precision={result['precision']:.3f} "
        f"recall={result['recall']:.3f} review queue={result['queue']} "
        f"(cutoff {DEFAULT_SCORE_CUTOFF}, margin {AMBIGUITY_MARGIN})"
    )
    if result["missed"]:
        print(f"  sent to review although a category was expected: {result['missed']}")
    assert not result["leaked"], f"labels that must go to review were mapped: {result['leaked']}"
    assert result["precision"] >= PRECISION_FLOOR, result["wrong"]
    assert result["recall"] >= recall_floor, result["missed"]


def test_seed_labels_are_all_decided_correctly(mapper):
    """Labels printed in the five seed reports: none mapped wrongly, none expected-review mapped."""
    rows = [r for r in read_labels("service_labels.csv") if r["note"].startswith("seed")]
    assert len(rows) >= 100
    result = evaluate(mapper, "service", rows)
    print(f"\nseed service labels: n={result['n']} recall={result['recall']:.3f}")
    assert not result["wrong"] and not result["leaked"]


# -- mapping behaviour ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, expected",
    [
        ("Children & Families Assessment Team CFAT", "assessment"),
        ("Family Support (North East)", "child_in_need"),
        ("Through Care 2", "care_leavers"),
        ("Children in Need > Winsford", "child_in_need"),
        ("Provider Services > Fostering", "fostering"),
        ("Children's Social Care (Family Support Team 1)", "child_in_need"),
        ("Unaccompanied Asylum Seekers, outside agency", "uasc"),
        ("Leaving Care Team", "care_leavers"),
        ("Care Leavers", "care_leavers"),
    ],
)
def test_variants_map_to_one_service(mapper, label, expected):
    result = mapper.map(Measure.COMPLAINTS_BY_SERVICE, label, "E06000034")
    assert (result.category, result.kind) == (expected, "service")
    assert result.method in {CategoryMethod.ALIAS, CategoryMethod.FUZZY}


@pytest.mark.parametrize(
    "label, both",
    [
        ("Looked After Child & SEND", {"children_looked_after", "disabled_children"}),
        ("Children Looked After Team 3/UAS", {"children_looked_after", "uasc"}),
        ("Fostering and Adoption", {"fostering", "adoption"}),
        ("Childrens Safeguarding & Family Support", {"child_protection", "child_in_need"}),
    ],
)
def test_a_label_naming_two_services_goes_to_review(mapper, label, both):
    result = mapper.map(Measure.COMPLAINTS_BY_SERVICE, label)
    assert result.category is None and result.method is CategoryMethod.UNMAPPED
    assert both <= {c for c, _ in result.candidates}  # the reviewer sees both


@pytest.mark.parametrize("label", ["Permanence Team", "Transitions", "SEND", "Oaktree Centre", "Children's Social Care"])
def test_doubtful_or_unknown_labels_go_to_review(mapper, label):
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, label).method is CategoryMethod.UNMAPPED


def test_fuzzy_match_keeps_its_token_sort_score(mapper):
    result = mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Chid Protection")
    assert (result.category, result.method) == ("child_protection", CategoryMethod.FUZZY)
    assert result.score == pytest.approx(fuzz.token_sort_ratio("chid protection", "child protection"), abs=0.1)
    assert DEFAULT_SCORE_CUTOFF <= result.score < 100


def test_below_the_cutoff_is_unmapped_with_its_best_candidates(mapper):
    result = mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Leaving Care Tem")  # 85.7, just under the cutoff
    assert result.category is None and result.method is CategoryMethod.UNMAPPED
    assert result.candidates[0][0] == "care_leavers"
    assert result.score == result.candidates[0][1] < DEFAULT_SCORE_CUTOFF


def test_two_entries_within_the_margin_are_ambiguous():
    taxonomy = Taxonomy(
        "service",
        [Entry("alpha", "Alpha", "a", ("fostering panel",)), Entry("beta", "Beta", "b", ("fostering planel",))],
    )
    result = taxonomy.match("fostering plane")
    assert result.category is None and {c for c, _ in result.candidates} == {"alpha", "beta"}
    clear = Taxonomy("service", [Entry("alpha", "Alpha", "a", ("fostering panel",)), Entry("beta", "Beta", "b", ("adoption",))])
    assert clear.match("fostering panl").category == "alpha"


def test_normalisation():
    assert normalise_label("Children & Families Assessment Team CFAT") == "children family assessment cfat"
    assert normalise_label("Looked-After Children's Services") == "looked after childrens"
    assert normalise_label("Family Support (North East)") == "family support"
    assert normalise_label("Family Support Team 6", drop_suffixes=False) == "family support 6"
    assert normalise_label("Family Hub") == "family hub"  # not the bare generic word 'family'


def test_themes_and_remedies_use_their_own_taxonomy(mapper):
    assert mapper.map(Measure.COMPLAINTS_BY_THEME, "Social Worker > Allegations of Misconduct").category == "staff_conduct"
    assert mapper.map(Measure.COMPLAINTS_BY_THEME, "Finance").category == "finance"
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Finance").kind == "service"
    assert mapper.map(Measure.REMEDIES_BY_TYPE, "Explanation & Apology").category == "explanation_and_apology"
    assert mapper.map(Measure.COMPLAINTS_BY_THEME, "Assessment/Decision making").category is None


# -- overrides -----------------------------------------------------------------------------


def test_overrides_win_over_aliases_and_fuzzy(taxonomies):
    overrides = [
        Override("*", "Oaktree Centre", "early_help", "a children's centre"),
        Override("E06000034", "Fostering", "adoption", "pretend local decision"),
        Override("*", "Chid Protection", "child_in_need", "beats the fuzzy match"),
    ]
    mapper = CategoryMapper(taxonomies, overrides)
    oak = mapper.map(Measure.COMPLAINTS_BY_SERVICE, "oaktree  centre", "E08000033")
    assert (oak.category, oak.method) == ("early_help", CategoryMethod.OVERRIDE)
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Fostering", "E06000034").category == "adoption"
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Fostering", "E06000020").category == "fostering"
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Chid Protection").category == "child_in_need"
    # a decision on a segment applies inside a path, and a service id never lands on a theme
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Provider Services > Oaktree Centre").category == "early_help"
    assert mapper.map(Measure.COMPLAINTS_BY_THEME, "Oaktree Centre").category is None


def test_overrides_file_is_validated(tmp_path, taxonomies):
    bad = tmp_path / "overrides.csv"
    bad.write_text("council_code,raw_label,canonical_id,note\n*,Oaktree Centre,early_help,\n*,CEF,not_a_service,\n")
    with pytest.raises(TaxonomyError, match=r"line 3.*not_a_service"):
        CategoryMapper(taxonomies, load_overrides(bad))
    bad.write_text("council_code,raw_label,canonical_id,note\nThurrock,CEF,other,\n")
    with pytest.raises(TaxonomyError, match="line 2"):
        load_overrides(bad)


def test_packaged_overrides_load(taxonomies):
    CategoryMapper(taxonomies, load_overrides(OVERRIDES_CSV))


# -- review queue and accept ---------------------------------------------------------------


def make_fact(measure: Measure, label: str, council: str = "E06000034", method=CategoryMethod.UNMAPPED, category=None) -> Fact:
    return Fact(
        authority_code=council,
        authority_name="x",
        period="2023-24",
        measure=measure,
        category=category,
        category_raw=label,
        category_method=method,
        value=1,
        unit=Unit.COUNT,
        provenance=Provenance(
            document_sha256="0" * 64, document_name="x.txt", quote=f"{label} 1", method=Method.TABLE, confidence=0.9
        ),
    )


def test_review_queue_groups_unmapped_labels(tmp_path, taxonomies):
    facts = [
        make_fact(Measure.COMPLAINTS_BY_SERVICE, "Looked After Child & SEND", "E08000033"),
        make_fact(Measure.COMPLIMENTS_BY_SERVICE, "Looked After Child and SEND", "E06000034"),
        make_fact(Measure.COMPLAINTS_BY_SERVICE, "Looked After Child & SEND", "E08000033"),
        make_fact(Measure.COMPLAINTS_BY_SERVICE, "Oaktree Centre"),
        make_fact(Measure.COMPLAINTS_BY_THEME, "Record keeping"),
        make_fact(Measure.COMPLAINTS_BY_SERVICE, "Fostering", method=CategoryMethod.ALIAS, category="fostering"),
        make_fact(Measure.COMPLAINTS_RECEIVED, None, method=CategoryMethod.NONE),
    ]
    mapper = CategoryMapper(taxonomies, [])
    rows = review_queue(facts, mapper)
    assert [(r.label, r.kind, r.facts) for r in rows] == [
        ("Looked After Child & SEND", "service", 3),
        ("Oaktree Centre", "service", 1),
        ("Record keeping", "theme", 1),
    ]
    first = rows[0]
    assert isinstance(first, ReviewRow)
    assert first.councils == ("E06000034", "E08000033")
    assert {"children_looked_after", "disabled_children"} <= {c for c, _ in first.candidates}
    assert all(0 <= s <= 100 for _, s in first.candidates)
    assert first.as_dict()["candidates"][0].keys() == {"id", "score"}
    # once a person decides, the label leaves the queue
    path = tmp_path / "overrides.csv"
    accept("Oaktree Centre", "early_help", path=path, kind="service")
    rows = review_queue(facts, CategoryMapper(taxonomies, load_overrides(path)))
    assert "Oaktree Centre" not in [r.label for r in rows]


def test_accept_writes_and_updates_a_valid_row(tmp_path, taxonomies):
    before = hashlib.sha256(OVERRIDES_CSV.read_bytes()).hexdigest()
    path = tmp_path / "overrides.csv"
    accept("Oaktree Centre", "early_help", note="children's centre", path=path)
    accept("CEF", "other", council="E06000034", path=path, kind="service")
    accept("oaktree centre", "residential_care", path=path)  # same label: updated, not added
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["council_code"], r["raw_label"], r["canonical_id"]) for r in rows] == [
        ("*", "oaktree centre", "residential_care"),
        ("E06000034", "CEF", "other"),
    ]
    mapper = CategoryMapper(taxonomies, load_overrides(path))
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "Oaktree Centre").method is CategoryMethod.OVERRIDE
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "CEF", "E06000034").category == "other"
    assert mapper.map(Measure.COMPLAINTS_BY_SERVICE, "CEF", "E08000033").category is None
    assert hashlib.sha256(OVERRIDES_CSV.read_bytes()).hexdigest() == before


def test_accept_rejects_unknown_ids_councils_and_kinds(tmp_path):
    path = tmp_path / "overrides.csv"
    with pytest.raises(TaxonomyError, match=r"'early_halp'.*Valid ids"):
        accept("Oaktree Centre", "early_halp", path=path)
    with pytest.raises(TaxonomyError, match="theme taxonomy"):
        accept("Oaktree Centre", "early_help", path=path, kind="theme")  # a service id
    with pytest.raises(TaxonomyError, match="GSS code"):
        accept("Oaktree Centre", "early_help", council="Thurrock", path=path)
    assert not path.exists()


def test_parse_assignment():
    assert parse_assignment("Oaktree Centre=early_help") == ("Oaktree Centre", "early_help")
    assert parse_assignment(" A=B = other ") == ("A=B", "other")
    with pytest.raises(ValueError):
        parse_assignment("Oaktree Centre")


# -- taxonomy validation -------------------------------------------------------------------

GOOD = """
- id: fostering
  name: Fostering
  description: Fostering services
  aliases: [fostering, foster care]
"""


@pytest.mark.parametrize(
    "text, message",
    [
        (GOOD + "- id: Adoption\n  name: Adoption\n  description: d\n  aliases: [adoption]\n", r"entry 2 \('Adoption'\).*lower_case"),
        (GOOD + "- id: adoption\n  description: d\n  aliases: [adoption]\n", r"entry 2 \('adoption'\): needs a 'name'"),
        (GOOD + "- id: adoption\n  name: Adoption\n  aliases: [adoption]\n", r"'adoption'.*description"),
        (GOOD + "- id: adoption\n  name: Adoption\n  description: d\n  aliases: adoption\n", r"'adoption'.*'aliases' must be a list"),
        (GOOD + "- id: adoption\n  name: Adoption\n  description: d\n  alias: [adoption]\n", r"'adoption'.*unknown field.*alias"),
        (GOOD + "- id: adoption\n  name: Adoption\n  description: d\n  aliases: [Foster Care]\n", r"'adoption'.*'Foster Care'.*'fostering'"),
        (GOOD + "- id: fostering\n  name: Fostering 2\n  description: d\n  aliases: [x]\n", r"'fostering' is defined twice"),
        (GOOD + "- id: adoption\n  name: Adoption\n  description: d\n  aliases: [care]\n", r"'adoption'.*'care'.*generic"),
        (GOOD + "- id: adoption\n  name: Adoption\n  description: d\n  aliases: [adoption]\n  doubtful: [foster care]\n",
         r"'adoption'.*doubtful.*'foster care'"),
        (GOOD + "- just a string\n", r"entry 2: must be a mapping"),
        ("- id: [unclosed\n", r"not valid YAML"),
        ("{}\n", r"non-empty list"),
    ],
)
def test_taxonomy_errors_name_the_bad_entry(tmp_path, text, message):
    path = tmp_path / "services.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message) as info:
        Taxonomy.load("service", path)
    assert "services.yaml" in str(info.value)


def test_a_good_taxonomy_file_loads(tmp_path):
    path = tmp_path / "services.yaml"
    path.write_text(GOOD, encoding="utf-8")
    taxonomy = Taxonomy.load("service", path)
    assert taxonomy.match("Foster Care Team 2").category == "fostering"


# -- councils ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_council_name_variants(registry):
    rows = read_labels("council_names.csv")
    assert len(rows) >= 40
    wrong = []
    for row in rows:
        period = row["period"] or None
        if row["expected_code"] == "error":
            with pytest.raises(UnknownCouncilError):
                registry.resolve(row["name"], period)
            assert registry.lookup(row["name"], period) is None
            continue
        got = registry.resolve(row["name"], period).code
        if got != row["expected_code"]:
            wrong.append((row["name"], period, row["expected_code"], got))
    print(f"\ncouncil names: {len(rows)} variants, {len(wrong)} wrong")
    assert not wrong


@pytest.mark.parametrize(
    "name, period, code",
    [
        ("North Yorkshire", "2017-18", "E10000023"),
        ("North Yorkshire", "2023-24", "E06000065"),
        ("Barnsley", "2024-25", "E08000016"),
        ("Barnsley", "2025-26", "E08000038"),  # recoded 1 May 2025: most of the year on the new code
        ("Sheffield", "2025-26", "E08000039"),
        ("Dorset", "2018-19", "E10000009"),
        ("Dorset", "2019-20", "E06000059"),
        ("Poole", "2018-19", "E06000029"),
        ("Northamptonshire", "2020-21", "E10000021"),
        ("Cumbria", "2022-23", "E10000006"),
        ("Cumberland", "2023-24", "E06000063"),
    ],
)
def test_history_chooses_the_code_of_the_year(registry, name, period, code):
    assert registry.resolve(name, period).code == code


@pytest.mark.parametrize("name, period", [("Cumbria", "2023-24"), ("Northamptonshire", "2021-22"), ("Poole", "2019-20")])
def test_an_abolished_council_is_not_guessed_for_later_years(registry, name, period):
    with pytest.raises(UnknownCouncilError, match="until 31 March"):
        registry.resolve(name, period)


def test_name_keys_and_mentions(registry):
    assert name_key("Bristol, City of") == name_key("Bristol City Council") == "bristol"
    assert name_key("St. Helens") == name_key("Saint Helens Council") == "st helens"
    mentions = registry.find_mentions("Thurrock Council and the London Borough of Redbridge; reading the report")
    assert [c.code for _, _, c in mentions] == ["E06000034", "E09000026"]


def test_a_person_named_like_a_council_is_not_the_council(registry):
    # Bath and North East Somerset's scrutiny minutes (tests/real) name no council but one councillor
    text = ("Meeting: 17/11/2015 - Children and Young People Policy Development and Scrutiny Panel (Item 36)\n"
            "Councillor Karen Warrington asked if they could identify any reason for the increase. "
            "Cllr Barnet and Mrs J. Bury agreed.")
    assert registry.find_mentions(text) == []
    assert detect_council(text, registry) == (None, None)
    mentions = registry.find_mentions("Warrington Borough Council: a report to Councillor Smith")
    assert [c.name for _, _, c in mentions] == ["Warrington"]


# -- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, period",
    [
        ("April 2017 – March 2018", "2017-18"),
        ("2017/2018", "2017-18"),
        ("2017/18", "2017-18"),
        ("2017-18", "2017-18"),
        ("2016 - 2017", "2016-17"),
        ("1 April 2023 to 31 March 2024", "2023-24"),
        ("1st April 2017 to 31st March 2018", "2017-18"),
        ("Apr 2017 - Mar 2018", "2017-18"),
        ("01/04/2017 to 31/03/2018", "2017-18"),
        ("for the year ended 31 March 2018", "2017-18"),
        ("1999/2000", "1999-00"),
        ("<b>2015-16*</b>", "2015-16"),
        ("Volume Closed 2023/24", "2023-24"),
        ("between 1 April 2021 and 31 March 2022", "2021-22"),
    ],
)
def test_period_variants(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2017/2019", "£2017/18", "31/03/2018", "April 2017 – March 2019", "2017/18 and 2018/19"])
def test_not_one_period(text):
    assert parse_period(text) is None


def test_glued_year_pairs_are_all_found():
    assert [m.period for m in find_periods("2015/162016/17")] == ["2015-16", "2016-17"]
    assert [m.period for m in find_periods("2023/2413% more")] == ["2023-24"]


def test_period_helpers():
    assert is_period_label("2016/2017") and is_period_label("Year 2023/24") and is_period_label("2015-16*")
    assert not is_period_label("Volume Closed 2023/24")
    assert make_period(1999) == "1999-00" and shift("2017-18", -1) == "2016-17" and start_year("2017-18") == 2017
