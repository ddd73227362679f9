"""Shared plumbing of the benchmarks: figures as ratios, alternating runs, servers to measure.

Every figure is the ratio of two series measured in the same run, alternating their order
round by round, and quoted as the ratio of their medians, so a noisy machine slows both
sides alike. Each script prints its table and, with ``--json PATH``, writes its figures;
``--smoke`` runs a few iterations only (tests/bench checks the output structure with it).
All traffic goes to 127.0.0.1, bounded in count and time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
FUNCTIONS = ROOT / "functions"
BOOTSTRAP = FUNCTIONS / "bootstrap"
APPS = BENCH / "apps"
MAIN = FUNCTIONS / "main.py"
SECRET = "bench-webhook-secret"
HOST = "127.0.0.1"

#: The canonical event every benchmark that removes tags sends (one ECS instance, one tag).
ECS_REGION = "cn-shenzhen"


def ecs_event(resource_ids: Sequence[str], **extra: Any) -> dict[str, Any]:
    return {
        "provider": "aliyun-ecs",
        "region": ECS_REGION,
        "resource_type": "instance",
        "resource_ids": list(resource_ids),
        "tags": [{"key": "env", "value": "bench"}],
        **extra,
    }


def ecs_seed(resource_ids: Sequence[str]) -> dict[str, Any]:
    resources = [
        {"region": ECS_REGION, "id": rid, "tags": {"env": "bench", "keep": "yes"}}
        for rid in resource_ids
    ]
    return {"aliyun-ecs": {"resources": resources}}


# --- figures ------------------------------------------------------------------------------


@dataclass
class Series:
    """One side of a figure: what was measured, its samples and their median."""

    label: str
    unit: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "unit": self.unit, "median": self.median, **asdict(self)}


@dataclass
class Figure:
    """``numerator.median / denominator.median`` against a target such as ``<= 1.3``."""

    name: str
    title: str
    numerator: Series
    denominator: Series
    op: str  # "<=", ">=" or "==", or "" for a figure reported without a target
    target: float | None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.numerator.median / self.denominator.median

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        # Compared at the precision the table prints: 1.0 is "equal" for call counts.
        ratio = round(self.ratio, 3)
        if self.op == "==":
            return ratio == self.target
        return ratio <= self.target if self.op == "<=" else ratio >= self.target

    @property
    def target_text(self) -> str:
        return "report" if self.target is None else f"{self.op} {self.target:g}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "ratio": self.ratio,
            "target": self.target_text,
            "ok": self.ok,
            "numerator": self.numerator.to_dict(),
            "denominator": self.denominator.to_dict(),
            "notes": self.notes,
        }


def alternate(subjects: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each subject once per round, reversing the order every other round."""
    names = list(subjects)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            samples[name].append(subjects[name]())
    return samples


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "req/s":
        return f"{value:.0f} req/s"
    return f"{value:g} {unit}".strip()


