"""OAuth grants raced on two threads, on SQLite and PostgreSQL: a refresh token, an authorization code
and an approved device code are each used once however many requests present them at the same moment;
a poll never undoes a decision made meanwhile; an armed failure answers as many requests as it was armed
for; keys added at once are all kept."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from cozekit.emulator.oauth.backend import OAuthFailure

from ..races import race

ROUNDS = 25
REDIRECT = "http://127.0.0.1:9/callback"


def _app(state: Any, client_type: str, **fields: Any) -> Tuple[Any, Dict[str, Any]]:
    owner = state.accounts.authenticate(state.info["token"])
    made = state.oauth.create_app(owner, client_type, redirect_uris=[REDIRECT], **fields)
    return owner, state.oauth.app(made["client_id"])


def _won(results: Any) -> int:
    return sum(1 for r in results if isinstance(r, dict))


def test_a_refresh_token_is_used_once_by_concurrent_refreshes(engine_state: Any) -> None:
    owner, app = _app(engine_state, "pkce")
    oauth = engine_state.oauth
    for _ in range(ROUNDS):
        refresh = oauth.issue_user_token(app, owner.user_id)["refresh_token"]
        results = race(*[lambda refresh=refresh: oauth.refresh(app, refresh)] * 2)
        assert _won(results) == 1, results
        (failure,) = [r for r in results if not isinstance(r, dict)]
        assert isinstance(failure, OAuthFailure) and failure.error == "invalid_request", failure


def test_an_authorization_code_is_redeemed_once(engine_state: Any) -> None:
    owner, app = _app(engine_state, "web")
    oauth = engine_state.oauth
    for _ in range(ROUNDS):
        code = oauth.issue_code(app, owner.user_id, REDIRECT)
        results = race(*[lambda code=code: oauth.redeem_code(app, code, REDIRECT, None)] * 2)
        assert _won(results) == 1, results


def test_an_approved_device_code_gives_one_token(engine_state: Any) -> None:
    _, app = _app(engine_state, "device", interval=0)
    oauth = engine_state.oauth
    for _ in range(ROUNDS):
        issued = oauth.issue_device_code(app, None)
        oauth.decide_device(issued["user_code"], True)
        device_code = issued["device_code"]
        results = race(*[lambda device_code=device_code: oauth.poll_device(app, device_code)] * 2)
        assert _won(results) == 1, results


def test_a_poll_never_undoes_a_decision(engine_state: Any) -> None:
    _, app = _app(engine_state, "device", interval=0)
    oauth = engine_state.oauth
    for _ in range(ROUNDS):
        issued: Dict[str, Any] = oauth.issue_device_code(app, None)
        user_code, device_code = issued["user_code"], issued["device_code"]
        decided, polled = race(
            lambda user_code=user_code: oauth.decide_device(user_code, True),
            lambda device_code=device_code: oauth.poll_device(app, device_code),
        )
        assert decided["status"] == "approved", decided
        if isinstance(polled, OAuthFailure):  # it came first: the approval is still there to collect
            assert polled.error in ("authorization_pending", "slow_down"), polled
            assert oauth.poll_device(app, device_code)["status"] == "approved"
        else:
            assert polled["status"] == "approved", polled


def test_an_armed_failure_answers_as_many_requests_as_armed(engine_state: Any) -> None:
    oauth = engine_state.oauth
    for _ in range(ROUNDS):
        oauth.arm_failure("internal_error", times=1)
        results = race(oauth.take_failure, oauth.take_failure, oauth.take_failure)
        assert sum(1 for r in results if isinstance(r, OAuthFailure)) == 1, results


def test_public_keys_added_at_once_are_all_kept(engine_state: Any) -> None:
    _, app = _app(engine_state, "jwt")
    oauth = engine_state.oauth
    for n in range(ROUNDS):
        race(
            *[lambda kid=f"kid{n}-{k}": oauth.add_public_key(app["id"], "key " + kid, kid) for k in range(3)]
        )
    assert len(oauth.app(app["id"])["public_keys"]) == 3 * ROUNDS


def test_clock_advances_at_once_all_count(engine_state: Any) -> None:
    oauth = engine_state.oauth
    for _ in range(ROUNDS):
        race(*[lambda: oauth.advance(10)] * 3)
    assert oauth.offset() == 30 * ROUNDS
