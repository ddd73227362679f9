"""Fault injection: make matching requests slow, throttled, failing or cut off.

A fault matches by provider (None: every provider) and optionally by resource id (a request
naming that resource among its ids). ``times`` bounds how many requests it affects, so
``times=2`` gives "two failures, then success"; None affects every matching request.
Faults strike after the signature check, so a faulted request was a valid one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["FAULT_KINDS", "Fault", "FaultInjector", "FaultKind"]

FaultKind = Literal["throttle", "server_error", "latency", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = ("throttle", "server_error", "latency", "drop")


@dataclass
class Fault:
    """One injected fault.

    `status` overrides the vendor's status for ``throttle`` (e.g. 400 or 429 on Alibaba)
    and picks the 5xx for ``server_error``; `seconds` is the delay of ``latency``;
    `retry_after` adds a ``Retry-After`` header to the error. `hits` counts strikes.
    """

    kind: FaultKind
    provider: str | None = None
    resource_id: str | None = None
    times: int | None = None
    status: int | None = None
    seconds: float = 0.0
    retry_after: float | None = None
    hits: int = 0

    def matches(self, provider: str, resource_ids: Sequence[str]) -> bool:
        return (
            self.provider in (None, provider)
            and (self.resource_id is None or self.resource_id in resource_ids)
            and not self.exhausted
        )

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class FaultInjector:
    """The active faults of one fake cloud; `strike` consumes one use of each match."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def throttle(
        self,
        provider: str | None = None,
        *,
        resource_id: str | None = None,
        times: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> Fault:
        return self.add(Fault("throttle", provider, resource_id, times, status, 0.0, retry_after))

    def server_error(
        self,
        provider: str | None = None,
        *,
        resource_id: str | None = None,
        times: int | None = None,
        status: int = 500,
    ) -> Fault:
        return self.add(Fault("server_error", provider, resource_id, times, status))

    def latency(
        self,
        seconds: float,
        provider: str | None = None,
        *,
        resource_id: str | None = None,
        times: int | None = None,
    ) -> Fault:
        return self.add(Fault("latency", provider, resource_id, times, seconds=seconds))

    def drop(
        self,
        provider: str | None = None,
        *,
        resource_id: str | None = None,
        times: int | None = None,
    ) -> Fault:
        return self.add(Fault("drop", provider, resource_id, times))

    def strike(self, provider: str, resource_ids: Sequence[str]) -> list[Fault]:
        """The faults this request meets, each counted as hit: every matching latency and
        the first matching failure (later failures wait for later requests)."""
        with self._lock:
            matching = [fault for fault in self._faults if fault.matches(provider, resource_ids)]
            failures = [fault for fault in matching if fault.kind != "latency"]
            struck = [fault for fault in matching if fault.kind == "latency"] + failures[:1]
            for fault in struck:
                fault.hits += 1
        return struck

    def active(self) -> list[Fault]:
        with self._lock:
            return [fault for fault in self._faults if not fault.exhausted]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
