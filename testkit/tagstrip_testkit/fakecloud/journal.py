"""The request journal: every call the fake cloud received, decoded, with its outcome."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Journal", "JournalEntry"]


@dataclass(frozen=True)
class JournalEntry:
    """One request: who it was for, what it asked, and how it ended.

    `outcome` is ``ok``, ``error`` (the vendor refused it), ``fault`` (an injected failure
    answered it) or ``dropped`` (an injected fault closed the connection).
    `provider` and `operation` are None when the request matched no known API.
    """

    method: str
    path: str
    provider: str | None
    operation: str | None
    status: int | None
    outcome: str
    request_id: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    resource_ids: tuple[str, ...] = ()
    signature: str | None = None
    error_code: str | None = None
    fault: str | None = None
    result: Any = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["resource_ids"] = list(self.resource_ids)
        data["at"] = self.at.isoformat()
        return data


class Journal:
    """Thread-safe, append-only list of entries (the server answers requests in threads)."""

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []
        self._lock = threading.Lock()

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(
        self, *, provider: str | None = None, operation: str | None = None
    ) -> list[JournalEntry]:
        """A snapshot, optionally only one provider's or one operation's entries."""
        with self._lock:
            entries = list(self._entries)
        return [
            entry
            for entry in entries
            if provider in (None, entry.provider) and operation in (None, entry.operation)
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
