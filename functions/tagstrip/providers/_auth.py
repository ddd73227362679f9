"""What the vendors' signers share: the key and clock they sign with, and the
``<ALGORITHM> Name=value, Name=value`` authorization header both Alibaba (ACS3) and Huawei use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import httpx

__all__ = ["Clock", "KeyedAuth", "authorization_fields", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The signing time (tests and the fake cloud pass their own clock instead)."""
    return datetime.now(timezone.utc)


class KeyedAuth(httpx.Auth):
    """An httpx auth flow holding one access key (and STS token); each vendor's subclass signs
    with it at the time its clock gives for every request. The secret is never exposed."""

    def __init__(
        self,
        access_key_id: str,
        secret: str,
        security_token: str | None = None,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.access_key_id = access_key_id
        self._secret = secret
        self._security_token = security_token
        self._clock = clock


def authorization_fields(value: str, algorithm: str, required: set[str]) -> dict[str, str]:
    """The ``Name=value`` fields of an authorization header using `algorithm`; raises
    ValueError when the algorithm differs or a required field is missing."""
    scheme, _, rest = value.partition(" ")
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    if scheme != algorithm or not required <= set(fields):
        raise ValueError(f"not an {algorithm} authorization")
    return fields
