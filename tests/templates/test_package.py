"""`make package` output: built once per session (scripts/package.py --native, same code path
as `make package`), then imported and served from a clean virtualenv with only the zip's
contents on the path. A zip for another platform version (FunctionGraph's 3.12) carries that
version's bytecode; a version with no interpreter to compile it stops the build.

The serving check runs the packaged bootstrap under gunicorn. While functions/main.py does
not exist yet it serves a probe function from outside the package (FUNCTION_SOURCE), which
still proves the vendored functions-framework and gunicorn start from the zip alone; once
main.py is in the package it serves remove_tags_http and asks GET /healthz instead.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.package import CA_DIRECTORY, write_ca_directory
from tagstrip.entrypoints import ENTRY_POINTS
from tagstrip.sources.webhook_auth import sign
from tagstrip_testkit.fakecloud import FakeCloud
from tests.conftest import CERTS
from tests.templates.helpers import FUNCTIONS, ROOT
from tests.templates.packaging import ZIP_NAME, assert_bytecode_for, build_zip, run_package

_VENDORED = ("functions_framework", "gunicorn", "flask", "pydantic", "pydantic_core", "httpx")
# The test kit and the fake extra's server: what a deployment must not carry.
_TEST_TOOLS = ("tagstrip_testkit", "fakecloud", "harness", "pytest_httpserver")


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build_zip(out, "--native")
    return out


@pytest.fixture(scope="module")
def zip_312(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip `make package PACKAGE_PYTHON=3.12` builds, here by the 3.11 test interpreter."""
    return build_zip(tmp_path_factory.mktemp("dist312"), "--python", "3.12")


