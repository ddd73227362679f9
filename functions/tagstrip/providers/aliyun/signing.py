"""Alibaba Cloud request signing: RPC signature v1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).

Pure building blocks, usable to sign (client) and to verify (fake cloud): `percent_encode`
(RFC 3986, only ``A-Za-z0-9-_.~`` kept); for v1, `rpc_common_params` (the signing parameters
for an explicit time and nonce), `rpc_canonical_query`, `rpc_string_to_sign` and
`rpc_signature`; for V3, `acs3_canonical_query`, `acs3_canonical_request`,
`acs3_string_to_sign`, `acs3_signature`, `acs3_authorization` and `parse_acs3_authorization`.
`format_timestamp` and `new_nonce` make the values both versions carry. `RpcV1Auth` and
`Acs3Auth` are the `httpx.Auth` flows built on them: each rewrites the query into its
canonical form, so the bytes on the wire are exactly the bytes that were signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable, Generator, Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

import httpx

from tagstrip.providers._auth import Clock, KeyedAuth, authorization_fields, utc_now

__all__ = [
    "ACS3_ALGORITHM",
    "Acs3Auth",
    "Acs3Authorization",
    "RpcV1Auth",
    "acs3_authorization",
    "acs3_canonical_query",
    "acs3_canonical_request",
    "acs3_signature",
    "acs3_string_to_sign",
    "format_timestamp",
    "new_nonce",
    "parse_acs3_authorization",
    "percent_encode",
    "rpc_canonical_query",
    "rpc_common_params",
    "rpc_signature",
    "rpc_string_to_sign",
    "sha256_hex",
]

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"


@lru_cache(maxsize=4096)  # names and most values recur call after call: encode them once
def percent_encode(text: str) -> str:
    """UTF-8 percent-encoding as Alibaba specifies: space is %20, ``*`` is %2A, ``~`` stays."""
    return quote(text, safe="~")


def format_timestamp(moment: datetime) -> str:
    """UTC time as both signature versions carry it, e.g. ``2016-02-23T12:46:24Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_nonce() -> str:
    """A fresh 32-hex-character nonce (the vendor rejects a nonce used twice)."""
    return uuid.uuid4().hex


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- RPC signature v1 (HMAC-SHA1) --------------------------------------------------------


def rpc_common_params(
    access_key_id: str,
    *,
    timestamp: datetime,
    nonce: str,
    security_token: str | None = None,
) -> dict[str, str]:
    """The v1 signing parameters for one request (``Action``/``Version`` are the caller's)."""
    params = {
        "AccessKeyId": access_key_id,
        "Format": "JSON",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "Timestamp": format_timestamp(timestamp),
    }
    if security_token is not None:
        params["SecurityToken"] = security_token
    return params


def rpc_canonical_query(params: Mapping[str, str]) -> str:
    """Every parameter but ``Signature``, sorted by name, each name and value encoded."""
    return "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}"
        for name in sorted(params)
        if name != "Signature"
    )


def rpc_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """``METHOD&%2F&`` + the canonical query, percent-encoded once more."""
    return f"{method.upper()}&%2F&{percent_encode(rpc_canonical_query(params))}"


