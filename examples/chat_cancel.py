"""Start a chat without streaming, then cancel it (a finished chat answers 4104)."""

import os

from cozekit import Coze, CozeAPIError, Message

coze = Coze()
chat = coze.chat.create(
    bot_id=os.environ["COZE_BOT_ID"],
    user_id="example-user",
    additional_messages=[Message.build_user_question_text("Write a long story.")],
)
try:
    canceled = coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    print("canceled:", canceled.status)
except CozeAPIError as err:
    if err.code != 4104:
        raise
    print(
        "already finished:", coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id).status
    )
