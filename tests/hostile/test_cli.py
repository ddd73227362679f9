"""``tagstrip plan`` under hostile event files: exit 0 or 2, errors plainly, no traceback."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tagstrip.cli import main
from tests.hostile.conftest import HOSTILE, any_body, encode

EXIT_OK, EXIT_INVALID = 0, 2


def plan(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["plan", str(path)])
    return status, out.getvalue(), err.getvalue()


def assert_planned_or_refused(status: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    assert status in (EXIT_OK, EXIT_INVALID), (status, err)
    if status == EXIT_OK:
        assert isinstance(json.loads(out), list)
    else:  # field errors, or one line for a file that is not JSON at all
        said = err.split(": ", 1)[1]
        assert said.startswith("invalid request") or said.endswith("; fix the file\n"), err


@HOSTILE
@given(value=any_body, ascii_only=st.booleans())
def test_arbitrary_json_files(tmp_path_factory: Any, value: Any, ascii_only: bool) -> None:
    path = tmp_path_factory.mktemp("plan") / "event.json"
    path.write_bytes(encode(value, ascii_only))
    assert_planned_or_refused(*plan(path))


@HOSTILE
@given(raw=st.binary(max_size=200) | st.sampled_from([b"", b"[" * 100_000, b"\xef\xbb\xbf{}"]))
def test_files_that_are_not_json(tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("plan") / "event.json"
    path.write_bytes(raw)
    status, out, err = plan(path)
    assert_planned_or_refused(status, out, err)
