"""The playground page in a real headless Chromium, driven through chromedriver (selenium).

The tests start ``rulebook playground`` on 127.0.0.1 themselves. They need Debian's
``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); without them the tests
FAIL, saying what to install, unless RULEBOOK_SKIP_BROWSER=1 is set outside CI.
Set RULEBOOK_SCREENSHOT=PATH to save a screenshot of the page (docs/playground.png).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from servers import running_playground
from rulebook.cli import main
from rulebook.fmt import format_text
from rulebook.testing.scenarios import load_scenarios

CHROMIUM = os.environ.get("RULEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("RULEBOOK_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]
WAIT = 20.0
MISTAKE = """\
# My practice: the standard policy, with changes of my own.
policy: my_practice
extends: standard

rules:
  send_thank_you:
    # Ideally the next day; a week at the latest.
    window: {start: p, due: p + 48hr, end: p + 7d}
"""
MOVED = MISTAKE.replace("{start: p, due: p + 48hr, end: p + 7d}",
                        "{start: p + 2d, due: p + 3d, end: p + 9d}")


def _missing() -> str:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    return ", ".join(missing)


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        message = (f"the browser tests need {missing}: apt-get install -y chromium "
                   "chromium-driver (as .ci/run does)")
        if os.environ.get("RULEBOOK_SKIP_BROWSER") == "1" and os.environ.get("CI") != "true":
            pytest.skip(message + "; skipped because RULEBOOK_SKIP_BROWSER=1")
        pytest.fail(message + ", or set RULEBOOK_SKIP_BROWSER=1 to skip them locally",
                    pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="rulebook-chromium-")
    downloads = Path(tempfile.mkdtemp(prefix="rulebook-downloads-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        with running_playground() as url:
            driver.get(url)
            driver.playground_url = url
            yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


def _until(check, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _draws(driver) -> int:
    return int(driver.find_element("tag name", "body").get_attribute("data-draws") or 0)


def _idle(driver) -> int:
    """The number of pictures drawn, once no edit waits to be drawn."""
    body = driver.find_element("tag name", "body")
    _until(lambda: body.get_attribute("data-pending") == "0", "the page to settle")
    return _draws(driver)


def _type_policy(driver, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    editor = driver.find_element("id", "policy")
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(text)


def _bar(driver, action: str, to: str):
    return driver.find_element(
        "css selector", f'#picture g.bar[data-action="{action}"][data-to="{to}"] rect.window')


def test_page_loads_and_draws_without_the_network(browser):
    assert _idle(browser) >= 1
    bars = browser.find_elements("css selector", "#picture svg g.bar")
    assert len(bars) > 5
    assert browser.find_element("id", "policy").get_attribute("value").startswith("# My practice")
    assert "panel" in browser.find_element("id", "events").get_attribute("value") or \
        browser.find_element("id", "example").get_attribute("value") == "panel"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    sources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert sources and all(s.startswith(browser.playground_url) for s in sources)


def test_a_mistake_is_located_then_the_fix_moves_the_bar(browser):
    draws = _idle(browser)
    before = float(_bar(browser, "send_thank_you", "Sam Ortiz").get_attribute("x"))
    _type_policy(browser, MISTAKE)
    problem = _until(lambda: [li for li in browser.find_elements("css selector", "#problems li")
                              if "48hr" in li.text], "the located error")[0]
    assert problem.text.startswith("policy.yaml:8:29: 'due': 'p + 48hr' is not a time expression")
    marked = browser.find_elements("css selector", "#policy-gutter div.error")
    assert [m.text for m in marked] == ["8"]
    assert "stale" in browser.find_element("id", "picture").get_attribute("class")
    problem.click()  # selects the line in the editor
    selected = browser.execute_script(
        "const t = document.getElementById('policy');"
        "return t.value.substring(t.selectionStart, t.selectionEnd)")
    assert selected.startswith("p + 48hr")
    assert _idle(browser) == draws  # nothing drawn from an invalid policy

    _type_policy(browser, MOVED)
    _until(lambda: _idle(browser) > draws, "the new picture")
    assert not browser.find_elements("css selector", "#problems li")
    bar = browser.find_element(
        "css selector", '#picture g.bar[data-action="send_thank_you"][data-to="Sam Ortiz"]')
    assert bar.get_attribute("data-start") == "2026-03-04T10:00:00+01:00"
    after = float(_bar(browser, "send_thank_you", "Sam Ortiz").get_attribute("x"))
    assert after > before + 20
    assert not browser.find_elements("css selector", "#policy-gutter div.error")


def test_a_bar_tells_its_reason(browser):
    _idle(browser)
    bar = _bar(browser, "send_thank_you", "Priya Natarajan")
    bar.click()
    reason = browser.find_element("id", "reason").text
    assert "send_thank_you to Priya Natarajan" in reason
    assert "Priya Natarajan (HR Partner) interviewed you" in reason


def test_download_the_formatted_policy(browser):
    _type_policy(browser, MOVED)
    _idle(browser)
    assert not browser.find_elements("css selector", "#problems li")
    browser.find_element("id", "download-policy").click()
    saved = browser.downloads / "my_practice.yaml"
    _until(lambda: saved.exists() and saved.stat().st_size > 0, "the downloaded policy")
    text = saved.read_text(encoding="utf-8")
    assert text == format_text(MOVED, "policy.yaml")
    assert "# Ideally the next day; a week at the latest." in text


def test_add_an_event_and_download_the_scenario(browser):
    from selenium.webdriver.support.select import Select

    draws = _idle(browser)
    Select(browser.find_element("id", "event-type")).select_by_value("thank_you_sent")
    when = browser.find_element("id", "event-at")
    when.clear()
    when.send_keys("2026-03-05T12:00:00+01:00")
    browser.find_element("id", "event-person").send_keys("Sam Ortiz")
    browser.find_element("css selector", "#add-event button").click()
    _until(lambda: _idle(browser) > draws, "the picture with the new event")
    assert "to: Sam Ortiz, channel: email}" in browser.find_element(
        "id", "events").get_attribute("value")
    marks = browser.find_elements("css selector", '#picture g.event[data-type="thank_you_sent"]')
    assert len(marks) == 2
    bar = browser.find_element(
        "css selector", '#picture g.bar[data-action="send_thank_you"][data-to="Sam Ortiz"]')
    assert bar.get_attribute("data-gone")  # thanked: no longer advised after the 5th
    if os.environ.get("RULEBOOK_SCREENSHOT"):
        browser.execute_script("document.querySelector("
                               "'#picture g.bar[data-action=\"check_in\"]').dispatchEvent("
                               "new MouseEvent('click'))")
        browser.save_screenshot(os.environ["RULEBOOK_SCREENSHOT"])

    browser.find_element("id", "download-scenario").click()
    saved = browser.downloads / "my_practice.scenarios.yaml"
    _until(lambda: saved.exists() and saved.stat().st_size > 0, "the downloaded scenario")
    _, (loaded,) = load_scenarios(saved)
    assert loaded.scenario.at.isoformat() == browser.find_element(
        "id", "at").get_attribute("value")
    assert any(e.type == "thank_you_sent" and e.to == "Sam Ortiz"
               for e in loaded.timeline.events)


def test_start_from_a_policy_file(browser, tmp_path):
    policy = tmp_path / "modern_copy.yaml"
    text = (Path(__file__).resolve().parent.parent / "policies" / "modern.yaml").read_text(
        encoding="utf-8").replace("policy: modern", "policy: modern_copy")
    policy.write_text(text, encoding="utf-8")
    draws = _idle(browser)
    browser.find_element("id", "policy-file").send_keys(str(policy))
    _until(lambda: _idle(browser) > draws, "the picture of the file's policy")
    assert browser.find_element("id", "policy").get_attribute("value") == text
    policies = {g.get_attribute("data-policy")
                for g in browser.find_elements("css selector", "#picture g.bar")}
    assert policies == {"modern_copy"}


def test_the_simulate_html_page_shows_a_reason_on_click(browser, tmp_path):
    page = tmp_path / "panel.html"
    root = Path(__file__).resolve().parent.parent
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["simulate", str(root / "examples" / "panel.yaml"), "--from",
                     "2026-03-02T09:00:00+01:00", "--to", "2026-03-23T09:00:00+01:00",
                     "--at", "2026-03-03T09:00:00+01:00", "--format", "html"]) == 0
    page.write_text(out.getvalue(), encoding="utf-8")
    browser.get(page.as_uri())
    try:
        browser.find_element(
            "css selector", 'g.bar[data-action="follow_up_call"] rect.window').click()
        assert browser.find_element("id", "reason").text.startswith(
            "follow_up_call by email [follow_up_call: G12, G11] (policy standard)\nfrom ")
    finally:
        browser.get(browser.playground_url)
        _idle(browser)
