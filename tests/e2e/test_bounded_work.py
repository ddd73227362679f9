"""Bounded work per delivery: every entry point refuses a delivery over its call or event cap
before any call, and a served worker stays small under concurrent worst-case bodies."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter

from tagstrip.domain import pipeline
from tagstrip.domain.outcomes import Accepted
from tagstrip.handlers.http import json_chunks
from tagstrip.runtime.settings import reset_settings
from tagstrip.runtime.wiring import validation, wiring
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import ROOT, Client, tags_of
from tests.e2e.test_deliveries import binary_event, post_json
from tests.unit.test_call_budget import cloudevent

#: Five RemoveTags calls: one per instance.
FIVE_CALLS: dict[str, Any] = {
    "provider": "aliyun-ecs",
    "region": "cn-hangzhou",
    "resource_type": "instance",
    "resource_ids": ["i-bp1abc", "i-bp1def", "i-bp1ghi", "i-bp1jkl", "i-bp1mno"],
    "tags": [{"key": "owner"}],
}
BUDGET = "5 provider calls planned for one delivery; the limit is 4 (set by TAGSTRIP_MAX_CALLS)"


@pytest.fixture
def budget_of_four(cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> FakeCloud:
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "4")
    return cloud


def assert_over_budget(errors: list[dict[str, Any]], message: str = BUDGET) -> None:
    assert errors == [{"loc": [], "path": "(root)", "message": message, "type": "limit_exceeded"}]


def test_the_webhook_answers_400_naming_the_variable(
    post_signed: Callable[..., Any], budget_of_four: FakeCloud
) -> None:
    response = post_signed(FIVE_CALLS)
    assert response.status_code == 400, response.json
    assert response.json["error"] == "invalid_request"
    assert_over_budget(response.json["errors"])
    assert len(budget_of_four.journal) == 0


def test_a_queue_delivery_is_acknowledged_with_every_event_rejected(
    queue_client: Client, budget_of_four: FakeCloud
) -> None:
    """Two events of three calls each: each fits alone, the delivery does not."""
    three = {**FIVE_CALLS, "resource_ids": FIVE_CALLS["resource_ids"][:3]}
    response = post_json(queue_client, [cloudevent(0, three), cloudevent(1, three)])
    assert response.status_code == 200, response.json
    events = response.json["events"]
    assert [(e["event_id"], e["status"]) for e in events] == [
        ("evt-0", "rejected"),
        ("evt-1", "rejected"),
    ]
    message = BUDGET.replace("5 provider", "6 provider")
    for event in events:
        assert_over_budget(event["errors"], message)
    assert len(budget_of_four.journal) == 0


def test_a_queue_array_of_too_many_events_is_refused_before_adapting_them(
    queue_client: Client, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_EVENTS", "2")
    response = post_json(queue_client, [cloudevent(n, FIVE_CALLS) for n in range(3)])
    assert response.status_code == 200, response.json
    [event] = response.json["events"]
    assert event["status"] == "rejected"
    limit = "3 events in one array delivery; the limit is 2 (set by TAGSTRIP_MAX_EVENTS)"
    assert_over_budget(event["errors"], limit)
    assert len(cloud.journal) == 0


def test_the_cloudevent_target_acknowledges_and_logs_the_rejection(
    event_client: Client, budget_of_four: FakeCloud, caplog: pytest.LogCaptureFixture
) -> None:
    data = json.dumps(FIVE_CALLS)
    response = event_client.post("/", data=data, headers=binary_event(FIVE_CALLS))
    assert response.status_code == 200
    [record] = [r for r in caplog.records if getattr(r, "outcome", None) == "rejected"]
    assert (getattr(record, "event_id", None), getattr(record, "errors", None)) == (
        "evt-1",
        ["data"],
    )
    assert "TAGSTRIP_MAX_CALLS" in str(getattr(record, "reason", ""))
    assert len(budget_of_four.journal) == 0


def test_handler_returns_the_rejection_without_raising(
    budget_of_four: FakeCloud, main: Any
) -> None:
    [event] = main.handler(FIVE_CALLS, None)["events"]
    assert event["status"] == "rejected"
    assert_over_budget(event["errors"])
    assert len(budget_of_four.journal) == 0


# --- a selector's writes, known only once it has read ---------------------------------------

#: Twelve tags on one instance: one read finds them, removing them takes three
#: RemoveTags calls of the 2018 edition (five tags a call).
MANY = "i-bp1many"


def selector(**extra: Any) -> dict[str, Any]:
    return {
        "provider": "aliyun-ecs",
        "region": "cn-hangzhou",
        "resource_type": "instance",
        "resource_ids": [MANY],
        "selector": {"key_glob": "tmp-*"},
        "api_profile": "remove-tags-2018",
        **extra,
    }


@pytest.fixture
def twelve_tags(cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> FakeCloud:
    ecs = cloud.backends.aliyun_ecs
    ecs.add_resource("cn-hangzhou", MANY, {f"tmp-{n}": "x" for n in range(12)})
    ecs.list_page_size = 50  # one page holds them all
    return cloud


def operations(cloud: FakeCloud) -> list[str]:
    return [str(entry.operation) for entry in cloud.journal.entries()]


def assert_writes_refused(result: dict[str, Any], reads: int, allowance: int) -> None:
    """Every write failed for good, naming the variable; nothing but the reads was sent."""
    writes = result["calls"][reads:]
    assert [call["outcome"] for call in result["calls"][:reads]] == ["read"] * reads
    assert len(writes) == 3
    for call in writes:
        assert (call["outcome"], call["error_code"], call["retryable"], call["attempts"]) == (
            "failed",
            "limit_exceeded",
            False,
            0,
        )
        assert call["error_message"] == (
            f"not sent: {reads} read(s) and 3 write(s) exceed the {allowance} provider calls "
            "this request may make (set by TAGSTRIP_MAX_CALLS, for the whole delivery)"
        )


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_selector_sends_no_write_past_the_budget(
    post_signed: Callable[..., Any],
    twelve_tags: FakeCloud,
    monkeypatch: pytest.MonkeyPatch,
    dry_run: bool,
) -> None:
    """One read and three writes do not fit three calls: the writes are refused (a retry
    would read the same), the delivery answers 207, and the tags stay. A dry run tells.
    They fit four calls."""
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "3")
    response = post_signed(selector(dry_run=dry_run, id="over"))
    assert response.status_code == 207, response.json
    [result] = response.json["results"]
    assert (result["status"], result["retryable"]) == ("partial", False)
    assert_writes_refused(result, reads=1, allowance=3)
    assert operations(twelve_tags) == ["ListTagResources"]
    assert len(tags_of(twelve_tags, "aliyun-ecs", MANY)) == 12

    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "4")
    reset_settings()
    response = post_signed(selector(dry_run=dry_run, id="within"))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    written = "skipped" if dry_run else "removed"
    assert [call["outcome"] for call in result["calls"]] == ["read"] + [written] * 3
    assert len(tags_of(twelve_tags, "aliyun-ecs", MANY)) == (12 if dry_run else 0)


def test_a_selector_gets_what_the_other_events_of_its_delivery_leave(
    queue_client: Client, twelve_tags: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four calls alone would do; after another event's call, three are left."""
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "4")
    explicit = {**selector(), "selector": None, "tags": [{"key": "tmp-0"}], "api_profile": None}
    response = post_json(queue_client, [cloudevent(0, explicit), cloudevent(1, selector())])
    assert response.status_code == 200, response.json  # acknowledged: nothing to retry
    first, second = response.json["events"]
    assert (first["status"], second["status"]) == ("ok", "partial")
    assert_writes_refused(second["results"][0], reads=1, allowance=3)
    assert operations(twelve_tags) == ["RemoveTags", "ListTagResources"]
    assert len(tags_of(twelve_tags, "aliyun-ecs", MANY)) == 11


