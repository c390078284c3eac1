"""A document's bytes: kept as a file in the blob store, served from it, deleted with the document."""

from __future__ import annotations

import base64

import httpx

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.base import Account
from cozekit.emulator.seed import USER_ID, USER_NAME, WORKSPACE_ID

from .kb_files import make_png

ME = Account(user_id=USER_ID, user_name=USER_NAME)


def test_document_bytes_are_files_served_by_the_control_plane(emu: ThreadedEmulator) -> None:
    knowledge = emu.state.knowledge
    body = "Refunds take five days.\n" * 5000  # bigger than one read of the file
    ds = knowledge.create_dataset(ME, "Files", WORKSPACE_ID, 0, None, None)
    base = {
        "name": "faq.txt",
        "source_info": {"file_base64": base64.b64encode(body.encode()).decode(), "file_type": "txt"},
    }
    (doc,) = knowledge.create_documents(ME, ds, [base], {"chunk_type": 0}, 0)
    png = make_png(5, 7)
    up = emu.state.files.upload(ME, "cat.png", png, 1 << 20)
    images = knowledge.create_dataset(ME, "Photos", WORKSPACE_ID, 2, None, None)
    photo_base = {"name": "cat.png", "source_info": {"source_file_id": up["id"]}}
    (photo,) = knowledge.create_documents(ME, images, [photo_base], {"caption_type": 0}, 2)
    assert knowledge.ingestor.wait_idle(20)
    url = knowledge.progress(ME, ds, [doc["document_id"]])[0]["url"]
    photo_url = knowledge.progress(ME, images, [photo["document_id"]])[0]["url"]
    with httpx.Client(base_url=emu.base_url) as http:
        text = http.get(url)
        assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
        assert text.content == body.encode()
        image = http.get(photo_url)
        assert image.headers["content-type"] == "image/png" and image.content == png
        assert emu.state.blobs.find("kdoc", doc["document_id"]) is not None
        knowledge.delete_documents(ME, [doc["document_id"]])
        assert emu.state.blobs.find("kdoc", doc["document_id"]) is None
        assert http.get(url).json()["code"] == 4200
