"""Carry out a plan: one signed HTTP call per planned call, retried, concurrent, on a deadline.

`execute(plan)` sends the calls of different resources concurrently (bounded by
``concurrency``) and the calls of one resource in order, through one pooled transport
shared by the whole process so warm invocations reuse connections. A retryable failure
(throttling, 429, 5xx, timeouts, connection errors) is retried with exponential backoff and
full jitter, waiting at least what the provider's Retry-After asks, as long as the overall
deadline allows; a 4xx that says the request is wrong is never retried. Every call yields a
`CallResult` (one per resource the provider answered for apart, when it did); a failed call
never hides the others.

A plan with a selector starts with read calls: `tagstrip.runtime.reads.resolve` runs them
through the same runner (same client, signing, retries and deadline) and returns the write
plan made from what they read; the reads are reported before the writes.

Providers plug in through `tagstrip.runtime.calls.ProviderClient` (see
`tagstrip.providers.make_client`). httpx and the clients load with the first call sent: a
dry run without a selector, and validation errors, never import them.

Results are built as models are, validated: pydantic-core checks the fields faster than
`model_construct` copies them in Python (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tagstrip.domain.errors import ProviderError
from tagstrip.domain.models import CallResult, Plan, PlannedCall, RequestResult
from tagstrip.domain.readphase import TagPage
from tagstrip.domain.validation import OVER_BUDGET
from tagstrip.providers import make_client, spec_for
from tagstrip.runtime.concurrency import run_concurrently
from tagstrip.runtime.logging import scrub
from tagstrip.runtime.reads import resolve
from tagstrip.runtime.settings import Settings, get_settings

if TYPE_CHECKING:
    import httpx

    from tagstrip.runtime.calls import ProviderClient, ProviderReply, ResourceReply

__all__ = ["execute"]

log = logging.getLogger("tagstrip.executor")
# httpx logs every request URL at INFO; an RPC v1 URL carries the signature and STS token.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def execute(
    plan: Plan,
    settings: Settings | None = None,
    *,
    allowance: int | None = None,
    transport: httpx.BaseTransport | None = None,
) -> RequestResult:
    """Run `plan` and report every call. Raises ConfigurationError before any network I/O.

    `allowance` is the calls the plan may make, reads and writes (by default
    ``TAGSTRIP_MAX_CALLS``): a selector whose reads call for more writes than that sends none
    of them, even in a dry run, each reported failed for good (`OVER_BUDGET`), since the
    same reads would call for them again. `transport` replaces the shared connection pool
    (tests).
    """
    if plan.dry_run and plan.selection is None:
        return _request_result(plan, _not_sent(plan))
    from tagstrip.runtime.calls import shared_transport  # httpx: only when a call is sent

    settings = settings or get_settings()
    client = make_client(plan.provider, settings)
    runner = _Runner(plan, client, settings, transport or shared_transport())
    reads: list[CallResult] = []
    if plan.selection is not None:  # read first (even in a dry run), then plan the writes
        spec = spec_for(plan.provider)
        allowed = settings.max_calls if allowance is None else allowance
        plan, reads = resolve(plan, spec, runner.exchange, settings.concurrency, allowed)
        if len(reads) + len(plan.calls) > allowed:
            return _request_result(plan, reads + _over_budget(plan, len(reads), allowed))
    writes = _not_sent(plan) if plan.dry_run else _send_all(plan, runner, settings.concurrency)
    return _request_result(plan, reads + writes)


def _not_sent(plan: Plan) -> list[CallResult]:
    return [_call_result(call, outcome="skipped") for call in plan.calls]


def _over_budget(plan: Plan, reads: int, allowance: int) -> list[CallResult]:
    """The writes of a selector past the budget, refused together with one log line."""
    message = (
        f"not sent: {reads} read(s) and {len(plan.calls)} write(s) exceed the {allowance} "
        f"provider calls this request may make (set by {Settings.variable('max_calls')}, "
        "for the whole delivery)"
    )
    log.warning(
        "refused %d write(s) over the call budget",
        len(plan.calls),
        extra={"request_id": plan.request_id, "provider": plan.provider, "reason": message},
    )
    return [
        _call_result(call, outcome="failed", error_code=OVER_BUDGET, error_message=message)
        for call in plan.calls
    ]


def _send_all(plan: Plan, runner: _Runner, concurrency: int) -> list[CallResult]:
    """The calls of different resources concurrently, the calls of one resource in order."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, call in enumerate(plan.calls):
        groups.setdefault(tuple(call.resource_ids), []).append(index)

    def in_order(indexes: list[int]) -> Callable[[], list[tuple[int, list[CallResult]]]]:
        return lambda: [(index, runner.run(plan.calls[index])) for index in indexes]

    done = run_concurrently([in_order(indexes) for indexes in groups.values()], concurrency)
    results = dict(pair for group in done for pair in group)
    return [result for index in range(len(plan.calls)) for result in results[index]]


