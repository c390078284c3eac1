"""Each way of installing cozekit, from the built wheel in a clean environment: what works, and what
says which extra to install."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Dict, List

import httpx
import pytest

from cozekit.proxy.app import _widget_bundle
from pkg_helpers import ROOT, Env, free_port, start, wait_until_up

HERE = Path(__file__).resolve().parent
TOKEN = "pat_cozekit_emulator_dev_token"


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _version() -> str:
    namespace: Dict[str, str] = {}
    exec((ROOT / "src" / "cozekit" / "_version.py").read_text(), namespace)
    return namespace["__version__"]


@pytest.mark.parametrize("name", ["base", "cli-proxy", "testing", "all"])
def test_the_installed_package_is_the_wheel_and_consistent(
    envs: Dict[str, Env], name: str, tmp_path: Path
) -> None:
    env = envs[name]
    probe = "import cozekit, importlib.util as u; print(cozekit.__version__, cozekit.__file__, u.find_spec("
    probe += "'numpy'))"
    version, where, numpy = _ok(env.python(probe, cwd=tmp_path)).split()
    assert version == _version()
    assert Path(where).is_relative_to(env.root) and numpy == "None"  # no numpy in any install
    _ok(env.run(["python", "-m", "pip", "check"], cwd=tmp_path))


def test_base_is_the_sdk_and_the_command_names_the_cli_extra(envs: Dict[str, Env], tmp_path: Path) -> None:
    env = envs["base"]
    code = (
        "import importlib.util as u; from cozekit import Coze, AsyncCoze, TokenAuth, JWTOAuthApp; "
        "import cozekit.lib, cozekit.websockets; "
        "print([m for m in ('typer', 'fastapi', 'uvicorn', 'rich') if u.find_spec(m)])"
    )
    assert _ok(env.python(code, cwd=tmp_path)).strip() == "[]"
    hint = "error: this command needs the `typer` package: pip install 'cozekit[cli]'\n"
    for args in (["cozekit"], ["cozekit", "--version"], ["cozekit", "serve"]):
        done = env.run(args, cwd=tmp_path)
        assert (done.returncode, done.stderr, done.stdout) == (1, hint, "")


def test_cli_and_proxy(envs: Dict[str, Env], tmp_path: Path, background: List[subprocess.Popen[str]]) -> None:
    env = envs["cli-proxy"]
    assert _ok(env.run(["cozekit", "--version"], cwd=tmp_path)) == f"cozekit {_version()}\n"
    assert "serve" in _ok(env.run(["cozekit", "--help"], cwd=tmp_path))
    serve = env.run(["cozekit", "serve", "--data-dir", str(tmp_path / "state")], cwd=tmp_path)
    assert serve.returncode == 1
    # one line naming the first emulator package missing (SQLAlchemy, python-multipart...) and the extra
    missing = re.fullmatch(
        r"error: this command needs the `(\w+)` package: pip install 'cozekit\[emulator\]'\n", serve.stderr
    )
    assert missing is not None and missing.group(1) in ("sqlalchemy", "python_multipart"), serve.stderr
    port = free_port()
    args = ["cozekit", "proxy", "--bot", "7000000000000000003", "--port", str(port), "--token", "pat_x"]
    proc = start(env, [*args, "--base-url", "http://127.0.0.1:9"], tmp_path, background)
    wait_until_up(f"http://127.0.0.1:{port}/widget.js", proc)
    widget = httpx.get(f"http://127.0.0.1:{port}/widget.js")
    assert widget.status_code == 200  # the static assets (widget and vendored libraries) from the wheel
    assert widget.text == _widget_bundle()  # the same bundle as this checkout's


def _serve_and_chat(env: Env, tmp_path: Path, background: List[subprocess.Popen[str]]) -> List[str]:
    port = free_port()
    args = [
        "cozekit",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path / "state"),
        "--example-workflows",
    ]
    proc = start(env, args, tmp_path, background)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/_emulator/info", proc)
    bot = httpx.get(base + "/_emulator/info").json()["data"]["demo_bot_id"]
    client = env.run(["python", str(HERE / "smoke_client.py"), base, TOKEN, bot], cwd=tmp_path)
    lines = _ok(client).splitlines()
    assert lines[0].startswith("chat completed: ") and len(lines[0]) > len("chat completed: ")
    assert lines[1] == 'workflow: {"output": "Hangzhou on Saturday: sun."}'  # the README's snippet
    return lines


FIXTURE_TEST = """
from cozekit import ChatEventType, Coze, Message, TokenAuth


