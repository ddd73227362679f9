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
The function zip carries bytecode when the build interpreter is the platform's CPython (the
default 3.11 here): without it every cold start compiles every module, about 0.6 s on this
machine. The .pyc files are checked-hash, so builds stay byte-identical and an edited source
is still noticed.
By default they are resolved for the platforms' Linux x86_64 CPython 3.11; `--native` resolves
them for the running interpreter instead (tests on this machine).
"""

from __future__ import annotations

import argparse
import compileall
import py_compile
import shutil
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


def compile_bytecode(tree: Path, python: str) -> bool:
    """Compile `tree` for the platform when this interpreter is the platform's version."""
    if python != f"{sys.version_info.major}.{sys.version_info.minor}":
        return False
    mode = py_compile.PycInvalidationMode.CHECKED_HASH
    compileall.compile_dir(tree, quiet=2, invalidation_mode=mode)  # a vendored py2 file: skip
    return True


def source_files() -> Iterator[tuple[Path, str]]:
    """(file, name in the artifact) for every file of functions/ that ships."""
    for path in sorted(FUNCTIONS.rglob("*")):
        relative = path.relative_to(FUNCTIONS)
        if path.is_file() and _shipped(relative) and ".egg-info" not in str(relative):
            yield path, relative.as_posix()


def _tree_files(base: Path, *, bytecode: bool = False) -> Iterator[tuple[Path, str]]:
    """Files under `base`; its __pycache__ only when `bytecode` (a tree we compiled)."""
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if path.is_file() and (_shipped(relative) or (bytecode and path.suffix == ".pyc")):
            yield path, relative.as_posix()


def write_zip(destination: Path, files: list[tuple[Path, str]]) -> None:
    """A deterministic zip; bootstrap keeps its executable bit (FunctionGraph runs it)."""
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in sorted(files, key=lambda item: item[1]):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            mode = 0o755 if name in _EXECUTABLES else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def build_container_context(context: Path, requirements: list[str]) -> None:
    """dist/container: the repo-root Dockerfile, requirements.txt and app/ (functions/)."""
    shutil.rmtree(context, ignore_errors=True)
    (context / "app").mkdir(parents=True)
    shutil.copy2(ROOT / "Dockerfile", context / "Dockerfile")
    (context / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
    for path, name in source_files():
        target = context / "app" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def build(dist: Path, *, native: bool, python: str) -> Path:
    """Build every artifact into dist and return the function zip's path."""
    requirements = runtime_requirements()
    site = dist / "site"
    shutil.rmtree(site, ignore_errors=True)
    pip_install(site, requirements, native=native, python=python)
    for path, name in source_files():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, site / name)
    local = f"{sys.version_info.major}.{sys.version_info.minor}"
    bytecode = compile_bytecode(site, local if native else python)
    zip_path = dist / ZIP_NAME
    write_zip(zip_path, list(_tree_files(site, bytecode=bytecode)))
    shutil.rmtree(site)
    build_container_context(dist / "container", requirements)
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
    args.dist.mkdir(parents=True, exist_ok=True)
    zip_path = build(args.dist, native=args.native, python=args.python)
    print(f"{zip_path} ({zip_path.stat().st_size // 1024} KiB) and {args.dist / 'container'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
