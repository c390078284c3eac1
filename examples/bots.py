"""Bot management: create, update, publish, list, retrieve, versions, unpublish."""

import os

from cozekit import BotOnboardingInfo, BotPromptInfo, Coze

coze = Coze()
workspace_id = os.environ["COZE_WORKSPACE_ID"]

bot = coze.bots.create(
    workspace_id=workspace_id,
    name="Example bot",
    description="made by examples/bots.py",
    prompt_info=BotPromptInfo(prompt="You are a helpful assistant."),
    onboarding_info=BotOnboardingInfo(prologue="Hello!", suggested_questions=["What can you do?"]),
)
print("created:", bot.bot_id)
coze.bots.update(bot_id=bot.bot_id, description="updated description")
published = coze.bots.publish(bot_id=bot.bot_id)
print("published version:", published.version)

for item in coze.bots.list(workspace_id=workspace_id, publish_status="all"):
    print(" -", item.id, item.name, "published" if item.is_published else "draft")

info = coze.bots.retrieve(bot_id=bot.bot_id)
print("retrieved:", info.name, info.description)
print("versions:", [v.version for v in coze.bots.list_versions(bot_id=bot.bot_id)])
coze.bots.unpublish(bot_id=bot.bot_id, connector_id="1024")