@dataclass(frozen=True)
class _Failure:
    error: ProviderError
    retry_after: float | None = None


class _Runner:
    """Sends the calls of one plan; safe to share between threads."""

    def __init__(
        self,
        plan: Plan,
        client: ProviderClient,
        settings: Settings,
        transport: httpx.BaseTransport,
    ) -> None:
        self.plan, self.client, self.settings = plan, client, settings
        self.transport = transport
        self.deadline = time.monotonic() + settings.deadline
        # Vendors echo what they received (Alibaba: the string to sign, STS token included).
        self._secrets = settings.secret_forms()

    def run(self, call: PlannedCall) -> list[CallResult]:
        """The result of a write call: one, or more when the provider answered for some of
        its resources apart (`_apart`)."""
        return self._send(call)[0]

    def exchange(self, call: PlannedCall) -> tuple[CallResult, TagPage | None]:
        """A read call's result, and the page it returned if it succeeded."""
        results, page = self._send(call)
        return results[0], page

    def _send(self, call: PlannedCall) -> tuple[list[CallResult], TagPage | None]:
        """Send `call` until it succeeds, fails for good or the deadline passes."""
        started, attempts = time.monotonic(), 0
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                message = f"not sent: the deadline of {self.settings.deadline:g}s was reached"
                error = ProviderError(message, provider=call.provider, retryable=True)
                return [self._failed(call, _Failure(error), attempts, started)], None
            attempts += 1
            outcome = self._attempt(call, remaining)
            if not isinstance(outcome, _Failure):
                result = _call_result(
                    call,
                    outcome=outcome.outcome,
                    request_id=outcome.request_id,
                    error_code=outcome.code,
                    error_message=outcome.message and scrub(outcome.message, self._secrets),
                    attempts=attempts,
                    duration_ms=_ms_since(started),
                )
                pieces = self._apart(result, outcome.resources, attempts)
                return [self._log(piece) for piece in pieces], outcome.page
            delay = self._backoff(attempts, outcome.retry_after)
            if (
                not outcome.error.retryable
                or attempts > self.settings.retries
                or time.monotonic() + delay >= self.deadline
            ):
                return [self._failed(call, outcome, attempts, started)], None
            error = outcome.error
            log.info(
                "retry %s in %.2fs after: %s",
                call.operation,
                delay,
                scrub(str(error), self._secrets),
                extra={
                    "request_id": self.plan.request_id,
                    "provider": call.provider,
                    "operation": call.operation,
                    "resource": ",".join(call.resource_ids) or None,
                    "attempts": attempts,
                    "http_status": error.status_code,
                    "error_code": error.code,
                    "retry_in_ms": round(delay * 1000),
                },
            )
            time.sleep(delay)

    def _attempt(self, call: PlannedCall, remaining: float) -> ProviderReply | _Failure:
        import httpx  # loaded by `execute` already: a lookup in sys.modules

        from tagstrip.runtime.calls import send

        request = self.client.request(call)
        timeout = httpx.Timeout(
            min(self.settings.read_timeout, remaining),
            connect=min(self.settings.connect_timeout, remaining),
        )
        request.extensions["timeout"] = timeout.as_dict()
        try:
            with _transport_errors(call.provider):
                response = send(self.transport, request, self.client.auth)
        except ProviderError as exc:
            return _Failure(exc)
        try:
            return self.client.interpret(call, response)
        except ProviderError as exc:
            return _Failure(exc, self.client.retry_after(response))

    def _apart(
        self, result: CallResult, replies: tuple[ResourceReply, ...], attempts: int
    ) -> list[CallResult]:
        """`result` cut by resource: the resources done, together, then one result for each
        resource the provider answered for apart (skipped as gone, or failed), so a call
        that untagged 49 of 50 resources reports exactly that."""
        if not replies:
            return [result]
        apart = {reply.resource_id: reply for reply in replies}
        done = [rid for rid in result.resource_ids if rid not in apart]
        pieces = [result.model_copy(update={"resource_ids": done})] if done else []
        return pieces + [
            result.model_copy(
                update={
                    "resource_ids": [rid],
                    "outcome": reply.outcome,
                    "error_code": reply.code,
                    "error_message": reply.message and scrub(reply.message, self._secrets),
                    "retryable": reply.retryable,
                    "retry_after": self._ceiling(attempts) if reply.retryable else None,
                }
            )
            for rid in result.resource_ids
            if (reply := apart.get(rid)) is not None
        ]

    def _ceiling(self, attempts: int) -> float:
        """The exponential cap of the delay after `attempts` attempts."""
        return min(self.settings.max_backoff, self.settings.backoff * 2.0 ** max(0, attempts - 1))

    def _backoff(self, attempts: int, retry_after: float | None) -> float:
        """Full jitter under the exponential cap, but never less than the provider asked.
        The process's random generator serves every thread (a generator per plan would cost
        its seeding, from the OS, on every event)."""
        return max(random.uniform(0, self._ceiling(attempts)), retry_after or 0.0)

    def _failed(
        self, call: PlannedCall, failure: _Failure, attempts: int, started: float
    ) -> CallResult:
        error = failure.error
        return self._log(
            _call_result(
                call,
                outcome="failed",
                request_id=error.request_id,
                error_code=error.code,
                error_message=error.message and scrub(error.message, self._secrets),
                http_status=error.status_code,
                attempts=attempts,
                retryable=error.retryable,
                retry_after=(
                    max(failure.retry_after or 0.0, self._ceiling(attempts))
                    if error.retryable
                    else None
                ),
                duration_ms=_ms_since(started),
            )
        )

    def _log(self, result: CallResult) -> CallResult:
        """One line per provider call: what it was, how it ended, after how many attempts."""
        resource = ",".join(result.resource_ids) or None
        log.log(
            logging.WARNING if result.outcome == "failed" else logging.INFO,
            "call %s %s %s",
            result.operation,
            resource or "-",
            result.outcome,
            extra={
                "request_id": self.plan.request_id,
                "provider": result.provider,
                "operation": result.operation,
                "resource": resource,
                "outcome": result.outcome,
                "http_status": result.http_status,
                "provider_request_id": result.request_id,
                "error_code": result.error_code,
                "retryable": result.retryable,
                "attempts": result.attempts,
                "duration_ms": result.duration_ms,
            },
        )
        return result


