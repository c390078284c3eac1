"""`cozekit login` (device flow, and PKCE with a localhost redirect), `whoami` and `logout` against the
emulator; the token is kept 0600 and never printed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import httpx
import pytest
from typer.testing import CliRunner, Result

from cozekit.auth import DeviceOAuthApp
from cozekit.auth.saved_login import coze_from_login
from cozekit.cli import app as cli
from cozekit.emulator.control.oauth_client import OAuthControl
from cozekit.emulator.oauth.pages import DEVICE_PAGE

from .headless_browser import REDIRECT, consent, decide


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _secrets(token_file: Path) -> List[str]:
    saved = json.loads(token_file.read_text())
    return [t[k] for t in saved.values() for k in ("access_token", "refresh_token")]


@pytest.fixture
def user_at_device_page(
    monkeypatch: pytest.MonkeyPatch, base_url: str, oauth: OAuthControl
) -> Dict[str, Any]:
    """While `login` waits, the user opens the device page and presses the button (`decision`)."""
    seen: Dict[str, Any] = {"decision": "approve", "waits": []}

    def sleep(seconds: float) -> None:
        seen["waits"].append(seconds)
        oauth.advance_clock(seconds)
        for pending in oauth.pending_devices():
            decide(f"{base_url}{DEVICE_PAGE}?user_code={pending['user_code']}", seen["decision"])

    monkeypatch.setattr(DeviceOAuthApp, "_sleep", staticmethod(sleep))
    return seen


def test_device_login_whoami_refresh_logout(
    base_url: str,
    device_app: Dict[str, Any],
    oauth: OAuthControl,
    coze_emulator: Any,
    tmp_path: Path,
    user_at_device_page: Dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token_file = tmp_path / "cfg" / "tokens.json"
    common = ["--base-url", base_url, "--token-file", str(token_file)]
    login = _run("login", "--client-id", device_app["client_id"], *common)
    assert login.exit_code == 0, login.output
    assert f"{base_url}{DEVICE_PAGE}?user_code=" in login.output and "confirm the code" in login.output
    assert f"token saved in {token_file}" in login.output and user_at_device_page["waits"] == [5]
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    first = _secrets(token_file)
    me = _run("whoami", *common)
    assert me.exit_code == 0 and f"(user_id {coze_emulator.user_id})" in me.output
    oauth.advance_clock(901)  # the access token expires: whoami refreshes and saves the rotated token
    again = _run("whoami", *common)
    assert again.exit_code == 0 and coze_emulator.user_id in again.output
    second = _secrets(token_file)
    assert set(first).isdisjoint(second)
    for output in (login.output, me.output, again.output):
        assert not any(secret in output for secret in first + second)
    with coze_from_login(base_url, str(token_file)) as coze:  # what other commands build on
        assert coze.users.me().user_id == coze_emulator.user_id
    monkeypatch.delenv("COZE_API_TOKEN", raising=False)
    monkeypatch.setenv("COZEKIT_TOKEN_FILE", str(token_file))
    coze_emulator.control.configure(chunk_delay_ms=0)
    chat = _run("chat", coze_emulator.demo_bot_id, "hello", "--no-stream", "--base-url", base_url)
    assert chat.exit_code == 0 and chat.stdout.strip()  # no --token: the saved login
    out = _run("logout", *common)
    assert out.exit_code == 0 and device_app["client_id"] in out.output
    assert json.loads(token_file.read_text()) == {}
    gone = _run("whoami", *common)
    assert gone.exit_code == 1 and "not logged in" in gone.output
    assert "not logged in" in _run("logout", *common).output


def test_device_login_denied(
    base_url: str, device_app: Dict[str, Any], tmp_path: Path, user_at_device_page: Dict[str, Any]
) -> None:
    user_at_device_page["decision"] = "deny"
    token_file = tmp_path / "tokens.json"
    result = _run(
        "login",
        "--client-id",
        device_app["client_id"],
        "--base-url",
        base_url,
        "--token-file",
        str(token_file),
    )
    assert result.exit_code == 1 and "login failed" in result.output and "access_denied" in result.output
    assert not token_file.exists()


def test_login_needs_a_client_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COZE_CLIENT_ID", raising=False)
    result = _run("login", "--token-file", str(tmp_path / "t.json"))
    assert result.exit_code == 2 and "--client-id" in result.output


def _browser_login(
    base_url: str, client_id: str, token_file: Path, decision: str
) -> subprocess.CompletedProcess[str]:
    """Run `cozekit login --browser --no-open`, read the URL it prints, and consent over HTTP."""
    args = ["login", "--browser", "--no-open", "--timeout", "20", "--client-id", client_id]
    args += ["--base-url", base_url]
    code = "import sys; from cozekit.cli import main; sys.argv[0] = 'cozekit'; main()"
    env = {**os.environ, "COZEKIT_TOKEN_FILE": str(token_file), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith(base_url + "/api/permission/oauth2/authorize?"):
            back = consent(line.strip(), decision)  # the user's browser...
            assert back.startswith("http://127.0.0.1:")
            assert httpx.get(back, timeout=10).status_code == 200  # ...is sent back to the CLI
            break
    rest, _ = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "".join(lines) + rest)


def test_browser_login_with_pkce(
    base_url: str, pkce_app: Dict[str, Any], coze_emulator: Any, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    done = _browser_login(base_url, pkce_app["client_id"], token_file, "approve")
    assert done.returncode == 0, done.stdout
    assert "code_challenge_method=S256" in done.stdout and "Logged in" in done.stdout
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert not any(secret in done.stdout for secret in _secrets(token_file))
    me = _run("whoami", "--base-url", base_url, "--token-file", str(token_file))
    assert me.exit_code == 0 and coze_emulator.user_id in me.output
    assert REDIRECT in pkce_app["redirect_uris"]  # registered without a port: any loopback port is fine


def test_browser_login_denied(base_url: str, pkce_app: Dict[str, Any], tmp_path: Path) -> None:
    token_file = tmp_path / "tokens.json"
    done = _browser_login(base_url, pkce_app["client_id"], token_file, "deny")
    assert done.returncode == 1 and "login failed: access_denied" in done.stdout
    assert not token_file.exists()
