"""Every result, page, stream and error carries the request's log id (x-tt-logid)."""

import logging
import os

from cozekit import Coze, Message

logging.basicConfig(level=logging.INFO)
logging.getLogger("cozekit").setLevel(logging.DEBUG)  # method, path, status, logid, timing; never the token

coze = Coze()
print("result logid:", coze.users.me().logid)
print("page logid:", coze.workspaces.list().logid)
with coze.chat.stream(
    bot_id=os.environ["COZE_BOT_ID"],
    user_id="u",
    additional_messages=[Message.build_user_question_text("hi")],
) as events:
    for _ in events:
        pass
    print("stream logid:", events.logid)
