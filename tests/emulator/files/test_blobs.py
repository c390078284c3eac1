"""The emulator's blob store: files under a root, written under a temporary name and renamed into place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cozekit.emulator.core.blobs import DiskBlobStore


def test_put_read_find_delete(tmp_path: Path) -> None:
    blobs = DiskBlobStore(str(tmp_path / "files"))
    path = blobs.put("file", "7400000000000000123", b"hello")
    assert path == str(tmp_path / "files" / "file" / "23" / "7400000000000000123")
    assert Path(path).read_bytes() == b"hello"
    assert blobs.find("file", "7400000000000000123") == path
    assert blobs.read("file", "7400000000000000123") == b"hello"
    assert blobs.read("file", "7400000000000000123", limit=2) == b"he"
    assert blobs.find("kdoc", "7400000000000000123") is None  # kinds are separate
    blobs.delete("file", "7400000000000000123")
    blobs.delete("file", "7400000000000000123")  # twice is fine
    assert blobs.find("file", "7400000000000000123") is None
    assert blobs.read("file", "7400000000000000123") is None


def test_a_writer_is_invisible_until_committed_and_leaves_nothing_when_aborted(tmp_path: Path) -> None:
    blobs = DiskBlobStore(str(tmp_path))
    writer = blobs.writer()
    writer.write(b"abc")
    writer.write(b"def")
    assert writer.size == 6 and writer.head == b"abcdef"
    assert blobs.find("file", "1") is None
    writer.commit("file", "1")
    assert blobs.read("file", "1") == b"abcdef"
    aborted = blobs.writer()
    aborted.write(b"x")
    aborted.abort()
    aborted.abort()
    assert os.listdir(tmp_path / "tmp") == []
    taken = blobs.writer()
    taken.write(b"other")
    with pytest.raises(FileExistsError):
        taken.commit("file", "1")  # an id names one file: never replaced
    assert blobs.read("file", "1") == b"abcdef" and os.listdir(tmp_path / "tmp") == []


def test_names_cannot_leave_the_root(tmp_path: Path) -> None:
    blobs = DiskBlobStore(str(tmp_path))
    for kind, name in [("file", "../x"), ("file", ".."), ("file", "a/b"), ("other", "1"), ("file", "")]:
        with pytest.raises(ValueError):
            blobs.path(kind, name)


def test_wipe_keeps_the_root_and_a_data_dir_survives_close(tmp_path: Path) -> None:
    blobs = DiskBlobStore(str(tmp_path))
    blobs.put("file", "1", b"a")
    blobs.put("kdoc", "2", b"b")
    blobs.wipe()
    assert blobs.find("file", "1") is None and blobs.find("kdoc", "2") is None
    blobs.put("file", "3", b"c")
    blobs.close()
    assert (tmp_path / "file" / "_3" / "3").read_bytes() == b"c"


def test_without_a_root_files_live_in_a_temporary_directory_removed_on_close() -> None:
    blobs = DiskBlobStore()
    path = blobs.put("file", "42", b"data")
    root = blobs.root
    assert path.startswith(root) and os.path.isdir(root)
    blobs.close()
    assert not os.path.exists(root)
