"""One JWT service app, many end users: a `session_name` per user keeps each user's conversations
apart, though every token belongs to the same app and account.

Configure as in oauth_jwt.py (or leave it unset against the local emulator). COZE_BOT_ID picks the bot.
"""

import os
from pathlib import Path

from cozekit import Coze, CozeAPIError
from cozekit.auth import JWTAuth, JWTOAuthApp

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


def client_for(end_user: str) -> Coze:
    """A client whose tokens carry `session_name=end_user`."""
    return Coze(auth=JWTAuth(oauth_app=app, session_name=end_user), base_url=base_url)


with client_for("alice") as alice, client_for("bob") as bob:
    conversation = alice.conversations.create(bot_id=bot_id)
    print("alice's conversation:", conversation.id)
    try:
        bob.conversations.retrieve(conversation_id=conversation.id)
        print("isolated: False")
    except CozeAPIError as err:
        print(f"isolated: True (bob gets code {err.code})")
    print("bob's conversations:", [c.id for c in bob.conversations.list(bot_id=bot_id)])
