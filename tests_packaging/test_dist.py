"""The sdist and wheel: complete (package data included), the same wheel from either, extras declared."""

from __future__ import annotations

import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Dict, List

from pkg_helpers import ROOT

DATA = [
    "cozekit/py.typed",
    "cozekit/proxy/static/widget.js",
    "cozekit/proxy/static/demo.html",
    "cozekit/emulator/README.md",
    "cozekit/emulator/example_workflows/weather_question.json",
    "cozekit/emulator/example_workflows/daily_report.json",
    "cozekit/emulator/example_workflows/helpdesk_chatflow.json",
]


def _wheel_files(wheel: Path) -> List[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(n for n in archive.namelist() if not n.startswith("cozekit-") or "/licenses/" in n)


def test_the_wheel_holds_every_module_and_the_package_data(dist: Dict[str, Path]) -> None:
    names = _wheel_files(dist["wheel"])
    sources = sorted(
        p.relative_to(ROOT / "src").as_posix()
        for p in (ROOT / "src" / "cozekit").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert [n for n in names if n.startswith("cozekit/")] == sources
    assert set(DATA) <= set(names)
    with zipfile.ZipFile(dist["wheel"]) as archive:
        entry_points = archive.read(
            "cozekit-" + dist["wheel"].name.split("-")[1] + ".dist-info/entry_points.txt"
        )
    assert b"cozekit = cozekit.cli:main" in entry_points
    assert b"cozekit_emulator = cozekit.emulator.pytest_plugin" in entry_points


def test_the_sdist_builds_the_same_wheel(dist: Dict[str, Path]) -> None:
    assert _wheel_files(dist["wheel_from_sdist"]) == _wheel_files(dist["wheel"])
    with tarfile.open(dist["sdist"]) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "src/cozekit/_version.py"} <= members


def test_the_metadata_declares_the_extras(dist: Dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(name).decode())
    assert sorted(metadata.get_all("Provides-Extra") or []) == [
        "all",
        "bench",
        "cli",
        "dev",
        "emulator",
        "postgres",
        "proxy",
        "s3",
        "testing",
    ]
    requires = metadata.get_all("Requires-Dist") or []
    base = sorted(
        r.split(">")[0].split("=")[0].split("<")[0].strip().lower() for r in requires if "extra ==" not in r
    )
    assert base == [
        "cryptography",
        "httpx",
        "pydantic",
        "pyjwt",
        "sniffio",
        "typing-extensions",
        "websockets",
    ]
    testing = {
        r.split(">")[0].strip().lower()
        for r in requires
        if "extra == 'testing'" in r or 'extra == "testing"' in r
    }
    assert testing == {"fastapi", "uvicorn", "python-multipart", "pyyaml", "sqlalchemy"}
    postgres = {r.split(";")[0].split(">")[0].strip().lower() for r in requires if "extra == 'postgres'" in r}
    assert postgres == testing | {"psycopg[binary]"}
    s3 = {r.split(";")[0].split(">")[0].strip().lower() for r in requires if "extra == 's3'" in r}
    assert s3 == testing | {"boto3"}
    emulator = {r.split(";")[0].split(">")[0].strip().lower() for r in requires if "extra == 'emulator'" in r}
    assert {"psycopg[binary]", "boto3"} <= emulator  # the whole emulator: PostgreSQL and S3 included
    assert not any("numpy" in r or "rank-bm25" in r for r in requires)
    assert metadata["Version"] == dist["wheel"].name.split("-")[1]
    assert metadata["Requires-Python"] == ">=3.10"  # mypy and ruff check for this floor (pyproject)
