"""Upload a file from disk (streamed, closed afterwards) and retrieve it."""

import tempfile
from pathlib import Path

from cozekit import Coze

coze = Coze()
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "notes.txt"
    path.write_text("cozekit example\n")
    uploaded = coze.files.upload(file=path)
print("uploaded:", uploaded.id, uploaded.file_name, uploaded.bytes, "logid:", uploaded.logid)
print("retrieved:", coze.files.retrieve(file_id=uploaded.id).file_name)
