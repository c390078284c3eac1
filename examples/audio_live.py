"""A simultaneous-interpretation live broadcast: its RTC app and its streams (the original, translations).
Env: COZE_API_TOKEN, COZE_API_BASE, COZE_LIVE_ID."""

import os

from cozekit import Coze, LiveType

coze = Coze()
live = coze.audio.live.retrieve(live_id=os.environ["COZE_LIVE_ID"])
print("rtc app:", live.app_id, "logid:", live.logid)
for stream in live.stream_infos:
    kind = "translation stream" if stream.live_type == LiveType.TRANSLATION else "original stream"
    print(f"{kind}: {stream.name} ({stream.stream_id})")
