"""The async client: the same resources, awaited; pagers are async-iterable."""

import asyncio
import os

from cozekit import AsyncCoze, ChatEventType, Message


async def main() -> None:
    async with AsyncCoze() as coze:
        bot_id = os.environ["COZE_BOT_ID"]
        events = await coze.chat.stream(
            bot_id=bot_id, user_id="u", additional_messages=[Message.build_user_question_text("hello")]
        )
        async with events:
            async for event in events:
                if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and event.message is not None:
                    print(event.message.content, end="")
        print()
        async for workspace in coze.workspaces.list():
            print("workspace:", workspace.name)


asyncio.run(main())
