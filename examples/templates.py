"""Duplicate a template into a workspace, then publish the copy and chat with it.
Env: COZE_API_TOKEN, COZE_API_BASE, COZE_WORKSPACE_ID, COZE_TEMPLATE_ID (an agent template)."""

import os

from cozekit import Coze, MessageType, TemplateEntityType

coze = Coze()
copy = coze.templates.duplicate(
    template_id=os.environ["COZE_TEMPLATE_ID"],
    workspace_id=os.environ["COZE_WORKSPACE_ID"],
    name="My travel guide",
)
print("duplicated:", copy.entity_type.value, copy.entity_id)
if copy.entity_type == TemplateEntityType.AGENT:
    bot = coze.bots.retrieve(bot_id=copy.entity_id, is_published=False)  # the copy is a draft
    print("bot:", bot.name, "-", bot.description)
    coze.bots.publish(bot_id=copy.entity_id)
    question = [{"role": "user", "content": "Where should I go in May?", "content_type": "text"}]
    poll = coze.chat.create_and_poll(bot_id=copy.entity_id, user_id="example", additional_messages=question)
    for message in poll.messages or []:
        if message.type == MessageType.ANSWER:
            print("answer:", message.content)