@pytest.fixture(scope="session")
def unpacked(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip extracted as a platform would, keeping the executable bits."""
    target = tmp_path_factory.mktemp("code")
    with zipfile.ZipFile(dist / ZIP_NAME) as archive:
        for info in archive.infolist():
            archive.extract(info, target)
            mode = info.external_attr >> 16
            if mode:
                (target / info.filename).chmod(stat.S_IMODE(mode))
    return target


@pytest.fixture(scope="session")
def clean_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with nothing installed: only the standard library."""
    venv = tmp_path_factory.mktemp("clean-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / "bin" / "python"


def _in_clean_python(
    clean_python: Path, script: str, unpacked: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """`script` run with only the unpacked zip on the path (-I: no PYTHONPATH, no user site),
    the zip's folder as its first argument."""
    return subprocess.run(
        [str(clean_python), "-I", "-c", script, str(unpacked), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _names(zip_path: Path) -> set[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return set(archive.namelist())


def _shipped_sources() -> set[str]:
    return {
        path.relative_to(FUNCTIONS).as_posix()
        for path in (FUNCTIONS / "tagstrip").rglob("*.py")
        if "__pycache__" not in path.parts
    }


def test_zip_holds_the_functions_and_vendored_dependencies(dist: Path) -> None:
    names = _names(dist / ZIP_NAME)
    assert _shipped_sources() <= names
    assert "bootstrap" in names
    assert ("main.py" in names) == (FUNCTIONS / "main.py").exists()
    for package in _VENDORED:
        assert f"{package}/__init__.py" in names, package
    assert not [name for name in names if ".egg-info" in name or name.startswith("bin/")]


def test_native_zip_carries_bytecode_for_this_interpreter(dist: Path) -> None:
    assert_bytecode_for(dist / ZIP_NAME, f"{sys.version_info.major}.{sys.version_info.minor}")


def test_zip_for_another_version_carries_that_versions_bytecode(zip_312: Path) -> None:
    assert_bytecode_for(zip_312, "3.12")


@pytest.mark.parametrize(
    ("version", "environment", "message"),
    [
        (
            "3.99",
            {"PACKAGE_PYTHON_BIN": ""},
            "no CPython 3.99 found (build interpreter, python3.99 on PATH, pyenv, uv) to compile "
            "the zip's bytecode: pyenv install 3.99, or set PACKAGE_PYTHON_BIN=/path/to/python3.99",
        ),
        (
            "3.12",
            {"PACKAGE_PYTHON_BIN": sys.executable},
            f"PACKAGE_PYTHON_BIN={sys.executable} is CPython "
            f"{sys.version_info.major}.{sys.version_info.minor}, not 3.12",
        ),
    ],
    ids=["no-interpreter", "wrong-override"],
)
def test_a_version_without_its_interpreter_stops_the_build(
    version: str, environment: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = run_package(tmp_path / "dist", "--python", version, environment=environment)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"package.py: {message}\n"
    assert not (tmp_path / "dist").exists()


def test_bootstrap_is_executable_in_the_zip(dist: Path) -> None:
    with zipfile.ZipFile(dist / ZIP_NAME) as archive:
        mode = archive.getinfo("bootstrap").external_attr >> 16
    assert mode & 0o111


def test_source_zip_for_cloud_run_functions(dist: Path) -> None:
    names = _names(dist / "tagstrip-source.zip")
    assert _shipped_sources() <= names
    assert "requirements.txt" in names
    assert "functions_framework/__init__.py" not in names  # Cloud Build installs them
    with zipfile.ZipFile(dist / "tagstrip-source.zip") as archive:
        requirements = archive.read("requirements.txt").decode().split()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert requirements == [dependency.replace(" ", "") for dependency in project["dependencies"]]


def test_container_context(dist: Path) -> None:
    context = dist / "container"
    dockerfile = (context / "Dockerfile").read_text()
    assert dockerfile == (ROOT / "Dockerfile").read_text()
    assert (context / "requirements.txt").is_file()
    assert os.access(context / "app" / "bootstrap", os.X_OK)
    assert (context / "app" / "tagstrip" / "entrypoints.py").is_file()


def test_zip_and_image_trust_certifis_roots_from_a_hashed_directory(
    dist: Path, unpacked: Path, clean_python: Path
) -> None:
    """Every root of the vendored certifi, one file each, named as OpenSSL's lookup wants;
    the unpacked zip's trust store loads that directory (tests/unit/test_tls.py shakes
    hands through one)."""
    roots = (unpacked / "certifi" / "cacert.pem").read_text().count("BEGIN CERTIFICATE")
    for directory in (unpacked / CA_DIRECTORY, dist / "container" / "app" / CA_DIRECTORY):
        names = sorted(path.name for path in directory.iterdir())
        assert len(names) == roots
        assert all(re.fullmatch(r"[0-9a-f]{8}\.\d", name) for name in names), names
    script = (
        "import sys, os; sys.path.insert(0, sys.argv[1]); os.environ.pop('SSL_CERT_FILE', 0); "
        "os.environ.pop('SSL_CERT_DIR', 0); from tagstrip.runtime import tls; "
        "print(tls.BUNDLED_CA_DIRECTORY, len(tls.ssl_context().get_ca_certs()))"
    )
    result = _in_clean_python(clean_python, script, unpacked)
    assert result.returncode == 0, result.stderr
    # A directory loads no root until a handshake needs it; a bundle would list them all.
    assert result.stdout.split() == [str(unpacked / CA_DIRECTORY), "0"]


def _test_tools(names: set[str]) -> list[str]:
    """The names with a test tool's package or module anywhere in their path."""
    return sorted(
        name
        for name in names
        if {part.split(".")[0] for part in Path(name).parts} & set(_TEST_TOOLS)
    )


def test_no_artifact_carries_the_test_tools(dist: Path) -> None:
    context = dist / "container"
    in_context = {path.relative_to(context).as_posix() for path in context.rglob("*")}
    assert _test_tools(in_context) == []
    for artifact in ("tagstrip-functions.zip", "tagstrip-source.zip"):
        assert _test_tools(_names(dist / artifact)) == [], artifact


def test_every_shipped_module_imports_without_the_test_tools(
    unpacked: Path, clean_python: Path
) -> None:
    script = (
        "import sys, importlib, pkgutil; sys.path.insert(0, sys.argv[1]); import tagstrip; "
        "names = [m.name for m in pkgutil.walk_packages(tagstrip.__path__, 'tagstrip.')]; "
        "[importlib.import_module(name) for name in names]; print(len(names))"
    )
    result = _in_clean_python(clean_python, script, unpacked)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


@pytest.mark.parametrize(
    "command",
    [
        ["demo"],
        ["replay"],
        ["serve"],
        ["fake-cloud"],
        ["invoke", str(ROOT / "events" / "canonical" / "aliyun-ecs-snapshot.json")],
    ],
)
def test_local_run_commands_name_the_missing_test_kit(
    command: list[str], unpacked: Path, clean_python: Path
) -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); "
        "from tagstrip.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    result = _in_clean_python(clean_python, script, unpacked, *command)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"tagstrip {command[0]} needs the test kit: pip install 'tagstrip[fake]'\n"
    )


def test_zip_imports_from_a_clean_virtualenv(unpacked: Path, clean_python: Path) -> None:
    # The venv has no packages: only the zip is on the path.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import tagstrip.entrypoints, functions_framework, gunicorn, pydantic_core, httpx; "
        "print(tagstrip.entrypoints.__file__)"
    )
    result = _in_clean_python(clean_python, script, unpacked)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(unpacked)


def _top_level_names(path: Path) -> set[str]:
    """Names main.py defines at module level, by def or by assignment."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


# functions-framework decorators and the signature type each registers.
_DECORATORS = {"http": "http", "cloud_event": "cloudevent"}


def _decorated_types(path: Path) -> dict[str, str]:
    """Entry point -> signature type its functions_framework decorator registers ("plain":
    none, a function the runtime calls directly)."""
    types: dict[str, str] = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name in ENTRY_POINTS:
            decorators = [
                _DECORATORS[item.attr]
                for item in node.decorator_list
                if isinstance(item, ast.Attribute) and item.attr in _DECORATORS
            ]
            types[node.name] = decorators[0] if decorators else "plain"
    return types


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str, deadline: float) -> tuple[int, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def _bootstrap(code: Path, clean_python: Path, home: Path, env: Mapping[str, str]) -> Iterator[str]:
    """`code`'s bootstrap started as a platform starts it, from the clean virtualenv and with
    nothing of this environment but `env`; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [str(code / "bootstrap")],
        env={
            "PATH": f"{clean_python.parent}:/usr/bin:/bin",
            "HOME": str(home),
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "FUNCTION_SIGNATURE_TYPE": "http",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


@pytest.fixture
def served(unpacked: Path, clean_python: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Start the packaged bootstrap; yield (base URL, path to ask)."""
    if (unpacked / "main.py").exists():
        env, path = {"FUNCTION_TARGET": "remove_tags_http"}, "/healthz"
    else:
        probe = tmp_path / "probe.py"
        probe.write_text('def probe(request):\n    return "probe ok"\n')
        env, path = {"FUNCTION_TARGET": "probe", "FUNCTION_SOURCE": str(probe)}, "/"
    with _bootstrap(unpacked, clean_python, tmp_path, env) as base:
        yield base, path


def test_packaged_bootstrap_serves_from_a_clean_virtualenv(
    served: tuple[str, str], unpacked: Path
) -> None:
    base, path = served
    status, body = _get(base + path, deadline=time.monotonic() + 30)
    assert status == 200, body
    if path == "/":
        assert body == "probe ok"
    else:
        assert set(ENTRY_POINTS) <= _top_level_names(unpacked / "main.py")
        assert _decorated_types(unpacked / "main.py") == {
            name: spec.signature_type for name, spec in ENTRY_POINTS.items()
        }


def test_packaged_webhook_makes_a_real_call_from_a_clean_virtualenv(
    unpacked: Path, clean_python: Path, https_cloud_server: FakeCloud, tmp_path: Path
) -> None:
    """The zip as a platform runs it (bootstrap, gunicorn forking its worker, no SSL_CERT_*
    variables): a signed webhook reaches the fake cloud over HTTPS, trusted through the zip's
    bundled CA directory, to which the test CA is added as `make package` adds every root."""
    code = tmp_path / "code"
    shutil.copytree(unpacked, code, symlinks=True)
    roots = tmp_path / "roots.pem"
    roots.write_text(
        (unpacked / "certifi" / "cacert.pem").read_text() + (CERTS / "ca.pem").read_text()
    )
    write_ca_directory(roots, code / CA_DIRECTORY)
    fake_cloud = https_cloud_server
    fake_cloud.reset()
    fake_cloud.seed(
        {
            "aliyun-ecs": {
                "resources": [{"region": "cn-hangzhou", "id": "i-bp1zip", "tags": {"tmp": "x"}}]
            }
        }
    )
    env = {
        "FUNCTION_TARGET": "remove_tags_http",
        "TAGSTRIP_WEBHOOK_SECRET": "zip-secret",
        **fake_cloud.environment(),
    }
    with _bootstrap(code, clean_python, tmp_path, env) as base:
        assert _get(base + "/healthz", deadline=time.monotonic() + 30)[0] == 200
        body = json.dumps(
            {
                "provider": "aliyun-ecs",
                "region": "cn-hangzhou",
                "resource_type": "instance",
                "resource_ids": ["i-bp1zip"],
                "tags": [{"key": "tmp"}],
            }
        ).encode()
        signature = sign("zip-secret", body, int(time.time()))
        request = urllib.request.Request(
            base,
            data=body,
            headers={"Content-Type": "application/json", "X-Tagstrip-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["status"] == "ok"
        [entry] = fake_cloud.state()["aliyun-ecs"]["resources"]
        assert entry["tags"] == {}
    fake_cloud.reset()
