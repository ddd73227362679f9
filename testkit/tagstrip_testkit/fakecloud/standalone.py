"""``tagstrip fake-cloud``: serve the fake cloud in the foreground until interrupted."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TextIO

from tagstrip_testkit.fakecloud.server import FakeCloud

__all__ = ["serve"]


def serve(
    host: str,
    port: int,
    seed: Path | None,
    out: TextIO,
    *,
    stop: threading.Event | None = None,
) -> int:
    """Start, print the URL and the environment that points tagstrip here, wait for `stop`
    (or Ctrl-C), then shut down. Returns the process exit status."""
    cloud = FakeCloud(host, port)
    if seed is not None:
        cloud.seed(seed)
    with cloud:
        out.write(f"fake cloud listening on {cloud.url} (Ctrl-C to stop)\n")
        out.writelines(f"export {name}={value}\n" for name, value in cloud.environment().items())
        out.write(f"control: {cloud.url}/_fakecloud/state | journal | faults | seed | reset\n")
        out.flush()
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            out.write("stopped\n")
    return 0
