"""`cozekit proxy`: run the token-holding chat proxy and its widget (needs the `proxy` extra)."""

from __future__ import annotations

from typing import List, Optional

import typer

from ._auth import TokenAuth


def proxy(
    bot: List[str] = typer.Option([], "--bot", help="A bot id the widget may chat with (repeatable)."),
    workflow: List[str] = typer.Option(
        [], "--workflow", help="A chatflow's workflow id the widget may chat with (repeatable)."
    ),
    app_id: Optional[str] = typer.Option(
        None, "--app", help="The app the --workflow chatflows belong to (omit for a workspace chatflow)."
    ),
    function_calls: bool = typer.Option(
        False,
        "--function-call-messages",
        help="Relay function_call/tool_response messages to widgets with isNeedFunctionCallMessage.",
    ),
    port: int = typer.Option(8080, help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    base_url: Optional[str] = typer.Option(
        None, "--base-url", envvar="COZE_API_BASE", help="Coze API base URL."
    ),
    token: Optional[str] = typer.Option(
        None, "--token", envvar="COZE_API_TOKEN", help="Coze access token.", show_default=False
    ),
    origin: List[str] = typer.Option([], "--origin", help="A site allowed to embed the widget (repeatable)."),
    secret: Optional[str] = typer.Option(
        None,
        "--secret",
        envvar="COZEKIT_PROXY_SECRET",
        help="Key for signed end-user tokens (random if unset: tokens die with the process).",
        show_default=False,
    ),
    anonymous: bool = typer.Option(
        False, "--anonymous", help="Let visitors chat without a signed user token."
    ),
    rate_limit: Optional[str] = typer.Option(
        None, "--rate-limit", help="Chat messages allowed per end user, e.g. 10/minute (default: none)."
    ),
    ip_rate_limit: Optional[str] = typer.Option(
        None,
        "--ip-rate-limit",
        help="Chat messages allowed per client IP, e.g. 30/minute (default: none).",
    ),
    title: str = typer.Option("Chat", "--title", help="The widget's title on the demo page."),
) -> None:
    """Serve the web chat widget and keep the Coze token on the server."""
    # lazy: the proxy (fastapi) is an extra; the other commands do not load it
    from .proxy import ProxyConfig, create_proxy_app, parse_rate
    from .proxy.server import serve

    if not bot and not workflow:
        raise typer.BadParameter("pass at least one --bot or --workflow", param_hint="--bot")
    if app_id and not workflow:
        raise typer.BadParameter("--app needs the app's chatflow: --workflow ID", param_hint="--app")
    if not token:
        raise typer.BadParameter("no token: pass --token or set COZE_API_TOKEN", param_hint="--token")
    if secret is not None and len(secret.encode()) < 16:
        raise typer.BadParameter("the secret must be at least 16 bytes", param_hint="--secret")
    for hint, rate in (("--rate-limit", rate_limit), ("--ip-rate-limit", ip_rate_limit)):
        if rate is not None:
            try:
                parse_rate(rate)
            except ValueError as exc:
                raise typer.BadParameter(str(exc), param_hint=hint) from None
    config = ProxyConfig(auth=TokenAuth(token), base_url=base_url)
    app = create_proxy_app(
        config,
        bots=bot,
        chatflows=[(app_id, w) for w in workflow],
        function_call_messages=function_calls,
        allowed_origins=origin,
        secret=secret,
        anonymous=anonymous,
        rate_limit=rate_limit,
        ip_rate_limit=ip_rate_limit,
        title=title,
    )
    url = f"http://{host}:{port}"
    served = [f"bot {b}" for b in bot] + [f"chatflow {w}" for w in workflow]
    typer.echo(f"cozekit chat proxy at {url}  ({', '.join(served)})", err=True)
    typer.echo(f"  demo page  {url}/", err=True)
    if bot:
        typer.echo(f'  embed      <script src="{url}/widget.js" data-bot-id="{bot[0]}"></script>', err=True)
    else:
        app_part = f"appId: '{app_id}', " if app_id else ""
        typer.echo(
            f"  embed      new CozeWebSDK.WebChatClient({{config: {{type: 'app', appInfo: "
            f"{{{app_part}workflowId: '{workflow[0]}'}}}}, ...}})  after <script src=\"{url}/widget.js\">",
            err=True,
        )
    if not anonymous:
        typer.echo(
            "  visitors need a signed user token (see docs/proxy.md), or run with --anonymous", err=True
        )
    serve(app, host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("proxy")(proxy)
