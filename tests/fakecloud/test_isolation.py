"""The deployable path never loads the test kit (fake cloud, harness) nor its dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_entry_points_and_providers_do_not_import_the_fake() -> None:
    probe = (
        "import sys, main, tagstrip.cli, tagstrip.runtime.executor, tagstrip.providers; "
        "loaded = [m for m in sys.modules if m.startswith(('tagstrip_testkit', "
        "'pytest_httpserver', 'yaml'))]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
