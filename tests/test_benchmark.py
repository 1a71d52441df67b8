"""Benchmarking against statistical neighbours, region and England, on SYNTHETIC facts.

Five seed reports give almost nothing to compare, so these tests build a database (in
tmp_path, never the published one) with made-up figures for all 153 councils, marked
SYNTHETIC in every document name and quote. The expected averages, ranks, quartiles, rates
and coverage are computed here from the synthetic inputs and the reference CSVs read
directly, not with the SQL or code under test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from statistics import fmean

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from publish.benchmark import compare, format_comparison, history
from publish.build import build
from schemas import DocumentFormat, Fact, FactStatus, Measure, Method, Provenance, SourceDocument, Stage, Unit
from schemas.vocabulary import CategoryMethod
from tests.conftest import ROOT

REFERENCE = ROOT / "reference"
METADATA = ROOT / "publish" / "metadata.yml"
YEAR, LAST_YEAR = "2023-24", "2022-23"
CALDERDALE, KIRKLEES = "E08000033", "E08000034"


def read_csv(name: str) -> list[dict]:
    with open(REFERENCE / name, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


COUNCILS = read_csv("la_list_upper_tier_england_2024.csv")
BY_CODE = {c["new_la_code"]: c for c in COUNCILS}
BY_NUMBER = {c["old_la_code"]: c for c in COUNCILS}


# -- the synthetic inputs -----------------------------------------------------------------------

def stage1_value(council: dict) -> int | None:
    """Stage 1 complaints in 2023-24; councils whose DfE number divides by 7 give none (only
    an unstaged total), so coverage is incomplete. Values 1-61 repeat, so ranks tie."""
    number = int(council["old_la_code"])
    return None if number % 7 == 0 else number * 37 % 61 + 1


def unstaged_value(council: dict) -> int | None:
    number = int(council["old_la_code"])
    return number % 50 + 20 if number % 7 == 0 else None


def last_year_value(council: dict) -> int | None:
    """2022-23 stage 1; none for Cumberland and Westmorland and Furness (created April 2023)."""
    if council["old_la_code"] in {"942", "943"}:
        return None
    return int(council["old_la_code"]) * 11 % 43 + 2


def responded_value(council: dict) -> int | None:
    """Stage 1 complaints responded to: given by the even-numbered councils that give no stage 1
    received figure (a report of closed complaints only)."""
    number = int(council["old_la_code"])
    return number % 40 + 5 if number % 7 == 0 and number % 2 == 0 else None


def timescale_unit(council: dict) -> Unit:
    """Stage 1 complaints in timescale: councils whose number divides by 5 give a percentage."""
    return Unit.PERCENT if int(council["old_la_code"]) % 5 == 0 else Unit.COUNT


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fact(council: dict, period: str, measure: Measure, value: float, document: str, stage=None, unit=Unit.COUNT,
         category=None, label=None, confidence=0.9, method=Method.TABLE, category_method=None,
         status=FactStatus.ACCEPTED) -> Fact:
    """A SYNTHETIC fact, accepted unless said otherwise (benchmarks use trusted facts by default)."""
    return Fact(
        status=status,
        authority_code=council["new_la_code"], authority_name=council["la_name"], period=period, measure=measure,
        stage=stage, category=category, category_raw=label,
        category_method=category_method or (CategoryMethod.ALIAS if label else CategoryMethod.NONE),
        value=value, unit=unit,
        provenance=Provenance(document_sha256=sha(document), document_name=document, line=1,
                              quote=f"SYNTHETIC test figure: {value:g}", method=method, confidence=confidence),
    )


def extraction(document: str, council: dict, period: str, facts: list[Fact]):
    from schemas import Extraction

    source = SourceDocument(file_name=document, sha256=sha(document), format=DocumentFormat.TEXT, size_bytes=0,
                            authority_code=council["new_la_code"], authority_name=council["la_name"], period=period,
                            title="SYNTHETIC report for tests", identified_by="manifest")
    return ROOT / document, None, Extraction(document=source, facts=facts)


def synthetic_extractions():
    for council in COUNCILS:
        document = f"SYNTHETIC-{council['new_la_code']}-2023-24.txt"
        facts = []
        if (value := stage1_value(council)) is not None:
            facts.append(fact(council, YEAR, Measure.COMPLAINTS_RECEIVED, value, document, stage=Stage.STAGE1))
        if (value := unstaged_value(council)) is not None:
            facts.append(fact(council, YEAR, Measure.COMPLAINTS_RECEIVED, value, document))
        if (value := responded_value(council)) is not None:
            facts.append(fact(council, YEAR, Measure.COMPLAINTS_RESPONDED, value, document, stage=Stage.STAGE1))
        if (value := last_year_value(council)) is not None:
            facts.append(fact(council, LAST_YEAR, Measure.COMPLAINTS_RECEIVED, value, document, stage=Stage.STAGE1))
        facts.append(fact(council, YEAR, Measure.COMPLAINTS_IN_TIMESCALE, 40, document, stage=Stage.STAGE1,
                          unit=timescale_unit(council)))
        if council["new_la_code"] == CALDERDALE:
            facts += calderdale_extras(council, document)
        yield extraction(document, council, YEAR, facts)
    # Calderdale's next report restates 2023-24: stage 1 less confidently, stage 2 equally so
    calderdale, kirklees = BY_CODE[CALDERDALE], BY_CODE[KIRKLEES]
    later = "SYNTHETIC-E08000033-2024-25.txt"
    yield extraction(later, calderdale, "2024-25", [
        fact(calderdale, YEAR, Measure.COMPLAINTS_RECEIVED, stage1_value(calderdale) + 5, later, stage=Stage.STAGE1,
             confidence=0.7),
        fact(calderdale, YEAR, Measure.COMPLAINTS_RECEIVED, 4, later, stage=Stage.STAGE2),
    ])
    # Kirklees's report quotes Calderdale's figure, more confidently but not Calderdale's own report
    other = "SYNTHETIC-E08000034-benchmarking.txt"
    yield extraction(other, kirklees, YEAR, [
        fact(calderdale, YEAR, Measure.COMPLAINTS_RECEIVED, stage1_value(calderdale) + 7, other, stage=Stage.STAGE1,
             confidence=0.95),
    ])


def calderdale_extras(council: dict, document: str) -> list[Fact]:
    """Parts of one category, a nested row under its printed parent, an unmapped label."""
    by_service, by_theme = Measure.COMPLAINTS_BY_SERVICE, Measure.COMPLAINTS_BY_THEME
    return [
        fact(council, YEAR, Measure.COMPLAINTS_RECEIVED, 3, document, stage=Stage.STAGE2),
        fact(council, YEAR, by_service, 4, document, category="child_in_need", label="Children in Need > North"),
        fact(council, YEAR, by_service, 6, document, category="child_in_need", label="Children in Need > South"),
        fact(council, YEAR, by_theme, 10, document, category="communication", label="Communication"),
        fact(council, YEAR, by_theme, 7, document, category="communication", label="Communication > Lack of response"),
        fact(council, YEAR, by_service, 99, document, label="Mystery Team", category_method=CategoryMethod.UNMAPPED),
    ]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.db"
    build(db_path=path, extractions=synthetic_extractions())
    return path


@pytest.fixture(scope="module")
def conn(db_path):
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


# -- expected values, computed independently ----------------------------------------------------

def neighbours_2025() -> dict[str, list[str]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for row in read_csv("statistical_neighbours_dfe_2025_long.csv"):
        found.setdefault(row["new_la_code"], []).append((int(row["sn_rank"]), row["sn_new_la_code"]))
    return {code: [c for _, c in sorted(pairs)] for code, pairs in found.items()}


def neighbours_2021_numbers() -> dict[str, list[str]]:
    """DfE number -> neighbours' DfE numbers, read by position (the SNP header repeats)."""
    with open(REFERENCE / "statistical_neighbours_dfe_april2021_wide.csv", newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))[1:]
    return {r[0]: [r[5 + 2 * k] for k in range(10)] for r in rows if r and r[0].strip()}


