"""Voiceprint groups, their features (enrolled speakers) and speaker identification.

A feature's fingerprint is computed from its audio (wav, or 16-bit pcm at `sample_rate`/`channel`);
identification scores every feature in the group against the sample, best first.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend, page_bounds
from ..core.errors import CozeErrors, bad_request
from .voice import fingerprint as fp
from .voice import pcm as pcmlib
from .voice.pcm import Audio

MAX_FEATURE_BYTES = 10 * 1024 * 1024
MAX_IDENTIFY_BYTES = 4 * 1024 * 1024
MAX_PAGE = 200


def decode_sample(data: bytes, sample_rate: Optional[int], channel: Optional[int]) -> Audio:
    """wav, or raw 16-bit pcm (16 kHz mono unless told otherwise)."""
    if not data:
        raise bad_request("file is required")
    wav = pcmlib.parse_wav(data)
    if wav is not None:
        return wav
    if data.startswith((b"ID3", b"OggS", b"\xff\xfb", b"\xff\xf3")):
        raise bad_request("voiceprint audio must be wav or pcm")
    channels = channel or 1
    if channels not in (1, 2):
        raise bad_request("channel must be 1 or 2")
    rate = sample_rate or 16000
    if not 8000 <= rate <= 48000:
        raise bad_request("sample_rate must be between 8000 and 48000")
    return Audio(pcmlib.mono16(data, channels, 2), rate)


class VoiceprintsBackend(Backend):
    def _user_info(self, account: Account) -> Dict[str, str]:
        return {
            "id": account.user_id,
            "name": account.user_name,
            "nickname": account.user_name,
            "avatar_url": "",
        }

    def check_group(self, account: Account, group_id: str) -> None:
        """4200 unless the account has this group."""
        self._group(account, group_id)

    def _group(self, account: Account, group_id: str, lock: bool = False) -> Dict[str, Any]:
        doc = self.store.get("voiceprint_group", group_id, owner=account.user_id, lock=lock)
        if doc is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="group_id", id=group_id)
        return doc

    def _feature(
        self, account: Account, group_id: str, feature_id: str, lock: bool = False
    ) -> Dict[str, Any]:
        self._group(account, group_id)
        doc = self.store.get("voiceprint_feature", feature_id, owner=account.user_id, lock=lock)
        if doc is None or doc["group_id"] != group_id:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="feature_id", id=feature_id)
        return doc

    @staticmethod
    def _check(name: Optional[str], desc: Optional[str], max_name: int = 20) -> None:
        if name is not None and not 1 <= len(name) <= max_name:
            raise bad_request(f"name has 1-{max_name} characters")
        if desc is not None and len(desc) > 500:
            raise bad_request("desc has at most 500 characters")

    # groups

    def create_group(self, account: Account, name: str, desc: Optional[str]) -> Dict[str, str]:
        self._check(name or "", desc)
        now = self.now()
        doc: Dict[str, Any] = {
            "id": self.ids.next(),
            "name": name,
            "desc": desc or "",
            "icon_url": "",
            "created_at": now,
        }
        doc["updated_at"] = now
        self.store.insert("voiceprint_group", doc, owner=account.user_id)
        return {"id": str(doc["id"])}

    def update_group(self, account: Account, group_id: str, name: Optional[str], desc: Optional[str]) -> None:
        self._check(name, desc)
        with self.store.transaction():
            doc = self._group(account, group_id, lock=True)
            if name is not None:
                doc["name"] = name
            if desc is not None:
                doc["desc"] = desc
            doc["updated_at"] = self.now()
            self.store.update("voiceprint_group", doc, owner=account.user_id)

    def delete_group(self, account: Account, group_id: str) -> None:
        with self.store.transaction():  # held: a feature being added waits, then finds no group
            self._group(account, group_id, lock=True)
            for feature in self.store.find("voiceprint_feature", owner=account.user_id, parent=group_id):
                self.store.delete("voiceprint_feature", feature["id"])
            self.store.delete("voiceprint_group", group_id)

    def list_groups(
        self,
        account: Account,
        page_num: int,
        page_size: int,
        name: Optional[str] = None,
        user_id: Optional[str] = None,
        group_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, MAX_PAGE)
        if user_id and user_id != account.user_id:
            raise bad_request("user_id can only be your own user id")
        groups = self.store.find("voiceprint_group", owner=account.user_id)
        groups = [
            g for g in groups if (not name or g["name"].startswith(name)) and group_id in (None, g["id"])
        ]
        groups.reverse()
        items = []
        for g in groups[start:end]:
            count = self.store.count("voiceprint_feature", owner=account.user_id, parent=g["id"])
            items.append({**g, "user_info": self._user_info(account), "feature_count": count})
        return {"items": items, "total": len(groups)}

    # features

    def create_feature(
        self,
        account: Account,
        group_id: str,
        data: bytes,
        name: str,
        desc: Optional[str],
        sample_rate: Optional[int],
        channel: Optional[int],
    ) -> Dict[str, str]:
        self._check(name or "", desc, max_name=128)
        self._group(account, group_id)
        if len(data) > MAX_FEATURE_BYTES:
            raise bad_request("the audio file exceeds 10 MB")
        audio = decode_sample(data, sample_rate, channel)
        now = self.now()
        feature_id = self.ids.next()
        doc = {
            "id": feature_id,
            "group_id": group_id,
            "name": name,
            "desc": desc or "",
            "icon_url": "",
            "audio_url": f"emulator://voiceprints/{feature_id}.wav",
            "created_at": now,
            "updated_at": now,
            "fingerprint": fp.fingerprint(audio),
        }
        with self.store.transaction():  # the group still there (a delete meanwhile leaves no orphan)
            self._group(account, group_id, lock=True)
            self.store.insert("voiceprint_feature", doc, owner=account.user_id, parent=group_id)
        return {"id": feature_id}

    def update_feature(
        self, account: Account, group_id: str, feature_id: str, fields: Dict[str, Any], data: Optional[bytes]
    ) -> None:
        self._check(fields.get("name"), fields.get("desc"), max_name=128)
        self._feature(account, group_id, feature_id)
        fingerprint = None
        if data is not None:  # decoded before the row is held
            audio = decode_sample(data, fields.get("sample_rate"), fields.get("channel"))
            fingerprint = fp.fingerprint(audio)
        with self.store.transaction():
            doc = self._feature(account, group_id, feature_id, lock=True)
            for key in ("name", "desc"):
                if fields.get(key) is not None:
                    doc[key] = fields[key]
            if fingerprint is not None:
                doc["fingerprint"] = fingerprint
            doc["updated_at"] = self.now()
            self.store.update("voiceprint_feature", doc, owner=account.user_id, parent=group_id)

    def delete_feature(self, account: Account, group_id: str, feature_id: str) -> None:
        self._feature(account, group_id, feature_id)
        self.store.delete("voiceprint_feature", feature_id)

    def list_features(self, account: Account, group_id: str, page_num: int, page_size: int) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, MAX_PAGE)
        self._group(account, group_id)
        features = self.store.find("voiceprint_feature", owner=account.user_id, parent=group_id)
        features.reverse()
        user = self._user_info(account)
        items = [{**_public(f), "user_info": user} for f in features[start:end]]
        return {"items": items, "total": len(features)}

    def identify(
        self,
        account: Account,
        group_id: str,
        data: bytes,
        top_k: Optional[int],
        sample_rate: Optional[int],
        channel: Optional[int],
    ) -> Dict[str, Any]:
        """Every feature of the group scored against `data`, best first (ties by id)."""
        self._group(account, group_id)
        if len(data) > MAX_IDENTIFY_BYTES:
            raise bad_request("the audio file exceeds 4 MB")
        if top_k is not None and top_k < 1:
            raise bad_request("top_k must be >= 1")
        probe = fp.fingerprint(decode_sample(data, sample_rate, channel))
        scored: List[Dict[str, Any]] = [
            {
                "feature_id": f["id"],
                "feature_name": f["name"],
                "feature_desc": f["desc"],
                "score": fp.score(probe, f["fingerprint"]),
            }
            for f in self.store.find("voiceprint_feature", owner=account.user_id, parent=group_id)
        ]
        scored.sort(key=lambda s: (-s["score"], s["feature_id"]))
        return {"feature_score_list": scored[:top_k] if top_k else scored}


def _public(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "fingerprint"}
