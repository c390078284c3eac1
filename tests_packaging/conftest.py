"""Packaging tests: the sdist and wheel built from this tree, installed in clean environments.

`./dev test` prepares one virtual environment per way of installing cozekit under `.venv-pkg/` (its
set-up step installs each extra's dependencies from the package index, again only when pyproject.toml
changes) and runs these tests with `COZEKIT_PKG_ENVS` pointing there. The tests themselves work offline:
they build the sdist and wheel with hatchling (no build isolation), reinstall only the fresh wheel into
each environment (`--no-deps --no-index`), and talk to loopback servers only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from pkg_helpers import ENV_NAMES, ROOT, Env


@pytest.fixture(scope="session")
def envs_dir() -> Path:
    where = os.environ.get("COZEKIT_PKG_ENVS", "")
    if not where or not all((Path(where) / name / "bin" / "python").exists() for name in ENV_NAMES):
        pytest.fail("the packaging environments are missing: run these tests through `./dev test`")
    return Path(where)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    """The sdist and wheel of this tree, and a second wheel built from the unpacked sdist."""
    out = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "hatchling", "build", "-d"]
    subprocess.run([*build, str(out)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    (sdist,) = out.glob("cozekit-*.tar.gz")
    (wheel,) = out.glob("cozekit-*.whl")
    unpacked = tmp_path_factory.mktemp("sdist")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (tree,) = unpacked.iterdir()
    again = tmp_path_factory.mktemp("from-sdist")
    subprocess.run(
        [*build, str(again), "-t", "wheel"], cwd=tree, check=True, capture_output=True, timeout=300
    )
    (from_sdist,) = again.glob("cozekit-*.whl")
    return {"sdist": sdist, "wheel": wheel, "wheel_from_sdist": from_sdist}


@pytest.fixture(scope="session")
def envs(envs_dir: Path, dist: Dict[str, Path]) -> Dict[str, Env]:
    """Each environment with the fresh wheel (only it: dependencies are the set-up step's)."""
    found = {}
    for name in ENV_NAMES:
        env = Env(envs_dir / name)
        pip = ["python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index"]
        done = env.run([*pip, "--no-deps", "--force-reinstall", str(dist["wheel"])], cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr
        found[name] = env
    return found


@pytest.fixture
def background(tmp_path: Path) -> Iterator[List[subprocess.Popen[str]]]:
    """Processes a test starts; stopped at its end."""
    procs: List[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