def mid_year_population(year: int) -> dict[str, int]:
    return {r["new_la_code"]: int(r["population_estimate"]) for r in read_csv("population_children_0_17_by_la_2012_2024.csv")
            if r["geographic_level"] == "Local authority" and r["time_period"] == str(year)}


def referrals(year_ending: int) -> dict[str, int]:
    """Referrals by GSS code; DfE's 'u', 'c' and 'x' (not a number) are left out."""
    return {r["new_la_code"]: int(r["referral_count"]) for r in read_csv("cin_c1_referrals_by_la_2013_2025.csv")
            if r["geographic_level"] == "Local authority" and r["time_period"] == str(year_ending)
            and r["referral_count"].isdigit()}


@pytest.fixture(scope="module")
def expected():
    """Expected stage-1 2023-24 figures for every council with one, by GSS code."""
    values = {c["new_la_code"]: stage1_value(c) for c in COUNCILS if stage1_value(c) is not None}
    values[CALDERDALE] = stage1_value(BY_CODE[CALDERDALE])  # its own, confident report wins
    population, referral_counts = mid_year_population(2023), referrals(2024)  # DfE: 2023-24 uses mid-2023
    rates = {code: v / population[code] * 10_000 for code, v in values.items()}
    sns = neighbours_2025()
    unstaged_only = {c["new_la_code"] for c in COUNCILS if stage1_value(c) is None}
    result = {}
    for code, value in values.items():
        nb = [values[n] for n in sns[code] if n in values]
        region = [v for c, v in values.items() if BY_CODE[c]["region_code"] == BY_CODE[code]["region_code"]]
        rank = 1 + sum(1 for v in values.values() if v > value)
        rate_rank = 1 + sum(1 for r in rates.values() if r > rates[code])
        previous = last_year_value(BY_CODE[code])
        result[code] = {
            "value": value,
            "neighbour_average": round(fmean(nb), 2) if nb else None,
            "neighbours_with_data": len(nb),
            "region_average": round(fmean(region), 2),
            "region_with_data": len(region),
            "england_average": round(fmean(values.values()), 2),
            "england_with_data": len(values),
            "rank": rank,
            "quartile": 1 + 4 * (rank - 1) // len(values),
            "rate_per_10k_children": round(rates[code], 2),
            "rate_rank": rate_rank,
            "rate_per_1k_referrals": round(value / referral_counts[code] * 1000, 2) if code in referral_counts else None,
            "previous_value": previous,
            "change": value - previous if previous is not None else None,
            "unstaged_neighbours": sum(1 for n in sns[code] if n in unstaged_only),
            "unstaged_councils": len(unstaged_only),
        }
    return result


