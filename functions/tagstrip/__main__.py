"""The ``tagstrip`` command as a process: ``tagstrip ...`` and ``python -m tagstrip ...``.

A command that does its work and exits (`plan`, `invoke`) is often a whole process per event
in a script: the garbage collector waits while the stack loads and the event runs (collecting
then frees nothing), and at exit every object is frozen so that the interpreter's last
collection does not walk them all. Commands that serve collect again before they start
(`tagstrip.cli`).
"""

from __future__ import annotations

import gc
import sys

from tagstrip.runtime import collector


def console() -> int:
    """The command's exit status, for ``sys.exit``."""
    collector.pause()
    from tagstrip.cli import main

    status = main()
    gc.freeze()
    return status


if __name__ == "__main__":
    sys.exit(console())
