"""On the `testing` extra (no audio codecs, no document parsers) the emulator says which extra to install.

Each test hides one optional package (`sys.modules[name] = None` makes importing it fail, as on a smaller
install) and checks the message of what needed it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cozekit import BadRequestError
from cozekit.emulator.audio.backend import DEFAULT_VOICE_ID
from cozekit.emulator.audio.voice import opus, pcm
from cozekit.emulator.knowledge.parsing import ParseError, parse_document
from cozekit.types.audio import AudioFormat
from sync_or_async import Client, run

from ..conftest import spoken

HINT = "pip install 'cozekit[emulator]'"


def _hide(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize(
    ("module", "file_type", "package"), [("pypdf", "pdf", "pypdf"), ("docx", "docx", "python-docx")]
)
def test_documents_name_the_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, file_type: str, package: str
) -> None:
    _hide(monkeypatch, module)
    with pytest.raises(ParseError) as caught:
        parse_document(b"PK\x03\x04 or %PDF-1.4", file_type)
    assert str(caught.value) == f"reading {file_type.upper()} files needs the {package} package: {HINT}"
    assert parse_document(b"plain text still works", "txt") == "plain text still works"


async def test_compressed_audio_names_the_extra(monkeypatch: pytest.MonkeyPatch, client: Client) -> None:
    _hide(monkeypatch, "av")
    assert not opus.available()
    with pytest.raises(BadRequestError) as caught:
        await run(client.audio.transcriptions.create(file=b"OggS" + bytes(400), file_name="question.ogg"))
    assert "needs the av package" in caught.value.msg and HINT in caught.value.msg
    done = await run(client.audio.transcriptions.create(file=spoken("hello there"), file_name="hello.wav"))
    assert done.text == "hello there"  # WAV needs no codec


@pytest.mark.parametrize(("module", "fmt"), [("lameenc", AudioFormat.MP3), ("av", AudioFormat.OGG_OPUS)])
async def test_speech_formats_name_the_extra(
    monkeypatch: pytest.MonkeyPatch, client: Client, module: str, fmt: AudioFormat, tmp_path: Path
) -> None:
    _hide(monkeypatch, module)
    with pytest.raises(BadRequestError) as caught:
        await run(client.audio.speech.create(input="hi", voice_id=DEFAULT_VOICE_ID, response_format=fmt))
    assert f"({module}): {HINT}" in caught.value.msg
    wav = await run(
        client.audio.speech.create(input="hi", voice_id=DEFAULT_VOICE_ID, response_format=AudioFormat.WAV)
    )
    written = await run(wav.write_to_file(tmp_path / "hi.wav"))
    assert written > 44 and pcm.parse_wav((tmp_path / "hi.wav").read_bytes()) is not None


def test_the_emulator_without_python_multipart_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from cozekit.emulator import create_app

    _hide(monkeypatch, "python_multipart")
    _hide(monkeypatch, "multipart")
    with pytest.raises(ModuleNotFoundError) as caught:
        create_app()
    assert caught.value.name == "python_multipart" and "cozekit[testing]" in str(caught.value)
