"""Building the function zip as `make package` does, and reading the bytecode it carries.

Shared by the package tests of every target version (test_package.py, test_python310.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

from scripts.package import interpreter_for
from tests.templates.helpers import ROOT

ZIP_NAME = "tagstrip-functions.zip"
# The .pyc header flags of a checked-hash file: hash-based (bit 0), source checked (bit 1).
_CHECKED_HASH = (0b11).to_bytes(4, "little")


def run_package(
    dist: Path, *options: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """scripts/package.py --dist `dist` `options`, as `make package` runs it."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "package.py"), "--dist", str(dist), *options],
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def build_zip(dist: Path, *options: str) -> Path:
    """Build into `dist` and return the function zip, failing with the script's own output."""
    result = run_package(dist, *options)
    assert result.returncode == 0, result.stderr
    return dist / ZIP_NAME


def assert_bytecode_for(zip_path: Path, version: str) -> None:
    """Every module in the zip has a .pyc that CPython `version` reads as is (its cache tag,
    its magic number, checked-hash), and no other .pyc ships: the platform compiles nothing."""
    probe = "import importlib.util, sys; print('%d.%d' % sys.version_info[:2])"
    probe += "; print(sys.implementation.cache_tag, importlib.util.MAGIC_NUMBER.hex())"
    answer = subprocess.run(
        [interpreter_for(version), "-I", "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    reported, tag, magic = answer.stdout.split()
    assert reported == version
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        headers = {name: archive.read(name)[:8] for name in names if name.endswith(".pyc")}
    modules = [PurePosixPath(name) for name in names if name.endswith(".py")]
    expected = {
        (module.parent / "__pycache__" / f"{module.stem}.{tag}.pyc").as_posix()
        for module in modules
    }
    assert modules
    assert set(headers) == expected
    assert set(headers.values()) == {bytes.fromhex(magic) + _CHECKED_HASH}