def stage1_rows(conn) -> dict[str, sqlite3.Row]:
    rows = conn.execute("select * from benchmark where period = ? and measure = 'complaints_received' "
                        "and stage = 'stage1' and category = '' and unit = 'count'", [YEAR]).fetchall()
    return {r["council_code"]: r for r in rows}


# -- the benchmark table ------------------------------------------------------------------------

def test_every_council_with_a_figure_has_one_row(conn, expected):
    assert set(stage1_rows(conn)) == set(expected)
    assert len(expected) == 153 - sum(1 for c in COUNCILS if int(c["old_la_code"]) % 7 == 0)


@pytest.mark.parametrize("column", ["value", "neighbour_average", "neighbours_with_data", "region_average",
                                    "region_with_data", "england_average", "england_with_data", "rank", "quartile",
                                    "rate_per_10k_children", "rate_rank", "rate_per_1k_referrals", "previous_value",
                                    "change"])
def test_figures_match_hand_computed_values(conn, expected, column):
    rows = stage1_rows(conn)
    wrong = {code: (rows[code][column], want[column]) for code, want in expected.items()
             if rows[code][column] != pytest.approx(want[column], abs=0.006)}
    assert not wrong, f"{column}: {dict(list(wrong.items())[:5])}"


def test_thurrock_by_hand(conn, expected):
    """One council spelled out: every one of Thurrock's 10 neighbours has a stage 1 figure."""
    thurrock = stage1_rows(conn)["E06000034"]
    sn_values = [stage1_value(BY_CODE[c]) for c in neighbours_2025()["E06000034"]]
    assert thurrock["value"] == 883 * 37 % 61 + 1 == 37
    assert thurrock["neighbours"] == 10 and thurrock["neighbours_with_data"] == 10
    assert thurrock["neighbour_average"] == pytest.approx(sum(sn_values) / 10, abs=0.006)
    assert thurrock["population_0_17"] == 45_530  # mid-2023, by DfE's alignment for 2023-24
    assert thurrock["rate_per_10k_children"] == pytest.approx(37 / 45_530 * 10_000, abs=0.006)
    assert thurrock["referrals"] == 2_198
    assert thurrock["neighbour_model"] == "2025"


