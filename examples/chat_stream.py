"""Stream a chat reply. Env: COZE_API_TOKEN, COZE_API_BASE, COZE_BOT_ID."""

import os

from cozekit import ChatEventType, Coze, Message

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
bot_id = os.environ["COZE_BOT_ID"]

with coze.chat.stream(
    bot_id=bot_id,
    user_id="example-user",
    additional_messages=[Message.build_user_question_text("Tell me a short joke.")],
) as events:
    for event in events:
        if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and event.message is not None:
            print(event.message.content, end="", flush=True)
        elif event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED and event.chat is not None:
            usage = event.chat.usage
            print(f"\n[completed: {usage.token_count if usage else 0} tokens]")
