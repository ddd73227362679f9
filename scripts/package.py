"""Build the deployable artifacts: the function zip and the container build context.

dist/tagstrip-functions.zip  runtime dependencies (pip install --target) + functions/ contents,
                             all at the zip root: what FC, FunctionGraph and CFC unpack into
                             their code directory and put on the path.
dist/tagstrip-source.zip     functions/ contents + requirements.txt, no vendored code: the source
                             Cloud Run functions builds itself (it installs requirements.txt).
dist/container/              Dockerfile, requirements.txt and app/ (functions/ contents): the
                             context for `docker build` (Knative, Cloud Run).

Dependencies are read from pyproject.toml, so a new runtime dependency ships without edits here.
Only functions/ and the [project] dependencies ship: the test kit (testkit/: fake cloud,
harness) and the extras' dependencies stay on the developer's machine.
By default they are resolved for the platforms' Linux x86_64 CPython 3.11; `--native` resolves
them for the running interpreter instead (tests on this machine).
The function zip always carries bytecode, compiled by the target version's own CPython (a .pyc
of another version is ignored, and every cold start then compiles every module):
PACKAGE_PYTHON_BIN when set, else the build interpreter, python3.X on PATH, pyenv's or uv's,
whichever first runs as that version. With none the build stops (exit 2) before writing.
The .pyc files are checked-hash, so builds stay byte-identical and an edited source is still
noticed.
The zip and the container context also carry tagstrip/runtime/cacerts/: certifi's roots as a
hashed directory (one file per certificate, named by OpenSSL's subject hash, as
`openssl rehash` names them), which tagstrip/runtime/tls.py loads instead of the bundle:
OpenSSL then reads only the root a handshake needs, instead of parsing every root when the
first call's context is made.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import ssl
import stat
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
ZIP_NAME = "tagstrip-functions.zip"
SOURCE_ZIP_NAME = "tagstrip-source.zip"
# Never shipped: build leftovers and caches.
_EXCLUDED_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache"}
_EXCLUDED_SUFFIXES = (".pyc", ".egg-info", ".dist-info-tmp")
# Zip entries carry a fixed date so two builds of the same tree are byte-identical.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_EXECUTABLES = {"bootstrap"}
#: Where tagstrip/runtime/tls.py looks for the hashed CA directory, relative to the zip root.
CA_DIRECTORY = "tagstrip/runtime/cacerts"


def runtime_requirements() -> list[str]:
    """The [project] dependencies of pyproject.toml: what the functions need at run time."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def pip_install(target: Path, requirements: list[str], *, native: bool, python: str) -> None:
    """Vendor the requirements into target, as wheels only (no compiler on the platforms)."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-compile", "--target", str(target), "--only-binary=:all:"]
    if not native:
        command += ["--platform", "manylinux2014_x86_64", "--implementation", "cp"]
        command += ["--python-version", python]
    subprocess.run([*command, *requirements], check=True)
    # Console scripts point at the build machine's interpreter: useless on the platform.
    shutil.rmtree(target / "bin", ignore_errors=True)


def _shipped(path: Path) -> bool:
    return not (_EXCLUDED_PARTS & set(path.parts) or path.name.endswith(_EXCLUDED_SUFFIXES))


class MissingInterpreter(Exception):
    """No CPython of the target version to compile the zip's bytecode with."""


_VERSION_PROBE = "import sys; print(sys.implementation.name, '%d.%d' % sys.version_info[:2])"


