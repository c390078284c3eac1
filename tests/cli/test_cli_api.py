"""`cozekit chat`, `files` and `workflows` against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cozekit.cli import app
from cozekit.emulator import ThreadedEmulator


@pytest.fixture
def run(coze_emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("COZEKIT_TOKEN_FILE", str(tmp_path / "no-saved-login.json"))
    monkeypatch.setenv("COZE_API_BASE", coze_emulator.base_url)
    monkeypatch.setenv("COZE_API_TOKEN", coze_emulator.token)
    return CliRunner()  # click >= 8.2 keeps stderr apart


def invoke(runner: CliRunner, args: List[str]) -> Result:
    return runner.invoke(app, args, catch_exceptions=False)


def test_chat_streams_the_answer_and_names_the_conversation(
    run: CliRunner, coze_emulator: ThreadedEmulator
) -> None:
    result = invoke(run, ["chat", coze_emulator.demo_bot_id, "hello", "there"])
    assert result.exit_code == 0, result.output
    assert "heard: hello there" in result.stdout
    assert "[conversation " in result.stderr and "logid 2" in result.stderr


def test_chat_continues_a_conversation_without_streaming(
    run: CliRunner, coze_emulator: ThreadedEmulator
) -> None:
    first = invoke(run, ["chat", coze_emulator.demo_bot_id, "one", "--no-stream"])
    assert first.exit_code == 0, first.output
    conversation = first.stderr.split("[conversation ")[1].split(",")[0]
    second = invoke(run, ["chat", coze_emulator.demo_bot_id, "two", "--conversation-id", conversation])
    assert "turn 2" in second.stdout


def test_errors_print_code_and_logid_and_exit_1(run: CliRunner) -> None:
    result = invoke(run, ["chat", "7000000000000009999", "hi"])
    assert result.exit_code == 1
    assert "error:" in result.stderr and "logid" in result.stderr


def test_a_missing_token_is_a_usage_error(run: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COZE_API_TOKEN")
    result = run.invoke(app, ["files", "retrieve", "123"])
    assert result.exit_code == 2 and "COZE_API_TOKEN" in result.stderr


def test_files_upload_then_retrieve(run: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("cli upload")
    uploaded = invoke(run, ["files", "upload", str(path)])
    assert uploaded.exit_code == 0, uploaded.output
    record = json.loads(uploaded.stdout)
    assert record["file_name"] == "notes.txt" and record["bytes"] == 10
    again = invoke(run, ["files", "retrieve", record["id"]])
    assert json.loads(again.stdout)["id"] == record["id"]


def test_workflow_parameters_are_checked_before_any_call(run: CliRunner) -> None:
    bad = run.invoke(app, ["workflows", "run", "7000000000000000001", "--param", "novalue"])
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.stderr
    bad_json = run.invoke(app, ["workflows", "run", "7000000000000000001", "--parameters", "[1]"])
    assert bad_json.exit_code == 2 and "JSON object" in bad_json.stderr
    not_json = run.invoke(app, ["workflows", "run", "7000000000000000001", "--parameters", "{oops"])
    assert not_json.exit_code == 2 and "not JSON" in not_json.stderr


UPPER = {
    "name": "upper",
    "nodes": [
        {"id": "start", "type": "start", "inputs": {"text": {"type": "string", "required": True}}},
        {"id": "c", "type": "code", "outputs": {"upper": "upper(start['text'])"}},
        {"id": "note", "type": "message", "title": "Note", "content": "upper-casing {{start.text}}"},
        {"id": "end", "type": "end", "outputs": {"output": "{{c.upper}}"}},
    ],
}


def test_workflows_run_prints_the_output(run: CliRunner, coze_emulator: ThreadedEmulator) -> None:
    wf = coze_emulator.control.create_workflow(UPPER)["workflow_id"]
    result = invoke(run, ["workflows", "run", wf, "-p", "text=hi there"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"output": "HI THERE"}


def test_workflows_run_streams_node_messages(run: CliRunner, coze_emulator: ThreadedEmulator) -> None:
    wf = coze_emulator.control.create_workflow(UPPER)["workflow_id"]
    result = invoke(run, ["workflows", "run", wf, "--parameters", '{"text": "abc"}', "--stream"])
    assert result.exit_code == 0, result.output
    assert "upper-casing abc" in result.stdout and "ABC" in result.stdout


def test_workflow_errors_exit_1_with_the_logid(run: CliRunner, coze_emulator: ThreadedEmulator) -> None:
    wf = coze_emulator.control.create_workflow(UPPER)["workflow_id"]
    missing = invoke(run, ["workflows", "run", wf])  # `text` is required
    assert missing.exit_code == 1 and "4000" in missing.stderr and "logid" in missing.stderr
    unknown = invoke(run, ["workflows", "run", "7000000000000009999", "--stream"])
    assert unknown.exit_code == 1 and "logid" in unknown.stderr
