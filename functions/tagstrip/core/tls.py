"""The TLS trust store of the provider calls, loaded once per process, off the critical path.

Loading a CA bundle is about 30 ms of OpenSSL parsing on a small function instance: more
than any other single step of a cold start. OpenSSL releases the GIL while it parses, so
`preload()` (called when the entry-point module loads) does it on a background thread,
where it overlaps the imports of the first request; `ssl_context()` waits for it, or
loads it in the calling thread if nothing preloaded it.

The trust store is httpx's: ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` when set, else certifi.
"""

from __future__ import annotations

import os
import ssl
import threading

__all__ = ["TrustStore", "preload", "ssl_context"]


class TrustStore:
    """One context, created by whichever thread asks first; the others wait for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._context: ssl.SSLContext | None = None

    def get(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = _load()
            return self._context

    def preload(self) -> None:
        if self._context is None:
            threading.Thread(target=self._load_quietly, name="tagstrip-tls", daemon=True).start()

    def _load_quietly(self) -> None:
        """A failure here is raised again, with its cause, by the call that needs the context."""
        try:
            self.get()
        except Exception:  # ssl_context() loads again and raises it
            return


def _load() -> ssl.SSLContext:
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


_STORE = TrustStore()


def preload() -> None:
    """Start loading the trust store on a background thread (idempotent in effect)."""
    _STORE.preload()


def ssl_context() -> ssl.SSLContext:
    """The process's client TLS context: verified, hostname-checked, loaded once."""
    return _STORE.get()
