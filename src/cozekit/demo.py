"""The main job: start the embedded emulator and stream a reply from its demo bot through cozekit.

    python -m cozekit.demo ["your question"]

No account, no token and no network: everything runs on 127.0.0.1.
"""

from __future__ import annotations

import sys
from typing import List, Optional, TextIO

from . import Coze, TokenAuth
from .lib.chat_stream import ChatStreamAccumulator
from .types.message import Message

DEFAULT_QUESTION = "Hello! What can you do?"


def run(question: str, out: TextIO = sys.stdout) -> ChatStreamAccumulator:
    """Stream the demo bot's answer to `question` into `out`; return the accumulated chat."""
    from .emulator import ThreadedEmulator  # lazy: the emulator is heavy and an extra

    with ThreadedEmulator() as emulator, Coze(TokenAuth(emulator.token), emulator.base_url) as coze:
        out.write(f"emulator: {emulator.base_url}  bot: {emulator.demo_bot_id}\n")
        out.write(f"you: {question}\nbot: ")
        accumulator = ChatStreamAccumulator()
        with coze.chat.stream(
            bot_id=emulator.demo_bot_id,
            user_id="demo-user",
            additional_messages=[Message.build_user_question_text(question)],
        ) as events:
            for event in events:
                text = accumulator.add(event)
                if text:
                    out.write(text)
                    out.flush()
        usage = accumulator.usage
        tokens = f", {usage.token_count} tokens" if usage is not None else ""
        out.write(f"\n[{accumulator.status}{tokens}, logid {events.logid}]\n")
        return accumulator


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    run(" ".join(args) if args else DEFAULT_QUESTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