def rpc_signature(secret: str, string_to_sign: str) -> str:
    """Base64 HMAC-SHA1 keyed with the secret plus ``&``."""
    key = f"{secret}&".encode()
    digest = hmac.new(key, string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# --- V3 signature (ACS3-HMAC-SHA256) -----------------------------------------------------


class Acs3Authorization(NamedTuple):
    access_key_id: str
    signed_headers: list[str]
    signature: str


def acs3_canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Parameters sorted by name, ``name=value`` with both percent-encoded, joined by ``&``."""
    return "&".join(
        f"{percent_encode(name)}={percent_encode(value)}" for name, value in sorted(params)
    )


def acs3_canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    payload_hash: str,
) -> str:
    """The V3 canonical request; `headers` must be readable by the lowercase signed names."""
    names = sorted(name.lower() for name in signed_headers)
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in names)
    return "\n".join(
        [
            method.upper(),
            path or "/",
            acs3_canonical_query(query),
            canonical_headers,
            ";".join(names),
            payload_hash,
        ]
    )


def acs3_string_to_sign(canonical_request: str) -> str:
    return f"{ACS3_ALGORITHM}\n{sha256_hex(canonical_request.encode())}"


def acs3_signature(secret: str, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 keyed with the raw secret."""
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def acs3_authorization(access_key_id: str, signed_headers: Iterable[str], signature: str) -> str:
    names = ";".join(sorted(name.lower() for name in signed_headers))
    return (
        f"{ACS3_ALGORITHM} Credential={access_key_id},SignedHeaders={names},Signature={signature}"
    )


def parse_acs3_authorization(value: str) -> Acs3Authorization:
    """Split an ``Authorization`` header; raises ValueError if it is not ACS3-HMAC-SHA256."""
    fields = authorization_fields(
        value, ACS3_ALGORITHM, {"Credential", "SignedHeaders", "Signature"}
    )
    signed = fields["SignedHeaders"].split(";") if fields["SignedHeaders"] else []
    return Acs3Authorization(fields["Credential"], signed, fields["Signature"])


# --- httpx flows --------------------------------------------------------------------------


class _AliyunAuth(KeyedAuth):
    """Holds the key; a fresh time and nonce are drawn for every request signed."""

    requires_request_body = True

    def __init__(
        self,
        access_key_id: str,
        secret: str,
        security_token: str | None = None,
        *,
        clock: Clock = utc_now,
        nonce: Callable[[], str] = new_nonce,
    ) -> None:
        super().__init__(access_key_id, secret, security_token, clock=clock)
        self._nonce = nonce


class RpcV1Auth(_AliyunAuth):
    """Adds the v1 common parameters and ``Signature`` to the query (``Action``, ``Version``
    and the business parameters must already be there)."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        params = dict(request.url.params)
        params.update(
            rpc_common_params(
                self.access_key_id,
                timestamp=self._clock(),
                nonce=self._nonce(),
                security_token=self._security_token,
            )
        )
        signature = rpc_signature(self._secret, rpc_string_to_sign(request.method, params))
        query = f"{rpc_canonical_query(params)}&Signature={percent_encode(signature)}"
        request.url = request.url.copy_with(query=query.encode())
        yield request


class Acs3Auth(_AliyunAuth):
    """Signs with ACS3-HMAC-SHA256 (``x-acs-action`` and ``x-acs-version`` must be set).

    Signs ``host``, ``content-type`` if present and every ``x-acs-*`` header, as the
    vendor requires of its common headers.
    """

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = request.headers
        headers["x-acs-date"] = format_timestamp(self._clock())
        headers["x-acs-signature-nonce"] = self._nonce()
        headers["x-acs-content-sha256"] = sha256_hex(request.content)
        if self._security_token is not None:
            headers["x-acs-accesskey-id"] = self.access_key_id
            headers["x-acs-security-token"] = self._security_token
        query = request.url.params.multi_items()
        canonical_query = acs3_canonical_query(query).encode()
        if request.url.query != canonical_query:  # a query sent canonical needs no new URL
            request.url = request.url.copy_with(query=canonical_query or None)
        signed = sorted(
            name
            for name in (key.lower() for key in headers)
            if name in ("host", "content-type") or name.startswith("x-acs-")
        )
        canonical = acs3_canonical_request(
            request.method,
            request.url.path,
            query,
            headers,
            signed,
            headers["x-acs-content-sha256"],
        )
        signature = acs3_signature(self._secret, acs3_string_to_sign(canonical))
        headers["Authorization"] = acs3_authorization(self.access_key_id, signed, signature)
        yield request
