"""The fake cloud: one real HTTP server answering the Alibaba, Huawei and Baidu tag APIs.

`FakeCloud` owns the backends (state), one responder per vendor (wire format, signatures,
error bodies), the route table that sends each request to its responder, the journal and
the fault injector. It runs `pytest_httpserver.HTTPServer` in a thread, inside pytest or not::

    with FakeCloud() as cloud:
        cloud.seed({"aliyun-ecs": {"resources": [{"region": "cn-shenzhen", "id": "s-1"}]}})
        os.environ.update(cloud.environment())
        ...
        cloud.journal.entries(provider="aliyun-ecs")
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self

from pytest_httpserver import METHOD_ALL, HTTPServer
from werkzeug import Request, Response

from tagstrip_testkit.fakecloud.admin import ADMIN_PATH, admin_response
from tagstrip_testkit.fakecloud.backends import Backends
from tagstrip_testkit.fakecloud.credentials import Credentials
from tagstrip_testkit.fakecloud.errors import VendorError
from tagstrip_testkit.fakecloud.faults import Fault, FaultInjector
from tagstrip_testkit.fakecloud.journal import Journal, JournalEntry
from tagstrip_testkit.fakecloud.responses.aliyun import AliyunResponder
from tagstrip_testkit.fakecloud.responses.baidu import BaiduResponder
from tagstrip_testkit.fakecloud.responses.common import Call, Clock, Responder
from tagstrip_testkit.fakecloud.responses.huawei import HuaweiResponder
from tagstrip_testkit.fakecloud.responses.huawei_tms import HuaweiTmsResponder
from tagstrip_testkit.fakecloud.seed import Seed, apply_seed, load_seed, read_seed_file

__all__ = ["ENDPOINT_VARIABLES", "FakeCloud"]

#: Every endpoint override tagstrip reads; the fake answers all of them on one base URL.
ENDPOINT_VARIABLES = (
    "TAGSTRIP_ALIYUN_ECS_ENDPOINT",
    "TAGSTRIP_ALIYUN_REDIS_ENDPOINT",
    "TAGSTRIP_ALIYUN_TAG_ENDPOINT",
    "TAGSTRIP_HUAWEI_ECS_ENDPOINT",
    "TAGSTRIP_HUAWEI_TMS_ENDPOINT",
    "TAGSTRIP_BAIDU_TAG_ENDPOINT",
    "TAGSTRIP_BAIDU_BCC_ENDPOINT",
)
_SERVER = r"/v1/(?P<project_id>[^/]+)/cloudservers/(?P<server_id>[^/]+)/tags"


class _Route(NamedTuple):
    method: str
    pattern: re.Pattern[str]
    responder: Responder


class _DroppedConnection(ConnectionAbortedError):
    """Raised after closing the socket: the HTTP server then drops the exchange silently."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FakeCloud:
    """A fake of the four tag APIs on one base URL, seeded, journaled and fault-injectable."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        credentials: Credentials | None = None,
        clock: Clock = _utc_now,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """`tls`: serve HTTPS with this server context (its clients must trust the
        certificate), so that calls take the path real endpoints take."""
        self.credentials = credentials or Credentials()
        #: The time signatures are checked against; replace it to test staleness.
        self.clock = clock
        self.backends = Backends()
        self.journal = Journal()
        self.faults = FaultInjector()
        self.aliyun = AliyunResponder(
            self.credentials,
            self._now,
            self.backends.aliyun_ecs,
            self.backends.aliyun_redis,
            self.backends.aliyun_tag,
        )
        huawei = HuaweiResponder(self.credentials, self._now, self.backends.huawei_ecs)
        tms = HuaweiTmsResponder(self.credentials, self._now, self.backends.huawei_tms)
        baidu = BaiduResponder(self.credentials, self._now, self.backends.baidu)
        self.routes = (
            _Route(METHOD_ALL, re.compile(r"/"), self.aliyun),
            _Route("POST", re.compile(_SERVER + "/action"), huawei),
            _Route("GET", re.compile(_SERVER), huawei),
            _Route("POST", re.compile(r"/v1\.0/resource-tags/batch-delete"), tms),
            _Route("POST", re.compile(r"/v1\.0/resource-instances/filter"), tms),
            _Route("GET", re.compile(r"/v2\.0/resources/(?P<resource_id>[^/]+)/tags"), tms),
            _Route("PUT", re.compile(r"/v2/instance/(?P<instance_id>[^/]+)/tag"), baidu),
            _Route("GET", re.compile(r"/v2/instance/(?P<instance_id>[^/]+)"), baidu),
            _Route("PUT", re.compile(r"/v(?P<version>\d+)/tag"), baidu),
            _Route("GET", re.compile(r"/v(?P<version>\d+)/tag"), baidu),
            _Route("PUT", re.compile(r"/v(?P<version>\d+)/(?P<collection>resource)"), baidu),
            _Route(
                "GET", re.compile(r"/v(?P<version>\d+)/tag/(?P<collection>tagResources)"), baidu
            ),
            # Any other Huawei-shaped path: the gateway's "API not found".
            _Route(METHOD_ALL, re.compile(r"/v1/(?P<project_id>[^/]+)/.+"), huawei),
        )
        #: Requests are served in threads; backend state changes one request at a time.
        self._state_lock = threading.Lock()
        self.server = HTTPServer(host, port, ssl_context=tls, threaded=True)
        self._register(re.compile(ADMIN_PATH), self._admin)
        for route in self.routes:
            self._register(route.pattern, partial(self._handle, route), route.method)
        self._register(re.compile(r".*"), self._unknown)

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> Self:
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server.is_running():
            self.server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL every endpoint variable is set to, e.g. ``http://127.0.0.1:8080``
        (``https://`` when serving TLS)."""
        return self.server.url_for("/").rstrip("/")

    def environment(self) -> dict[str, str]:
        """Every ``TAGSTRIP_*_ENDPOINT`` pointed here, plus the vendors' credential variables."""
        return dict.fromkeys(ENDPOINT_VARIABLES, self.url) | self.credentials.environment()

    # --- state ----------------------------------------------------------------------------

    def seed(self, source: Seed | Mapping[str, Any] | Path | str) -> None:
        """Add resources, tags and faults from a seed, plain data or a JSON/YAML file path."""
        if isinstance(source, str | Path):
            seed = read_seed_file(Path(source))
        else:
            seed = source if isinstance(source, Seed) else load_seed(source)
        with self._state_lock:
            apply_seed(seed, self.backends, self.faults)

    def state(self) -> dict[str, Any]:
        """Every resource and tag, in the seed file's shape."""
        with self._state_lock:
            return self.backends.state()

    def reset(self) -> None:
        """Forget all state, journal entries, faults and used nonces."""
        with self._state_lock:
            self.backends.reset()
        self.journal.clear()
        self.faults.clear()
        self.aliyun.nonces.clear()
        self.server.clear_log()
        self.server.clear_handler_errors()

    # --- request handling -----------------------------------------------------------------

    def _register(
        self,
        pattern: re.Pattern[str],
        handler: Callable[[Request], Response],
        method: str = METHOD_ALL,
    ) -> None:
        """Routes are tried in registration order; the first whose method and path match wins."""
        anchored = re.compile(pattern.pattern + r"\Z")
        self.server.expect_request(anchored, method=method).respond_with_handler(handler)

    def _now(self) -> datetime:
        return self.clock()

    def _admin(self, request: Request) -> Response:
        match = re.fullmatch(ADMIN_PATH, request.path)
        return admin_response(self, request, match["command"] if match else "")

    def _unknown(self, request: Request) -> Response:
        """No vendor API lives here: journal it and answer a plain 404."""
        self._record(request, None, "", 404, "error", None, None)
        body = {"code": "NotFound", "message": f"no fake API at {request.method} {request.path}"}
        return Response(json.dumps(body), status=404, content_type="application/json")

    def _handle(self, route: _Route, request: Request) -> Response:
        responder = route.responder
        match = route.pattern.fullmatch(request.path)
        path = match.groupdict() if match else {}
        request_id = responder.new_request_id()
        call: Call | None = None
        fault: Fault | None = None
        error: VendorError | None = None
        try:
            call = responder.decode(request, path, request_id)
            responder.verify(request, call)
            fault = self._strike(request, call)
            if fault is not None:
                raise responder.failure(fault)
            with self._state_lock:
                response = responder.execute(request, call)
        except VendorError as refused:
            error = refused
            response = responder.render_error(request, refused, request_id)
        outcome = "ok" if error is None else "fault" if fault is not None else "error"
        self._record(request, call, request_id, response.status_code, outcome, error, fault)
        return response

    def _strike(self, request: Request, call: Call) -> Fault | None:
        """Apply latency faults; return the failure to answer with, or drop the connection."""
        struck = self.faults.strike(call.provider, call.resource_ids)
        time.sleep(sum(fault.seconds for fault in struck if fault.kind == "latency"))
        failing = [fault for fault in struck if fault.kind != "latency"]
        if failing and failing[0].kind == "drop":
            self._record(request, call, call.request_id, None, "dropped", None, failing[0])
            connection = request.environ.get("werkzeug.socket")
            if isinstance(connection, socket.socket):
                connection.shutdown(socket.SHUT_RDWR)
            raise _DroppedConnection("connection dropped by an injected fault")
        return failing[0] if failing else None

    def _record(
        self,
        request: Request,
        call: Call | None,
        request_id: str,
        status: int | None,
        outcome: str,
        error: VendorError | None,
        fault: Fault | None,
    ) -> None:
        self.journal.record(
            JournalEntry(
                method=request.method,
                path=request.path,
                provider=call.provider if call else None,
                operation=call.operation if call else None,
                status=status,
                outcome=outcome,
                request_id=request_id,
                params=call.params if call else {},
                body=call.body if call else None,
                resource_ids=call.resource_ids if call else (),
                signature=call.signature if call else None,
                error_code=error.code if error else None,
                fault=fault.kind if fault else None,
                result=call.result if call else None,
            )
        )
