"""What every backend shares: the store, the id generator, the clock and input checks."""

from __future__ import annotations

import dataclasses
import time
from typing import Dict, Optional, Tuple

from .errors import CozeError, CozeErrors, bad_request
from .ids import IdGenerator
from .store import Store

META_MAX_PAIRS = 16
META_MAX_KEY = 64
META_MAX_VALUE = 512


@dataclasses.dataclass(frozen=True)
class Account:
    """The caller, resolved from the bearer token."""

    user_id: str
    user_name: str
    session: str = ""
    """An OAuth JWT `session_name`: one end user of the account, with conversations of their own."""
    scoped: bool = False
    """A channel token (JWT with a `scope`): it may only chat (`Connector.botChat`)..."""
    bot_ids: Tuple[str, ...] = ()
    """...and, when this is not empty, only with these bots."""
    workspace_id: str = ""
    """An OAuth token granted for one workspace (the collaboration flow): it acts only there."""

    @property
    def space(self) -> str:
        """Who owns conversations, messages and chats: the user, or one of their sessions."""
        return f"{self.user_id}#session:{self.session}" if self.session else self.user_id


class Backend:
    def __init__(self, store: Store, ids: IdGenerator) -> None:
        self.store = store
        self.ids = ids

    @staticmethod
    def now() -> int:
        return int(time.time())


def check_meta_data(
    meta: Optional[Dict[str, str]], error: CozeError = CozeErrors.PARAM_ERROR
) -> Dict[str, str]:
    """Coze's meta_data limits: ≤16 pairs, keys 1–64 characters, values ≤512 characters (else `error`)."""
    meta = dict(meta or {})
    if len(meta) > META_MAX_PAIRS:
        raise error(f"meta_data has {len(meta)} pairs; at most {META_MAX_PAIRS} allowed")
    for key, value in meta.items():
        if not 1 <= len(key) <= META_MAX_KEY:
            raise error(f"meta_data key {key[:70]!r} must be 1-{META_MAX_KEY} characters")
        if len(value) > META_MAX_VALUE:
            raise error(f"meta_data value of {key!r} exceeds {META_MAX_VALUE} characters")
    return meta


def page_bounds(page_num: int, page_size: int, max_size: int) -> tuple[int, int]:
    """Validate 1-based page arguments and return the slice bounds."""
    if page_num < 1:
        raise bad_request("page_num must be >= 1")
    if not 1 <= page_size <= max_size:
        raise bad_request(f"page_size must be between 1 and {max_size}")
    start = (page_num - 1) * page_size
    return start, start + page_size
