"""A channel app (JWT with a scope): the token it gets may only chat with the listed bots, so it is safe
to hand to a chat front end. `JWTAuth` asks for the same scope each time it renews the token.

Configure as in oauth_jwt.py (or leave it unset against the local emulator). COZE_BOT_ID is the bot the
channel may chat with.
"""

import os
from pathlib import Path

from cozekit import Coze, CozeAPIError, Message
from cozekit.auth import JWTAuth, JWTOAuthApp, Scope

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
bot_id = os.environ["COZE_BOT_ID"]
client_id = os.environ.get("COZE_CLIENT_ID", "")
if client_id:
    public_key_id = os.environ["COZE_JWT_PUBLIC_KEY_ID"]
    private_key = Path(os.environ["COZE_JWT_PRIVATE_KEY_FILE"]).read_text()
else:  # the emulator: register a JWT app; it answers with a fresh key pair
    from cozekit.emulator import OAuthControlClient

    created = OAuthControlClient(base_url).create_app("jwt")
    client_id, public_key_id, private_key = (
        created[k] for k in ("client_id", "public_key_id", "private_key")
    )

app = JWTOAuthApp(client_id, private_key, public_key_id, base_url=base_url)
# Only `Connector.botChat`, and only with this bot.
scope = Scope.build_bot_chat(bot_id_list=[bot_id])
print("scope:", scope.model_dump(exclude_none=True))

with Coze(auth=JWTAuth(oauth_app=app, scope=scope), base_url=base_url) as coze:
    poll = coze.chat.create_and_poll(
        bot_id=bot_id,
        user_id="channel-user",
        additional_messages=[Message.build_user_question_text("Hello from the channel")],
    )
    print("chat:", poll.chat.status.value, "-", poll.messages[0].content if poll.messages else None)

    try:  # anything beyond chat is refused
        coze.users.me()
    except CozeAPIError as err:
        print("outside the scope:", err.code)