def table(figures: Sequence[Figure]) -> str:
    rows = [("figure", "measured", "baseline", "ratio", "target", "")]
    for f in figures:
        rows.append(
            (
                f.title,
                f"{f.numerator.label}: {fmt(f.numerator.median, f.numerator.unit)}",
                f"{f.denominator.label}: {fmt(f.denominator.median, f.denominator.unit)}",
                f"{f.ratio:.2f}",
                f.target_text,
                {True: "ok", False: "MISSED", None: ""}[f.ok],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def parser(description: str) -> argparse.ArgumentParser:
    """The scripts' common options; also makes SIGTERM unwind like Ctrl-C, so the servers a
    script started are stopped on the way out."""
    unwind_on_sigterm()
    args = argparse.ArgumentParser(description=description)
    args.add_argument("--smoke", action="store_true", help="a few iterations: structure only")
    args.add_argument("--json", type=Path, help="write the figures here as JSON")
    return args


def unwind_on_sigterm() -> None:
    """SIGTERM raises KeyboardInterrupt, so context managers stop what they started."""

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)


def report(script: str, figures: Sequence[Figure], path: Path | None) -> dict[str, Any]:
    """Print the table; write ``{"script", "figures": [...]}`` to `path` when given."""
    print(table(figures), flush=True)
    data = {"script": script, "figures": [f.to_dict() for f in figures]}
    if path is not None:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return data


# --- processes ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def bench_python() -> str:
    """The interpreter the servers run on: this one (the venv holding tagstrip[bench])."""
    return sys.executable


def stop(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """End a process we started (and its process group: gunicorn's workers)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)


class FakeCloudProcess:
    """``tagstrip fake-cloud`` in its own process, driven over its control endpoints."""

    def __init__(self) -> None:
        command = [bench_python(), "-c", "from tagstrip.cli import main; main()", "fake-cloud"]
        self.process = subprocess.Popen(
            [*command, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # werkzeug's access log
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        if "listening on" not in first:
            stop(self.process)
            raise RuntimeError(f"the fake cloud did not start: {first!r}")
        self.url = first.split("listening on ")[1].split()[0]
        self.env: dict[str, str] = {}
        for line in iter(self.process.stdout.readline, ""):
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").strip().partition("=")
                self.env[name] = value
            if line.startswith("control:"):
                break

    def __enter__(self) -> FakeCloudProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.process)

    def _control(self, command: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_fakecloud/{command}",
            data=data,
            method="GET" if body is None and command in ("state", "journal", "faults") else "POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def seed(self, seed: Mapping[str, Any]) -> None:
        self._control("seed", seed)

    def fault(self, fault: Mapping[str, Any]) -> None:
        self._control("faults", fault)

    def reset(self) -> None:
        self._control("reset", {})

    def journal(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._control("journal")
        return entries


def server_env(cloud: FakeCloudProcess | None, **extra: str) -> dict[str, str]:
    """The environment a served function runs with: the fake cloud's, the webhook secret, and
    no trust store of this machine's (``SSL_CERT_FILE``/``SSL_CERT_DIR``), as on the
    platforms: each subject loads the roots it ships with."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        env.pop(name, None)
    env.update(cloud.env if cloud else {})
    env.update(
        {
            "TAGSTRIP_WEBHOOK_SECRET": SECRET,
            "PYTHON": bench_python(),
            "HOST": HOST,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra)
    return env


def spawn_function(
    source: Path, target: str, port: int, env: Mapping[str, str], bootstrap: Path = BOOTSTRAP
) -> Any:
    """One function served the production way: functions/bootstrap (gunicorn, gthread)."""
    env = {
        **env,
        "PORT": str(port),
        "FUNCTION_SOURCE": str(source),
        "FUNCTION_TARGET": target,
        "FUNCTION_SIGNATURE_TYPE": "http",
    }
    return subprocess.Popen(
        [str(bootstrap)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def post(
    port: int, body: bytes, headers: Mapping[str, str], *, timeout: float = 30.0
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", "/", body=body, headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_answered(
    port: int, body: bytes, headers: Callable[[], Mapping[str, str]], *, timeout: float = 60.0
) -> tuple[int, bytes]:
    """POST until the server answers (connection refused until it listens)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return post(port, body, headers())
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.002)


def signed_headers(body: bytes) -> dict[str, str]:
    """X-Tagstrip-Signature for `body` now (each delivery distinct by its timestamp)."""
    from tagstrip.sources.webhook_auth import sign

    return {"Content-Type": "application/json", "X-Tagstrip-Signature": sign(SECRET, body, now())}


def hub_headers(body: bytes) -> dict[str, str]:
    """X-Hub-Signature-256 for `body`: valid for any number of sends (no replay window)."""
    import hashlib
    import hmac

    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


def now() -> int:
    return int(time.time())


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the children of its master process."""
    children: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        with contextlib.suppress(OSError):
            children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the peak resident set size of `pid` so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


@contextlib.contextmanager
def served(source: Path, target: str, env: Mapping[str, str]) -> Iterator[tuple[int, Any]]:
    """A function served by functions/bootstrap, answering on the yielded port."""
    port = free_port()
    process = spawn_function(source, target, port, env)
    try:
        yield port, process
    finally:
        stop(process)
