"""Driving the widget in headless Chromium (Debian's `chromium` + `chromedriver`) with selenium.

Selenium Manager never runs: the browser and driver paths are given explicitly. Screenshots go to
`test-artifacts/browser/` (gitignored); `COZEKIT_DOCS_IMAGES=1` also copies the ones the docs use into
docs/images/.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
from fastapi import FastAPI
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from starlette.responses import HTMLResponse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DOC_IMAGES = ROOT / "docs" / "images"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PC = (1280, 800)
PHONE = (390, 780)
WAIT = 20.0
os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager, if ever reached, must not download


def start_browser() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={PC[0]},{PC[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="session")
def chromium() -> Iterator[WebDriver]:
    driver = start_browser()
    yield driver
    driver.quit()


class Page:
    """One browser tab on a page served by the proxy app, with shadow-DOM helpers for the widget."""

    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str, size: tuple[int, int] = PC) -> Page:
        self.driver.set_window_size(*size)
        self.driver.get(self.base_url + path)
        self.wait(lambda: self.js("return !!window.CozeWebSDK"))
        return self

    def js(self, code: str, *args: Any) -> Any:
        return self.driver.execute_script(code, *args)

    def wait(self, check: Callable[[], Any], message: str = "") -> Any:
        # A list the widget redraws meanwhile leaves stale elements behind: look again.
        waiter = WebDriverWait(self.driver, WAIT, 0.1, ignored_exceptions=(StaleElementReferenceException,))
        return waiter.until(lambda _: check(), message)

    def root(self, index: int = 0) -> Any:
        hosts = self.driver.find_elements("css selector", "[data-cozekit-widget]")
        return hosts[index].shadow_root

    def find(self, css: str, index: int = 0) -> WebElement:
        return self.root(index).find_element("css selector", css)

    def find_all(self, css: str, index: int = 0) -> List[WebElement]:
        return list(self.root(index).find_elements("css selector", css))

    def shadow(self, code: str, *args: Any) -> Any:
        """Run `code` with `root` bound to the first widget's shadow root."""
        return self.js("var root = document.querySelector('[data-cozekit-widget]').shadowRoot;" + code, *args)

    def texts(self, css: str) -> List[str]:
        """The visible text of every match, read in one go (no element can go stale in between)."""
        code = (
            "return Array.from(root.querySelectorAll(arguments[0])).map(function (e) { return e.innerText; })"
        )
        return [str(t).strip() for t in self.shadow(code, css)]

    def send(self, text: str) -> None:
        box = self.find("textarea")
        box.send_keys(text)
        self.find("button.send").click()

    def wait_idle(self) -> None:
        """Until no reply is streaming (the send button is back)."""
        self.wait(
            lambda: not self.shadow("return root.querySelector('button.send').classList.contains('stop')")
        )

    def wait_answers(self, count: int) -> List[str]:
        self.wait(lambda: len(self.find_all(".row.bot[data-done]")) >= count, f"{count} answers")
        return self.texts(".row.bot[data-done] .msg")

    def screenshot(self, name: str, doc: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        if doc and os.environ.get("COZEKIT_DOCS_IMAGES"):
            DOC_IMAGES.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOC_IMAGES / f"widget-{name}.png")
        return path

    def reset_storage(self) -> None:
        self.js("localStorage.clear(); sessionStorage.clear();")


def add_pages(app: FastAPI, pages: Dict[str, str]) -> None:
    """Serve `pages[name]` at `/page/{name}` from the proxy app itself (the widget's own origin)."""

    @app.get("/page/{name}")
    async def page(name: str) -> HTMLResponse:
        return HTMLResponse(pages[name])


def sdk_page(options: Optional[Dict[str, Any]] = None, *, raw_options: str = "", before: str = "") -> str:
    """A site page written for Coze's Chat SDK, loading cozekit's widget.js instead."""
    body = raw_options or json.dumps(options or {})
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<style>body{{font:16px system-ui,sans-serif;margin:2rem;color:#333;background:#fafbfc}}</style></head>
<body><h1>Example shop</h1><p>Our products, prices and opening hours.</p>
<div id="inline" style="width:420px;max-width:100%;height:520px"></div>
<script src="/widget.js"></script>
<script>window.events = []; {before}
window.client = new CozeWebSDK.WebChatClient({body});</script>
</body></html>"""
