"""The main job: a short session against the embedded emulator that shows what cozekit does.

    python -m cozekit.demo [--model URL] [--model-name NAME] [--api-key KEY] ["your last question"]

1. the demo bot answers from a knowledge base the demo creates (upload, processing, recall);
2. it calls a local tool (端插件), which this process answers through the SDK;
3. an example workflow runs, its progress streamed;
4. the bot streams the final reply.

No account, no token and no network: everything runs on 127.0.0.1, and the emulator's deterministic model
answers. `--model URL` (or `COZEKIT_EMULATOR_OPENAI_BASE_URL`, with `..._API_KEY` and `..._MODEL`) points
the emulator at any OpenAI-compatible endpoint for real answers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, List, Optional, TextIO

from . import Coze, TokenAuth
from .lib.chat_stream import ChatStreamAccumulator
from .lib.local_plugins import run_with_local_plugins
from .types import BotKnowledge, MessageType
from .types.dataset import DocumentProgress
from .types.document import DocumentBase, DocumentChunkStrategy, DocumentFormatType
from .types.message import Message

HANDBOOK = """\
Opening hours: the Cozekit Cafe opens at eight in the morning and closes at six, Monday to Saturday; \
on Sundays it is closed.

Coffee: every espresso served in the Cozekit Cafe is made from beans that the cafe roasts itself, \
every Tuesday morning.

