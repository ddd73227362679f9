"""Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256), as the API gateway verifies it.

Pure building blocks, usable to sign (client) and to verify (fake cloud): `format_date`
(the ``X-Sdk-Date`` form), `canonical_uri` (segments encoded, trailing ``/`` added),
`canonical_query`, `canonical_request` (method, URI, query, headers, signed header names,
body hash), `string_to_sign`, `signature`, `authorization` and `parse_authorization`.
`SdkHmacSha256Auth` is the `httpx.Auth` flow built on them: it adds ``X-Sdk-Date`` and, for
temporary credentials, ``X-Security-Token``, then signs ``host``, ``content-type`` and every
``x-*`` header present (``X-Project-Id`` included when the caller sets it).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Generator, Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, unquote

import httpx

from tagstrip.providers._auth import KeyedAuth, authorization_fields

__all__ = [
    "ALGORITHM",
    "HuaweiAuthorization",
    "SdkHmacSha256Auth",
    "authorization",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "format_date",
    "parse_authorization",
    "signature",
    "string_to_sign",
]

ALGORITHM = "SDK-HMAC-SHA256"


class HuaweiAuthorization(NamedTuple):
    access_key_id: str
    signed_headers: list[str]
    signature: str


@lru_cache(maxsize=4096)  # names and most values recur call after call
def _encode(text: str) -> str:
    return quote(text, safe="~")


def format_date(moment: datetime) -> str:
    """UTC time in the ``X-Sdk-Date`` form, e.g. ``20240101T000000Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def canonical_uri(path: str) -> str:
    """Each decoded path segment re-encoded, with a trailing ``/`` (not sent on the wire)."""
    encoded = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return encoded if encoded.endswith("/") else f"{encoded}/"


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Pairs sorted by name then value, ``name=value`` with both encoded (space is %20)."""
    return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in sorted(params))


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    body: bytes,
) -> str:
    """The six canonical parts; `headers` must be readable by the lowercase signed names."""
    names = sorted(name.lower() for name in signed_headers)
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in names)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            canonical_headers,
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(secret: str, text: str) -> str:
    """Hex HMAC-SHA256 keyed with the SK itself (no key derivation)."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def authorization(access_key_id: str, signed_headers: Iterable[str], sig: str) -> str:
    names = ";".join(sorted(name.lower() for name in signed_headers))
    return f"{ALGORITHM} Access={access_key_id}, SignedHeaders={names}, Signature={sig}"


def parse_authorization(value: str) -> HuaweiAuthorization:
    """Split an ``Authorization`` header; raises ValueError if it is not SDK-HMAC-SHA256."""
    fields = authorization_fields(value, ALGORITHM, {"Access", "SignedHeaders", "Signature"})
    signed = fields["SignedHeaders"].split(";") if fields["SignedHeaders"] else []
    return HuaweiAuthorization(fields["Access"], signed, fields["Signature"])


class SdkHmacSha256Auth(KeyedAuth):
    """Signs each request with a fresh ``X-Sdk-Date``; the SK is never exposed."""

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = request.headers
        sdk_date = format_date(self._clock())
        headers["X-Sdk-Date"] = sdk_date
        if self._security_token is not None:
            headers["X-Security-Token"] = self._security_token
        signed = sorted(
            name
            for name in (key.lower() for key in headers)
            if name in ("host", "content-type") or (name.startswith("x-") and "_" not in name)
        )
        canonical = canonical_request(
            request.method,
            request.url.raw_path.partition(b"?")[0].decode("ascii"),
            request.url.params.multi_items(),
            headers,
            signed,
            request.content,
        )
        sig = signature(self._secret, string_to_sign(canonical, sdk_date))
        headers["Authorization"] = authorization(self.access_key_id, signed, sig)
        yield request
