"""The HTTP request node: method, URL template, query params, headers, auth and bodies.

URL, JSON and raw-text bodies are templates over `{{block_output_<node id>.field}}`. The emulator
only calls loopback addresses unless its host allows more (`Host.http_allowed`).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import httpx

from . import model as m
from .convert import as_text, render
from .engine import NodeError, Result, Run, Scope, resolve, typed_outputs
from .model import Node

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")


def _pairs(run: Run, scope: Scope, node: Node, raw: Any, where: str) -> List[Tuple[str, Any]]:
    return [(p.name, as_text(resolve(run, scope, p.value, p.name))) for p in m.params(raw, where, node.id)]


def _implicit(scope: Scope) -> Dict[str, Any]:
    return {f"block_output_{k}": v for k, v in dict(scope).items() if not k.startswith("__")}


async def request(run: Run, node: Node, scope: Scope) -> Result:
    info = node.setting("apiInfo") or {}
    method = str(info.get("method") or "GET").upper()
    if method not in METHODS:
        raise NodeError(f"HTTP method {method} is not one of {', '.join(METHODS)}")
    values = _implicit(scope)
    url = render(str(info.get("url") or ""), values).strip()
    if not run.host.http_allowed(url):
        raise NodeError(f"the emulator calls only loopback addresses; {url} is not allowed")
    params = _pairs(run, scope, node, node.setting("params"), "params")
    headers = dict(_pairs(run, scope, node, node.setting("headers"), "headers"))
    auth = node.setting("auth") or {}
    if isinstance(auth, dict) and auth.get("authOpen"):
        data = auth.get("authData") or {}
        if auth.get("authType") == "BEARER_AUTH":
            token = dict(_pairs(run, scope, node, data.get("bearerTokenData"), "bearer token"))
            headers["Authorization"] = f"Bearer {token.get('token', '')}"
        else:
            custom = data.get("customData") or {}
            pairs = dict(_pairs(run, scope, node, custom.get("data"), "custom auth"))
            key, val = pairs.get("Key", pairs.get("key", "")), pairs.get("Value", pairs.get("value", ""))
            if custom.get("addTo") == "query":
                params.append((key, val))
            else:
                headers[key] = val
    content, form, files = await _body(run, scope, node, values, headers)
    setting = node.setting("setting") or {}
    timeout = float(setting.get("timeout") or 120) if isinstance(setting, dict) else 120.0
    retries = int(setting.get("retryTimes") or 0) if isinstance(setting, dict) else 0
    error: Optional[Exception] = None
    for _ in range(retries + 1):
        try:
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=True, trust_env=False) as client:
                response = await client.request(
                    method, url, params=params, headers=headers, content=content, data=form, files=files
                )
            break
        except httpx.HTTPError as exc:
            error = exc
    else:
        raise NodeError(f"the request to {url} failed: {error}")
    if response.status_code >= 400:
        raise NodeError(f"{method} {url} answered {response.status_code}: {response.text[:200]}")
    out = {
        "body": response.text,
        "statusCode": response.status_code,
        "headers": json.dumps(dict(response.headers), ensure_ascii=False),
    }
    return Result(typed_outputs(node, out))


async def download(run: Run, url: str) -> bytes:
    """A file a body sends (form-data files, binary bodies), fetched from its URL."""
    if not run.host.http_allowed(url):
        raise NodeError(f"the emulator fetches files only from loopback addresses; {url} is not allowed")
    try:
        async with httpx.AsyncClient(timeout=30, follow_redirects=True, trust_env=False) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        raise NodeError(f"downloading {url} failed: {exc}") from None
    if response.status_code != 200:
        raise NodeError(f"downloading {url} answered {response.status_code}")
    return response.content


async def _body(
    run: Run, scope: Scope, node: Node, values: Dict[str, Any], headers: Dict[str, str]
) -> Tuple[Optional[bytes], Optional[Dict[str, str]], Optional[Dict[str, Any]]]:
    body = node.setting("body") or {}
    kind = str(body.get("bodyType") or "EMPTY")
    data = body.get("bodyData") or {}
    if kind == "EMPTY":
        return None, None, None
    if kind == "JSON":
        headers.setdefault("Content-Type", "application/json")
        return render(str(data.get("json") or ""), values).encode(), None, None
    if kind == "RAW_TEXT":
        headers.setdefault("Content-Type", "text/plain")
        return render(str(data.get("rawText") or ""), values).encode(), None, None
    if kind == "FORM_URLENCODED":
        return None, dict(_pairs(run, scope, node, data.get("formURLEncoded"), "form")), None
    if kind == "FORM_DATA":
        files: Dict[str, Any] = {}
        for p in m.params((data.get("formData") or {}).get("data"), "form data", node.id):
            value = as_text(resolve(run, scope, p.value, p.name))
            if p.value.type.type == "file":  # a file field: the file behind the URL
                name = value.split("?")[0].rsplit("/", 1)[-1] or p.name
                files[p.name] = (name, await download(run, value))
            else:
                files[p.name] = (None, value)
        return None, None, files
    if kind == "BINARY":
        raw = ((data.get("binary") or {}).get("fileURL")) or {}
        url = as_text(resolve(run, scope, m.parse_value(raw, "binary file", node.id)))
        headers.setdefault("Content-Type", "application/octet-stream")
        return await download(run, url), None, None
    raise NodeError(f"body type {kind} is not supported by the emulator")
