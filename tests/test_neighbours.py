"""A council's comparison group and what the corpus lacks for it: `complaints neighbours`, the
site's "what is missing for this comparison" page, and the comparison page's Ofsted context.

Expected neighbours are read here from DfE's reference file directly (and Thurrock's 2023-24
list is the one the issue gives); expected years from the manifest's rows.
"""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from corpus.manifest import load_corpus, load_manifest, write_manifest
from corpus.sources import SourceRow, write_sources
from publish.build import build
from publish.coverage import coverage_from_manifest
from publish.neighbours import comparison_group, span
from schemas.errors import UnknownCouncilError
from tests.conftest import ROOT

THURROCK_2023_24 = ["Swindon", "Bexley", "Havering", "Medway", "North Northamptonshire", "Bedford",
                    "West Northamptonshire", "Dudley", "Lincolnshire", "Suffolk"]


def dfe_2025_neighbours(code: str) -> list[str]:
    with open(ROOT / "reference" / "statistical_neighbours_dfe_2025_long.csv", newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["new_la_code"] == code]
    return [r["sn_new_la_code"] for r in sorted(rows, key=lambda r: int(r["sn_rank"]))]


def manifest_years(council: str) -> list[str]:
    return sorted({row.period for row in load_manifest() if row.council == council and row.is_document})


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("site") / "complaints.db"
    build(db_path=path)
    return path


def test_thurrock_2023_24_lists_its_ten_neighbours_with_what_the_corpus_has():
    group = comparison_group("Thurrock", "2023-24", load_corpus())
    assert group.model == "2025"
    assert [m.name for m in group.neighbours] == THURROCK_2023_24
    assert [m.code for m in group.neighbours] == dfe_2025_neighbours("E06000034")
    assert [m.closeness for m in group.neighbours][:2] == ["Very close", "Very close"]
    thurrock, members = group.members[0], {m.name: m for m in group.members}
    assert (thurrock.position, thurrock.status, thurrock.present) == (0, "present", manifest_years("Thurrock"))
    assert group.years == ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    assert members["Havering"].present == manifest_years("Havering") == ["2010-11", "2015-16", "2016-17", "2020-21"]
    assert members["Havering"].missing == ["2017-18", "2018-19", "2019-20", "2021-22", "2022-23", "2023-24"]
    assert members["Swindon"].present == ["2016-17"] and members["Bexley"].present == []
    assert all(m.status == "missing" for m in group.neighbours)  # no neighbour's 2023-24 report yet
    # the known addresses of each, from corpus/sources.csv
    assert [a.period for a in members["Havering"].addresses] == ["2010-11", "2015-16", "2016-17", "2020-21"]
    assert [a.url for a in members["Medway"].addresses] == ["https://democracy.medway.gov.uk/mgAi.aspx?ID=26576"]
    assert len(members["Bexley"].addresses) == 2 and members["Bexley"].addresses[0].state is None
    assert members["Dudley"].addresses == []


