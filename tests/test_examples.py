"""Every example runs unchanged against the emulator (only COZE_API_BASE / COZE_API_TOKEN and ids set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from cozekit.emulator import example_workflows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# example file -> text its output must contain
EXPECTED: Dict[str, str] = {
    "chat_stream.py": "[completed:",
    "chat_non_stream.py": "status: completed",
    "chat_cancel.py": ":",
    "chat_local_plugin.py": "sunny in Nanjing",
    "ws_speech.py": "streamed",
    "ws_transcription.py": "text: The weather is nice today.",
    "ws_voice_chat.py": "interrupted: True",
    "ws_simult_interpretation.py": "translation: [en→zh] Good morning. The 天气 is nice today.",
    "templates.py": "answer: My travel guide (turn 1) heard: Where should I go in May?",
    "audio_live.py": "translation stream: English",
    "chat_with_file.py": "uploaded:",
    "files.py": "retrieved: notes.txt",
    "conversations_messages.py": "renamed: renamed",
    "bots.py": "versions:",
    "workspaces.py": "",
    "users_me.py": "",
    "error_handling.py": "caught before any request",
    "request_options.py": "workspaces:",
    "logid.py": "stream logid:",
    "async_chat.py": "workspace:",
    "audio_speech.py": "saved:",
    "audio_transcription.py": "text: The weather is nice today.",
    "voiceprints.py": "best match: alice",
    "knowledge_base.py": "answer: Shop helper (turn 1) found in the knowledge base: Returns",
    "workflow_stream_question.py": "Hangzhou on Saturday",
    "workflow_async_poll.py": "note output: Report on rainfall is ready.",
    "chatflow.py": "Helpdesk (turn 2) heard: It still does not work.",
    "workflow_canvas.py": "'note': 'Big order: desk x2 = 160'",
    "oauth_web.py": "refresh token rotated: True",
    "oauth_pkce.py": "acting as user: ",
    "oauth_device.py": "acting as user: ",
    "oauth_jwt.py": "acting as user: ",
    "oauth_jwt_sessions.py": "isolated: True",
    "proxy_widget.py": "answer: Cozekit Demo Bot (turn 1) heard: Hello from the widget",
    "workspace_members.py": "members left: ['7000000000000000001']",
    "callback_apps.py": "still subscribed: bot.published, bot.deleted",
    "callback_receiver.py": "received: bot.published Cozekit Demo Bot version",
    "plugins.py": 'calculate({"expression": "(2 + 3) * 4"}) -> {"value": 20}',
    "variables.py": "moved to: Nanjing",
    "enterprise_admin.py": "bill task now: succeed files: 1",
}


def test_every_example_is_listed() -> None:
    assert {p.name for p in EXAMPLES.glob("*.py")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name: str, coze_emulator: Any) -> None:
    env = {
        **os.environ,
        "COZE_API_BASE": coze_emulator.base_url,
        "COZE_API_TOKEN": coze_emulator.token,
        "COZE_BOT_ID": coze_emulator.demo_bot_id,
        "COZE_WORKSPACE_ID": coze_emulator.workspace_id,
    }
    if name.startswith(("workflow_", "chatflow")):  # the example definitions shipped in the package
        for definition in sorted(Path(example_workflows()).glob("*.json")):
            coze_emulator.control.create_workflow(definition.read_text())
        env["COZE_WORKFLOW_ID"] = "7000000000000000101"
        env["COZE_ASYNC_WORKFLOW_ID"] = "7000000000000000102"
        env["COZE_CHATFLOW_ID"] = "7000000000000000103"
    if name.startswith("oauth_"):  # the "browser" presses Authorize on the emulator's page
        browser = Path(__file__).parent / "emulator_oauth" / "headless_browser.py"
        env["BROWSER"] = f"{sys.executable} {browser} %s"
        env.pop("COZE_CLIENT_ID", None)
    if name.startswith("ws_"):  # voice: audio as fast as the emulator can make it
        coze_emulator.control.configure(chunk_delay_ms=0)
    if name == "chat_local_plugin.py":
        tool = {"name": "get_weather", "description": "weather in a city", "parameters": {}}
        bot_id = coze_emulator.control.create_bot(name="Weather", local_tools=[tool])
        call = {"name": "get_weather", "arguments": {"city": "Nanjing"}}
        coze_emulator.control.script(bot_id, {"tool_calls": [call]}, {"text": "It is sunny in Nanjing."})
        env["COZE_LOCAL_PLUGIN_BOT_ID"] = bot_id
    if name == "templates.py":
        env["COZE_TEMPLATE_ID"] = coze_emulator.control.create_template(
            name="Travel guide", prompt="Plan trips."
        )
    if name == "audio_live.py":
        env["COZE_LIVE_ID"] = coze_emulator.control.create_live()["live_id"]
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert EXPECTED[name] in done.stdout
    assert coze_emulator.token not in done.stdout + done.stderr


def test_testing_with_the_emulator_passes() -> None:
    """The user-facing pytest showcase runs as users would run it (testpaths keeps it out of this run)."""
    showcase = EXAMPLES / "testing_with_the_emulator"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(showcase), "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLES.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "6 passed" in done.stdout
