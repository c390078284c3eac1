"""Chat with a chatflow: two turns in one conversation, streamed as chat events.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_CHATFLOW_ID (a published chatflow; against the emulator:
`cozekit serve --example-workflows`, id 7000000000000000103).
"""

import os
from typing import Optional

from cozekit import ChatEventType, Coze, Message

coze = Coze()
workflow_id = os.environ["COZE_CHATFLOW_ID"]
conversation_id: Optional[str] = None

for text in ["My printer is offline.", "It still does not work."]:
    print("user:", text)
    print("bot: ", end="")
    events = coze.workflows.chat.stream(
        workflow_id=workflow_id,
        conversation_id=conversation_id,
        additional_messages=[Message.build_user_question_text(text)],
    )
    with events:
        for event in events:
            if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and event.message is not None:
                print(event.message.content, end="", flush=True)
            elif event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED and event.chat is not None:
                conversation_id = event.chat.conversation_id
                usage = event.chat.usage
                print(f"\n[turn done: {usage.token_count if usage else 0} tokens]")
