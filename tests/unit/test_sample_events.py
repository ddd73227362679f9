"""The sample requests in events/: good ones plan, bad ones fail with their documented error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagstrip.domain.errors import InvalidRequest
from tagstrip.runtime.wiring import validation

EVENTS = Path(__file__).resolve().parents[2] / "events"
GOOD = sorted(
    [
        *EVENTS.glob("canonical/*.json"),
        *EVENTS.glob("native/*.json"),
        *EVENTS.glob("selectors/*.json"),
        *EVENTS.glob("sweeps/*.json"),
    ]
)

#: Each deliberately bad request-shaped sample and the errors (path, code or type) it must produce.
BAD = {
    "aliyun-ecs-capitalised-type.json": [("resource_type", "InvalidResourceType.NotFound")],
    "aliyun-ecs-tag-21.json": [("Tag.21.Key", "InvalidTagCount")],
    "aliyun-redis-nothing-to-remove.json": [("tags", "MissParameter.TagOrResourceId")],
    "huawei-ecs-bad-key.json": [
        ("tags.0.key", "invalid_character"),
        ("tags.0.value", "invalid_character"),
    ],
    "baidu-tag-with-resources.json": [
        ("resource_ids", "not_applicable"),
        ("tags.0.key", "TagExceptions.TagKeyEmpty"),
    ],
    "selector-nested-regex.json": [("selector.key_regex", "unsafe_pattern")],
    "huawei-tms-both-forms.json": [
        ("resource_type", "conflicting_fields"),
        ("tags.0.key", "TMS.0009"),
    ],
}


def load(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_provider_has_canonical_and_native_samples() -> None:
    texts = [path.read_text() for path in GOOD]
    for provider in ("aliyun-ecs", "aliyun-redis", "huawei-ecs", "baidu-tag", "baidu-tag-resource"):
        assert any(f'"{provider}"' in text for text in texts), provider
    assert len(list(EVENTS.glob("native/*.json"))) >= 5


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize("path", GOOD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_good_samples_plan(path: Path) -> None:
    plans = [validation().plan(request) for request in validation().batch(load(path))]
    assert plans
    assert all(plan.calls for plan in plans)


@pytest.mark.parametrize(("name", "expected"), sorted(BAD.items()))
def test_bad_samples_fail_as_documented(name: str, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        validation().batch(load(EVENTS / "invalid" / name))
    found = [(e.path, e.provider_code or e.type) for e in caught.value.errors]
    assert found == expected
