"""End to end in a real headless Chromium (Debian's `chromium` + `chromium-driver`,
installed by .ci/run): fill the form, submit, see the score and a source link,
record a decision, see it in the history. Saves docs/screenshots/web-result.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import missing_part
from twinrisk.service.testing import ServerProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "web-result.png"


@pytest.fixture(autouse=True)
def _browser_installed() -> None:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        missing_part(
            "chromium and chromium-driver are not installed (apt-get install chromium "
            "chromium-driver); the browser test was NOT run"
        )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path / "var") as srv:
        yield srv


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def test_officer_flow_in_chromium(server: ServerProcess, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver: WebDriver = browser  # type: ignore[assignment]
    wait = WebDriverWait(driver, 60)
    driver.get(server.url + "/")
    assert "twinrisk" in driver.title

    local = driver.find_element(By.ID, "local")
    local.send_keys("Lulea")
    # the autocomplete script fills the datalist from /v1/places
    wait.until(
        lambda d: (
            d.execute_script("return document.querySelectorAll('#local-options option').length") > 0
        )
    )
    option = driver.execute_script("return document.querySelector('#local-options option').value")
    assert option.endswith(", SE")
    local.clear()
    local.send_keys("Luleå")
    driver.find_element(By.ID, "local-country").send_keys("SE")
    driver.find_element(By.ID, "partner").send_keys("Xi'an")
    driver.find_element(By.ID, "partner-country").send_keys("CN")
    driver.find_element(By.CSS_SELECTOR, "details.terms summary").click()
    Select(driver.find_element(By.ID, "term-counterparty_united_front")).select_by_value("yes")
    Select(driver.find_element(By.ID, "term-exit_clause")).select_by_value("no")
    driver.find_element(By.CSS_SELECTOR, "input[name=domains][value=technology]").click()
    driver.find_element(By.ID, "submit").click()

    score = wait.until(ec.visibility_of_element_located((By.ID, "score")))
    assert "/assessments/a_" in driver.current_url
    aid = driver.current_url.rsplit("/", 1)[1].split("#")[0]
    status, stored = server.request("GET", f"/v1/assessments/{aid}")
    assert status == 200
    assert score.text.startswith(str(stored["score"]))
    band = driver.find_element(By.ID, "band").text.lower()
    assert stored["band"] in band
    sources = driver.find_elements(By.CSS_SELECTOR, "a.source")
    assert sources and sources[0].get_attribute("href").startswith("http")
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart").is_displayed()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, min(int(height) + 100, 6000))
    driver.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

    driver.find_element(
        By.CSS_SELECTOR, "input[name=decision][value=approve_with_conditions]"
    ).click()
    driver.find_element(By.ID, "notes").send_keys("Sign with the city government directly.")
    driver.find_element(By.ID, "decided-by").send_keys("International office")
    driver.find_element(By.ID, "record-decision").click()
    wait.until(
        ec.text_to_be_present_in_element((By.ID, "decision-list"), "Approve with conditions")
    )
    assert (
        "Sign with the city government directly."
        in driver.find_element(By.ID, "decision-list").text
    )

    driver.find_element(By.LINK_TEXT, "History").click()
    row = wait.until(
        ec.presence_of_element_located(
            (By.XPATH, f"//a[contains(@href, '/assessments/{aid}')]/ancestor::tr")
        )
    )
    assert "Approve with conditions" in row.text
    assert "Luleå" in row.text

    status, stored = server.request("GET", f"/v1/assessments/{aid}")
    assert [d["decision"] for d in stored["decisions"]] == ["approve_with_conditions"]
    assert stored["terms"]["counterparty_united_front"] is True