Wifi: the guest network of the Cozekit Cafe is called cozekit-guest, and its password is printed \
on every receipt."""
KNOWLEDGE_QUESTION = "When does the cafe open, and is it open on Sundays?"
TOOL_QUESTION = "Should I bring an umbrella to the cafe? Please check get_weather for Berlin."
WORKFLOW_ID = "7000000000000000102"  # daily_report among cozekit.emulator.example_workflows()
WORKFLOW_TOPIC = "the cafe's espresso"
FINAL_QUESTION = "Thanks! One last thing: what is the wifi password?"


def get_weather(**arguments: Any) -> str:
    """The local tool the bot calls; the SDK runs it in this process (any arguments the model chose)."""
    return "Berlin: light rain, 14 °C, take an umbrella"


class _Session:
    def __init__(self, coze: Coze, bot_id: str, out: TextIO) -> None:
        self.coze, self.bot_id, self.out = coze, bot_id, out
        self.conversation_id: Optional[str] = None
        self._line_start = True

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def stream(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def _reply(self, text: str) -> None:
        if self._line_start:
            self.stream("  bot: ")
            self._line_start = False
        self.stream(text.replace("\n", "\n       "))

    def ask(self, question: str) -> ChatStreamAccumulator:
        """One chat turn, streamed; tool calls are answered by `get_weather` through the SDK."""
        self.say(f"  you: {question}")
        self._line_start = True
        args: dict[str, Any] = {}
        if self.conversation_id:
            args["conversation_id"] = self.conversation_id
        result = run_with_local_plugins(
            self.coze,
            tools={"get_weather": self._tool},
            on_text=self._reply,
            bot_id=self.bot_id,
            user_id="demo-user",
            additional_messages=[Message.build_user_question_text(question)],
            **args,
        )
        if result.chat is not None:
            self.conversation_id = result.chat.conversation_id
        usage = result.usage
        tokens = f", {usage.token_count} tokens" if usage is not None else ""
        status = result.status.value if result.status is not None else "unknown"
        self.say(("" if self._line_start else "\n") + f"  [{status}{tokens}]")
        return result

    def _tool(self, **arguments: Any) -> str:
        output = get_weather(**arguments)
        if not self._line_start:
            self.stream("\n")
        self.say(f"  tool call: get_weather({json.dumps(arguments, ensure_ascii=False)})")
        self.say(f"  answered here by the SDK: {output!r}")
        self._line_start = True
        return output


def _knowledge(session: _Session, workspace_id: str) -> None:
    coze, say = session.coze, session.say
    say("[1/4] Knowledge base: the bot answers from a document")
    dataset = coze.datasets.create(
        name="Cafe handbook", space_id=workspace_id, format_type=DocumentFormatType.DOCUMENT
    )
    say(f"  created knowledge base 'Cafe handbook' ({dataset.dataset_id}), uploading handbook.txt")
    docs = coze.datasets.documents.create(
        dataset_id=dataset.dataset_id,
        document_bases=[DocumentBase.build_local_file(HANDBOOK.encode(), name="handbook.txt")],
        chunk_strategy=DocumentChunkStrategy.build_custom(max_tokens=200, separator="\n\n"),
    )
    seen: List[int] = []

    def show(progress: List[DocumentProgress]) -> None:  # each poll's progress, shown as it changes
        percent = min((p.progress or 0) for p in progress) if progress else 0
        if not seen or seen[-1] != percent:
            session.stream(f"{' -> ' if seen else '  processing: '}{percent}%")
            seen.append(percent)

    coze.datasets.wait_for_processing(
        dataset_id=dataset.dataset_id, document_ids=docs, on_progress=show, poll_interval=0.05
    )
    say(" (done)")
    coze.bots.update(bot_id=session.bot_id, knowledge=BotKnowledge(dataset_ids=[dataset.dataset_id]))
    coze.bots.publish(bot_id=session.bot_id)
    say("  attached it to the demo bot and published the bot")
    result = session.ask(KNOWLEDGE_QUESTION)
    for message in result.messages:
        if message.type == MessageType.KNOWLEDGE:
            first = next((line for line in message.content.splitlines() if line.strip(" -")), "")
            say(f"  recalled: {first.partition(':')[2].strip()[:100]}...")
            break


def _workflow(session: _Session) -> str:
    coze, say = session.coze, session.say
    say(f"[3/4] Workflow: daily_report ({WORKFLOW_ID}), topic {WORKFLOW_TOPIC!r}")
    started = time.monotonic()
    output, steps, open_node = "", 0, False
    with coze.workflows.runs.stream(workflow_id=WORKFLOW_ID, parameters={"topic": WORKFLOW_TOPIC}) as events:
        for event in events:
            event.raise_for_error()
            message = event.message
            if message is None:
                continue
            if not open_node:  # a node starts streaming its output
                steps += 1
                session.stream(f"  node {steps} [{message.node_title or 'node'}] ")
                open_node = True
            session.stream(message.content)
            if (message.node_title or "").lower() == "end":
                output += message.content
            if message.node_is_finish:
                session.stream(f"  ({time.monotonic() - started:.1f} s)\n")
                open_node = False
    say(f"  finished in {time.monotonic() - started:.1f} s (nodes with output: {steps})")
    try:
        report = json.loads(output).get("output", output)
    except (ValueError, AttributeError):
        report = output
    return str(report)


def run(
    out: Optional[TextIO] = None,
    *,
    model_url: Optional[str] = None,
    model_name: Optional[str] = None,
    api_key: Optional[str] = None,
    chunk_delay: float = 0.0,
    final_question: str = FINAL_QUESTION,
) -> ChatStreamAccumulator:
    """The demo session, written to `out` (default stdout); returns the final reply's chat."""
    from .emulator import EmulatorConfig, ThreadedEmulator, example_workflows  # lazy: heavy, an extra
    from .emulator.workflows.engine.loader import load_files  # lazy: as above

    overrides: dict[str, Any] = {"chunk_delay": chunk_delay}
    if model_url:
        overrides["openai_base_url"] = model_url
    if model_name:
        overrides["openai_model"] = model_name
    if api_key:
        overrides["openai_api_key"] = api_key
    config = EmulatorConfig.from_env(**overrides)
    with ThreadedEmulator(config) as emulator, Coze(TokenAuth(emulator.token), emulator.base_url) as coze:
        load_files(emulator.state.workflows, example_workflows())
        emulator.control.configure_ingestion(step_delay_ms=80)  # processing steps slow enough to watch
        session = _Session(coze, emulator.demo_bot_id, out or sys.stdout)
        model = config.openai_base_url
        session.say(f"cozekit demo: an emulated Coze at {emulator.base_url} (no account, no network)")
        session.say(
            f"model: {model} ({config.openai_model or 'default model'})"
            if model
            else "model: the emulator's deterministic model (--model URL for an OpenAI-compatible one)"
        )
        session.say("")
        _knowledge(session, emulator.workspace_id)
        session.say("")
        session.say("[2/4] Local tool: the bot calls get_weather, the SDK answers it in this process")
        session.ask(TOOL_QUESTION)
        session.say("")
        report = _workflow(session)
        session.say(f"  report: {report}")
        session.say("")
        session.say("[4/4] Final reply, streamed")
        final = session.ask(final_question)
        session.say("")
        session.say(f"conversation {session.conversation_id}: done.")
        return final


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cozekit.demo", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model",
        metavar="URL",
        default=os.environ.get("COZEKIT_EMULATOR_OPENAI_BASE_URL"),
        help="An OpenAI-compatible endpoint (e.g. http://localhost:11434/v1) the emulator asks for answers.",
    )
    parser.add_argument(
        "--model-name", default=None, help="The model to ask (COZEKIT_EMULATOR_OPENAI_MODEL)."
    )
    parser.add_argument("--api-key", default=None, help="Its API key (COZEKIT_EMULATOR_OPENAI_API_KEY).")
    parser.add_argument("question", nargs="*", help=f"The last question (default: {FINAL_QUESTION!r}).")
    args = parser.parse_args(argv)
    run(
        model_url=args.model,
        model_name=args.model_name,
        api_key=args.api_key,
        chunk_delay=0.01,
        final_question=" ".join(args.question) or FINAL_QUESTION,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
