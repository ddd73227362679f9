"""The repository's Dockerfile, checked structurally (no Docker engine here to build it)."""

from __future__ import annotations

import re

from tests.templates.helpers import FUNCTIONS, ROOT, entry_point


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, arguments in _instructions():
        if instruction == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", arguments))
    return env


def test_base_images_are_pinned_python_311() -> None:
    images = [args.split()[0] for name, args in _instructions() if name == "FROM"]
    assert images
    for image in images:
        assert image.startswith("python:3.11-"), image
        assert not image.endswith(":latest")


def test_runs_as_a_numeric_non_root_user() -> None:
    users = [args for name, args in _instructions() if name == "USER"]
    assert users
    uid = users[-1].split(":")[0]
    assert uid.isdigit()
    assert int(uid) != 0


def test_starts_the_bootstrap_on_the_exposed_port() -> None:
    instructions = dict(_instructions())
    assert instructions["ENTRYPOINT"] == '["/opt/tagstrip/bootstrap"]'
    assert instructions["EXPOSE"] == _env()["PORT"] == "8080"
    assert (FUNCTIONS / "bootstrap").stat().st_mode & 0o111


def test_default_target_is_the_webhook() -> None:
    env = _env()
    assert entry_point(env["FUNCTION_TARGET"]).signature_type == env["FUNCTION_SIGNATURE_TYPE"]
    assert entry_point(env["FUNCTION_TARGET"]).public


def test_read_only_root_file_system_friendly() -> None:
    env = _env()
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["WORKER_TMP_DIR"] == "/dev/shm"  # gunicorn's heartbeat files, on a tmpfs
    copies = [args for name, args in _instructions() if name == "COPY"]
    assert "app/ /opt/tagstrip/" in copies  # the context `make package` builds


def test_bootstrap_defaults_match_the_image() -> None:
    bootstrap = (FUNCTIONS / "bootstrap").read_text(encoding="utf-8")
    assert bootstrap.startswith("#!/bin/sh\n")
    assert "${PORT:-8080}" in bootstrap
    assert "functions_framework:create_app()" in bootstrap
    assert "--worker-tmp-dir" in bootstrap
