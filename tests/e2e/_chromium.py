"""Open a local HTML file in real headless Chromium with networking disabled.

Driver: selenium (PyPI) + Debian's ``chromium`` and ``chromium-driver``. Used by the browser
tests of the interactive map and the report. When ``GEO_REVIVAL_REQUIRE_BROWSER=1`` (CI) a
missing browser is a failure, otherwise a skip with the reason.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Record errors before any page script runs: uncaught exceptions, failed resource loads,
# unhandled promise rejections and console.error calls.
_ERROR_HOOK = """
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  if (t && t !== window && (t.src || t.href)) {
    window.__errors.push('load failed: ' + (t.src || t.href));
  }
  else { window.__errors.push('js error: ' + e.message); }
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__errors.push('unhandled rejection: ' + e.reason);
});
var __origError = console.error;
console.error = function () {
  window.__errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
  __origError.apply(console, arguments);
};
"""


@dataclass
class PageResult:
    """What a page did in the browser."""

    errors: list[str]
    network_requests: list[str]
    screenshot: Path | None
    counts: dict[str, int] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def _binaries() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        selenium_ok = False
    else:
        selenium_ok = True
    missing = [
        name
        for name, ok in (
            ("chromium", chromium),
            ("chromedriver", driver),
            ("selenium", selenium_ok),
        )
        if not ok
    ]
    if missing:
        reason = (
            f"headless browser test needs {', '.join(missing)} "
            "(apt-get install chromium chromium-driver; pip install selenium)"
        )
        if os.environ.get("GEO_REVIVAL_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and GEO_REVIVAL_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    assert chromium and driver
    return chromium, driver


def open_page(
    html: Path,
    *,
    screenshot: str | None = None,
    count: dict[str, str] | None = None,
    evaluate: dict[str, str] | None = None,
    wait_for: str | None = None,
    size: tuple[int, int] = (1400, 1000),
    settle_s: float = 1.0,
) -> PageResult:
    """Load ``html`` offline; return JS errors, network attempts, CSS-selector counts.

    ``count`` maps names to CSS selectors counted after load; ``evaluate`` maps names to JS
    expressions whose values are returned; ``wait_for`` is a selector waited for (10 s).
    """
    chromium, driver_path = _binaries()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={size[0]},{size[1]}",
        # No name resolves and no proxy answers: nothing can reach the network.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
        "--allow-file-access-from-files",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _ERROR_HOOK})
        driver.get(html.resolve().as_uri())
        WebDriverWait(driver, 20).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        if wait_for:
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, wait_for))
        time.sleep(settle_s)  # let map tiles/overlays finish drawing before the screenshot
        errors = list(driver.execute_script("return window.__errors || []"))
        errors += [
            f"console {e['level']}: {e['message']}"
            for e in driver.get_log("browser")
            if e["level"] == "SEVERE"
        ]
        network = _network_requests(driver.get_log("performance"))
        counts = {
            name: len(driver.find_elements(By.CSS_SELECTOR, sel))
            for name, sel in (count or {}).items()
        }
        values = {
            name: driver.execute_script(f"return ({expr});")
            for name, expr in (evaluate or {}).items()
        }
        shot = None
        if screenshot:
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / screenshot
            driver.save_screenshot(str(shot))
        return PageResult(errors, network, shot, counts, values)
    finally:
        driver.quit()


def _network_requests(perf_log: list[dict[str, Any]]) -> list[str]:
    """URLs the page tried to fetch over http(s)/ws (anything but file: and data:)."""
    import json

    urls = []
    for entry in perf_log:
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if not url.startswith(("file:", "data:", "blob:", "about:")):
                urls.append(url)
    return urls
