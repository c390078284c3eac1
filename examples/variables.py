"""User variables: set and read what a published bot remembers about one end user.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_BOT_ID (a bot published to the API channel).
"""

import os

from cozekit import Coze
from cozekit.types import VariableValue

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
bot_id = os.environ["COZE_BOT_ID"]
end_user = "example-user"  # your app's id for the person: each end user has their own values

coze.variables.update(
    bot_id=bot_id,
    connector_uid=end_user,
    data=[VariableValue(keyword="user_name", value="Li Lei"), {"keyword": "city", "value": "Hangzhou"}],
)
for variable in coze.variables.retrieve(bot_id=bot_id, connector_uid=end_user):
    print(f"{variable.keyword} = {variable.value}")

# Change one value and read back only that keyword.
coze.variables.update(bot_id=bot_id, connector_uid=end_user, data=[{"keyword": "city", "value": "Nanjing"}])
(city,) = coze.variables.retrieve(bot_id=bot_id, connector_uid=end_user, keywords=["city"])
print("moved to:", city.value)

# Another end user of the same bot starts with nothing set.
print("someone else:", list(coze.variables.retrieve(bot_id=bot_id, connector_uid="another-user")))
