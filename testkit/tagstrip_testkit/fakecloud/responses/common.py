"""What every vendor responder shares: the decoded call, the responder contract, clock rules.

A responder turns one HTTP request into a `Call` (`decode`), checks its signature
(`verify`), runs it against the backend (`execute`) and renders vendor errors
(`render_error`); `failure` gives the vendor's answer for an injected fault.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from werkzeug import Request, Response

from tagstrip_testkit.fakecloud.credentials import Credentials
from tagstrip_testkit.fakecloud.errors import VendorError
from tagstrip_testkit.fakecloud.faults import Fault

__all__ = [
    "MAX_CLOCK_SKEW",
    "Call",
    "Clock",
    "Responder",
    "UnparsedBody",
    "json_body",
    "json_response",
    "lower_headers",
    "outside_window",
]

Clock = Callable[[], datetime]
#: Every vendor here refuses a signature dated more than 15 minutes from its clock.
MAX_CLOCK_SKEW = timedelta(minutes=15)


@dataclass
class Call:
    """What a responder understood of one request: enough to route, fault and journal it."""

    provider: str
    operation: str
    request_id: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    resource_ids: tuple[str, ...] = ()
    signature: str | None = None
    #: What the backend did (tags removed, by resource), recorded in the journal.
    result: Any = None


class Responder(ABC):
    """One vendor's wire format: parsing, signature checks, bodies and error bodies."""

    def __init__(self, credentials: Credentials, clock: Clock) -> None:
        self.credentials = credentials
        self.clock = clock

    @abstractmethod
    def new_request_id(self) -> str:
        """A request id in the vendor's own shape."""

    @abstractmethod
    def decode(self, request: Request, path: Mapping[str, str], request_id: str) -> Call:
        """Which API `request` calls and with what; raises the vendor's routing errors."""

    @abstractmethod
    def verify(self, request: Request, call: Call) -> None:
        """Refuse a missing, malformed, stale or wrong signature as the vendor does."""

    @abstractmethod
    def execute(self, request: Request, call: Call) -> Response:
        """Run the call against the backend and render the vendor's success body."""

    @abstractmethod
    def render_error(self, request: Request, error: VendorError, request_id: str) -> Response:
        """The vendor's error body, status and headers for `error`."""

    @abstractmethod
    def failure(self, fault: Fault) -> VendorError:
        """The vendor's answer to an injected ``throttle`` or ``server_error`` fault."""


def outside_window(moment: datetime, now: datetime) -> bool:
    """Whether a signed time is too far from the server's clock, either way."""
    return abs(now - moment) > MAX_CLOCK_SKEW


def lower_headers(request: Request) -> dict[str, str]:
    """The request's headers by lowercase name, as signature checks read them."""
    return {name.lower(): value for name, value in request.headers.items()}


class UnparsedBody(str):
    """A request body that is not JSON, kept as text for the journal."""


def json_body(request: Request) -> Any:
    """The decoded JSON body (None when empty), or the raw text as `UnparsedBody`."""
    data = request.get_data()
    try:
        return json.loads(data or b"null")
    except ValueError:
        return UnparsedBody(data.decode("utf-8", errors="replace"))


def json_response(
    body: Any, status: int, headers: Mapping[str, str], content_type: str
) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, headers=dict(headers), content_type=content_type)
