"""The error mapping table: HTTP status and business code to class, and what every error carries."""

from __future__ import annotations

import httpx
import pytest

import cozekit
from cozekit._envelope import DATA
from cozekit._request import get
from fake_server import FakeServer, envelope, fake_client

STATUS_TABLE = [
    (400, cozekit.BadRequestError),
    (401, cozekit.AuthenticationError),
    (403, cozekit.PermissionDeniedError),
    (404, cozekit.NotFoundError),
    (408, cozekit.RequestTimeoutError),
    (409, cozekit.ConflictError),
    (422, cozekit.UnprocessableEntityError),
    (429, cozekit.RateLimitError),
    (500, cozekit.InternalServerError),
    (502, cozekit.GatewayError),
    (503, cozekit.ServerError),
    (504, cozekit.ServerError),
    (418, cozekit.CozeAPIError),
]

CODE_TABLE = [
    (4000, cozekit.BadRequestError),
    (4100, cozekit.AuthenticationError),
    (700012006, cozekit.AuthenticationError),
    (4101, cozekit.PermissionDeniedError),
    (4200, cozekit.NotFoundError),
    (4008, cozekit.RateLimitError),
    (4009, cozekit.RateLimitError),
    (4020, cozekit.RateLimitError),
    (4016, cozekit.CozeAPIError),
    (720701013, cozekit.CozeAPIError),
]


def _call(client: cozekit.Coze) -> object:
    return client.request(get("/v1/thing"), lambda payload, info: payload)


@pytest.mark.parametrize(("status", "cls"), STATUS_TABLE)
def test_http_status_maps_to_class(status: int, cls: type) -> None:
    rec = FakeServer(envelope(code=status * 10 + 1, msg="boom", status=status))
    with fake_client("sync", rec, max_retries=0) as client, pytest.raises(cls) as info:
        _call(client)
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.msg == "boom"
    assert err.logid == "logid-1"
    assert err.body["msg"] == "boom"


@pytest.mark.parametrize(("code", "cls"), CODE_TABLE)
def test_business_code_on_http_200_maps_to_class(code: int, cls: type) -> None:
    rec = FakeServer(envelope(code=code, msg="nope"))
    with fake_client("sync", rec, max_retries=0) as client, pytest.raises(cls) as info:
        _call(client)
    assert type(info.value) is cls
    assert info.value.code == code
    assert info.value.status_code == 200
    assert isinstance(info.value, cozekit.CozeAPIError)


def test_error_without_json_body_keeps_text_and_status() -> None:
    rec = FakeServer(httpx.Response(502, text="<html>bad gateway</html>"))
    with fake_client("sync", rec, max_retries=0) as client, pytest.raises(cozekit.GatewayError) as info:
        _call(client)
    assert info.value.code == 502
    assert "bad gateway" in info.value.msg
    assert info.value.body == "<html>bad gateway</html>"


def test_logid_falls_back_to_body_detail() -> None:
    rec = FakeServer(httpx.Response(200, json={"code": 4000, "msg": "bad", "detail": {"logid": "from-body"}}))
    with fake_client("sync", rec) as client, pytest.raises(cozekit.BadRequestError) as info:
        _call(client)
    assert info.value.logid == "from-body"
    assert "from-body" in str(info.value)


def test_debug_url_is_carried() -> None:
    rec = FakeServer(httpx.Response(200, json={"code": 4200, "msg": "x", "debug_url": "https://d/1"}))
    with fake_client("sync", rec) as client, pytest.raises(cozekit.NotFoundError) as info:
        _call(client)
    assert info.value.debug_url == "https://d/1"


def test_success_that_is_not_json_is_a_validation_error() -> None:
    rec = FakeServer(httpx.Response(200, text="hello", headers={"x-tt-logid": "L"}))
    with fake_client("sync", rec) as client, pytest.raises(cozekit.APIResponseValidationError) as info:
        _call(client)
    assert info.value.logid == "L"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [("https://api.coze.com", "COZE_CN_BASE_URL"), ("https://api.coze.cn", "COZE_COM_BASE_URL")],
)
@pytest.mark.parametrize("code", [4100, 4101])
def test_auth_error_names_the_other_region(base_url: str, expected: str, code: int) -> None:
    rec = FakeServer(envelope(code=code, msg="authentication is invalid"))
    with fake_client("sync", rec, base_url=base_url) as client, pytest.raises(cozekit.CozeAPIError) as info:
        _call(client)
    assert expected in str(info.value)
    assert info.value.code == code


def test_no_region_hint_for_other_hosts() -> None:
    rec = FakeServer(envelope(code=4100, msg="authentication is invalid"))
    with fake_client("sync", rec) as client, pytest.raises(cozekit.AuthenticationError) as info:
        _call(client)
    assert "BASE_URL" not in str(info.value)


def test_connection_error_is_wrapped() -> None:
    rec = FakeServer(httpx.ConnectError("refused"))
    with fake_client("sync", rec, max_retries=0) as client, pytest.raises(cozekit.APIConnectionError) as info:
        _call(client)
    assert not isinstance(info.value, cozekit.APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_timeout_is_wrapped() -> None:
    rec = FakeServer(httpx.ReadTimeout("slow"))
    with fake_client("sync", rec, max_retries=0) as client, pytest.raises(cozekit.APITimeoutError):
        _call(client)


async def test_async_errors_map_the_same() -> None:
    rec = FakeServer(envelope(code=4101, msg="denied"))
    async with fake_client("async", rec) as client:
        with pytest.raises(cozekit.PermissionDeniedError) as info:
            await client.request(get("/v1/thing"), lambda payload, info: payload)
    assert info.value.logid == "logid-1"


def test_cozepy_names_exist() -> None:
    assert cozekit.APIError is cozekit.CozeAPIError
    err = cozekit.CozeAPIError(4000, "bad", "lid")
    assert (err.code, err.msg, err.logid) == (4000, "bad", "lid")
    assert DATA.kind == "data"
