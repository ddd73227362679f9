"""Answers for what functions-framework raises around our functions, without echoing anything.

Two kinds of failure never reach our handlers' own error mapping:

- the framework's own refusals (`HTTPException`): its 400 for a body it cannot convert
  echoes every request header, and on Alibaba FC those carry the function's temporary
  credentials (``x-fc-access-key-secret``, ``x-fc-security-token``);
- exceptions raised while the framework reads a request, before any code of ours runs
  (a CloudEvent target given bytes that are not UTF-8, a JSON array or string where its
  legacy event conversion expects an object). Such a delivery can never be read: 400.

An exception raised by our own code is different: `DeliverAgain` (a transient provider
failure), a configuration error, or a bug. All answer 500 so the platform delivers the
event again; nothing is lost. Only the message of a tagstrip error (written to be shown) is
answered; anything else is logged with its traceback and answered without detail.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from werkzeug.exceptions import HTTPException

from tagstrip.domain.errors import TagstripError
from tagstrip.entrypoints import ENTRY_POINTS
from tagstrip.handlers.http import Answer

__all__ = ["refusal", "unhandled"]

log = logging.getLogger("tagstrip")
_PACKAGE = Path(__file__).resolve().parents[1]


def refusal(error: HTTPException) -> Answer:
    """The framework's own 4xx as a short JSON body: its name, never its description."""
    status = error.code or 500
    name = (error.name or "error").lower().replace(" ", "_")
    log.warning("refused %d %s", status, name, extra={"http_status": status, "error": name})
    return Answer(status, {"error": name})


def unhandled(error: Exception) -> Answer:
    """400 when the framework could not read the request; 500 (deliver again) otherwise."""
    kind = type(error).__name__
    if not _raised_by_us(error.__traceback__):
        message = f"the request could not be read as an event ({kind})"
        log.warning("refused 400 unreadable_event", extra={"http_status": 400, "reason": kind})
        return Answer(400, {"error": "unreadable_event", "message": message})
    if isinstance(error, TagstripError):  # DeliverAgain, ConfigurationError
        log.warning("deliver again: %s", error, extra={"http_status": 500, "reason": kind})
        return Answer(500, {"error": "deliver_again", "message": str(error)})
    log.error("unexpected %s", kind, exc_info=error, extra={"http_status": 500})
    return Answer(500, {"error": "internal_error", "message": "unexpected failure; logged"})


def _raised_by_us(traceback: TracebackType | None) -> bool:
    """True when some frame of the traceback is tagstrip's code or one of our entry points."""
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_name in ENTRY_POINTS or Path(code.co_filename).resolve().is_relative_to(
            _PACKAGE
        ):
            return True
        traceback = traceback.tb_next
    return False