def test_ties_share_the_best_rank_and_quartiles_split_the_ranking(conn, expected):
    rows = stage1_rows(conn).values()
    by_value: dict[float, set[int]] = {}
    for row in rows:
        by_value.setdefault(row["value"], set()).add(row["rank"])
    assert all(len(ranks) == 1 for ranks in by_value.values())
    assert any(sum(1 for r in rows if r["value"] == v) > 1 for v in by_value)  # ties exist
    top = max(rows, key=lambda r: r["value"])
    assert top["rank"] == 1 and top["quartile"] == 1
    assert min(rows, key=lambda r: r["value"])["quartile"] == 4
    assert {r["quartile"] for r in rows} == {1, 2, 3, 4}


def test_previous_year_uses_the_2021_neighbour_model(conn):
    """2022-23 is compared with DfE's April 2021 neighbours, matched on DfE numbers."""
    row = conn.execute("select * from benchmark where council_code = 'E06000034' and period = ? "
                       "and measure = 'complaints_received' and stage = 'stage1'", [LAST_YEAR]).fetchone()
    numbers = neighbours_2021_numbers()["883"]
    assert [BY_NUMBER[n]["la_name"] for n in numbers][:4] == ["Medway", "Bexley", "Havering", "Swindon"]
    values = [last_year_value(BY_NUMBER[n]) for n in numbers]
    assert row["neighbour_model"] == "2021"
    assert row["neighbours_with_data"] == 10
    assert row["neighbour_average"] == pytest.approx(fmean(values), abs=0.006)


def test_flags(conn, expected):
    for code, row in stage1_rows(conn).items():
        flags = json.loads(row["flags"])
        assert ("small_number" in flags) == (row["value"] < 5), code
        assert ("few_neighbours_with_data" in flags) == (expected[code]["neighbours_with_data"] < 5), code
        assert "low_england_coverage" not in flags
        assert ("conflicting_sources" in flags) == (code == CALDERDALE), code


def test_councils_without_a_stage_split_are_a_caveat_not_a_silent_gap(conn, expected):
    for code, row in stage1_rows(conn).items():
        want = expected[code]
        n, k = want["unstaged_councils"], want["unstaged_neighbours"]
        phrase = (f"{n} councils ({k} neighbour{'' if k == 1 else 's'} among them) give complaints_received "
                  "only without a stage1 figure: not compared")
        assert phrase in row["caveats"], code
    unstaged = conn.execute("select caveats from benchmark where measure = 'complaints_received' and stage = '' "
                            "and period = ?", [YEAR]).fetchall()
    assert unstaged and all("not split by stage" in r["caveats"] for r in unstaged)


def test_complaints_responded_to_are_not_compared_with_complaints_received(conn):
    responded = {c["new_la_code"] for c in COUNCILS if responded_value(c) is not None}
    sns = neighbours_2025()
    assert responded
    for code, row in stage1_rows(conn).items():
        among = len(responded & set(sns[code]))
        phrase = (f"{len(responded)} councils ({among} neighbour{'' if among == 1 else 's'} among them) give "
                  "complaints responded to, not complaints received: not compared")
        assert phrase in row["caveats"], code
        assert row["england_with_data"] == len(stage1_rows(conn))  # responded figures are not in the average
    rows = conn.execute("select council_code, caveats from benchmark where measure = 'complaints_responded' "
                        "and period = ?", [YEAR]).fetchall()
    assert {r["council_code"] for r in rows} == responded
    assert all("not received" in r["caveats"] for r in rows)


def test_percentages_are_not_compared_with_counts(conn):
    percent = {c["new_la_code"] for c in COUNCILS if timescale_unit(c) is Unit.PERCENT}
    rows = conn.execute("select council_code, unit, england_with_data, caveats from benchmark "
                        "where measure = 'complaints_in_timescale' and period = ?", [YEAR]).fetchall()
    counts = [r for r in rows if r["unit"] == "count"]
    assert {r["council_code"] for r in rows if r["unit"] == "percent"} == percent
    assert all(r["england_with_data"] == 153 - len(percent) for r in counts)
    assert all(f"{len(percent)} councils" in r["caveats"] and "in another unit than count" in r["caveats"]
               for r in counts)


# -- choosing one value when facts disagree -----------------------------------------------------

def _calderdale(conn, measure, stage="", category=""):
    return conn.execute("select * from benchmark where council_code = ? and period = ? and measure = ? "
                        "and stage = ? and category = ?", [CALDERDALE, YEAR, measure, stage, category]).fetchone()


