"""A headless "browser" for the emulator's OAuth pages: it submits the consent (or device) form.

Also runnable as a script (`python headless_browser.py URL`) so that `webbrowser.open` can use it
through the `BROWSER` environment variable: it then follows the redirect to the app's callback.
"""

from __future__ import annotations

import html
import re
import sys
from typing import Dict, Optional, Tuple
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

REDIRECT = "http://127.0.0.1/callback"
"""The redirect URI the test apps register (any loopback port matches it)."""

_FORM = re.compile(r'<form method="post" action="([^"]*)">(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


def query(url: str) -> Dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def read_form(page: str) -> Tuple[str, Dict[str, str]]:
    """The form's action and hidden fields."""
    match = _FORM.search(page)
    if match is None:
        raise AssertionError(f"no form on the page: {page[:500]}")
    fields = {html.unescape(k): html.unescape(v) for k, v in _HIDDEN.findall(match.group(2))}
    return html.unescape(match.group(1)), fields


def decide(url: str, decision: str = "approve", **extra: str) -> httpx.Response:
    """Open `url`, then press Authorize (or Deny); the answer is not followed."""
    with httpx.Client(timeout=10) as http:
        page = http.get(url)
        page.raise_for_status()
        action, fields = read_form(page.text)
        return http.post(urljoin(url, action), data={**fields, **extra, "decision": decision})


def consent(url: str, decision: str = "approve", **extra: str) -> str:
    """The redirect URL the consent sends the browser back to (`redirect_uri?code=...&state=...`)."""
    answer = decide(url, decision, **extra)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def main(url: str) -> Optional[int]:
    answer = decide(url)
    location = answer.headers.get("location")
    if answer.status_code == 302 and location:
        httpx.get(location, timeout=10)
    return 0 if answer.status_code in (200, 302) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
