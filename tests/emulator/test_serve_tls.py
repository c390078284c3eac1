"""`python -m cozekit.emulator --tls` serves https and wss with a certificate kept in the data dir."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cozekit import Coze, TokenAuth
from cozekit.emulator.audio.voice import tones

from .wsutil import FAST, SPEECH_EVENTS, Recorder

TOKEN = "pat_cozekit_emulator_dev_token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "cozekit.emulator",
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path),
        "--tls",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cert = tmp_path / "tls" / "cert.pem"
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # hang guard: the server starts within the deadline
            assert proc.poll() is None and time.monotonic() < deadline, "the emulator did not start"
            if cert.exists():
                try:
                    httpx.get(base + "/_emulator/info", verify=ssl.create_default_context(cafile=str(cert)))
                    break
                except httpx.TransportError:
                    pass
            time.sleep(0.05)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        http = httpx.Client(verify=ssl.create_default_context(cafile=str(cert)))
        coze = Coze(TokenAuth(TOKEN), base, http_client=http)
        rec = Recorder(SPEECH_EVENTS)
        with coze.websockets.audio.speech.create(on_event=rec.handlers, options=FAST) as tts:
            assert tts.url.startswith(f"wss://127.0.0.1:{port}/")
            tts.input_text_buffer_append({"delta": "served over tls"})
            tts.input_text_buffer_complete()
            tts.wait(timeout=10)
        audio = b"".join(e.data.delta for e in rec.of("speech.audio.update"))
        assert tones.decode(audio, 24000) == "served over tls"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"SSL_CERT_FILE={cert}" in out and base in out
