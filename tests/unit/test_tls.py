"""The trust store of provider calls: verified, loaded once, by the call that needs it."""

from __future__ import annotations

import os
import ssl
import threading
from pathlib import Path

import certifi
import pytest

from tagstrip.runtime import tls
from tests.unit.test_forksafe import fork_while_held


def test_the_context_verifies_certificates_and_host_names() -> None:
    context = tls.TrustStore().get()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs()  # certifi's bundle is loaded


def test_one_context_per_store_whoever_asks_first() -> None:
    store = tls.TrustStore()
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


def test_a_failed_load_is_raised_by_the_call_and_tried_again_by_the_next(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    store = tls.TrustStore()
    with pytest.raises(FileNotFoundError):
        store.get()
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert store.get().get_ca_certs()


def test_a_worker_forked_during_a_load_loads_its_own(tmp_path: Path) -> None:
    """gunicorn forks its worker whenever the master is ready: a load in progress on another
    thread of the master must not leave the worker waiting for it."""
    bundle = tmp_path / "bundle.pem"
    os.mkfifo(bundle)  # opening it blocks until a writer comes: the load stays in progress
    setup = f"""
        import threading, time
        from tagstrip.runtime import tls

        threading.Thread(target=tls.ssl_context, daemon=True).start()
        while True:  # until the load has the bundle open
            try:
                writer = os.open({str(bundle)!r}, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                time.sleep(0.01)
    """
    child = f"""
        os.environ["SSL_CERT_FILE"] = {certifi.where()!r}
        assert tls.ssl_context().get_ca_certs()
    """
    assert fork_while_held(setup, child, SSL_CERT_FILE=str(bundle)) == "exit 0"
