"""Every sample event under events/ goes through `adapt_delivery` with its documented outcome."""

from __future__ import annotations

import json

import pytest

from tagstrip.domain.outcomes import Accepted, Ignored, Rejected
from tagstrip.sources import webhook
from tagstrip.sources.envelopes import adapt_delivery
from tests.sources.helpers import admitted, validated

from .helpers import EVENTS, RULES_ENV, load, raw

ECS_OWNER = ("aliyun-ecs", ["i-bp1abc"], ["owner=team-a"])
REDIS_PROJECT = ("aliyun-redis", ["r-bp1zxszhcgatnx"], ["project"])
ECS_STOPPED = ("aliyun-ecs", ["i-bp1abc"], ["on-call", "env=staging"])

#: sample -> per event: (outcome, source, event id, [(provider, resource ids, tags)] or
#: the reason / error paths). Tags are written key or key=value.
DELIVERIES = {
    "pubsub/push-canonical.json": [("accepted", "pubsub", "2070443601311540", [ECS_OWNER])],
    "pubsub/push-batch.json": [
        (
            "accepted",
            "pubsub",
            "2070443601311541",
            [
                ECS_OWNER,
                REDIS_PROJECT,
            ],
        )
    ],
    "pubsub/eventarc-native-ecs.json": [
        (
            "accepted",
            "eventarc",
            "9147365428376531",
            [("aliyun-ecs", ["i-bp1abc"], ["env=staging"])],
        ),
    ],
    "mns/topic-json.json": [
        (
            "accepted",
            "mns-topic",
            "2F5B3C082B923D4EAC694B76D928EC46",
            [ECS_OWNER],
        )
    ],
    "mns/topic-stream-attrs.json": [("accepted", "mns-stream", None, [REDIS_PROJECT])],
    "mns/queue-cloudevents.json": [
        ("accepted", "mns-queue", "c2g7s4bs-1", [ECS_OWNER]),
        ("accepted", "mns-queue", "c2g7s4bs-2", [REDIS_PROJECT]),
    ],
    "eventbridge/ecs-instance-stopped.json": [
        (
            "accepted",
            "lifecycle",
            "5f1c9a2e-77b0-4c1e-9a43-0c6b2ad1e001",
            [ECS_STOPPED],
        )
    ],
    "eventbridge/ecs-instance-running.json": [
        ("ignored", "lifecycle", "5f1c9a2e-77b0-4c1e-9a43-0c6b2ad1e002", "no rule in")
    ],
    "eventbridge/batch-stopped-and-running.json": [
        (
            "accepted",
            "lifecycle",
            "5f1c9a2e-77b0-4c1e-9a43-0c6b2ad1e003",
            [ECS_STOPPED],
        ),
        ("ignored", "lifecycle", "5f1c9a2e-77b0-4c1e-9a43-0c6b2ad1e004", "no rule in"),
    ],
    "eventbridge/actiontrail-runinstances.json": [
        (
            "accepted",
            "lifecycle",
            "92b3c2a8-4d4b-4b7e-8f6c-7a1c1e0d2f10",
            [("aliyun-ecs", ["i-bp1abc"], ["ci-run"])],
        )
    ],
    "cts/create-server-ci.json": [
        (
            "accepted",
            "cts",
            "cbdd4480-2e03-11ef-82de-cf140e2a70fb",
            [("huawei-ecs", ["8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"], ["ci-run"])],
        )
    ],
    "cts/update-vpc-console.json": [
        ("ignored", "cts", "d1e2f3a4-2e03-11ef-82de-cf140e2a70fb", "no rule in")
    ],
    "invalid/pubsub-broken-base64.json": [
        ("rejected", "pubsub", "2070443601311599", ["message.data"])
    ],
    "invalid/pubsub-invalid-request.json": [
        ("rejected", "pubsub", "2070443601311598", ["message.data.resource_type"])
    ],
    "invalid/mns-topic-bad-inner-json.json": [
        ("rejected", "mns-topic", "2F5B3C082B923D4EAC694B76D928EC99", ["Message"])
    ],
    "invalid/cloudevent-missing-attributes.json": [("rejected", "unknown", None, ["id", "type"])],
}

