"""Chat without streaming: create the chat, poll it to the end, print its messages."""

import os

from cozekit import Coze, Message, MessageType

coze = Coze()
poll = coze.chat.create_and_poll(
    bot_id=os.environ["COZE_BOT_ID"],
    user_id="example-user",
    additional_messages=[Message.build_user_question_text("What is Coze?")],
    poll_timeout=60,
)
print("status:", poll.chat.status)
for message in poll.messages or []:
    if message.type == MessageType.ANSWER:
        print("answer:", message.content)