def test_a_chat(coze_emulator):
    coze = Coze(auth=TokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    events = list(coze.chat.stream(
        bot_id=coze_emulator.demo_bot_id,
        user_id="u",
        additional_messages=[Message.build_user_question_text("hi")],
    ))
    assert events[-1].event == ChatEventType.CONVERSATION_CHAT_COMPLETED


def test_a_file(coze_emulator, tmp_path):
    coze = Coze(auth=TokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    (tmp_path / "notes.txt").write_text("twelve bytes")
    uploaded = coze.files.upload(file=tmp_path / "notes.txt")
    assert (uploaded.file_name, uploaded.bytes) == ("notes.txt", 12)
    assert coze.files.retrieve(file_id=uploaded.id).id == uploaded.id
"""

PROBE = (
    "import json, sys, pytest; before = set(sys.modules); import cozekit.emulator.pytest_plugin; "
    "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
)


def _fixture_in_a_project(env: Env, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_app.py").write_text(FIXTURE_TEST)
    pytest_args = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    assert "2 passed" in _ok(env.run(pytest_args, cwd=project))
    off = env.run([*pytest_args, "-p", "no:cozekit_emulator"], cwd=project)
    assert off.returncode == 1 and "fixture 'coze_emulator' not found" in off.stdout
    # Registered in every project of the environment, the plugin loads no third-party package.
    assert json.loads(_ok(env.python(PROBE, cwd=project))) == ["cozekit"]


def test_testing_extra(envs: Dict[str, Env], tmp_path: Path, background: List[subprocess.Popen[str]]) -> None:
    env = envs["testing"]
    lines = _serve_and_chat(env, tmp_path, background)
    assert (
        lines[2] == "speech error: response_format mp3 needs an audio encoder the emulator lacks (lameenc):"
        " pip install 'cozekit[emulator]'"
    )
    _fixture_in_a_project(env, tmp_path)


def test_s3_files_need_the_s3_extra(envs: Dict[str, Env], tmp_path: Path) -> None:
    """`testing` lacks boto3: an s3:// files URL names the `s3` extra; `all` has it."""
    args = ["cozekit", "serve", "--data-dir", str(tmp_path / "state"), "--files-url", "s3://bucket/files"]
    refused = envs["testing"].run(args, cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr == "error: this command needs the `boto3` package: pip install 'cozekit[s3]'\n"
    probe = "from cozekit.emulator.core.blobs_s3 import _boto; print(len(_boto()))"
    assert _ok(envs["all"].python(probe, cwd=tmp_path)).strip() == "3"


def test_the_demo_needs_only_the_testing_extra(envs: Dict[str, Env], tmp_path: Path) -> None:
    """`./dev demo` installs only `.[testing]` on its first run: the whole session works with it."""
    shown = _ok(envs["testing"].run(["python", "-m", "cozekit.demo"], cwd=tmp_path, timeout=300))
    for step in (
        "  recalled: Opening hours: the Cozekit Cafe opens at eight",  # the knowledge base answered
        "  answered here by the SDK: 'Berlin: light rain, 14 °C, take an umbrella'",  # the local tool
        "  report: REPORT (2 lines)",  # the workflow's output
        "[4/4] Final reply, streamed",
    ):
        assert any(line.startswith(step) for line in shown.splitlines()), (step, shown)
    assert shown.rstrip().endswith(": done.")


def test_all_extras(envs: Dict[str, Env], tmp_path: Path, background: List[subprocess.Popen[str]]) -> None:
    env = envs["all"]
    lines = _serve_and_chat(env, tmp_path, background)
    assert lines[2] == "speech: audio/mpeg True"
    _fixture_in_a_project(env, tmp_path)
    _readme_snippets_type_check(env, tmp_path)


def _readme_snippets_type_check(env: Env, tmp_path: Path) -> None:
    """The README's Python snippets, as one program, pass `mypy --strict` against the installed wheel (its
    py.typed and annotations as a user gets them); a control line proves mypy read cozekit's types."""
    readme = (ROOT / "README.md").read_text("utf-8")
    snippets = re.findall(r"^```python\n(.*?)^```", readme, flags=re.S | re.M)
    assert snippets
    checked = tmp_path / "readme_types"
    checked.mkdir()
    (checked / "snippets.py").write_text("\n".join(snippets), "utf-8")
    mypy = ["python", "-m", "mypy", "--strict", "--no-incremental"]
    _ok(env.run([*mypy, "snippets.py"], cwd=checked, timeout=600))
    control = "from cozekit import Coze\n\nCoze().chat.stream(bot_id=1)\n"  # an int where str goes
    (checked / "control.py").write_text(control, "utf-8")
    wrong = env.run([*mypy, "control.py"], cwd=checked, timeout=600)
    assert wrong.returncode == 1 and 'control.py:3: error: Argument "bot_id"' in wrong.stdout, wrong.stdout
