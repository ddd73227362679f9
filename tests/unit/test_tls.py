"""The trust store of provider calls: verified, loaded once, preloaded off the request path."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import certifi
import pytest

from tagstrip.core import tls


def test_the_context_verifies_certificates_and_host_names() -> None:
    context = tls.TrustStore().get()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs()  # certifi's bundle is loaded


def test_one_context_per_store_whoever_asks_first() -> None:
    store = tls.TrustStore()
    store.preload()
    contexts: list[ssl.SSLContext] = []
    threads = [threading.Thread(target=lambda: contexts.append(store.get())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(context) for context in [*contexts, store.get()]}) == 1


def test_ssl_cert_file_replaces_certifi_as_httpx_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = Path(certifi.where()).read_text().split("-----END CERTIFICATE-----")[0]
    single = tmp_path / "one.pem"
    single.write_text(bundle + "-----END CERTIFICATE-----\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(single))
    assert len(tls.TrustStore().get().get_ca_certs()) == 1


def test_a_failed_preload_is_raised_by_the_call_that_needs_the_context(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    store = tls.TrustStore()
    store.preload()
    with pytest.raises(FileNotFoundError):
        store.get()
