"""The TLS trust store of the provider calls, loaded once per process by the first call.

It loads in the thread that needs it, never on a thread of its own: gunicorn forks its
workers from a master that imported functions/main.py, and a load in progress at that fork
would leave the worker's copy of the lock held, and every call that needs TLS waiting forever.
The lock is a `ForkSafeLock` for the same reason.

The trust store is httpx's: ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` when set, else certifi.
"""

from __future__ import annotations

import os
import ssl

from tagstrip.runtime.forksafe import ForkSafeLock

__all__ = ["TrustStore", "ssl_context"]

#: Serializes loads, so that threads asking together wait for one load instead of each
#: parsing the bundle.
_LOADING = ForkSafeLock()


class TrustStore:
    """One context, created by whichever thread asks first; the others wait for it."""

    def __init__(self) -> None:
        self._context: ssl.SSLContext | None = None

    def get(self) -> ssl.SSLContext:
        if self._context is None:
            with _LOADING:
                if self._context is None:
                    self._context = _load()
        return self._context


def _load() -> ssl.SSLContext:
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


_STORE = TrustStore()


def ssl_context() -> ssl.SSLContext:
    """The process's client TLS context: verified, hostname-checked, loaded once."""
    return _STORE.get()