def _version_of(candidate: str) -> str | None:
    """The X.Y of the CPython at `candidate`; None when it does not run as one (a pyenv shim
    of a version that is not active exits 127)."""
    try:
        result = subprocess.run(
            [candidate, "-I", "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except OSError:
        return None
    implementation, _, version = result.stdout.strip().partition(" ")
    return version if result.returncode == 0 and implementation == "cpython" else None


def _release(path: Path) -> tuple[int, ...]:
    """The release of a pyenv interpreter, from its directory: 3.12.10 is newer than 3.12.9."""
    return tuple(int(number) for number in re.findall(r"\d+", path.parents[1].name))


def _candidates(version: str) -> Iterator[str]:
    """Where a CPython `version` may be, in the order they are tried; uv is asked last."""
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        yield sys.executable
    on_path = shutil.which(f"python{version}")
    if on_path:
        yield on_path
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    found = pyenv.glob(f"{version}.*/bin/python{version}")
    yield from (str(path) for path in sorted(found, key=_release, reverse=True))
    uv = shutil.which("uv")
    if uv:
        command = [uv, "python", "find", version]
        answer = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if answer.returncode == 0:
            yield answer.stdout.strip()


def interpreter_for(version: str, override: str | None = None) -> str:
    """The CPython `version` that compiles the bytecode: `override` (PACKAGE_PYTHON_BIN) when
    given, else the first candidate that runs as that version."""
    if override:
        found = _version_of(override)
        if found != version:
            what = f"CPython {found}" if found else "not a CPython that runs"
            raise MissingInterpreter(f"PACKAGE_PYTHON_BIN={override} is {what}, not {version}")
        return override
    for candidate in _candidates(version):
        if _version_of(candidate) == version:
            return candidate
    raise MissingInterpreter(
        f"no CPython {version} found (build interpreter, python{version} on PATH, pyenv, uv) to "
        f"compile the zip's bytecode: pyenv install {version}, or set "
        f"PACKAGE_PYTHON_BIN=/path/to/python{version}"
    )


def compile_bytecode(tree: Path, interpreter: str) -> None:
    """Compile every module of `tree` with the platform's CPython: its .pyc files are the only
    ones the platform reads. A module that does not compile for that version stops the build.
    File names are recorded relative to `tree` (-s), so the build directory leaves no trace."""
    command = [interpreter, "-I", "-m", "compileall", "-q", "-j0", "-s", str(tree)]
    subprocess.run([*command, "--invalidation-mode", "checked-hash", str(tree)], check=True)


def source_files() -> Iterator[tuple[Path, str]]:
    """(file, name in the artifact) for every file of functions/ that ships."""
    for path in sorted(FUNCTIONS.rglob("*")):
        relative = path.relative_to(FUNCTIONS)
        if path.is_file() and _shipped(relative) and ".egg-info" not in str(relative):
            yield path, relative.as_posix()


def _compiled_tree_files(base: Path) -> Iterator[tuple[Path, str]]:
    """Files under `base`, a tree compile_bytecode compiled: its .pyc files ship too."""
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if path.is_file() and (_shipped(relative) or path.suffix == ".pyc"):
            yield path, relative.as_posix()


def _element(der: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of content, end) of the DER element at `offset`."""
    tag, length, start = der[offset], der[offset + 1], offset + 2
    if length & 0x80:
        size = length & 0x7F
        length, start = int.from_bytes(der[start : start + size], "big"), start + size
    return tag, start, start + length


def _children(der: bytes, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(tag, offset, start of content, end) of each element between `start` and `end`."""
    offset = start
    while offset < end:
        tag, content, stop = _element(der, offset)
        yield tag, offset, content, stop
        offset = stop


def _encode(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


#: String types OpenSSL canonicalizes in names (ASN1_MASK_CANON), with how each decodes;
#: any other type is hashed as encoded.
_CANON_STRINGS = {
    0x0C: "utf-8",  # UTF8String
    0x13: "latin-1",  # PrintableString
    0x14: "latin-1",  # T61String, read as Latin-1 by OpenSSL
    0x16: "latin-1",  # IA5String
    0x1A: "latin-1",  # VisibleString
    0x1C: "utf-32-be",  # UniversalString
    0x1E: "utf-16-be",  # BMPString
}
_UTF8STRING = 0x0C
_SET, _SEQUENCE = 0x31, 0x30


def _canonical_value(der: bytes, offset: int) -> bytes:
    """An attribute value as OpenSSL's x509_name_canon writes it: strings as UTF8String,
    trimmed, inner whitespace runs made one space, ASCII lowercased."""
    tag, start, end = _element(der, offset)
    if tag not in _CANON_STRINGS:
        return der[offset:end]
    text = der[start:end].decode(_CANON_STRINGS[tag]).encode("utf-8")
    return _encode(_UTF8STRING, b" ".join(text.split()).lower())


def subject_hash(certificate: bytes) -> str:
    """OpenSSL's X509_NAME_hash of a DER certificate's subject (`openssl x509 -hash`): the
    first four bytes of the SHA-1 of the canonical encoding of its RDNs, little-endian."""
    _, start, end = _element(der := certificate, 0)
    _, start, end = _element(der, start)  # tbsCertificate
    fields = [(tag, offset) for tag, offset, _, _ in _children(der, start, end)]
    if fields[0][0] == 0xA0:  # [0] version, absent from v1 certificates
        fields = fields[1:]
    _, subject = fields[4]  # serial, signature, issuer, validity, subject
    _, start, end = _element(der, subject)
    canonical = b""
    for _, _, rdn_start, rdn_end in _children(der, start, end):
        attributes = []
        for _, _, attr_start, attr_end in _children(der, rdn_start, rdn_end):
            (_, oid, _, oid_end), (_, value, _, _) = _children(der, attr_start, attr_end)
            pair = der[oid:oid_end] + _canonical_value(der, value)
            attributes.append(_encode(_SEQUENCE, pair))
        canonical += _encode(_SET, b"".join(sorted(attributes)))  # DER orders a SET OF
    return f"{int.from_bytes(hashlib.sha1(canonical).digest()[:4], 'little'):08x}"


def write_ca_directory(bundle: Path, directory: Path) -> int:
    """Split the PEM `bundle` into `directory`, one certificate per file named
    ``<subject hash>.<n>`` as OpenSSL's capath lookup expects; returns how many."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    marker = "-----END CERTIFICATE-----"
    blocks = bundle.read_text(encoding="ascii").split(marker)[:-1]
    counts: dict[str, int] = {}
    for block in blocks:
        pem = block[block.index("-----BEGIN CERTIFICATE-----") :] + marker + "\n"
        name = subject_hash(ssl.PEM_cert_to_DER_cert(pem))
        counts[name] = counts.get(name, -1) + 1
        (directory / f"{name}.{counts[name]}").write_text(pem, encoding="ascii")
    return len(blocks)


def write_zip(destination: Path, files: list[tuple[Path, str]]) -> None:
    """A deterministic zip; bootstrap keeps its executable bit (FunctionGraph runs it)."""
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in sorted(files, key=lambda item: item[1]):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            mode = 0o755 if name in _EXECUTABLES else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def build_container_context(context: Path, requirements: list[str], ca_directory: Path) -> None:
    """dist/container: the repo-root Dockerfile, requirements.txt and app/ (functions/ and the
    hashed CA directory `ca_directory`)."""
    shutil.rmtree(context, ignore_errors=True)
    (context / "app").mkdir(parents=True)
    shutil.copy2(ROOT / "Dockerfile", context / "Dockerfile")
    (context / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
    for path, name in source_files():
        target = context / "app" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    shutil.copytree(ca_directory, context / "app" / CA_DIRECTORY)


def build(dist: Path, *, native: bool, python: str, interpreter: str) -> Path:
    """Build every artifact into dist and return the function zip's path; `interpreter` is the
    CPython `python` that compiles the zip's bytecode."""
    requirements = runtime_requirements()
    site = dist / "site"
    shutil.rmtree(site, ignore_errors=True)
    pip_install(site, requirements, native=native, python=python)
    for path, name in source_files():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, site / name)
    write_ca_directory(site / "certifi" / "cacert.pem", site / CA_DIRECTORY)
    compile_bytecode(site, interpreter)
    zip_path = dist / ZIP_NAME
    write_zip(zip_path, list(_compiled_tree_files(site)))
    build_container_context(dist / "container", requirements, site / CA_DIRECTORY)
    shutil.rmtree(site)
    requirements_txt = dist / "container" / "requirements.txt"
    write_zip(dist / SOURCE_ZIP_NAME, [*source_files(), (requirements_txt, "requirements.txt")])
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output directory")
    parser.add_argument("--python", default="3.11", help="target CPython version (X.Y)")
    parser.add_argument(
        "--native", action="store_true", help="resolve wheels for this interpreter and machine"
    )
    args = parser.parse_args(argv)
    local = f"{sys.version_info.major}.{sys.version_info.minor}"
    python = local if args.native else args.python
    try:
        interpreter = interpreter_for(python, os.environ.get("PACKAGE_PYTHON_BIN"))
    except MissingInterpreter as error:
        print(f"package.py: {error}", file=sys.stderr)
        return 2
    args.dist.mkdir(parents=True, exist_ok=True)
    zip_path = build(args.dist, native=args.native, python=python, interpreter=interpreter)
    print(f"{zip_path} ({zip_path.stat().st_size // 1024} KiB) and {args.dist / 'container'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
