"""Cancel a chat while its answer is streaming: as soon as the first piece of the answer arrives, the
chat is known to be running, so cancelling it then cannot race its completion.
Env: COZE_API_TOKEN, COZE_API_BASE, COZE_BOT_ID."""

import os

from cozekit import ChatEventType, Coze, Message

coze = Coze()
chat = None
with coze.chat.stream(
    bot_id=os.environ["COZE_BOT_ID"],
    user_id="example-user",
    additional_messages=[Message.build_user_question_text("Write a long story.")],
) as events:
    for event in events:
        if event.event == ChatEventType.CONVERSATION_CHAT_CREATED and event.chat is not None:
            chat = event.chat  # its ids are what cancel needs
            print("started:", chat.status.value)
        elif event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and event.message is not None:
            assert chat is not None  # chat.created always comes first
            print("first words:", repr(event.message.content))
            canceled = coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
            print("cancel answered:", canceled.status.value)
            break  # leaving the block closes the stream; the rest of the answer is not needed

assert chat is not None
print("status now:", coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id).status.value)
