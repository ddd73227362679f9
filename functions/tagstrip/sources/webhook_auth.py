"""Who may call the public webhook: HMAC-SHA256 signatures over the raw body, and dedup.

Accepted signature headers, strongest first (the first one present is the one checked):

- ``X-Tagstrip-Signature: t=<unix>,v1=<hex>`` over ``"<t>.<body>"``; refused more than
  five minutes away from our clock, which is what stops a captured request being replayed.
- ``X-Hub-Signature-256: sha256=<hex>`` over the body (GitHub style).
- ``X-Hub-Signature: sha256=<hex>`` over the body (Jira Cloud, when a secret is set).

``TAGSTRIP_WEBHOOK_SECRET`` holds the secret, or several comma-separated while rotating
(new and old both verify). With none configured every request is refused, unless
``TAGSTRIP_ALLOW_UNSIGNED=true`` says so explicitly for local use.

A verified delivery claims its keys in the `DeliveryLog`, all at once: the timestamped
signature, or for the Hub headers (which carry no timestamp, by the senders' design) the
body's digest; an ``X-Atlassian-Webhook-Identifier`` adds a key but, being covered by no
signature, never replaces one. A request with any key already claimed is a resend: of a
delivery still in flight (answer "come back later") or of one that `finish`ed (a
duplicate). A delivery that failed in a way a retry may fix is `release`d, so the resend is
carried out. Secrets and received signatures never appear in messages.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import SecretStr

from tagstrip.domain.errors import Unauthorized
from tagstrip.runtime.settings import Settings, settings_of

__all__ = [
    "ALLOW_UNSIGNED_VARIABLE",
    "DELIVERIES",
    "SECRET_VARIABLE",
    "TOLERANCE_SECONDS",
    "ClaimState",
    "DeliveryLog",
    "Verified",
    "WebhookVerifier",
    "sign",
]

SECRET_VARIABLE = Settings.variable("webhook_secret")
ALLOW_UNSIGNED_VARIABLE = Settings.variable("allow_unsigned")
TOLERANCE_SECONDS = 300
_DELIVERY_ID_HEADER = "x-atlassian-webhook-identifier"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")

Scheme = Literal["tagstrip-v1", "hub-sha256", "unsigned"]
#: "claimed": this request is the one to carry out. "in_flight": the same delivery is being
#: carried out now. "finished": the same delivery was done, or failed for good.
ClaimState = Literal["claimed", "in_flight", "finished"]
_Entry = Literal["in_flight", "finished"]


@dataclass(frozen=True)
class Verified:
    """A request that may be acted on when `state` is "claimed"; otherwise a resend."""

    scheme: Scheme
    delivery_id: str | None
    state: ClaimState = "claimed"
    #: The keys this request holds in the delivery log (empty: none, or not its claim).
    claims: tuple[str, ...] = ()

    @property
    def duplicate(self) -> bool:
        """A resend of a delivery that finished: answer 2xx and do nothing."""
        return self.state == "finished"


class DeliveryLog:
    """Recent deliveries by key, each in flight or finished: bounded, expiring, thread-safe,
    shared by the process. Eviction (past `max_entries`) and expiry drop the oldest first."""

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        ttl_seconds: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[bytes, tuple[_Entry, float]] = OrderedDict()
        self._max, self._ttl, self._clock = max_entries, ttl_seconds, clock
        self._lock = threading.Lock()

    def claim(self, keys: Collection[str]) -> ClaimState:
        """Claim every key as in flight, all or none: "claimed" when no key is known; else
        the state of the delivery they belong to ("finished" wins: that one is settled)."""
        now, digests = self._clock(), _compact(keys)
        with self._lock:
            while self._entries and next(iter(self._entries.values()))[1] <= now:
                self._entries.popitem(last=False)
            known = {self._entries[key][0] for key in digests if key in self._entries}
            if known:
                return "finished" if "finished" in known else "in_flight"
            for key in digests:
                self._put(key, "in_flight", now)
            return "claimed"

    def finish(self, keys: Collection[str]) -> None:
        """The delivery is settled (done, or failed for good): a resend is a duplicate."""
        now, digests = self._clock(), _compact(keys)
        with self._lock:
            for key in digests:
                self._put(key, "finished", now)

    def release(self, keys: Collection[str]) -> None:
        """Forget the keys, so the sender's retry of a delivery that may yet succeed is done."""
        digests = _compact(keys)
        with self._lock:
            for key in digests:
                self._entries.pop(key, None)

    def reset(self) -> None:
        """Forget every delivery (a new sender, in tests)."""
        with self._lock:
            self._entries.clear()

    def _put(self, key: bytes, state: _Entry, now: float) -> None:
        """(Re)insert at the young end, so expiry times stay in order."""
        self._entries.pop(key, None)
        self._entries[key] = (state, now + self._ttl)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