@contextlib.contextmanager
def _transport_errors(provider: str) -> Iterator[None]:
    """Timeouts and network failures as retryable `ProviderError`s, the cause kept."""
    import httpx

    try:
        yield
    except httpx.TimeoutException as exc:
        message = f"no answer in time ({type(exc).__name__})"
        raise ProviderError(message, provider=provider, retryable=True) from exc
    except httpx.TransportError as exc:
        message = f"could not reach the provider ({type(exc).__name__}: {exc})"
        raise ProviderError(message, provider=provider, retryable=True) from exc


def _call_result(call: PlannedCall, **fields: Any) -> CallResult:
    return CallResult(
        provider=call.provider,
        operation=call.operation,
        resource_ids=call.resource_ids,
        tags=call.tags,
        **fields,
    )


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _request_result(plan: Plan, calls: list[CallResult]) -> RequestResult:
    return RequestResult(
        request_id=plan.request_id,
        provider=plan.provider,
        status=_status(plan, calls),
        summary=plan.summary,
        scope=plan.scope,
        calls=calls,
        skipped=plan.skipped,
        notes=plan.notes,
        resources=plan.resources,
    )


def _status(plan: Plan, calls: list[CallResult]) -> Literal["ok", "partial", "failed", "dry_run"]:
    failed = sum(call.outcome == "failed" for call in calls)
    if not failed:  # a dry run fails only when a selector's read did
        return "dry_run" if plan.dry_run else "ok"
    return "failed" if failed == len(calls) else "partial"
