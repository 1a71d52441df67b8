"""The published site in a real browser: build the seed database, serve it with Datasette on a
free port, and drive headless Chromium through what a new user does: pick Thurrock, see its
2023-24 stage 1 complaints against its neighbours, region and England, see the chart, click
through to the quote, download the facts as CSV. Saves docs/screenshot.png for the README.
"""

from __future__ import annotations

import os

import csv
import io
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from publish.build import build
from publish.serve import datasette_args, write_metadata
from tests.conftest import ROOT, require_tool

pytestmark = pytest.mark.browser

#: The README's screenshot is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run
#: leaves the working tree clean; otherwise the screenshot goes to tests/artifacts/.
SCREENSHOT = (ROOT / "docs" / "screenshot.png" if os.environ.get("UPDATE_SCREENSHOT") == "1"
              else ROOT / "tests" / "artifacts" / "screenshot.png")
WINDOW = (1000, 1300)
SCREENSHOT_HEIGHT = 1010  # down to the England bar
SCREENSHOT_COLOURS = 64
STARTUP_SECONDS = 30
WAIT_SECONDS = 10
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]
THURROCK_NEIGHBOURS_2025 = ["Swindon", "Bexley", "Havering", "Medway", "North Northamptonshire", "Bedford",
                            "West Northamptonshire", "Dudley", "Lincolnshire", "Suffolk"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=WAIT_SECONDS) as response:
        return response.read()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, database path) of the seed database served by Datasette; stopped afterwards."""
    directory = tmp_path_factory.mktemp("site")
    db_path = directory / "complaints.db"
    build(db_path=db_path)
    metadata = write_metadata(db_path, directory)
    port = free_port()
    log = open(directory / "datasette.log", "w+b")
    server = subprocess.Popen(datasette_args(db_path, port=port, metadata=metadata), stdout=log,
                              stderr=subprocess.STDOUT)
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
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def save_screenshot(browser) -> None:
    """The summary and the bar chart, as a small palette PNG for the README."""
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with reportlab; without it the full screenshot is kept
        return
    with Image.open(SCREENSHOT) as image:
        small = image.crop((0, 0, image.width, min(image.height, SCREENSHOT_HEIGHT))).convert("RGB")
    small.quantize(colors=SCREENSHOT_COLOURS).save(SCREENSHOT, optimize=True)


def test_a_new_user_compares_thurrock_with_its_neighbours(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, _ = site
    browser.get(base + "/benchmark")
    for name, value in [("council", "Thurrock"), ("measure", "complaints_responded"), ("stage", "stage1"),
                        ("year", "2023-24")]:
        Select(browser.find_element(By.ID, name)).select_by_value(value)
    browser.find_element(By.ID, "compare").click()
    wait_for(browser, "#neighbours-chart[data-drawn='true'] svg")

    summary = browser.find_element(By.ID, "benchmark-summary").text
    assert "Thurrock, 2023-24: complaints_responded (stage1)" in summary
    assert "9 (1.98 per 10,000 children)" in summary  # Thurrock's 9 stage 1 responses, mid-2023 population
    assert "0 of 10 neighbours have the figure" in summary
    assert "East of England average\n9 (1 of 11 councils)" in summary
    assert "England average\n14 (2 of 153 councils)" in summary  # Thurrock 9 and Telford and Wrekin 19
    assert "2 of 2 (1 = highest), quartile 3; change from the year before -6" in summary
    table = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns").text
    for name in THURROCK_NEIGHBOURS_2025:
        assert name in table

    bars = browser.find_elements(By.CSS_SELECTOR, "#neighbours-chart svg g.bar")
    assert len(bars) == 14  # Thurrock, 10 neighbours, their average, region, England
    drawn = {bar.find_element(By.CSS_SELECTOR, ".bar-label").text: bar.get_attribute("data-value") for bar in bars}
    assert drawn["Thurrock"] == "9" and drawn["England"] == "14" and drawn["Swindon"] == ""
    rects = browser.find_elements(By.CSS_SELECTOR, "#neighbours-chart svg rect.bar-rect")
    assert len(rects) == 3 and all(float(r.get_attribute("width")) > 0 for r in rects)
    save_screenshot(browser)

    # every figure is one click from its source: the quote, its line, the report
    browser.find_element(By.CSS_SELECTOR, "#benchmark-summary a[href*='/facts/']").click()
    page = wait_for(browser, "table.rows-and-columns").text
    assert "2023/24 | 0 | 9 [Stage 1 complaints]" in page
    assert "004_0f72ccf6eb1b7efb.txt" in page
    browser.find_element(By.CSS_SELECTOR, "td.col-document_sha256 a").click()
    assert "Thurrock" in wait_for(browser, "table.rows-and-columns").text


def test_the_line_chart_of_a_council_over_time(site, browser):
    from selenium.webdriver.common.by import By

    base, _ = site
    browser.get(base + "/complaints/council_over_time?council=Thurrock&measure=complaints_received&stage="
                       "&category=&unit=")
    wait_for(browser, "#history-chart[data-drawn='true'] svg")
    thurrock = browser.find_elements(By.CSS_SELECTOR, "#history-chart .role-council circle.series-point")
    assert sorted(float(p.get_attribute("data-value")) for p in thurrock) == [10, 48, 96]
    labels = browser.find_element(By.CSS_SELECTOR, "#history-chart svg").text
    assert "2016-17" in labels and "2023-24" in labels and "2019-20" in labels  # the gap years are shown


def test_whole_tables_download_as_csv(site):
    base, db_path = site
    with sqlite3.connect(db_path) as conn:
        facts = conn.execute("select count(*) from facts").fetchone()[0]
        benchmarks = conn.execute("select count(*) from benchmark").fetchone()[0]
    for table, count in [("facts", facts), ("benchmark", benchmarks)]:
        rows = list(csv.DictReader(io.StringIO(get(f"{base}/complaints/{table}.csv?_stream=on").decode())))
        assert len(rows) == count > 50, table  # more than one page (50 rows): streamed whole
        assert {"facts": "quote", "benchmark": "caveats"}[table] in rows[0]


def test_the_site_is_read_only(site):
    base, db_path = site
    with pytest.raises(urllib.error.HTTPError):
        get(base + "/complaints.json?sql=delete+from+facts")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from facts").fetchone()[0] > 0
