"""Every example runs unchanged against the emulator (only COZE_API_BASE / COZE_API_TOKEN and ids set)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from cozekit.emulator import example_workflows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

ID = r"\d{15,20}"
LOGID = r"\w{20,}"

# example file -> lines its output must contain, in this order (regular expressions, each matched against
# a whole line): what the example did, not only that it exited cleanly.
EXPECTED: Dict[str, List[str]] = {
    "async_chat.py": [r"Cozekit Demo Bot \(turn 1\) heard: hello", r"workspace: Personal"],
    "audio_live.py": [
        r"rtc app: \S+ logid: " + LOGID,
        r"original stream: Original \(\d+\)",
        r"translation stream: English \(\d+\)",
    ],
    "audio_speech.py": [r"voice: .+ \d+ \w+", r"saved: [1-9]\d* bytes of audio/wav logid: " + LOGID],
    "audio_transcription.py": [r"text: The weather is nice today\.", r"logid: " + LOGID],
    "bots.py": [
        rf"created: {ID}",
        r"published version: \d+",
        rf" - {ID} Example bot published",
        r"retrieved: Example bot updated description",
        r"versions: \['\d+'\]",
    ],
    "callback_apps.py": [
        rf"callback app: {ID} release-notifier verify token set: True",
        r"subscribed: bot.unpublished - Bot unpublished",
        r"still subscribed: bot.published, bot.deleted",
        r"my callback apps: \['release-notifier'\]",
        r"deleted: True",
    ],
    "callback_receiver.py": [
        r"callback URL verified: http://127.0.0.1:\d+/coze/callback",
        r"received: bot.published Cozekit Demo Bot version \d+",
    ],
    "chat_cancel.py": [
        r"started: created",
        r"first words: '.+'",
        r"cancel answered: canceled",
        r"status now: canceled",
    ],
    "chat_local_plugin.py": [r"It is sunny in Nanjing\.", r"\[completed, 4 messages\]"],
    "chat_non_stream.py": [
        r"status: completed",
        r"answer: Cozekit Demo Bot \(turn 1\) heard: What is Coze\?",
    ],
    "chat_stream.py": [
        r"Cozekit Demo Bot \(turn 1\) heard: Tell me a short joke\.",
        r"\[completed: [1-9]\d* tokens\]",
    ],
    "chat_with_file.py": [
        rf"uploaded: {ID} red.png [1-9]\d*",
        r"answer: Cozekit Demo Bot \(turn 1\) heard: What is in this picture\? \[image: red.png\]",
    ],
    "chatflow.py": [
        r"bot: Helpdesk \(turn 1\) heard: My printer is offline\.",
        r"bot: Helpdesk \(turn 2\) heard: It still does not work\.",
        r"bot: Helpdesk \(turn 3\) heard: This is its display: \[image: printer.png\]",
    ],
    "conversations_messages.py": [
        rf"conversation: {ID} example",
        r"updated: One better question",
        r" - user Hi there",
        r" - user One better question",
        rf"new section: {ID}",
        r"renamed: renamed",
        r"conversations of the bot: 1",
    ],
    "datasets.py": [
        rf"created: {ID} {ID}",
        r"dataset: Team photos \(image\) ''",
        r"dataset: Team handbook \(document\) 'how we work'",
        r"found by name: \['Team handbook'\]",
        r"document: rules.txt slices: [1-9]\d*",
        r"image: whiteboard.png caption: The sprint plan on the whiteboard",
        r"left: \[\]",
    ],
    "enterprise_admin.py": [
        r"organization: Platform team",
        rf"ann left; members of the organization now: \['{ID}'\]",
        r"plan: enterprise",
        rf"bill task: {ID} running",
        r"bill task now: succeed files: 1",
    ],
    "error_handling.py": [
        r"(not found|other Coze error): 4002 .+ logid: " + LOGID,
        r"bad token: 4100 .+",
        r"caught before any request: conversation_id must be a non-empty value",
        r"no server: APIConnectionError",
    ],
    "files.py": [rf"uploaded: {ID} notes.txt 16 logid: " + LOGID, r"retrieved: notes.txt"],
    "knowledge_base.py": [
        r"progress: faq.txt 100%",
        r"document: faq.txt slices: 3",
        r"progress: storefront.png 100%",
        r"image: storefront.png caption: .+",
        r"recall slice 1:Returns: .+",
        r"answer: Shop helper \(turn 1\) found in the knowledge base: Returns: .+",
    ],
    "logid.py": [r"result logid: " + LOGID, r"page logid: " + LOGID, r"stream logid: " + LOGID],
    "oauth_device.py": [
        r"open http://\S+ and enter [A-Z]{4}-[A-Z]{4} \(valid \d+ s\)",
        rf"acting as user: {ID}",
    ],
    "oauth_jwt.py": [r"token type: Bearer - no refresh token: True", rf"acting as user: {ID}"],
    "oauth_jwt_channel.py": [
        r"scope: .*'permission_list': \['Connector.botChat'\].*'bot_id_list': \['\d+'\].*",
        r"chat: completed - Cozekit Demo Bot \(turn 1\) heard: Hello from the channel",
        r"outside the scope: 4101",
    ],
    "oauth_jwt_sessions.py": [
        rf"alice's conversation: {ID}",
        r"isolated: True \(bob gets code \d+\)",
        r"bob's conversations: \[\]",
    ],
    "oauth_pkce.py": [r"authorize at: .+code_challenge_method=S256.*", rf"acting as user: {ID}"],
    "oauth_web.py": [
        r"authorize at: .+response_type=code.+",
        rf"acting as user: {ID}",
        r"refresh token rotated: True",
    ],
    "plugins.py": [
        r"store: Calculator \(official\)",
        rf"plugin: Calculator {ID}",
        r'calculate\(\{"expression": "\(2 \+ 3\) \* 4"\}\) -> \{"value": 20\}',
    ],
    "proxy_widget.py": [
        r"proxy at http://127.0.0.1:\d+  \(widget: http://127.0.0.1:\d+/widget.js\)",
        r"answer: Cozekit Demo Bot \(turn 1\) heard: Hello from the widget",
        r"visitor-1 has 1 conversation\(s\)",
    ],
    "request_options.py": [rf"me: {ID}", r"workspaces: 1"],
    "templates.py": [
        rf"duplicated: agent {ID}",
        r"bot: My travel guide - .*",
        r"answer: My travel guide \(turn 1\) heard: Where should I go in May\?",
    ],
    "users_me.py": [rf"{ID} developer Developer"],
    "variables.py": [r"city = Hangzhou", r"user_name = Li Lei", r"moved to: Nanjing", r"someone else: \[\]"],
    "voice.py": [
        rf"cloned: {ID}",
        rf"my voice: my voice {ID} cloned",
        r"saved: [1-9]\d* bytes of audio/mpeg",
        r"transcript: The weather is nice today\.",
    ],
    "voiceprints.py": [
        r"group: household - the people at home",
        r"feature: bob - visits on weekends",
        r"feature: alice - \(no description\)",
        r"  alice: \d+\.\d",
        r"best match: alice",
        r"left: \['alice'\]",
    ],
    "workflow_async_poll.py": [
        rf"execute_id: {ID}",
        r"status: Success",
        r"  note output: Report on rainfall is ready\.",
    ],
    "workflow_canvas.py": [r"outputs: \{.*'note': 'Big order: desk x2 = 160'.*\}"],
    "workflow_run.py": [
        r"question: Which day would you like the weather in Hangzhou for\?",
        r"answer: Sunday",
        r"output: \{'output': 'Hangzhou on Sunday: sun\.'\}",
    ],
    "workflow_stream_question.py": [
        r"\[Question\] Which day would you like the weather in Hangzhou for\?",
        r"answering 'Question': Saturday",
        r"\[End\] \{\"output\": \"Hangzhou on Saturday: sun\.\"\}",
    ],
    "workspace_members.py": [
        rf"added: \['{ID}', '{ID}'\]",
        rf"member: {ID} admin alice",
        rf"member: {ID} member bob",
        r"members left: \['7000000000000000001'\]",
    ],
    "workspaces.py": [r"7000000000000000002 Personal personal owner"],
    "ws_simult_interpretation.py": [
        r"transcript: Good morning\. The weather is nice today\.",
        r"translation: \[en→zh\] Good morning\. The 天气 is nice today\.",
        r"spoken translation: [1-9]\d* bytes of 16000 Hz PCM",
    ],
    "ws_speech.py": [
        r"wrote \S+speech.wav: [1-9]\d* bytes, \d+\.\d\d s via websocket",
        r"streamed [1-9]\d* chunks, [1-9]\d* bytes",
    ],
    "ws_transcription.py": [r"partial: The weather.*", r"text: The weather is nice today\."],
    "ws_voice_chat.py": [
        r"you said: What can you do\?",
        r"Cozekit Demo Bot \(turn 1\) heard: What can you do\?",
        r"reply audio: [1-9]\d* bytes in \S+reply.wav",
        r"interrupted: True",
    ],
}


def assert_prints(output: str, patterns: List[str]) -> None:
    """Each pattern matches a whole line of `output`, the lines in the order of the patterns."""
    lines = output.splitlines()
    at = 0
    for pattern in patterns:
        found = next((i for i in range(at, len(lines)) if re.fullmatch(pattern, lines[i])), None)
        assert found is not None, f"no line matching {pattern!r} (after line {at}) in:\n{output}"
        at = found + 1


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
        browser = Path(__file__).parent / "emulator" / "oauth" / "headless_browser.py"
        env["BROWSER"] = f"{sys.executable} {browser} %s"
        env.pop("COZE_CLIENT_ID", None)
    if name.startswith("ws_"):  # voice: audio as fast as the emulator can make it
        coze_emulator.control.configure(chunk_delay_ms=0)
    if name == "chat_cancel.py":  # one character a delta, half a second apart: the answer takes about
        # 25 s, while the example cancels right after the first delta
        coze_emulator.control.configure(chunk_delay_ms=500, chunk_size=1)
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
    assert_prints(done.stdout, EXPECTED[name])
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