def test_own_confident_report_wins_and_the_disagreement_is_listed(conn):
    row = _calderdale(conn, "complaints_received", "stage1")
    own = stage1_value(BY_CODE[CALDERDALE])
    assert row["value"] == own and row["conflict"] == 1 and row["sources"] == 3
    assert f"also read {own + 5:g}, {own + 7:g}" in row["caveats"]
    conflicts = conn.execute("select * from conflicts where benchmark_id = ? order by value", [row["id"]]).fetchall()
    assert [(c["value"], c["used"]) for c in conflicts] == [(own, 1), (own + 5, 0), (own + 7, 0)]
    assert all(c["quote"].startswith("SYNTHETIC") and c["document_name"].startswith("SYNTHETIC") for c in conflicts)


def test_between_equally_confident_own_reports_the_latest_wins(conn):
    assert _calderdale(conn, "complaints_received", "stage2")["value"] == 4


def test_parts_are_added_and_printed_parents_are_not_double_counted(conn):
    service = _calderdale(conn, "complaints_by_service", category="child_in_need")
    theme = _calderdale(conn, "complaints_by_theme", category="communication")
    assert (service["value"], service["parts"]) == (10, 2)
    assert (theme["value"], theme["parts"]) == (10, 1)
    reasons = {r["value"]: r["reason"] for r in conn.execute(
        "select value, reason from benchmark_sources where benchmark_id = ?", [theme["id"]])}
    assert "sub-row of 'Communication'" in reasons[7]


def test_unmapped_labels_are_left_out(conn):
    assert not conn.execute("select 1 from benchmark where council_code = ? and measure = 'complaints_by_service' "
                            "and category = ''", [CALDERDALE]).fetchall()


# -- reference tables -----------------------------------------------------------------------------

def test_statistical_neighbours_both_models(conn):
    counts = dict(conn.execute("select model, count(*) from statistical_neighbours group by model").fetchall())
    assert counts == {"2025": 1530, "2021": 1560}  # 153 x 10; 152 + 4 'Old SNs' x 10
    bad = conn.execute("select model, council_code from statistical_neighbours group by model, council_code "
                       "having count(distinct neighbour_code) != 10 or sum(neighbour_code = council_code) > 0")
    assert not bad.fetchall()
    thurrock_2021 = [r[0] for r in conn.execute("select neighbour_name from statistical_neighbours where model = '2021' "
                                                "and council_code = 'E06000034' order by rank")]
    assert thurrock_2021 == ["Medway", "Bexley", "Havering", "Swindon", "Dudley", "Southend-on-Sea",
                             "West Northamptonshire", "Telford and Wrekin", "Milton Keynes", "Peterborough"]
    # the 2021 model's 815 is North Yorkshire County Council, not the 2023 unitary
    assert conn.execute("select council_code from statistical_neighbours where model = '2021' "
                        "and council_dfe_number = '815' limit 1").fetchone()[0] == "E10000023"
    old = {r[0] for r in conn.execute("select council_dfe_number from statistical_neighbours where note is not null")}
    assert old == {"835", "836", "837", "928"}
    bands = {r[0] for r in conn.execute("select distinct closeness from statistical_neighbours")}
    assert bands <= {"Extremely close", "Very close", "Close", "Somewhat close", "Not close"}


def test_population_missing_is_null_not_zero(conn):
    row = conn.execute("select * from population where council_code = 'E06000034' and mid_year = 2023").fetchone()
    assert (row["children_0_17"], row["period"]) == (45_530, "2023-24")
    missing = conn.execute("select count(*), sum(marker = 'x') from population where children_0_17 is null").fetchone()
    assert tuple(missing) == (21, 21)
    assert conn.execute("select count(*) from population where children_0_17 = 0").fetchone()[0] == 0


def test_context_measures_use_the_year_ending_31_march(conn):
    def value(code, period, measure):
        return conn.execute("select value, marker from context_measures where council_code = ? and period = ? "
                            "and measure = ?", [code, period, measure]).fetchone()

    assert value("E06000034", "2023-24", "referrals_received")[0] == 2_198
    assert value("E06000034", "2023-24", "children_in_need")[0] == 1_455
    assert value("E06000034", "2024-25", "children_looked_after")[0] == 276
    assert tuple(value("E10000006", "2024-25", "children_looked_after")) == (None, "z")  # Cumbria, abolished


