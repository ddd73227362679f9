"""Structured logs: one JSON object per line, as Cloud Logging and the vendors' log services parse.

`configure_logging()` gives the ``tagstrip`` logger one handler writing JSON lines to stderr
(installed once, however often it is called). Fields travel as ``extra=`` on each call, plus
whatever `log_context` bound for the event being handled (its ``event_id``, ``source``), so
every line of one event carries its id without threading it through the core::

    {"time": "...", "severity": "INFO", "level": "info", "logger": "tagstrip.executor",
     "message": "call RemoveTags i-1 removed", "event_id": "...", "request_id": "OPS-1",
     "provider": "aliyun-ecs", "resource": "i-1", "outcome": "removed", "attempts": 1, ...}

``severity`` and ``message`` are the keys Cloud Logging reads; Alibaba SLS, Huawei LTS and
Baidu BLS index the JSON keys as fields. As a last line of defence every line is scrubbed
of the credentials and webhook secrets configured in the environment (as sent, as JSON
escapes them, and percent-encoded once and twice, as a v1 string to sign carries them).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from itertools import islice
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

__all__ = [
    "LOGGER_NAME",
    "JsonFormatter",
    "configure_logging",
    "configured_secret_forms",
    "log_context",
    "redact",
    "scrub",
    "secret_forms",
]

LOGGER_NAME = "tagstrip"
_REDACTED = "***"
#: Secrets shorter than this are not scrubbed: replacing "a" everywhere would garble lines.
_MIN_SECRET = 4
_CONTEXT: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "tagstrip_log_context", default=MappingProxyType({})
)
#: Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_BARE = vars(logging.LogRecord("", 0, "", 0, "", (), None))
_STANDARD = frozenset(_BARE) | {"message", "asctime", "taskName"}
#: `Logger.makeRecord` adds the ``extra=`` fields after the attributes every record has, so
#: a record's fields are the tail of its ``__dict__`` past these: only they are looked at.
_FIRST_EXTRA = len(_BARE)
#: One encoder for every line (`json.dumps` with options builds one per call).
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
_SEVERITY = {
    logging.DEBUG: "DEBUG",
    logging.INFO: "INFO",
    logging.WARNING: "WARNING",
    logging.ERROR: "ERROR",
    logging.CRITICAL: "CRITICAL",
}


@contextlib.contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add `fields` to every line logged inside the block (this thread, and any task
    started with a copy of this context)."""
    token = _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class _Clock:
    """UTC timestamps with milliseconds, as ``isoformat`` writes them; the date and time of
    day are formatted once per second, since lines of one second share them."""

    def __init__(self) -> None:
        self._second: tuple[int, str] = (-1, "")

    def stamp(self, created: float) -> str:
        whole = int(created)
        second, prefix = self._second  # one read: another thread may replace the pair
        if second != whole:
            prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
            self._second = (whole, prefix)
        return f"{prefix}.{int((created - whole) * 1000):03d}+00:00"


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: time, severity, logger, message, then the fields."""

    def __init__(self) -> None:
        super().__init__()
        self._clock = _Clock()

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self._clock.stamp(record.created),
            "severity": _SEVERITY.get(record.levelno, record.levelname),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(_CONTEXT.get())
        extra = islice(vars(record).items(), _FIRST_EXTRA, None)
        data.update((k, v) for k, v in extra if v is not None and k not in _STANDARD)
        if record.exc_info and record.exc_info[0] is not None:
            data["error_type"] = record.exc_info[0].__name__
            data["exception"] = self.formatException(record.exc_info)
        # One pass over the finished line: the forms include each secret as JSON writes it
        # (quotes and backslashes escaped), so nothing inside a field escapes redaction.
        return scrub(_ENCODE(data), configured_secret_forms())


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(level: int = logging.INFO) -> logging.Logger:
    """Give the ``tagstrip`` logger its JSON handler; calling again changes nothing.

    The logger stops propagating, so a root handler a host installed (functions-framework
    does with ``LOG_EXECUTION_ID``) does not print each line a second time as plain text.
    """
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return logger


def redact(text: str) -> str:
    """`text` with every configured secret replaced by ``***``."""
    return scrub(text, configured_secret_forms())


def scrub(text: str, forms: tuple[str, ...]) -> str:
    """`text` with each of `forms` (from `secret_forms`, longest first) replaced by ``***``."""
    if not forms or len(text) < len(forms[-1]):  # shortest last: too short to hold one
        return text
    for secret in forms:
        text = text.replace(secret, _REDACTED)
    return text


@cache
def configured_secret_forms() -> tuple[str, ...]:
    """The forms of the secrets the environment configures, read once per process like the
    settings: `tagstrip.runtime.settings.reset_settings()` forgets them too."""
    from tagstrip.runtime.settings import configured_secrets  # which imports this module

    return secret_forms(configured_secrets())


@lru_cache(maxsize=8)
def secret_forms(values: tuple[str, ...]) -> tuple[str, ...]:
    """Each secret in `values` (each one, or a comma-separated list while rotating) as sent,
    percent-encoded once and twice (as a v1 string to sign carries it) and JSON-escaped,
    longest first so a form inside another is replaced after it. Secrets too short to be
    told from ordinary text are left out."""
    parts = {part.strip() for value in values for part in value.split(",")} | set(values)
    forms: set[str] = set()
    for secret in (part for part in parts if len(part) >= _MIN_SECRET):
        once = quote(secret, safe="~")
        forms |= {secret, once, quote(once, safe="~"), json.dumps(secret, ensure_ascii=False)[1:-1]}
    return tuple(sorted(forms, key=len, reverse=True))
