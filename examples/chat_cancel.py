"""Cancel a chat while its answer streams: right after the first piece of the answer arrives, when the
chat is known to be running (a short answer can still finish first; Coze then answers 4104).
Env: COZE_API_TOKEN, COZE_API_BASE, COZE_BOT_ID."""

import os

from cozekit import ChatEventType, Coze, CozeAPIError, Message

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
            try:
                canceled = coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
                print("cancel answered:", canceled.status.value)
            except CozeAPIError as err:  # 4104: a short answer may finish before the cancel arrives
                if err.code != 4104:
                    raise
                print("finished before the cancel arrived")
            break  # leaving the block closes the stream; the rest of the answer is not needed

assert chat is not None
print("status now:", coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id).status.value)
