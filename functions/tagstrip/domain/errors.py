"""The one error tree of tagstrip.

    TagstripError
    ├── InvalidRequest        the input is wrong; carries every FieldError found
    ├── ConfigurationError    the deployment is wrong (missing credential, bad setting)
    ├── ProviderError         the cloud answered with an error or could not be reached
    ├── Unauthorized          a webhook request without a valid signature (answer 401)
    └── DeliverAgain          a platform delivery to be redelivered: some call may pass on
                              a retry, or was not sent (tagstrip.handlers.flows)

    HttpProblem               outside the tree: an HTTP request refused before it became an
                              event (405, 413, 415, 409 in flight; tagstrip.handlers.http)

Entry points map these to responses; nothing else should escape them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_LISTED_ERRORS",
    "ConfigurationError",
    "FieldError",
    "InvalidRequest",
    "Location",
    "ProviderError",
    "TagstripError",
    "Unauthorized",
    "unknown_fields",
]

Location = tuple[str | int, ...]
#: The most errors one refusal lists: enough to fix a body by, and an answer (and memory)
#: that stays small however many faults a large body holds.
MAX_LISTED_ERRORS = 100


@dataclass(frozen=True)
class FieldError:
    """One violation: where it is, what is wrong in plain words, and the vendor's code if any.

    `type` is tagstrip's stable machine-readable kind (``missing``, ``too_long``, ...);
    `provider_code` is the error code the vendor would answer with, taken from its
    documentation, so callers can correlate with the vendor's error tables.
    """

    loc: Location
    message: str
    type: str
    provider_code: str | None = None

    @property
    def path(self) -> str:
        """The location as a dotted path, e.g. ``tags.2.key``."""
        return ".".join(str(part) for part in self.loc) or "(root)"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"loc": list(self.loc), "path": self.path, "message": self.message}
        data["type"] = self.type
        if self.provider_code is not None:
            data["provider_code"] = self.provider_code
        return data

    def __str__(self) -> str:
        """One terminal-safe line: control and format characters of the input are escaped."""
        return printable(f"{self.path}: {self.message}")

    def within(self, *prefix: str | int) -> FieldError:
        """The same error located under `prefix` (used when a request sits inside a batch)."""
        return FieldError(prefix + self.loc, self.message, self.type, self.provider_code)


def unknown_fields(
    payload: Mapping[str, Any], known: Collection[str], loc: Location = ()
) -> list[FieldError]:
    """One error per key of `payload` that is not `known`, as a strict model reports it: a
    provider-native body is checked field by field, and a misspelt field is no silent no-op."""
    return [
        FieldError((*loc, name), f"unknown field {name!r}", "extra_forbidden")
        for name in payload
        if name not in known
    ]


def printable(text: str) -> str:
    """`text` with control and invisible format characters (newlines, ESC, RTL overrides,
    zero-width spaces) shown as escapes, so echoed input cannot rewrite a terminal line."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


class TagstripError(Exception):
    """Base of every error tagstrip raises on purpose."""


class InvalidRequest(TagstripError):
    """The input cannot be turned into a valid tag-removal request; never retried."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("InvalidRequest needs at least one FieldError")
        if len(self.errors) > MAX_LISTED_ERRORS + 1:  # + 1: a list already cut, relocated
            message = f"only the first {MAX_LISTED_ERRORS} errors are listed"
            cut = FieldError((), message, "too_many_errors")
            self.errors = (*self.errors[:MAX_LISTED_ERRORS], cut)
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{first.path}: {first.message}{more}")

    def to_dict(self) -> dict[str, Any]:
        return {"error": "invalid_request", "errors": [e.to_dict() for e in self.errors]}


class ConfigurationError(TagstripError):
    """The deployment lacks a setting or credential; names the variable, never its value."""

    def __init__(self, message: str, *, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


@dataclass
class ProviderError(TagstripError):
    """The provider refused a call or could not be reached.

    `retryable` says whether trying the same call again later may succeed
    (throttling, 5xx, network failures); a request the vendor called wrong is not.
    """

    message: str
    provider: str
    code: str | None = None
    status_code: int | None = None
    request_id: str | None = None
    retryable: bool = False
    details: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.provider]
        if self.status_code is not None:
            parts.append(str(self.status_code))
        if self.code:
            parts.append(self.code)
        return f"[{' '.join(parts)}] {self.message}"


class Unauthorized(TagstripError):
    """A webhook request not proven to come from a holder of a configured secret.

    `reason` is a stable machine-readable kind (``not_configured``, ``missing``,
    ``malformed``, ``bad``, ``stale``, ``future``). The message says what to fix; it never
    contains a secret or the signature that was received.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