def _compact(keys: Collection[str]) -> list[bytes]:
    """Each key as 16 bytes of its digest: the log holds thousands of keys for a day, and a
    key such as a body's SHA-256 in hex takes several times the memory for the same answer."""
    return [hashlib.blake2b(key.encode(), digest_size=16).digest() for key in keys]


#: The process-wide log every verifier uses unless given another (tests give their own).
DELIVERIES = DeliveryLog()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Tagstrip-Signature`` value for `body` sent at `timestamp` (for senders)."""
    return f"t={timestamp},v1={_hmac(secret.encode(), f'{timestamp}.'.encode() + body)}"


class WebhookVerifier:
    """Checks webhook requests against the configured secrets; see the module docstring."""

    def __init__(
        self,
        secrets: Sequence[SecretStr],
        *,
        allow_unsigned: bool = False,
        deliveries: DeliveryLog = DELIVERIES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secrets = tuple(secrets)
        self._allow_unsigned = allow_unsigned
        self._deliveries, self._clock = deliveries, clock

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebhookVerifier:
        """A verifier for ``TAGSTRIP_WEBHOOK_SECRET`` / ``TAGSTRIP_ALLOW_UNSIGNED``, as the
        process's settings (or those of `environ`) hold them."""
        settings = settings_of(environ)
        return _configured(settings.webhook_secret or SecretStr(""), settings.allow_unsigned)

    def verify(self, headers: Mapping[str, str], body: bytes) -> Verified:
        """The verdict on one request (`body` exactly as received); raises Unauthorized."""
        lowered = {name.lower(): value for name, value in headers.items()}
        delivery_id = lowered.get(_DELIVERY_ID_HEADER) or None
        if not self._secrets:
            if not self._allow_unsigned:
                raise Unauthorized(_NOT_CONFIGURED, reason="not_configured")
            return self._dedup("unsigned", delivery_id, None)
        for header, check in _SCHEMES:
            if header in lowered:
                scheme, signed_key = check(self, lowered[header].strip(), body)
                return self._dedup(scheme, delivery_id, signed_key)
        names = ", ".join(header for header, _ in _SCHEMES)
        raise Unauthorized(f"the request is not signed; send one of: {names}", reason="missing")

    def finish(self, verified: Verified) -> None:
        """The delivery is done or failed for good: its resends are duplicates from now on."""
        self._deliveries.finish(verified.claims)

    def release(self, verified: Verified) -> None:
        """The delivery failed in a way a retry may fix, or raised: its resend is carried out."""
        self._deliveries.release(verified.claims)

    def _dedup(self, scheme: Scheme, delivery_id: str | None, signed_key: str | None) -> Verified:
        """The signed key always counts; the unsigned identifier only adds one."""
        keys = tuple(
            key
            for key in (signed_key, f"atlassian:{delivery_id}" if delivery_id else None)
            if key is not None
        )
        state = self._deliveries.claim(keys) if keys else "claimed"
        return Verified(scheme, delivery_id, state, keys if state == "claimed" else ())

    def _check_tagstrip(self, value: str, body: bytes) -> tuple[Scheme, str]:
        fields: dict[str, list[str]] = {}
        for item in value.split(","):
            name, _, text = item.strip().partition("=")
            fields.setdefault(name, []).append(text)
        stamps, digests = fields.get("t", []), fields.get("v1", [])
        if len(stamps) != 1 or not _UNIX_SECONDS.fullmatch(stamps[0]) or not digests:
            raise Unauthorized(_MALFORMED_TAGSTRIP, reason="malformed")
        if not all(_HEX64.fullmatch(digest) for digest in digests):
            raise Unauthorized(_MALFORMED_TAGSTRIP, reason="malformed")
        age = self._clock() - int(stamps[0])
        if age > TOLERANCE_SECONDS:
            raise Unauthorized(_STALE.format(age=int(age)), reason="stale")
        if age < -TOLERANCE_SECONDS:
            raise Unauthorized(_FUTURE.format(ahead=int(-age)), reason="future")
        signed = f"{stamps[0]}.".encode() + body
        match = self._matching(digests, signed)
        return "tagstrip-v1", f"tagstrip-v1:{match}"

    def _check_hub(self, value: str, body: bytes) -> tuple[Scheme, str]:
        method, _, digest = value.partition("=")
        if method.lower() != "sha256" or not _HEX64.fullmatch(digest):
            raise Unauthorized(_MALFORMED_HUB, reason="malformed")
        self._matching([digest], body)
        # No timestamp to bound a replay: the same body within the log's window is a resend.
        return "hub-sha256", f"body-sha256:{hashlib.sha256(body).hexdigest()}"

    def _matching(self, digests: Sequence[str], message: bytes) -> str:
        """The received digest some secret produced; every pair is compared in constant time."""
        expected = [_hmac(secret.get_secret_value().encode(), message) for secret in self._secrets]
        found = [d for d in digests for e in expected if hmac.compare_digest(d.lower(), e)]
        if not found:
            raise Unauthorized("the signature does not match any configured secret", reason="bad")
        return found[0].lower()


