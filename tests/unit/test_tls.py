"""The trust store of provider calls: verified, loaded once, by the call that needs it."""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import certifi
import httpx
import pytest
from pytest_httpserver import HTTPServer

from scripts.package import write_ca_directory
from tagstrip.runtime import tls
from tagstrip.runtime.calls import PROXY_VARIABLES, send, shared_transport
from tests.conftest import CERTS
from tests.unit.test_forksafe import fork_while_held

#: A test CA whose subject needs OpenSSL's canonical form to hash right (mixed case, runs of
#: spaces, leading and trailing blanks, PrintableString and UTF8String), and a certificate it
#: issued to 127.0.0.1, made once with the openssl CLI and valid for a century.
CERTIFI_ROOTS = Path(certifi.where()).read_text().count("-----BEGIN CERTIFICATE-----")


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


@pytest.fixture
def https_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HTTPServer]:
    """A real HTTPS server presenting the test CA's certificate, reached with no trust store
    of the machine's in the environment (none is set on the platforms)."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERTS / "server.pem", CERTS / "server.key")
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request("/").respond_with_data("trusted")
    server.start()
    yield server
    server.clear()
    server.stop()


def _handshake(server: HTTPServer, store: tls.TrustStore) -> str:
    return httpx.get(server.url_for("/"), verify=store.get()).text


def _packaged(tmp_path: Path, *extra: Path) -> Path:
    """The hashed directory `make package` writes, from certifi's bundle and `extra` roots."""
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("".join(path.read_text() for path in [Path(certifi.where()), *extra]))
    directory = tmp_path / "cacerts"
    assert write_ca_directory(bundle, directory) == CERTIFI_ROOTS + len(extra)
    assert len(list(directory.iterdir())) == CERTIFI_ROOTS + len(extra)
    return directory


def test_the_packaged_directory_is_the_trust_store_and_finds_roots_by_subject_hash(
    tmp_path: Path, https_server: HTTPServer
) -> None:
    """OpenSSL looks a root up by the hash of the issuer's name: the handshake succeeds only
    if the test CA's file is named as OpenSSL hashes that name."""
    store = tls.TrustStore(str(_packaged(tmp_path, CERTS / "ca.pem")))
    assert _handshake(https_server, store) == "trusted"


def test_a_root_missing_from_the_packaged_directory_is_not_trusted(
    tmp_path: Path, https_server: HTTPServer
) -> None:
    store = tls.TrustStore(str(_packaged(tmp_path)))
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        _handshake(https_server, store)


def test_ssl_cert_file_wins_over_the_packaged_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, https_server: HTTPServer
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    store = tls.TrustStore(str(_packaged(tmp_path, CERTS / "ca.pem")))
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        _handshake(https_server, store)


@pytest.fixture
def fresh_transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's pools and trust store made anew, with no proxy in the environment."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setattr(tls, "_STORE", tls.TrustStore())
    shared_transport.cache_clear()
    yield
    shared_transport().close()
    shared_transport.cache_clear()


@pytest.mark.usefixtures("fresh_transport")
def test_plain_http_calls_never_load_the_trust_store(
    monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A trust store that cannot load: only an HTTPS call may try, and then it says so."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    httpserver.expect_request("/plain").respond_with_data("plain")
    plain = httpx.Request("GET", httpserver.url_for("/plain"))
    assert send(shared_transport(), plain, httpx.Auth()).text == "plain"
    with pytest.raises(FileNotFoundError):
        send(shared_transport(), httpx.Request("GET", "https://127.0.0.1:9/"), httpx.Auth())


@pytest.mark.usefixtures("fresh_transport")
def test_provider_calls_over_https_are_verified_with_the_trust_store(
    monkeypatch: pytest.MonkeyPatch, https_server: HTTPServer
) -> None:
    request = httpx.Request("GET", https_server.url_for("/"))
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        send(shared_transport(), request, httpx.Auth())  # certifi's roots: not the test CA
    shared_transport().close()
    shared_transport.cache_clear()
    monkeypatch.setattr(tls, "_STORE", tls.TrustStore())
    monkeypatch.setenv("SSL_CERT_FILE", str(CERTS / "ca.pem"))
    assert send(shared_transport(), request, httpx.Auth()).text == "trusted"
