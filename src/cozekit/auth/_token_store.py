"""Where refreshable tokens live between runs: `MemoryTokenStore` and `FileTokenStore`."""

from __future__ import annotations

import abc
import contextlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from pydantic import ValidationError

from ..types.oauth import OAuthToken

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenStore"]

log = logging.getLogger("cozekit")


class TokenStore(abc.ABC):
    """Keeps one `OAuthToken` per key (e.g. one per app and user)."""

    @abc.abstractmethod
    def load(self, key: str) -> Optional[OAuthToken]:
        """The token saved under `key`, or None."""

    @abc.abstractmethod
    def save(self, key: str, token: OAuthToken) -> None:
        """Save `token` under `key`, replacing any earlier one."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Forget the token under `key` (no error if there is none)."""

    def keys(self) -> List[str]:
        """The keys that hold a token (stores that cannot list them answer [])."""
        return []


class MemoryTokenStore(TokenStore):
    """A store that lasts as long as the process."""

    def __init__(self) -> None:
        self._tokens: Dict[str, OAuthToken] = {}
        self._lock = threading.Lock()

    def load(self, key: str) -> Optional[OAuthToken]:
        with self._lock:
            return self._tokens.get(key)

    def save(self, key: str, token: OAuthToken) -> None:
        with self._lock:
            self._tokens[key] = token

    def delete(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def keys(self) -> List[str]:
        with self._lock:
            return sorted(self._tokens)

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)!r})"


class FileTokenStore(TokenStore):
    """A JSON file readable only by its owner (mode 0600), replaced atomically on every save.

    >>> store = FileTokenStore(Path.home() / ".config" / "cozekit" / "tokens.json")
    """

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self, key: str) -> Optional[OAuthToken]:
        with self._lock:
            entry = self._read().get(key)
        if entry is None:
            return None
        try:
            return OAuthToken.model_validate(entry)
        except ValidationError:
            log.warning("ignoring an unreadable token entry in %s", self.path)
            return None

    def save(self, key: str, token: OAuthToken) -> None:
        with self._lock:
            data = self._read()
            data[key] = token.model_dump(mode="json")
            self._write(data)

    def delete(self, key: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(key, None) is not None:
                self._write(data)

    def keys(self) -> List[str]:
        with self._lock:
            return sorted(self._read())

    def _read(self) -> Dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            log.warning("ignoring %s: it is not JSON", self.path)
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: Dict[str, Any]) -> None:
        directory = self.path.parent
        if not directory.exists():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            os.chmod(tmp, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
