"""What the vendors' signers share: the clock they sign with, and the
``<ALGORITHM> Name=value, Name=value`` authorization header both Alibaba (ACS3) and Huawei use."""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["authorization_fields", "utc_now"]


def utc_now() -> datetime:
    """The signing time (tests and the fake cloud pass their own clock instead)."""
    return datetime.now(timezone.utc)


def authorization_fields(value: str, algorithm: str, required: set[str]) -> dict[str, str]:
    """The ``Name=value`` fields of an authorization header using `algorithm`; raises
    ValueError when the algorithm differs or a required field is missing."""
    scheme, _, rest = value.partition(" ")
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    if scheme != algorithm or not required <= set(fields):
        raise ValueError(f"not an {algorithm} authorization")
    return fields
