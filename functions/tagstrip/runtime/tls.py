"""The TLS trust store of the provider calls, loaded once per process by the first call.

It loads in the thread that needs it, never on a thread of its own: gunicorn forks its
workers from a master that imported functions/main.py, and a load in progress at that fork
would leave the worker's copy of the lock held, and every call that needs TLS waiting forever.
The lock is a `ForkSafeLock` for the same reason.

The trust store is httpx's: ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` when set, else certifi's
roots. The function zip and the image carry those roots as a hashed directory beside this
module (`scripts/package.py` writes it: one file per certificate, named by subject hash), so
that OpenSSL reads only the root a handshake needs, when it needs it, where certifi's bundle
is parsed whole when the context is made; without the directory (a source checkout, Cloud
Run's own build) the bundle is loaded.
"""

from __future__ import annotations

import os
import ssl

from tagstrip.runtime.forksafe import ForkSafeLock

__all__ = ["BUNDLED_CA_DIRECTORY", "TrustStore", "ssl_context"]

#: certifi's roots as a hashed directory, where `scripts/package.py` puts them.
BUNDLED_CA_DIRECTORY = os.path.join(os.path.dirname(__file__), "cacerts")

#: Serializes loads, so that threads asking together wait for one load instead of each
#: parsing the bundle.
_LOADING = ForkSafeLock()


class TrustStore:
    """One context, created by whichever thread asks first; the others wait for it."""

    def __init__(self, bundled: str = BUNDLED_CA_DIRECTORY) -> None:
        self._bundled = bundled
        self._context: ssl.SSLContext | None = None

    def get(self) -> ssl.SSLContext:
        if self._context is None:
            with _LOADING:
                if self._context is None:
                    self._context = _load(self._bundled)
        return self._context


def _load(bundled: str) -> ssl.SSLContext:
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    if os.path.isdir(bundled):
        return ssl.create_default_context(capath=bundled)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


_STORE = TrustStore()


def ssl_context() -> ssl.SSLContext:
    """The process's client TLS context: verified, hostname-checked, loaded once."""
    return _STORE.get()
