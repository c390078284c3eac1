"""Conversations and their messages: create, add, list, update, delete, feedback, clear."""

import os

from cozekit import Coze, Message

coze = Coze()
bot_id = os.environ["COZE_BOT_ID"]

conversation = coze.conversations.create(
    bot_id=bot_id,
    name="example",
    messages=[Message.build_user_question_text("Hi there")],
    meta_data={"k": "v"},
)
print("conversation:", conversation.id, conversation.name)

added = coze.conversations.messages.create(
    conversation_id=conversation.id, role="user", content="One more question", content_type="text"
)
updated = coze.conversations.messages.update(
    conversation_id=conversation.id, message_id=added.id, content="One better question", content_type="text"
)
print("updated:", updated.content)

for message in coze.conversations.messages.list(conversation_id=conversation.id, order="asc"):
    print(" -", message.role, message.content)

poll = coze.chat.create_and_poll(
    bot_id=bot_id,
    user_id="example-user",
    conversation_id=conversation.id,
    additional_messages=[Message.build_user_question_text("And the answer?")],
)
answer = next(m for m in poll.messages or [] if m.type == "answer")
coze.conversations.messages.feedback.create(
    conversation_id=conversation.id, message_id=answer.id, feedback_type="like", comment="helpful"
)
coze.conversations.messages.feedback.delete(conversation_id=conversation.id, message_id=answer.id)

section = coze.conversations.clear(conversation_id=conversation.id)
print("new section:", section.id)
coze.conversations.messages.delete(conversation_id=conversation.id, message_id=added.id)
renamed = coze.conversations.update(conversation_id=conversation.id, name="renamed")
print("renamed:", renamed.name)
print("conversations of the bot:", sum(1 for _ in coze.conversations.list(bot_id=bot_id)))
coze.conversations.delete(conversation_id=conversation.id)
