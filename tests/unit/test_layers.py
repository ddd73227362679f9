"""The import contract ([tool.importlinter] in pyproject.toml) holds: the layers point one way,
the domain knows no provider, no module knows two vendors, the deployable leaves the test kit
alone. Run here too, so a change that breaks it fails the suite and not only `make lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
