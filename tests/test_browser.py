"""The published site in a real browser, as a new user meets it: build a database from the seed
reports (Thurrock's 2023-24 report as its PDF, the others as text), serve it with `complaints
serve`'s settings on a free port, and drive headless Chromium: open /benchmark, compare Thurrock
with its neighbours, follow the figure to its fact, its document, the report file and the
picture of its PDF page; check every main page with axe-core (no serious or critical
violations) and at a phone's width (390 px). Saves the README's screenshots on request.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from publish.build import build
from publish.serve import datasette_args, datasette_env, write_metadata
from tests.conftest import FIXTURE_DOCS, IN_CI, REPORTS_DIR, ROOT, require_tool

pytestmark = pytest.mark.browser

#: The README's screenshots are refreshed only on request (UPDATE_SCREENSHOT=1), so a test run
#: leaves the working tree clean; otherwise they go to tests/artifacts/.
SCREENSHOTS = ROOT / "docs" if os.environ.get("UPDATE_SCREENSHOT") == "1" else ROOT / "tests" / "artifacts"
WINDOW = (1000, 1300)
PHONE = 390
SCREENSHOT_COLOURS = 64
STARTUP_SECONDS = 30
WAIT_SECONDS = 10
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core impacts that fail the test (moderate and minor ones are printed, not failed).
FAILING_IMPACTS = {"serious", "critical"}
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]
THURROCK_NEIGHBOURS_2025 = ["Swindon", "Bexley", "Havering", "Medway", "North Northamptonshire", "Bedford",
                            "West Northamptonshire", "Dudley", "Lincolnshire", "Suffolk"]
THURROCK_2023 = "004_0f72ccf6eb1b7efb"
COMPARISON = ("/complaints/compare_with_neighbours?council=Thurrock&measure=complaints_responded&stage=stage1"
              "&year=2023-24&category=&unit=")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    """(status, content type, body) of a GET."""
    with urllib.request.urlopen(url, timeout=WAIT_SECONDS) as response:
        return response.status, response.headers["content-type"], response.read()


def seed_corpus(directory: Path) -> Path:
    """The seed reports, Thurrock's 2023-24 one as the PDF it was published as."""
    (directory / "reports").mkdir(parents=True)
    with open(REPORTS_DIR.parent / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if THURROCK_2023 in row["file"]:
            row["file"], row["sha256"] = f"reports/{THURROCK_2023}.pdf", ""
            shutil.copy(FIXTURE_DOCS / f"{THURROCK_2023}.pdf", directory / row["file"])
        else:
            shutil.copy(ROOT / "corpus" / row["file"], directory / row["file"])
    with open(directory / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return directory


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, database path) of the seed database served as `complaints serve` serves it."""
    directory = tmp_path_factory.mktemp("site")
    corpus = seed_corpus(directory / "corpus")
    db_path = directory / "complaints.db"
    build(corpus, db_path)
    metadata = write_metadata(db_path, directory)
    port = free_port()
    log = open(directory / "datasette.log", "w+b")
    server = subprocess.Popen(datasette_args(db_path, port=port, metadata=metadata), stdout=log,
                              stderr=subprocess.STDOUT, env=datasette_env(corpus, directory / "pages"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                get(base + "/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"Datasette did not start:\n{log.read().decode(errors='replace')}")
                time.sleep(0.2)
        yield base, db_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = require_tool("chromium")
    chromedriver = require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.binary_location = chromium
    driver = webdriver.Chrome(options=options, service=Service(chromedriver))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def wide(browser):
    browser.set_window_size(*WINDOW)
    return browser


def wait_for(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_until(driver, condition):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(lambda d: condition())


def save_screenshot(browser, name: str, css: str, height: int) -> None:
    """The top of the page down to the bottom of `css` (at most `height`), as a small palette PNG."""
    from selenium.webdriver.common.by import By

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / name
    browser.save_screenshot(str(target))
    bottom = browser.find_element(By.CSS_SELECTOR, css).rect
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with reportlab; without it the full screenshot is kept
        return
    with Image.open(target) as image:
        cut = min(image.height, height, int(bottom["y"] + bottom["height"] + 16))
        small = image.crop((0, 0, image.width, cut)).convert("RGB")
    small.quantize(colors=SCREENSHOT_COLOURS).save(target, optimize=True)


def test_a_new_user_follows_a_figure_from_the_comparison_to_its_page_in_the_report(site, wide):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser, (base, _db) = wide, site
    browser.get(base + "/benchmark")
    for name, value in [("council", "Thurrock"), ("measure", "complaints_responded"), ("stage", "stage1"),
                        ("category", ""), ("unit", "count")]:
        Select(browser.find_element(By.ID, name)).select_by_value(value)
    # the years offered follow the council and measure chosen (fetched by benchmark.js)
    year = Select(browser.find_element(By.ID, "year"))
    wait_until(browser, lambda: [o.get_attribute("value") for o in year.options] == ["2023-24", "2022-23"])
    year.select_by_value("2023-24")
    browser.find_element(By.ID, "compare").click()
    wait_for(browser, "#neighbours-chart[data-drawn='true'] svg")

    summary = browser.find_element(By.ID, "benchmark-summary").text
    assert browser.title == "Thurrock, 2023-24: Stage 1 complaints responded to compared with similar councils"
    assert "Thurrock\n9 1.98 per 10,000 children 4.09 per 1,000 referrals" in summary
    assert "Change from 2022-23\n−6 (−40%), from 15 in 2022-23" in summary
    assert "14 (2 of 153 councils: too few for a fair average)" in summary
    weak = [dd.text for dd in browser.find_elements(By.CSS_SELECTOR, "#benchmark-summary dd.weak")]
    assert len(weak) == 3 and weak[2].endswith("14 (2 of 153 councils: too few for a fair average)")
    assert "None of Thurrock's 10 statistical neighbours has this figure yet" in summary
    table = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns").text
    for name in THURROCK_NEIGHBOURS_2025:
        assert name in table

    bars = browser.find_elements(By.CSS_SELECTOR, "#neighbours-chart svg g.bar")
    assert len(bars) == 14  # Thurrock, 10 neighbours, their average, region, England
    drawn = {bar.find_element(By.CSS_SELECTOR, ".bar-label").text: bar.get_attribute("data-value") for bar in bars}
    assert drawn["Thurrock"] == "9" and drawn["England"] == "14" and drawn["Swindon"] == ""
    weak = [bar.find_element(By.CSS_SELECTOR, ".bar-label").text
            for bar in browser.find_elements(By.CSS_SELECTOR, "#neighbours-chart g.bar.weak")]
    assert weak == ["Statistical neighbours", "East of England", "England"]
    description = browser.find_element(By.CSS_SELECTOR, "#neighbours-chart svg desc").get_attribute("textContent")
    assert "Thurrock: 9;" in description and "England: 14 (2 of 153 with the figure), an average of too few" in description
    save_screenshot(browser, "screenshot.png", "#neighbours-chart", 1100)

    # the figure -> its fact: the words, the quote marked in the page's text, the page's picture
    browser.find_element(By.CSS_SELECTOR, "#benchmark-summary a[href*='/facts/']").click()
    heading = wait_for(browser, "h1").text
    assert heading == "Thurrock, 2023-24: Stage 1 complaints responded to: 9"
    assert browser.find_element(By.CSS_SELECTOR, "pre.context strong.value").text == "9"
    picture = wait_for(browser, ".page-picture img")
    wait_until(browser, lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth",
                                                       picture))
    assert browser.execute_script("return arguments[0].naturalWidth", picture) > 800  # an A4 page at 100 dpi
    status, kind, body = get(picture.get_attribute("src"))
    assert (status, kind) == (200, "image/png") and body.startswith(b"\x89PNG")
    report = browser.find_element(By.CSS_SELECTOR, "a.report-link").get_attribute("href")
    assert report.endswith(".pdf#page=1")
    save_screenshot(browser, "fact.png", ".page-picture img", 1250)

    # -> its document -> the report file itself
    browser.find_element(By.CSS_SELECTOR, "a[href*='/complaints/documents/']").click()
    assert wait_for(browser, "h1").text == "Thurrock, 2023-24: Appendix - 2023/24 Children's Social Care Complaints " \
                                           "& Representations"
    document = browser.find_element(By.CSS_SELECTOR, "dl.facts-of-document").text
    assert "PDF, 5 pages" in document and "not recorded" in document
    file_url = browser.find_element(By.CSS_SELECTOR, "a.report-link").get_attribute("href")
    assert file_url == report.split("#")[0]
    status, kind, body = get(file_url)
    assert (status, kind) == (200, "application/pdf") and body == (FIXTURE_DOCS / f"{THURROCK_2023}.pdf").read_bytes()


def test_the_benchmark_page_opens_on_a_comparison_with_rows(site, wide):
    from selenium.webdriver.common.by import By

    base, _ = site
    wide.get(base + "/benchmark")
    wide.find_element(By.ID, "compare").click()
    wait_for(wide, "#benchmark-summary")
    assert len(wide.find_elements(By.CSS_SELECTOR, "table.rows-and-columns:not(#ofsted-judgements) tbody tr")) == 14
    assert not wide.find_elements(By.ID, "empty-result")


def test_the_line_chart_tells_its_series_apart_without_colour(site, wide):
    from selenium.webdriver.common.by import By

    base, _ = site
    wide.get(base + "/complaints/council_over_time?council=Thurrock&measure=complaints_received&stage=stage1"
                    "&category=&unit=")
    wait_for(wide, "#history-chart[data-drawn='true'] svg")
    thurrock = wide.find_elements(By.CSS_SELECTOR, "#history-chart g.series.role-council .series-point")
    assert sorted(float(p.get_attribute("data-value")) for p in thurrock) == [48, 94]
    shapes = {role: {p.tag_name for p in wide.find_elements(By.CSS_SELECTOR, f"#history-chart g.series.{role} "
                                                                             ".series-point")}
              for role in ("role-council", "role-england")}
    assert shapes == {"role-council": {"circle"}, "role-england": {"polygon"}}
    dashes = [line.get_attribute("stroke-dasharray")
              for line in wide.find_elements(By.CSS_SELECTOR, "#history-chart g.legend .series-line")]
    assert len(dashes) == len(set(dashes)) == 4  # a different dash for each line, in the legend too
    description = wide.find_element(By.CSS_SELECTOR, "#history-chart svg desc").get_attribute("textContent")
    assert "Thurrock: 2016-17 94, 2017-18 48" in description
    # Thurrock is its region's only council with the figure: the region's line lies on its own
    assert "Region average: 2016-17 94, 2017-18 48 (the same as Thurrock in 2016-17, 2017-18)" in description
    assert wide.find_element(By.CSS_SELECTOR, "#history-chart .chart-note").text == (
        "Region average equals Thurrock's figure in 2016-17, 2017-18; England average equals Thurrock's figure in "
        "2017-18: the lines lie on each other there.")  # in 2017-18 Thurrock is the only council with it
    assert wide.find_elements(By.CSS_SELECTOR, "#history-chart g.series.role-region path.series-halo")
    labels = wide.find_element(By.CSS_SELECTOR, "#history-chart svg").text
    assert "2016-17" in labels and "2017-18" in labels


def main_pages(base: str, db_path: Path) -> dict[str, str]:
    with sqlite3.connect(db_path) as conn:
        fact = conn.execute("select id, document_sha256 from facts where quote = ?",
                            ["2023/24 | 0 | 9 [Stage 1 complaints]"]).fetchone()
    return {
        "home": base + "/",
        "facts": base + "/complaints/facts",
        "fact": base + f"/complaints/facts/{fact[0]}",
        "document": base + f"/complaints/documents/{fact[1]}",
        "checking": base + f"/check/{fact[1]}",
        "benchmark": base + "/benchmark",
        "comparison": base + COMPARISON,
        "over time": base + "/complaints/council_over_time?council=Thurrock&measure=complaints_received"
                            "&stage=stage1&category=&unit=",
    }


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations.map(function (v) {"
        "  return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {"
        "    return n.target.join(' '); })}; })); }, function (e) { done([{id: 'axe-error', impact: 'critical',"
        "  help: String(e), nodes: []}]); });")
    return found


def test_no_serious_or_critical_accessibility_violations(site, wide):
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}); scripts/install-axe.sh installs it"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    base, db_path = site
    failures, report = [], []
    for page, url in main_pages(base, db_path).items():
        wide.get(url)
        wait_for(wide, "footer")
        if page in ("comparison", "over time"):
            wait_for(wide, ".chart[data-drawn='true']")
        violations = axe_violations(wide)
        report.append(f"{page}: " + (", ".join(f"{v['id']} ({v['impact']})" for v in violations) or "none"))
        failures += [f"{page} ({url}): {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['nodes'][:3])}"
                     for v in violations if v["impact"] in FAILING_IMPACTS]
    print("axe-core violations by page:\n  " + "\n  ".join(report))
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


#: The contrast of each drawn mark of the charts with the page (axe-core does not check SVG):
#: [selector, paint property, minimum ratio]. Text 4.5:1; bars, lines and markers 3:1 (WCAG 1.4.11);
#: an average of too few councils is a faded bar whose hatching carries the contrast.
CHART_MARKS = [
    [".chart svg text", "fill", 4.5],
    [".chart g.bar:not(.weak) rect.bar-rect", "fill", 3],
    [".chart pattern line.hatch-line", "stroke", 3],
    [".chart g.series path.series-line", "stroke", 3],
    [".chart g.series.role-council .series-point", "stroke", 3],  # hollow: its ring
    [".chart g.series:not(.role-council) .series-point", "fill", 3],
]
CONTRAST_JS = """
function rgb(text) { return text.match(/[\\d.]+/g).slice(0, 3).map(Number); }
function luminance(c) { return c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 :
  Math.pow((v + 0.055) / 1.055, 2.4); }).reduce(function (s, v, i) { return s + v * [0.2126, 0.7152, 0.0722][i]; }, 0); }
