"""Every benchmark script runs in smoke mode (a few iterations) and writes well-formed figures.

Timing is never asserted here: `make bench` measures, this only keeps the scripts from rotting.
The scripts run side by side to stay fast; each talks to its own servers on 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
SCRIPTS = ("coldstart", "invoke", "per_event", "throughput", "fanout", "minimality", "memory")
FIGURES = {
    "coldstart": {
        "cold_start_real_vs_floor",
        "cold_start_real_vs_hello",
        "cold_start_real_floor_vs_hello",
        "cold_start_dry_vs_hello",
        "cold_start_dry_floor_vs_hello",
        "cold_start_dry_vs_floor",
        "cold_start_without_bytecode",
    },
    "invoke": {"invoke_vs_sdk"},
    "per_event": {"per_event_vs_bare_httpx"},
    "throughput": {"throughput_vs_hello", "throughput_stack_floor", "throughput_vs_floor"},
    "fanout": {"fanout_vs_waves"},
    "minimality": {"calls_vs_minimum"},
    "memory": {"memory_growth"},
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    scratch = tmp_path_factory.mktemp("bench")
    running = {}
    for script in SCRIPTS:
        command = [sys.executable, str(BENCH / f"{script}.py"), "--smoke"]
        command += ["--json", str(scratch / f"{script}.json")]
        log = (scratch / f"{script}.log").open("w")
        running[script] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), log)
    failed = []
    for script, (process, log) in running.items():
        code = process.wait(timeout=120)
        log.close()
        if code != 0:
            failed.append(f"{script}: exit {code}\n{(scratch / f'{script}.log').read_text()}")
    assert not failed, "\n".join(failed)
    return {s: json.loads((scratch / f"{s}.json").read_text()) for s in SCRIPTS}


def _run_module() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_writes_its_figures(outputs: dict[str, dict[str, Any]], script: str) -> None:
    data = outputs[script]
    assert data["script"] == script
    assert {figure["name"] for figure in data["figures"]} == FIGURES[script]
    for figure in data["figures"]:
        assert figure["ratio"] > 0
        assert figure["target"] == "report" or figure["target"].split()[0] in ("<=", ">=", "==")
        assert figure["ok"] in (True, False, None)
        for side in ("numerator", "denominator"):
            series = figure[side]
            assert series["samples"], f"{figure['name']}: no {side} samples"
            assert series["median"] > 0
            assert series["label"]
            assert series["unit"]


def test_run_reads_every_figure_back(outputs: dict[str, dict[str, Any]]) -> None:
    run = _run_module()
    figures = [run.figure_from(f) for data in outputs.values() for f in data["figures"]]
    rendered = run.table(figures)
    for data in outputs.values():
        for figure in data["figures"]:
            assert figure["title"] in rendered
    assert [f.to_dict()["ratio"] for f in figures] == [
        f["ratio"] for data in outputs.values() for f in data["figures"]
    ]


def test_minimality_smoke_meets_the_minimum(outputs: dict[str, dict[str, Any]]) -> None:
    """Not a timing: call counts are exact, so even the smoke run must be at the minimum."""
    [figure] = outputs["minimality"]["figures"]
    assert figure["notes"]["off_minimum"] == []
    assert figure["ok"] is True


def test_coldstart_real_first_events_remove_the_tag(outputs: dict[str, dict[str, Any]]) -> None:
    """Call counts, not timing: each real start (tagstrip, floor) made one RemoveTags."""
    figures = {figure["name"]: figure for figure in outputs["coldstart"]["figures"]}
    notes = figures["cold_start_real_vs_floor"]["notes"]
    assert notes["remove_tags_calls"] == 2 * notes["rounds"]


def test_invoke_and_the_sdk_script_each_remove_the_tag(
    outputs: dict[str, dict[str, Any]],
) -> None:
    """Call counts, not timing: each process, tagstrip invoke and the SDK script, made one
    real RemoveTags."""
    [figure] = outputs["invoke"]["figures"]
    assert figure["notes"]["remove_tags_calls"] == 2 * figure["notes"]["rounds"]


def test_results_land_outside_the_tracked_tree() -> None:
    """`make bench` must leave no tracked file modified: its results path is git-ignored."""
    results = _run_module().RESULTS.relative_to(ROOT)
    ignored = subprocess.run(["git", "check-ignore", "--quiet", str(results)], cwd=ROOT)
    assert ignored.returncode == 0, f"{results} is not ignored by git"


def test_memory_events_are_all_executed(outputs: dict[str, dict[str, Any]]) -> None:
    """Every event sent to the worker made its call: none was answered as a duplicate."""
    [figure] = outputs["memory"]["figures"]
    events = max(int(count) for count in figure["notes"]["peak_rss_mib_by_events"])
    assert figure["notes"]["calls_journaled"] == events
