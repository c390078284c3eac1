"""A bot with a local plugin (端插件): answer its tool calls with a Python function.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_LOCAL_PLUGIN_BOT_ID (a bot that declares a `get_weather` tool).
"""

import os

from cozekit import Coze, Message
from cozekit.lib import run_with_local_plugins


def get_weather(city: str) -> dict:
    return {"city": city, "weather": "sunny", "temperature_c": 24}


result = run_with_local_plugins(
    Coze(),
    tools={"get_weather": get_weather},
    on_text=lambda text: print(text, end="", flush=True),
    bot_id=os.environ["COZE_LOCAL_PLUGIN_BOT_ID"],
    user_id="example-user",
    additional_messages=[Message.build_user_question_text("What's the weather in Nanjing?")],
)
print(f"\n[{result.status}, {len(result.messages)} messages]")
