"""The main job: the demo's session shows knowledge recall, a local tool, a workflow and a streamed reply."""

from __future__ import annotations

import io
import subprocess
import sys

from cozekit import ChatStatus
from cozekit.demo import FINAL_QUESTION, run


def test_demo_shows_each_step_of_the_system() -> None:
    out = io.StringIO()
    final = run(out)
    text = out.getvalue()
    assert "model: the emulator's deterministic model" in text
    steps = [
        "[1/4] Knowledge base",
        "[2/4] Local tool",
        "[3/4] Workflow: daily_report (7000000000000000102)",
        "[4/4] Final reply, streamed",
    ]
    assert [text.index(step) for step in steps] == sorted(text.index(step) for step in steps)
    knowledge, tool, workflow, last = (text.split(step)[1] for step in steps)
    # 1: a document is uploaded and processed, then the bot answers from it
    assert "uploading handbook.txt" in knowledge and "100% (done)" in knowledge
    assert "found in the knowledge base: Opening hours: the Cozekit Cafe opens at eight" in knowledge
    assert "recalled: Opening hours:" in knowledge
    # 2: the bot calls get_weather; the SDK answers it here and the bot uses the output
    assert "tool call: get_weather(" in tool
    assert "answered here by the SDK: 'Berlin: light rain, 14 °C, take an umbrella'" in tool
    assert "bot: Tool results: get_weather returned Berlin: light rain" in tool
    # 3: the example workflow's nodes stream their output as it comes
    assert "node 1 [Note] Report on the cafe's espresso is ready." in workflow
    assert "report: REPORT (2 lines): " in workflow and "finished: 2 nodes" in workflow
    # 4: the final reply streams, from the knowledge base, in the same conversation
    assert f"you: {FINAL_QUESTION}" in last
    assert "password is printed" in last and "on every receipt" in last
    assert final.status == ChatStatus.COMPLETED
    assert final.text and final.text in text
    assert final.chat is not None and f"conversation {final.chat.conversation_id}: done." in text
    assert text.count("[completed, ") == 3


def test_demo_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cozekit.demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[4/4] Final reply, streamed" in done.stdout and "done." in done.stdout
    assert done.stderr == ""
