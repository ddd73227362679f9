"""Baidu AI Cloud request signing (bce-auth-v1), as the BCE gateway verifies it.

Pure building blocks, usable to sign (client) and to verify (fake cloud): `normalize` (every
byte but ``A-Za-z0-9.~-_`` as ``%XX``), `format_timestamp`, `auth_prefix`
(``bce-auth-v1/{ak}/{timestamp}/{expiration}``), `signing_key`, `canonical_uri`,
`canonical_query` (``?delete`` signs as ``delete=``), `canonical_headers` (the documented
default set when no header names are given), `canonical_request`, `signature`,
`authorization` and `parse_authorization`. `BceAuth` is the `httpx.Auth` flow built on them:
it adds ``x-bce-date`` (and ``x-bce-security-token`` for STS credentials) and signs the
default header set, like the vendor's SDK.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Generator, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

import httpx

from tagstrip.providers._auth import Clock, KeyedAuth, utc_now

__all__ = [
    "DEFAULT_EXPIRATION",
    "BceAuth",
    "BceAuthorization",
    "auth_prefix",
    "authorization",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "format_timestamp",
    "normalize",
    "parse_authorization",
    "signature",
    "signing_key",
]

VERSION = "bce-auth-v1"
DEFAULT_EXPIRATION = 1800
#: Signed when the authorization names no headers, together with every ``x-bce-*`` header.
_DEFAULT_SIGNED = frozenset({"host", "content-length", "content-type", "content-md5"})


class BceAuthorization(NamedTuple):
    access_key_id: str
    timestamp: str
    expiration: int
    signed_headers: list[str]
    signature: str

    @property
    def prefix(self) -> str:
        return auth_prefix(self.access_key_id, self.timestamp, self.expiration)


@lru_cache(maxsize=4096)  # names and most values recur call after call
def normalize(text: str, *, keep_slash: bool = False) -> str:
    """UTF-8 bytes outside ``A-Za-z0-9.~-_`` (and ``/`` if kept) as uppercase ``%XX``."""
    return quote(text, safe="~/" if keep_slash else "~")


def format_timestamp(moment: datetime) -> str:
    """UTC time as ``x-bce-date`` and the auth string carry it, e.g. ``2024-01-01T00:00:00Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def auth_prefix(access_key_id: str, timestamp: str, expiration: int = DEFAULT_EXPIRATION) -> str:
    return f"{VERSION}/{access_key_id}/{timestamp}/{expiration}"


def signing_key(secret: str, prefix: str) -> str:
    """Hex HMAC-SHA256 of the auth prefix, keyed with the secret key."""
    return hmac.new(secret.encode(), prefix.encode(), hashlib.sha256).hexdigest()


def canonical_uri(path: str) -> str:
    """The path encoded except ``/``; an empty path is ``/``."""
    return normalize(path, keep_slash=True) or "/"


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Sorted ``name=value`` pairs, both normalized; an ``authorization`` parameter is left out."""
    return "&".join(
        sorted(
            f"{normalize(name)}={normalize(value)}"
            for name, value in params
            if name.lower() != "authorization"
        )
    )


def canonical_headers(headers: Mapping[str, str], signed_headers: Sequence[str] = ()) -> str:
    """Sorted ``name:value`` lines (both normalized, empty values dropped), no trailing newline.

    With no `signed_headers`, the default set applies: host, content-length, content-type,
    content-md5 and every ``x-bce-*`` header present.
    """
    wanted = {name.lower() for name in signed_headers}
    lines = []
    for raw_name, raw_value in headers.items():
        name, value = raw_name.strip().lower(), raw_value.strip()
        chosen = name in wanted if wanted else name in _DEFAULT_SIGNED or name.startswith("x-bce-")
        if value and chosen:
            lines.append(f"{normalize(name)}:{normalize(value)}")
    return "\n".join(sorted(lines))


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str] = (),
) -> str:
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            canonical_headers(headers, signed_headers),
        ]
    )


def signature(key: str, canonical: str) -> str:
    """Hex HMAC-SHA256 of the canonical request, keyed with the signing key's hex text."""
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def authorization(prefix: str, signed_headers: Sequence[str], sig: str) -> str:
    return f"{prefix}/{';'.join(signed_headers)}/{sig}"


def parse_authorization(value: str) -> BceAuthorization:
    """Split an ``Authorization`` header; raises ValueError if it is not bce-auth-v1."""
    parts = value.split("/")
    if len(parts) != 6 or parts[0] != VERSION or not parts[3].isdigit():
        raise ValueError(f"not a {VERSION} authorization")
    signed = parts[4].split(";") if parts[4] else []
    return BceAuthorization(parts[1], parts[2], int(parts[3]), signed, parts[5])


class BceAuth(KeyedAuth):
    """Signs each request with a fresh timestamp and the default header set."""

    def __init__(
        self,
        access_key_id: str,
        secret: str,
        security_token: str | None = None,
        *,
        expiration: int = DEFAULT_EXPIRATION,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(access_key_id, secret, security_token, clock=clock)
        self._expiration = expiration

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = format_timestamp(self._clock())
        request.headers["x-bce-date"] = timestamp
        if self._security_token is not None:
            request.headers["x-bce-security-token"] = self._security_token
        prefix = auth_prefix(self.access_key_id, timestamp, self._expiration)
        canonical = canonical_request(
            request.method, request.url.path, request.url.params.multi_items(), request.headers
        )
        sig = signature(signing_key(self._secret, prefix), canonical)
        request.headers["Authorization"] = authorization(prefix, (), sig)
        yield request
