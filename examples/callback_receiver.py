"""A callback (webhook) receiver: a FastAPI app that checks Coze's signature, answers the URL challenge and
collects the events.

Run as a script, it serves itself on 127.0.0.1, points a new callback app at itself (Coze challenges the
URL first), subscribes to bot events, publishes $COZE_BOT_ID and prints the `bot.published` event it gets.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Dict, List

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from cozekit import Coze
from cozekit.callbacks import CallbackEvent, SignatureError, handle


def create_app(verify_token: str = "") -> FastAPI:
    """The receiver; set `app.state.verify_token` to the callback app's token before Coze calls."""
    app = FastAPI()
    app.state.verify_token = verify_token
    app.state.events = []  # List[CallbackEvent], newest last
    app.state.rejected = 0

    @app.post("/coze/callback")
    async def callback(request: Request) -> Any:
        body = await request.body()  # the raw bytes: the signature covers them exactly
        try:
            result = handle(body, request.headers, app.state.verify_token, max_age=300)
        except SignatureError as exc:
            app.state.rejected += 1
            return JSONResponse({"error": str(exc)}, status_code=401)
        if result.event is not None:
            seen = {e.header.event_id for e in app.state.events}
            if result.event.header.event_id not in seen:  # deliveries can repeat: de-duplicate
                app.state.events.append(result.event)
        return result.reply  # the challenge echoed, or {} for an event

    return app


def serve_in_background(app: FastAPI) -> str:
    """Serve `app` on a free loopback port; returns its callback URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}/coze/callback"


def main() -> None:
    coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
    receiver = create_app()
    url = serve_in_background(receiver)

    callback_app = coze.api_apps.create(app_type="normal", name="release-notifier")
    receiver.state.verify_token = callback_app.verify_token
    coze.api_apps.update(app_id=callback_app.id, callback_url=url)  # Coze sends the challenge now
    coze.api_apps.events.create(api_app_id=callback_app.id, event_types=["bot.published"])
    print("callback URL verified:", url)

    coze.bots.publish(bot_id=os.environ["COZE_BOT_ID"])
    events: List[CallbackEvent] = receiver.state.events
    deadline = time.monotonic() + 10
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    for event in events:
        details: Dict[str, Any] = event.event if isinstance(event.event, dict) else event.event.model_dump()
        print("received:", event.event_type, details.get("bot_name"), "version", details.get("version"))
    coze.api_apps.delete(app_id=callback_app.id)


if __name__ == "__main__":
    main()
