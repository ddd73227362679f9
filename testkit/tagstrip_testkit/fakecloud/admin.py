"""Control endpoints under ``/_fakecloud/`` for a fake cloud running in another process.

``GET state`` and ``GET journal`` read back; ``POST seed`` (seed JSON), ``POST faults`` (one
fault as in a seed's ``faults`` list) and ``POST reset`` change it. They are not vendor
APIs: no signature, plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from werkzeug import Request, Response
from werkzeug.exceptions import BadRequest

from tagstrip_testkit.fakecloud.seed import FaultSeed

if TYPE_CHECKING:
    from tagstrip_testkit.fakecloud.server import FakeCloud

__all__ = ["ADMIN_PATH", "admin_response"]

ADMIN_PATH = r"/_fakecloud/(?P<command>state|journal|faults|seed|reset)"


def admin_response(cloud: FakeCloud, request: Request, command: str) -> Response:
    """Run one control command; 405 for the wrong method, 400 for a bad body."""
    readers: dict[str, Callable[[], Any]] = {
        "state": cloud.state,
        "journal": lambda: [entry.to_dict() for entry in cloud.journal.entries()],
        "faults": lambda: [asdict(fault) for fault in cloud.faults.active()],
    }
    if request.method == "GET" and command in readers:
        return _json(readers[command]())
    writers: dict[str, Callable[[Request], object]] = {
        "reset": lambda _: cloud.reset(),
        "seed": lambda posted: cloud.seed(posted.get_json(force=True)),
        "faults": lambda posted: cloud.faults.add(
            FaultSeed.model_validate(posted.get_json(force=True)).to_fault()
        ),
    }
    if request.method != "POST" or command not in writers:
        return _json({"message": f"use GET for state and journal, POST for {command}"}, 405)
    try:
        writers[command](request)
    except (ValidationError, ValueError, BadRequest) as exc:
        return _json({"message": str(exc)}, 400)
    return _json({"ok": True})


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, default=str), status=status, content_type="application/json")