var page = rgb(getComputedStyle(document.body).backgroundColor), found = [];
arguments[0].forEach(function (check) {
  document.querySelectorAll(check[0]).forEach(function (el) {
    var style = getComputedStyle(el), paint = style[check[1]];
    if (!paint || paint === "none" || paint.indexOf("url(") === 0) { return; }
    var opacity = parseFloat(style[check[1] + "Opacity"] || "1") * parseFloat(style.opacity || "1");
    var colour = rgb(paint).map(function (v, i) { return v * opacity + page[i] * (1 - opacity); });
    var a = luminance(colour), b = luminance(page);
    var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < check[2]) { found.push(check[0] + " " + paint + " " + ratio.toFixed(2) + ":1 (" +
      (el.textContent || el.getAttribute("class")).slice(0, 30) + ")"); }
  });
});
return found;
"""


def test_chart_marks_have_contrast_with_the_page(site, wide):
    base, db_path = site
    low = []
    for page in ("comparison", "over time"):
        wide.get(main_pages(base, db_path)[page])
        wait_for(wide, ".chart[data-drawn='true']")
        low += [f"{page}: {mark}" for mark in wide.execute_script(CONTRAST_JS, CHART_MARKS)]
    assert not low, "chart marks below their contrast minimum:\n" + "\n".join(low)


def test_every_main_page_fits_a_phone(site, browser):
    base, db_path = site
    browser.set_window_size(PHONE, 900)
    try:
        too_wide = []
        for page, url in main_pages(base, db_path).items():
            browser.get(url)
            wait_for(browser, "footer")
            if page in ("comparison", "over time"):
                wait_for(browser, ".chart[data-drawn='true']")
            widths = browser.execute_script(
                "var svgs = Array.prototype.map.call(document.querySelectorAll('.chart svg'), function (s) {"
                "  return s.getBoundingClientRect().right; });"
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth].concat(svgs);")
            page_width, view, charts = widths[0], widths[1], widths[2:]
            if page_width > view or any(right > view for right in charts):
                too_wide.append(f"{page}: page {page_width} px, charts end at {charts}, screen {view} px")
        assert not too_wide, "wider than a 390 px phone:\n" + "\n".join(too_wide)
    finally:
        browser.set_window_size(*WINDOW)


def test_whole_tables_download_as_csv_with_counts_as_integers(site):
    base, db_path = site
    with sqlite3.connect(db_path) as conn:
        facts = conn.execute("select count(*) from facts").fetchone()[0]
        benchmarks = conn.execute("select count(*) from benchmark").fetchone()[0]
    for table, count in [("facts", facts), ("benchmark", benchmarks)]:
        rows = list(csv.DictReader(io.StringIO(get(f"{base}/complaints/{table}.csv?_stream=on")[2].decode())))
        assert len(rows) == count > 50, table  # more than one page (50 rows): streamed whole
        assert {"facts": "quote", "benchmark": "caveats"}[table] in rows[0]
        assert not [r for r in rows if r["value"].endswith(".0")], table
    thurrock = [r for r in csv.DictReader(io.StringIO(get(f"{base}/complaints/facts.csv?_stream=on")[2].decode()))
                if r["quote"] == "Thurrock | 10 [Complaints Received]"]
    assert thurrock and thurrock[0]["value"] == "10"
    assert json.loads(get(f"{base}/complaints/facts.json?_shape=array&quote=Thurrock+%7C+10+%5BComplaints+Received%5D")
                      [2])[0]["value"] == 10


def test_the_site_is_read_only(site):
    base, db_path = site
    with pytest.raises(urllib.error.HTTPError):
        get(base + "/complaints.json?sql=delete+from+facts")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from facts").fetchone()[0] > 0
