"""Server memory stays O(chunk) per upload: a 200 MiB file sent through the SDK to an emulator in its
own process raises that process's peak resident memory (VmHWM, Linux) by far less than the file.

A behaviour check, not a timing: before streaming, the server read the whole file into memory (and
SQLite copied it again), so its peak grew by more than the file's size."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cozekit import Coze, TokenAuth
from cozekit.emulator.seed import TOKEN

MB = 1024 * 1024
FILE_SIZE = 200 * MB
BOUND = 64 * MB
SERVER = """
import sys
from cozekit.emulator import ThreadedEmulator
emu = ThreadedEmulator(data_dir=sys.argv[1]).start()
print(emu.base_url, flush=True)
sys.stdin.read()
emu.stop()
"""


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(tmp_path / "data")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_200_mib_upload_raises_server_memory_by_far_less_than_the_file(
    server: subprocess.Popen[str], tmp_path: Path
) -> None:
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    assert base_url.startswith("http://"), base_url
    big = tmp_path / "big.zip"
    with open(big, "wb") as f:
        f.truncate(FILE_SIZE)  # sparse: cheap to make, read back as zeros
    small = tmp_path / "small.txt"
    small.write_bytes(b"warm up")
    with Coze(TokenAuth(TOKEN), base_url, timeout=600) as coze:
        coze.files.upload(file=small)  # the first upload loads what uploads need
        clear = Path(f"/proc/{server.pid}/clear_refs")
        clear.write_text("5")  # reset the peak (VmHWM) to the current resident size
        before = status_kib(server.pid, "VmRSS")
        uploaded = coze.files.upload(file=big)
        peak = status_kib(server.pid, "VmHWM")
    assert uploaded.bytes == FILE_SIZE
    stored = tmp_path / "data" / "files" / "file" / uploaded.id[-2:] / uploaded.id
    assert stored.stat().st_size == FILE_SIZE
    stored.unlink()  # 200 MiB of real disk: not kept with the test's temporary directory
    growth = (peak - before) * 1024
    assert growth < BOUND, f"server peak memory grew by {growth / MB:.1f} MiB for a 200 MiB upload"
