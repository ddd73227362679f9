"""The garbage collector around a cold start: paused while the first event loads, then resumed.

The first event imports pydantic, httpx and the domain: objects that live as long as the
process. Collecting cycles while they are made frees nothing and slows a cold start, so
`pause()` stops the collector when the entry points load and `resume()` starts it again once
the first call has answered, freezing what exists so that no later collection walks it again
(a full collection over that heap would otherwise recur for as long as the process serves).

Only a pause of ours is undone: a host that runs with the collector off keeps it off. State is
per process, not per import, so loading ``functions/main.py`` twice pauses once.
"""

from __future__ import annotations

import gc

from tagstrip.runtime.forksafe import ForkSafeLock

__all__ = ["pause", "resume"]

#: Module state that a gunicorn worker inherits from the master that imported main.py.
_lock = ForkSafeLock()
_paused = False


def pause() -> None:
    """Stop collecting until `resume`, unless the collector is already off."""
    global _paused
    with _lock:
        if gc.isenabled():
            gc.disable()
            _paused = True


def resume() -> None:
    """End our pause, if there is one: freeze the objects made so far, collect again."""
    global _paused
    if not _paused:  # every call after the first: one read, no lock
        return
    with _lock:
        if _paused:
            _paused = False
            gc.freeze()
            gc.enable()
