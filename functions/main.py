"""functions-framework entry points of tagstrip: each translates its trigger, nothing more.

remove_tags_http    (http)        the public webhook; HMAC-signed; GET /healthz
remove_tags_event   (cloudevent)  CloudEvents from queues and event buses
remove_tags_queue   (http)        platform deliveries over plain HTTP (Pub/Sub push,
                                  FC POST /invoke, MNS JSON, arrays of CloudEvents)
handler(event, context)           runtimes that call a Python function (Baidu CFC, ...)
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import flask
import functions_framework
from cloudevents.http.event import CloudEvent
from werkzeug.exceptions import HTTPException

from tagstrip.domain.errors import ConfigurationError
from tagstrip.runtime import collector
from tagstrip.runtime.logging import configure_logging

# gunicorn (the functions-framework CLI included) imports this module in its master and
# forks the workers from it: what runs here starts no thread and opens no connection, and
# the locks it leaves behind are fork-safe (tagstrip/runtime/forksafe.py).
configure_logging()  # JSON lines, one handler however often this module is loaded
# Cold start: tagstrip uses no pydantic plugin, and looking for one scans the metadata of
# every installed distribution (set the variable empty to let plugins load).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
# The garbage collector waits until an entry point has answered its first call: collecting
# while the first event imports the stack frees nothing (tagstrip/runtime/collector.py).
collector.pause()

#: The exit status of a refused start: gunicorn (the functions-framework CLI, bootstrap) stops
#: when a worker exits with it ("App failed to load") instead of forking another for ever.
REFUSED_TO_START = 4


def _check_configuration() -> None:
    """Refuse to start on a bad setting, rules file or mapping: one log line naming the
    variable, then an exit, rather than a 500 on every request the process would answer."""
    # Imported here, after the lines above: the settings load pydantic, which looks for
    # plugins as its first model is built, and their objects are the collector's to freeze.
    from tagstrip.sources.configuration import check_configuration

    try:
        check_configuration()
    except ConfigurationError as exc:
        logging.getLogger("tagstrip").critical(
            "refusing to start: %s",
            exc,
            extra={"error": "configuration_error", "variable": exc.variable},
        )
        raise SystemExit(REFUSED_TO_START) from None


_check_configuration()

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _collecting(entry: Callable[_P, _R]) -> Callable[_P, _R]:
    """Resume garbage collection once `entry` has answered its first call."""

    @functools.wraps(entry)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return entry(*args, **kwargs)
        finally:
            collector.resume()

    return call


# Each target imports its own handler on first call: a deployment serves one target, and
# the webhook's cold start should not load every queue adapter.


@functions_framework.http
@_collecting
def remove_tags_http(request: flask.Request) -> flask.Response:
    from tagstrip.handlers import webhook

    return webhook.handle_http(request)


@functions_framework.cloud_event
@_collecting
def remove_tags_event(event: CloudEvent) -> None:
    from tagstrip.handlers import queue

    queue.deliver_cloud_event(event.get_attributes(), event.get_data())


@functions_framework.http
@_collecting
def remove_tags_queue(request: flask.Request) -> flask.Response:
    from tagstrip.handlers import queue

    return queue.handle_queue(request)


@_collecting
def handler(event: Any, context: Any = None) -> Any:
    from tagstrip.handlers import plain

    return plain.handle(event, context)


@functions_framework.errorhandler(HTTPException)  # type: ignore[untyped-decorator]
@_collecting
def _framework_refusal(error: HTTPException) -> flask.Response:
    """The framework's own 4xx, without its echo of the request headers: on Alibaba FC those
    carry the function's temporary credentials (x-fc-access-key-secret, x-fc-security-token)."""
    from tagstrip.handlers import framework

    return framework.refusal(error).flask()


@functions_framework.errorhandler(Exception)  # type: ignore[untyped-decorator]
@_collecting
def _unhandled(error: Exception) -> flask.Response:
    """A request the framework could not read: 400; a failure of ours: 500, delivered again."""
    from tagstrip.handlers import framework

    return framework.unhandled(error).flask()
