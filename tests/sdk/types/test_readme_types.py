"""README.md's Python snippets type-check under `mypy --strict` and pyright (strict), against this tree's
cozekit: stream events narrow on `event.event`, so `event.message.content` needs no None check after
`if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:`.

The snippets are checked as one program, in order (later ones use the `coze` of the first). Both checkers
are dev dependencies: a missing one fails the test."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "src"

NARROWING = """
from cozekit import (
    ChatEventType, ChatStreamEvent, WorkflowEventType, WorkflowStreamEvent, parse_chat_event,
)


def narrow_chat(event: ChatStreamEvent) -> str:
    if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:
        return event.message.content
    if event.event is ChatEventType.CONVERSATION_CHAT_COMPLETED:
        return event.chat.id
    return ""


def narrow_workflow(event: WorkflowStreamEvent) -> str:
    if event.event == WorkflowEventType.MESSAGE:
        return event.message.content
    if event.event == WorkflowEventType.INTERRUPT:
        return event.interrupt.interrupt_data.event_id
    if event.event == WorkflowEventType.ERROR:
        return event.error.error_message
    return ""


print(narrow_chat(parse_chat_event("done", "{}")))
"""

CONTROL = """
def control(event: ChatStreamEvent) -> str:
    if event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED:
        return event.message.content  # CONTROL: a chat event, whose message may be None
    return ""
"""


def every_export() -> str:
    """Each lazy package's every exported name, used: both checkers see them all (their view is the
    `if TYPE_CHECKING:` imports, the runtime's the generated table; tests/sdk/core/test_lazy_exports.py
    keeps the two in step)."""
    import cozekit.auth
    import cozekit.types

    lines = [
        "import cozekit",
        "import cozekit.auth",
        "import cozekit.types",
        "",
        'EVERY_EXPORT: "tuple[object, ...]" = (',
    ]
    for package in (cozekit, cozekit.auth, cozekit.types):
        lines += [f"    {package.__name__}.{name}," for name in package.__all__]
    return "\n".join([*lines, ")", "print(len(EVERY_EXPORT))", ""])


def readme_snippets() -> List[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def mypy(path: Path) -> Tuple[int, str]:
    config = path.parent / "mypy.ini"
    config.write_text(
        "[mypy]\nstrict = True\n"
        f"mypy_path = {SRC}\ncache_dir = {path.parent / '.mypy_cache'}\n"
        # cozekit as a user gets it: its types are used, its own code is not what is checked here.
        "[mypy-cozekit.*]\nignore_errors = True\n",
        "utf-8",
    )
    cmd = [sys.executable, "-m", "mypy", "--config-file", str(config), str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=path.parent)
    return done.returncode, done.stdout + done.stderr


def pyright(path: Path) -> Tuple[int, str]:
    config = path.parent / "pyrightconfig.json"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    settings = {"extraPaths": [str(SRC)], "typeCheckingMode": "strict", "pythonVersion": version}
    config.write_text(json.dumps(settings), "utf-8")
    cmd = [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "-p", str(config), str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=path.parent)
    return done.returncode, done.stdout + done.stderr


CHECKERS = {"mypy --strict": mypy, "pyright": pyright}


def errors(output: str) -> List[int]:
    """The lines of snippet.py that a checker reported errors on (mypy's and pyright's formats)."""
    return [int(n) for n in re.findall(r"snippet\.py:(\d+):(?:\d+ -)? ?error", output)]


def test_the_first_readme_snippet_streams_a_chat() -> None:
    snippets = readme_snippets()
    assert snippets, "README.md has no ```python blocks"
    assert "event.message.content" in snippets[0] and "coze.chat.stream(" in snippets[0]


@pytest.mark.parametrize("checker", CHECKERS)
def test_readme_snippets_and_narrowing_type_check(checker: str, tmp_path: Path) -> None:
    """One program per checker (each run takes seconds): the README's snippets, then what narrows, then
    every exported name, then a control that must be the only error (so the checker did check against
    cozekit's types)."""
    source = "\n".join([*readme_snippets(), NARROWING, every_export(), CONTROL])
    path = tmp_path / "snippet.py"
    path.write_text(source, "utf-8")
    control = source.splitlines().index(CONTROL.splitlines()[3]) + 1
    code, output = CHECKERS[checker](path)
    assert code != 0 and errors(output) == [control], output
