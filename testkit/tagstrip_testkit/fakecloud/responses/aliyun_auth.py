"""Alibaba Cloud signature checks: RPC v1 (``Signature`` parameter) and V3 (ACS3 header).

Both rebuild the string to sign with tagstrip's signing building blocks from what arrived
on the wire, and refuse as the gateway does: ``IncompleteSignature`` when signing fields
are missing, ``InvalidAccessKeyId.NotFound``, ``InvalidTimeStamp.*`` outside 15 minutes,
``SignatureDoesNotMatch`` quoting the server's string to sign, ``SignatureNonceUsed``.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping
from datetime import UTC, datetime

from tagstrip.providers.aliyun import signing
from tagstrip_testkit.fakecloud.credentials import KeyPair
from tagstrip_testkit.fakecloud.errors import aliyun as err
from tagstrip_testkit.fakecloud.responses.common import MAX_CLOCK_SKEW, outside_window

__all__ = ["SIGNING_PARAMS", "NonceRegistry", "is_acs3", "verify_acs3", "verify_rpc_v1"]

#: v1 parameters a signed request must carry (``SecurityToken`` is optional).
SIGNING_PARAMS = (
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
)
_ACS3_REQUIRED = ("x-acs-date", "x-acs-signature-nonce", "x-acs-action", "x-acs-version")
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class NonceRegistry:
    """Nonces seen within the timestamp window: a second use is refused."""

    def __init__(self) -> None:
        self._seen: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def claim(self, nonce: str, now: datetime) -> None:
        with self._lock:
            self._seen = {n: t for n, t in self._seen.items() if now - t <= MAX_CLOCK_SKEW}
            if nonce in self._seen:
                raise err.SignatureNonceUsed()
            self._seen[nonce] = now

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


def is_acs3(headers: Mapping[str, str]) -> bool:
    return headers.get("authorization", "").startswith(signing.ACS3_ALGORITHM)


def verify_rpc_v1(
    method: str, params: Mapping[str, str], key: KeyPair, now: datetime, nonces: NonceRegistry
) -> None:
    """Check a v1 request; `params` holds every query and form parameter as received."""
    if not all(params.get(name) for name in SIGNING_PARAMS):
        raise err.IncompleteSignature()
    if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
        raise err.IncompleteSignature()
    _check_key(params["AccessKeyId"], key)
    _check_time(params["Timestamp"], now)
    string_to_sign = signing.rpc_string_to_sign(method, params)
    expected = signing.rpc_signature(key.secret, string_to_sign)
    if not hmac.compare_digest(expected, params["Signature"]):
        raise err.SignatureDoesNotMatch(string_to_sign)
    nonces.claim(params["SignatureNonce"], now)


def verify_acs3(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    key: KeyPair,
    now: datetime,
    nonces: NonceRegistry,
) -> None:
    """Check a V3 request; canonical headers are rebuilt from its own SignedHeaders list."""
    try:
        auth = signing.parse_acs3_authorization(headers["authorization"])
    except ValueError:
        raise err.IncompleteSignature() from None
    signed = [name.lower() for name in auth.signed_headers]
    if not all(name in headers for name in (*_ACS3_REQUIRED, *signed)):
        raise err.IncompleteSignature()
    _check_key(auth.access_key_id, key)
    _check_time(headers["x-acs-date"], now)
    canonical = signing.acs3_canonical_request(
        method, path, query, headers, signed, signing.sha256_hex(body)
    )
    string_to_sign = signing.acs3_string_to_sign(canonical)
    expected = signing.acs3_signature(key.secret, string_to_sign)
    if not hmac.compare_digest(expected, auth.signature):
        raise err.SignatureDoesNotMatch(string_to_sign)
    nonces.claim(headers["x-acs-signature-nonce"], now)


def _check_key(access_key_id: str, key: KeyPair) -> None:
    if access_key_id != key.access_key_id:
        raise err.InvalidAccessKeyIdNotFound()


def _check_time(text: str, now: datetime) -> None:
    try:
        moment = datetime.strptime(text, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise err.InvalidTimeStampFormat() from None
    if outside_window(moment, now):
        raise err.InvalidTimeStampExpired()