#: Webhook samples: (mapping, sample) -> (outcome, request ids, [(provider, ids, tags)])
WEBHOOKS = {
    ("preset:jira", "jira/issue-moved-to-done.json"): (
        "accepted",
        [("aliyun-ecs", ["i-bp1abc"], ["owner", "on-call"])],
    ),
    ("preset:jira", "jira/issue-moved-to-in-progress.json"): ("ignored", []),
    ("preset:jira", "jira/done-issue-labels-edited.json"): ("ignored", []),
    ("preset:servicenow", "servicenow/change-implement-alibaba.json"): (
        "accepted",
        [("aliyun-ecs", ["i-bp1abc"], ["owner", "env"])],
    ),
    ("preset:servicenow", "servicenow/change-implement-huawei.json"): (
        "accepted",
        [("huawei-ecs", ["8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"], ["owner", "env"])],
    ),
    ("preset:servicenow", "servicenow/change-authorize.json"): ("ignored", []),
    (str(EVENTS / "mapping-cmdb.yaml"), "webhook/cmdb-decommissioned.json"): (
        "accepted",
        [("aliyun-redis", ["r-bp1zxszhcgatnx"], ["project", "owner"])],
    ),
}


def summary(outcome: Accepted) -> list[tuple[str, list[str], list[str]]]:
    return [(r.provider, r.resource_ids, [str(t) for t in r.tags]) for r in outcome.requests]


def describe(result: Accepted | Ignored | Rejected) -> tuple[object, ...]:
    if isinstance(result, Accepted):
        detail: object = summary(result)
    elif isinstance(result, Ignored):
        detail = result.reason[: len("no rule in")]
    else:
        detail = [error.path for error in result.error.errors]
    return (result.to_dict()["outcome"], result.source, result.event_id, detail)


@pytest.mark.parametrize(("sample", "expected"), sorted(DELIVERIES.items()))
def test_sample_delivery(sample: str, expected: list[tuple[object, ...]]) -> None:
    results = validated(adapt_delivery(raw(sample), environ=RULES_ENV))
    assert [describe(result) for result in results] == expected


@pytest.mark.parametrize("sample", sorted(DELIVERIES))
def test_parsed_body_gives_the_same_results(sample: str) -> None:
    """``handler(event, context)`` runtimes pass parsed JSON; the result must not differ."""
    from_bytes = [r.to_dict() for r in validated(adapt_delivery(raw(sample), environ=RULES_ENV))]
    assert [
        r.to_dict() for r in validated(adapt_delivery(load(sample), environ=RULES_ENV))
    ] == from_bytes


@pytest.mark.parametrize(("key", "expected"), sorted(WEBHOOKS.items()))
def test_sample_webhook(key: tuple[str, str], expected: tuple[str, list[object]]) -> None:
    mapping, sample = key
    outcome = admitted(webhook.adapt(load(sample), environ={"TAGSTRIP_WEBHOOK_MAPPING": mapping}))
    assert outcome.to_dict()["outcome"] == expected[0]
    assert summary(outcome) == expected[1] if isinstance(outcome, Accepted) else not expected[1]


def test_every_sample_is_covered() -> None:
    sources = {"pubsub", "mns", "eventbridge", "cts", "jira", "servicenow", "webhook"}
    on_disk = {
        f"{path.parent.name}/{path.name}"
        for path in EVENTS.glob("*/*.json")
        if path.parent.name in sources
    }
    covered = set(DELIVERIES) | {sample for _, sample in WEBHOOKS}
    assert on_disk <= covered
    invalid = {f"invalid/{p.name}" for p in EVENTS.glob("invalid/*.json")}
    ours = {name for name in invalid if name.split("/")[1].startswith(("pubsub", "mns", "cloud"))}
    assert ours <= covered


def test_samples_are_json() -> None:
    for path in EVENTS.glob("*/*.json"):
        json.loads(path.read_text(encoding="utf-8"))
