"""Callback apps: create one, subscribe it to bot events, list, unsubscribe, then delete it.

Coze posts the subscribed events to the app's callback URL (set with `api_apps.update(callback_url=...)`,
which Coze checks with a `challenge` first), signed with the app's `verify_token`.
"""

from cozekit import Coze
from cozekit.types.api_app import APIAppEventType, AppType

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE

app = coze.api_apps.create(app_type=AppType.NORMAL, name="release-notifier")
print("callback app:", app.id, app.name, "verify token set:", bool(app.verify_token))

# Hear about publishing and deleting bots.
coze.api_apps.events.create(
    api_app_id=app.id,
    event_types=[APIAppEventType.BOT_PUBLISHED, APIAppEventType.BOT_UNPUBLISHED, APIAppEventType.BOT_DELETED],
)
for event in coze.api_apps.events.list(api_app_id=app.id):  # iterating walks every page
    print("subscribed:", event.event_type, "-", event.description)

# Drop one subscription, and see what is left.
coze.api_apps.events.delete(api_app_id=app.id, event_types=[APIAppEventType.BOT_UNPUBLISHED])
left = [event.event_type for event in coze.api_apps.events.list(api_app_id=app.id)]
print("still subscribed:", ", ".join(left))

print("my callback apps:", [a.name for a in coze.api_apps.list(app_type=AppType.NORMAL)])
coze.api_apps.delete(app_id=app.id)
print("deleted:", app.id not in {a.id for a in coze.api_apps.list()})
