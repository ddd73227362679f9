"""Module locks a forked gunicorn worker inherits: the child starts with them released.

Each check runs in a fresh interpreter that forks while another thread holds the lock, so
pytest's own threads never reach a forked child.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tagstrip.runtime import forksafe

FUNCTIONS = Path(forksafe.__file__).resolve().parents[2]
CHILD_WITHIN = 10

_PROBE = """
import os, sys, time
{setup}
pid = os.fork()
if pid == 0:
{child}
    os._exit(0)
deadline = time.monotonic() + {within}
while time.monotonic() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        print("exit", os.waitstatus_to_exitcode(status))
        break
    time.sleep(0.01)
else:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("hung")
"""


def fork_while_held(setup: str, child: str, **env: str) -> str:
    """Run `setup` (which leaves another thread holding a lock), fork, run `child` in the
    child: ``exit 0`` when the child finished, ``hung`` when it waited past the bound."""
    script = _PROBE.format(
        setup=textwrap.dedent(setup),
        child=textwrap.indent(textwrap.dedent(child), "    "),
        within=CHILD_WITHIN,
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=os.environ | {"PYTHONPATH": str(FUNCTIONS)} | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=CHILD_WITHIN + 30,
    )
    return result.stdout.splitlines()[-1]


def test_a_lock_held_by_another_thread_at_fork_is_free_in_the_child() -> None:
    setup = """
        import threading
        from tagstrip.runtime.forksafe import ForkSafeLock

        lock, held = ForkSafeLock(), threading.Event()

        def hold() -> None:
            with lock:
                held.set()
                threading.Event().wait()

        threading.Thread(target=hold, daemon=True).start()
        held.wait()
    """
    assert fork_while_held(setup, "with lock:\n    pass") == "exit 0"