@lru_cache(maxsize=8)
def _configured(secret_list: SecretStr, allow_unsigned: bool) -> WebhookVerifier:
    """The verifier of one configuration, parsed once rather than per request: it keeps no
    state of its own (the delivery log is shared), so every request may use it."""
    secrets = [SecretStr(part.strip()) for part in secret_list.get_secret_value().split(",")]
    return WebhookVerifier(
        [s for s in secrets if s.get_secret_value()], allow_unsigned=allow_unsigned
    )


def _hmac(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


_Check = Callable[[WebhookVerifier, str, bytes], tuple[Scheme, str]]
#: Signature headers, strongest first, and the method that checks each.
_SCHEMES: tuple[tuple[str, _Check], ...] = (
    ("x-tagstrip-signature", WebhookVerifier._check_tagstrip),
    ("x-hub-signature-256", WebhookVerifier._check_hub),
    ("x-hub-signature", WebhookVerifier._check_hub),
)
_NOT_CONFIGURED = (
    f"webhook signing is not configured: set {SECRET_VARIABLE} to the shared secret "
    "(comma-separate several while rotating), or set "
    f"{ALLOW_UNSIGNED_VARIABLE}=true to accept unsigned requests (local use only)"
)
_MALFORMED_TAGSTRIP = "X-Tagstrip-Signature must look like t=<unix seconds>,v1=<64 hex digits>"
_MALFORMED_HUB = "X-Hub-Signature(-256) must look like sha256=<64 hex digits>"
_STALE = f"the signature timestamp is {{age}}s old; more than {TOLERANCE_SECONDS}s is refused"
_FUTURE = "the signature timestamp is {ahead}s in the future; check the sender's clock"
