"""A mutex for module-level state that survives ``fork()``.

gunicorn (and the functions-framework CLI, which runs it) imports functions/main.py in its
master and forks the workers from it. A lock held by another thread at that moment is copied
held, and nothing in the child will ever release it: the thread that held it was not copied.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType

__all__ = ["ForkSafeLock"]


class ForkSafeLock:
    """A `threading.Lock` that a forked child starts with released.

    Each instance stays registered with `os.register_at_fork` for the life of the process,
    so create them at module level, not per object.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._renew)

    def _renew(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock.release()