# --- a served worker under concurrent worst-case bodies --------------------------------------

MIB = 1024 * 1024
#: Below TAGSTRIP_MAX_BODY_BYTES' default (1 MiB), with room for the JSON around the lists.
BODY_CEILING = MIB - 4096
GROWTH_LIMIT_MIB = 100


def _bench() -> ModuleType:
    """bench/_common.py: it serves functions/bootstrap the production way and reads a
    worker's peak resident set; the benchmarks and this test share it."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "_common.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def _ecs(n: int, ids: int, keys: int, width: int, **extra: Any) -> dict[str, Any]:
    """A request of `ids` instances and `keys` tag keys, each padded to `width` characters."""
    return {
        "provider": "aliyun-ecs",
        "region": "cn-hangzhou",
        "resource_type": "instance",
        "resource_ids": [f"i-{n:03d}{k:04d}".ljust(width, "x") for k in range(ids)],
        "tags": [{"key": f"k{n:03d}{k:04d}".ljust(width, "k")} for k in range(keys)],
        **extra,
    }


def _filled(make: Callable[[int], Any], most: int = 10_000) -> bytes:
    """As many items from `make` (at most `most`) as a JSON list under BODY_CEILING holds."""
    items: list[Any] = []
    size = len("[]")
    while len(items) < most:
        item = make(len(items))
        size += len(json.dumps(item)) + len(", ") * bool(items)
        if size >= BODY_CEILING:
            break
        items.append(item)
    return json.dumps(items).encode()


def _invalid(n: int) -> dict[str, Any]:
    """Every id, key and the region invalid: a refusal lists a bounded number of errors."""
    ids = [f"!{k}" for k in range(500)]
    tags = [{"key": f"acs:http://{k}"} for k in range(200)]
    return {**_ecs(n, 0, 0, 0), "region": "?", "resource_ids": ids, "tags": tags}


#: Bodies just under the size limit that would cost the most work: name -> (target, body).
WORST_CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    # 500 ids x 200 keys a request: 5,000 RemoveTags calls each, refused for the budget.
    "many ids x many tags": ("remove_tags_http", lambda: _filled(lambda n: _ecs(n, 500, 200, 12))),
    # 1,000 UntagResources calls of 50 ids and 20 keys of 128 characters: the largest answer
    # the budget allows, planned in full.
    "largest dry run": (
        "remove_tags_http",
        lambda: _filled(
            lambda n: _ecs(n, 500, 200, 128, dry_run=True, api_profile="untag-resources"), 10
        ),
    ),
    # Selectors over 500 instances each: refused before any read.
    "selectors": (
        "remove_tags_http",
        lambda: _filled(lambda n: {**_ecs(n, 500, 0, 40), "selector": {"key_glob": "*"}}),
    ),
    "invalid everywhere": ("remove_tags_http", lambda: _filled(_invalid, 100)),
    # 100 CloudEvents of 500 calls each: each fits the budget alone, not together.
    "cloudevents": (
        "remove_tags_queue",
        lambda: _filled(lambda n: cloudevent(n, _ecs(n, 500, 20, 12)), 100),
    ),
    # Thousands of tiny CloudEvents, refused for their number before any is adapted.
    "many events": ("remove_tags_queue", lambda: _filled(lambda n: cloudevent(n, {}))),
}
#: What each worst case is answered: status, and the error type of a refusal.
EXPECTED = {
    "many ids x many tags": (400, "limit_exceeded"),
    "largest dry run": (200, None),
    "selectors": (400, "limit_exceeded"),
    "invalid everywhere": (400, "invalid_region"),
    "cloudevents": (200, "limit_exceeded"),
    "many events": (200, "limit_exceeded"),
}


def test_the_largest_answer_is_written_in_pieces_as_pydantic_writes_it_whole() -> None:
    """Models and lists are written piece by piece, never the whole answer at once, with
    the bytes pydantic gives for the whole (the public JSON does not change)."""
    body = json.loads(WORST_CASES["largest dry run"][1]())
    accepted = Accepted("request", None, tuple(validation().batch(body)))
    [report] = pipeline.carry_out([accepted], wiring())
    payload = report.payload()
    chunks = list(json_chunks(payload))
    whole = TypeAdapter(Any).dump_json(payload)
    assert b"".join(chunks) == whole
    assert max(map(len, chunks)) < len(whole) / 100


def test_a_lone_surrogate_echoed_in_a_field_path_is_answered_as_its_escape(
    post_signed: Callable[..., Any], cloud: FakeCloud
) -> None:
    """It has no UTF-8 form: the answer writes the JSON escape it was sent as, not a 500."""
    response = post_signed({"TagKey.1": "k", "\udfc0": 1})
    assert response.status_code == 400, response.data
    assert b'"path":"\\udfc0"' in response.data
    assert {"loc": ["\udfc0"], "path": "\udfc0"}.items() <= response.json["errors"][-1].items()


#: Thirty bodies sent at once: five of each worst case, or thirty of the heaviest ones (the
#: largest answer; the array whose events together exceed the budget).
SENDS = {
    "mixed": [name for _ in range(5) for name in WORST_CASES],
    "largest dry run": ["largest dry run"] * 30,
    "cloudevents": ["cloudevents"] * 30,
}


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench()


@pytest.mark.parametrize("sends", list(SENDS.values()), ids=list(SENDS))
def test_a_served_worker_stays_small_under_concurrent_worst_case_bodies(
    bench: ModuleType, fake_cloud: FakeCloud, sends: list[str]
) -> None:
    """Thirty worst-case bodies at once against the production server (gunicorn, 8 threads):
    each worker's peak resident set grows by less than GROWTH_LIMIT_MIB past its warm state,
    every answer is a refusal or a bounded dry run, and no call reaches the cloud."""
    bodies = {name: WORST_CASES[name][1]() for name in {*sends, "invalid everywhere"}}
    assert all(0.8 * MIB < len(body) < MIB for body in bodies.values())
    env = bench.server_env(None, TAGSTRIP_ALLOW_UNSIGNED="true")
    del env["TAGSTRIP_WEBHOOK_SECRET"]  # unsigned: identical bodies are not duplicates
    headers = {"Content-Type": "application/json"}
    warm_up = json.dumps({**_ecs(0, 60, 30, 12), "dry_run": True}).encode()
    with (
        bench.served(bench.MAIN, "remove_tags_http", env) as (http_port, http_server),
        bench.served(bench.MAIN, "remove_tags_queue", env) as (queue_port, queue_server),
    ):
        ports = {"remove_tags_http": http_port, "remove_tags_queue": queue_port}
        workers = {}
        for target, server in (
            ("remove_tags_http", http_server),
            ("remove_tags_queue", queue_server),
        ):
            for body in (warm_up, bodies["invalid everywhere"][:100]):
                bench.wait_until_answered(ports[target], body, lambda: headers)
            [workers[target]] = bench.worker_pids(server.pid)
        warm = {target: bench.peak_rss_mib(pid) for target, pid in workers.items()}

        def send(name: str) -> tuple[str, int, bytes]:
            target = WORST_CASES[name][0]
            status, answer = bench.post(ports[target], bodies[name], headers, timeout=300)
            return name, status, answer

        with ThreadPoolExecutor(len(sends)) as pool:
            answers = list(pool.map(send, sends))
        growth = {target: bench.peak_rss_mib(pid) - warm[target] for target, pid in workers.items()}
    for name, status, answer in answers:
        expected_status, expected_error = EXPECTED[name]
        assert status == expected_status, (name, answer[:300])
        payload = json.loads(answer)
        errors = payload.get("errors") or [
            e for ev in payload.get("events", []) for e in ev["errors"]
        ]
        assert (errors[0]["type"] if errors else None) == expected_error, name
        assert len(answer) < (12 * MIB if name == "largest dry run" else 256 * 1024), name
    assert all(mib < GROWTH_LIMIT_MIB for mib in growth.values()), growth
    assert len(fake_cloud.journal) == 0