# -- reading it back: functions, command line, canned queries -------------------------------------

def test_compare_reads_a_council_and_its_neighbours(db_path, expected):
    comparison = compare(db_path, "thurrock", "complaints_received", YEAR, stage="stage1")
    assert comparison.row["value"] == expected["E06000034"]["value"]
    assert [n["neighbour_code"] for n in comparison.neighbours] == neighbours_2025()["E06000034"]
    assert [n["neighbour_value"] for n in comparison.neighbours] == [
        stage1_value(BY_CODE[c]) for c in neighbours_2025()["E06000034"]]
    assert [r["period"] for r in history(db_path, "E06000034", "complaints_received", "stage1")] == [LAST_YEAR, YEAR]
    text = format_comparison(comparison)
    assert "Swindon" in text and "10 of 10 neighbours" in text


def test_command_prints_the_comparison(db_path, expected):
    want = expected["E06000034"]
    result = CliRunner().invoke(main, ["benchmark", "Thurrock", "--measure", "complaints_received", "--stage",
                                       "stage1", "--year", "2023-24", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert f"rank {want['rank']} of {want['england_with_data']}" in result.output
    assert f"{want['neighbour_average']:g}" in result.output
    assert "Bexley" in result.output and "England average" in result.output
    missing = CliRunner().invoke(main, ["benchmark", "Thurrock", "--measure", "complaints_received", "--year",
                                        "2019-20", "--stage", "stage1", "--db", str(db_path)])
    assert missing.exit_code != 0 and "years with one: 2022-23, 2023-24" in missing.output


def canned(name: str) -> dict:
    return yaml.safe_load(METADATA.read_text())["databases"]["complaints"]["queries"][name]


def run_canned(conn, name: str, **params) -> list[sqlite3.Row]:
    from publish.benchmark import register_functions

    register_functions(conn)  # as the site's plugin does: council_codes(name)
    query = canned(name)
    values = {p: "" for p in query["params"]} | params
    return conn.execute(query["sql"], values).fetchall()


def test_canned_comparison_query(conn, expected):
    rows = run_canned(conn, "compare_with_neighbours", council="Thurrock", measure="complaints_received",
                      stage="Stage 1", year="2023/24")
    want = expected["E06000034"]
    assert [r["position"] for r in rows] == list(range(14))
    assert rows[0]["council"] == "Thurrock" and rows[0]["value"] == want["value"]
    assert [r["council"] for r in rows[1:11]] == [BY_CODE[c]["la_name"] for c in neighbours_2025()["E06000034"]]
    assert rows[11]["value"] == pytest.approx(want["neighbour_average"]) and rows[11]["with_data"] == "10 of 10"
    assert rows[13]["value"] == pytest.approx(want["england_average"])


def test_canned_queries_are_parameterised(conn, expected):
    for name in ("compare_with_neighbours", "measure_across_councils", "council_over_time"):
        query = canned(name)
        assert all(f":{p}" in query["sql"] for p in query["params"]), name
        assert "{" not in query["sql"] and "%s" not in query["sql"], name
    injected = run_canned(conn, "compare_with_neighbours", council="Thurrock' or '1'='1", measure="complaints_received",
                          stage="stage1", year=YEAR)
    assert injected == []
    ranked = run_canned(conn, "measure_across_councils", measure="complaints_received", stage="stage1", year=YEAR)
    assert len(ranked) == len(expected) and [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked)
    over_time = run_canned(conn, "council_over_time", council="E06000034", measure="complaints_received", stage="stage1")
    assert [r["period"] for r in over_time] == [LAST_YEAR, YEAR]


def test_reference_tables_carry_their_own_source_and_licence():
    tables = yaml.safe_load(METADATA.read_text())["databases"]["complaints"]["tables"]
    for name in ("statistical_neighbours", "population", "context_measures"):
        assert tables[name]["source"] and tables[name]["source_url"], name
        assert "Open Government Licence" in tables[name]["license"], name


def test_an_empty_build_still_has_the_benchmark_tables(tmp_path):
    path = tmp_path / "empty.db"
    build(db_path=path, extractions=[])
    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from benchmark").fetchone()[0] == 0
        assert connection.execute("select count(*) from conflicts").fetchone()[0] == 0
        assert connection.execute("select count(*) from statistical_neighbours").fetchone()[0] == 3090
