"""``tagstrip serve``: the three functions on local ports, next to the embedded fake cloud.

Each target runs in its own functions-framework app (as separately deployed functions do):
the webhook on PORT, the queue target on PORT+1, the CloudEvent target on PORT+2. With the
fake cloud (the default) every provider endpoint and credential points at it, so the whole
thing runs without an account; ``--real-clouds`` leaves the environment as it is.
"""

from __future__ import annotations

import os
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from werkzeug.serving import BaseWSGIServer, make_server

from tagstrip.cli import environment
from tagstrip.sources.webhook_auth import SECRET_VARIABLE
from tagstrip_testkit.harness.local import read_seed
from tagstrip_testkit.harness.replay import TARGETS, default_source

__all__ = ["serve"]


def serve(
    host: str,
    port: int,
    *,
    seed: Path | None,
    fake_cloud: bool,
    out: TextIO,
    stop: threading.Event | None = None,
) -> int:
    """Serve until Ctrl-C (or `stop` is set); prints the URLs and how to call them."""
    import functions_framework

    with ExitStack() as stack:
        if fake_cloud:
            from tagstrip_testkit.fakecloud import FakeCloud

            state = None if seed is None else read_seed(seed)  # a bad seed: one line, no server
            cloud = stack.enter_context(FakeCloud(host))
            if state is not None:
                cloud.seed(state)
            stack.enter_context(environment(cloud.environment()))
            out.write(f"fake cloud      {cloud.url}  (state: {cloud.url}/_fakecloud/state)\n")
        servers: list[BaseWSGIServer] = []
        for offset, (kind, (target, signature_type)) in enumerate(TARGETS.items()):
            app = functions_framework.create_app(  # type: ignore[no-untyped-call]
                target, str(default_source()), signature_type
            )
            server = make_server(host, port and port + offset, app, threaded=True)  # 0: any
            servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            out.write(f"{target:<18} http://{host}:{server.port}  ({kind})\n")
        if not os.environ.get(SECRET_VARIABLE, "").strip():
            out.write(f"{SECRET_VARIABLE} is not set: the webhook refuses every request (401)\n")
        out.write("Ctrl-C to stop\n")
        out.flush()
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            out.write("stopped\n")
        finally:
            for server in servers:
                server.shutdown()
    return 0