def test_the_neighbours_command(tmp_path):
    result = CliRunner().invoke(main, ["neighbours", "Thurrock", "--year", "2023-24"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Thurrock (E06000034), East of England: statistical neighbours for 2023-24 (DfE 2025 model)"
    ranked = [line.split()[0:2] for line in lines if line[:4].strip().isdigit()]
    assert [int(rank) for rank, _ in ranked] == list(range(1, 11))
    for name in THURROCK_2023_24:
        assert any(line.split()[1:1 + len(name.split())] == name.split() for line in lines), name
    havering = next(line for line in lines if line.split()[1:2] == ["Havering"])
    assert "2010-11, 2015-16 to 2016-17, 2020-21" in havering and "2017-18 to 2019-20, 2021-22 to 2023-24" in havering
    assert "https://democracy.medway.gov.uk/mgAi.aspx?ID=26576" in result.output
    assert "0 of 10 neighbours have a 2023-24 report in the corpus" in result.output
    # the default year is the council's latest; a year in another form is understood
    latest = CliRunner().invoke(main, ["neighbours", "Havering"])
    assert "statistical neighbours for 2020-21 (DfE 2021 model)" in latest.output
    assert "statistical neighbours for 2023-24" in CliRunner().invoke(main, ["neighbours", "E06000034",
                                                                              "--year", "2023/24"]).output
    unknown = CliRunner().invoke(main, ["neighbours", "Atlantis", "--year", "2023-24"])
    assert unknown.exit_code == 1 and unknown.output.count("\n") == 1 and "Atlantis" in unknown.output
    gone = CliRunner().invoke(main, ["neighbours", "Cumbria", "--year", "2023-24"])
    assert gone.exit_code == 1 and "ran no children's services in 2023-24" in gone.output


def test_what_to_do_for_each_neighbour(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "reports").mkdir(parents=True)
    (corpus / "reports" / "t.txt").write_text("Thurrock complaints report 2023/24\n")
    write_manifest([], corpus / "manifest.csv")
    from corpus.manifest import ManifestRow

    write_manifest([ManifestRow(file="reports/t.txt", council="Thurrock", period="2023-24"),
                    ManifestRow(council="Bexley", period="2023-24", source_url="https://b.gov.uk/r.pdf",
                                status="failed: HTTP 500")], corpus / "manifest.csv")
    write_sources([
        SourceRow(council="Medway", period="2023-24", url="https://democracy.medway.gov.uk/mgAi.aspx?ID=1",
                  kind="committee page"),
        SourceRow(council="Bexley", period="2023-24", url="https://b.gov.uk/r.pdf", kind="document",
                  status="failed: HTTP 500"),
        SourceRow(council="Dudley", period="2022-23", url="https://d.gov.uk/r.pdf", kind="document"),
    ], corpus / "sources.csv")
    group = comparison_group("Thurrock", "2023-24", load_corpus(corpus))
    todo = {m.name: m.to_do for m in group.members}
    assert todo["Thurrock"] == "in the corpus"
    assert todo["Medway"] == 'fetch: complaints fetch --sources --council "Medway" (1 known address)'
    assert todo["Bexley"] == "its known address failed (failed: HTTP 500): find another"
    assert {m.name: m.status for m in group.members}["Bexley"] == "failed"
    assert todo["Dudley"] == "find the 2023-24 report: no address known"  # its address is for another year
    # a model drawn on later boundaries lists a council that did not exist yet
    earlier = comparison_group("Havering", "2019-20", load_corpus())
    west = next(m for m in earlier.members if m.name == "West Northamptonshire")
    assert west.status == "not running" and west.missing == [] and "ran no children's services" in west.to_do


def test_span():
    assert span(["2019-20", "2017-18", "2018-19", "2021-22"]) == "2017-18 to 2019-20, 2021-22"
    assert span([]) == ""


# -- the site ----------------------------------------------------------------------------------

def test_the_site_page_has_the_same_rows_as_the_command(site_db):
    conn = sqlite3.connect(site_db)
    conn.row_factory = sqlite3.Row
    import yaml

    query = yaml.safe_load((ROOT / "publish" / "metadata.yml").read_text())["databases"]["complaints"]["queries"]
    sql = query["comparison_group"]["sql"]
    for council, year in (("Thurrock", "2023-24"), ("Havering", "2019-20"), ("E06000034", "2017/18")):
        rows = conn.execute(sql, {"council": council, "year": year}).fetchall()
        group = comparison_group(council, year.replace("/", "-"), load_corpus())
        assert [(r["rank"], r["council"], r["status"], r["years_in_corpus"], r["years_missing"], r["to_do"])
                for r in rows] == [(m.position, m.name, m.status, span(m.present) or None, span(m.missing) or None,
                                    m.to_do) for m in group.members]
        assert [r["addresses"] for r in rows] == [
            "\n".join(f"{a.period or '?'} {a.state or 'not fetched'}: {a.url}" for a in m.addresses) or None
            for m in group.members]
    # the statuses are the coverage table's (and `complaints corpus`'s), matched on DfE LA numbers: the
    # models name councils by their latest codes (Gateshead E08000037 for its years as E08000020)
    corpus = load_corpus()
    coverage = coverage_from_manifest(corpus.rows, corpus.root)
    number = {r["code"]: r["dfe_number"] for r in conn.execute("select code, dfe_number from councils")}
    by_number = {(number[code], period): cell.status for (code, period), cell in coverage.cells.items()}
    checked = 0
    for row in conn.execute("select member_code, period, status from comparison_groups where status != 'not running'"):
        assert by_number[(number[row["member_code"]], row["period"])] == row["status"]
        checked += 1
    assert checked > 20_000
    sources = conn.execute("select count(*), count(council_code) from report_sources").fetchone()
    assert sources[0] == sources[1] == len(list(csv.DictReader(open(ROOT / "corpus" / "sources.csv", encoding="utf-8"))))


def site_page(db_path: Path, path: str) -> str:
    from datasette.app import Datasette

    from publish.serve import PLUGINS, TEMPLATES, metadata_for

    site = Datasette([str(db_path)], immutables=[], metadata=metadata_for(db_path), template_dir=str(TEMPLATES),
                     plugins_dir=str(PLUGINS))

    async def get() -> str:
        response = await site.client.get(path)
        assert response.status_code == 200, path
        return response.text

    return asyncio.run(get())


def test_the_comparison_page_shows_ofsted_judgements_and_links_to_what_is_missing(site_db):
    html = site_page(site_db, "/complaints/compare_with_neighbours?council=Thurrock&measure=complaints_received"
                              "&stage=&year=2023-24&category=&unit=")
    section = html[html.index('id="comparison-context"'):]
    section = section[:section.index("</section>")]
    assert "Ofsted judgements in force at 31 March 2024" in section
    assert "Thurrock <em>(this council)</em></td>\n        <td>Good</td>" in section
    assert "published 20 December 2019" in section
    for name in THURROCK_2023_24:
        assert f"<td>{name}</td>" in section, name
    assert "Data to Insight" in section and "not an official Ofsted statistic" in section
    assert 'href="/complaints/comparison_group?council=Thurrock&amp;year=2023-24"' in section
    # a year before any grade was read: the reason is shown, not an older grade
    early = site_page(site_db, "/complaints/compare_with_neighbours?council=Thurrock&measure=complaints_received"
                               "&stage=stage1&year=2016-17&category=&unit=")
    assert "not read by the extraction" in early
    # other pages are unchanged
    assert 'id="comparison-context"' not in site_page(site_db, "/complaints/council_over_time?council=Thurrock"
                                                               "&measure=complaints_received&stage=&category=&unit=")


def test_the_missing_page(site_db):
    html = site_page(site_db, "/complaints/comparison_group?council=Thurrock&year=2023-24")
    assert "What is missing for this comparison" in html
    assert all(name in html for name in THURROCK_2023_24)
    assert "find the 2023-24 report: no address known" in html
    assert "https://democracy.medway.gov.uk/mgAi.aspx?ID=26576" in html


def test_an_unknown_council_raises_a_named_error():
    with pytest.raises(UnknownCouncilError):
        comparison_group("Atlantis", "2023-24", load_corpus())
