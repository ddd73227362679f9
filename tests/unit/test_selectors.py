"""Selectors in the core: pattern checks, the keep list, and what `decide` does with a read."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tagstrip.domain.models import Tag
from tagstrip.domain.patterns import MAX_PATTERN, compile_glob, compile_regex
from tagstrip.domain.selection import Matcher, decide, describe
from tagstrip.providers import spec_for
from tagstrip.runtime.wiring import validation
from tests.unit.helpers import BAIDU, ECS, HUAWEI, REDIS, error_at, errors_of

BCC: dict[str, Any] = {"provider": "baidu-bcc", "region": "bj", "resource_ids": ["i-YufwpQAe"]}
ALL = {"aliyun-ecs": ECS, "aliyun-redis": REDIS, "huawei-ecs": HUAWEI, "baidu-tag": BAIDU}


def selecting(payload: dict[str, Any], **selector: Any) -> dict[str, Any]:
    """`payload` with a selector instead of explicit tags."""
    return {**payload, "tags": [], "selector": selector}


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize("base", [*ALL.values(), BCC], ids=[*ALL, "baidu-bcc"])
def test_a_selector_replaces_explicit_tags_for_every_provider(base: dict[str, Any]) -> None:
    request = validation().request(selecting(base, key_glob="tmp-*", keep=["owner"]))
    plan = validation().plan(request)
    assert plan.selection == request
    assert plan.calls
    assert all(call.kind == "read" for call in plan.calls)
    assert "(keeping owner)" in plan.summary


@pytest.mark.parametrize(
    ("selector", "path", "kind"),
    [
        ({"key_regex": "(a+)+$"}, "selector.key_regex", "unsafe_pattern"),
        ({"key_regex": "tmp-["}, "selector.key_regex", "invalid_pattern"),
        ({"key_regex": r"(\w+)-\1"}, "selector.key_regex", "unsafe_pattern"),
        ({"key_glob": "*", "value_regex": ".*.*.*.*x"}, "selector.value_regex", "unsafe_pattern"),
        ({"key_glob": "x" * (MAX_PATTERN + 1)}, "selector.key_glob", "too_long"),
        ({"key_glob": ""}, "selector.key_glob", "empty"),
        ({"key_glob": "a*", "key_regex": "a.*"}, "selector", "conflicting_patterns"),
        ({"value_glob": "x"}, "selector", "missing"),
        ({"key_glob": "*", "keep": ["owner", ""]}, "selector.keep.1", "empty"),
        ({"key_glob": "*", "colour": "red"}, "selector.colour", "extra_forbidden"),
    ],
)
def test_invalid_selectors_are_located(selector: dict[str, Any], path: str, kind: str) -> None:
    assert error_at({**ECS, "selector": selector}, path).type == kind


def test_an_explicit_tag_also_kept_is_a_contradiction() -> None:
    payload = {**HUAWEI, "selector": {"key_glob": "tmp*", "keep": ["key1"]}}
    assert error_at(payload, "tags.0.key").type == "conflicting_keep"


def test_explicit_reserved_keys_are_still_refused_beside_a_selector() -> None:
    payload = {**ECS, "tags": [{"key": "acs:rm:rgId"}], "selector": {"key_glob": "*"}}
    assert error_at(payload, "tags.0.key").type == "reserved_key"


def test_redis_remove_all_and_a_selector_exclude_each_other() -> None:
    payload = selecting(REDIS, key_glob="*") | {"remove_all": True}
    assert error_at(payload, "remove_all").type == "conflicting_fields"


def test_without_tags_or_selector_the_old_rule_stands() -> None:
    assert [e.path for e in errors_of(ECS, tags=[])] == ["tags"]


@pytest.mark.parametrize(
    "pattern",
    [
        "tmp-.*",
        "env-(dev|test)-[0-9]+",
        "(?i)tmp-.*",
        "(?:ab)*c?",
        "[)(*+]+",
        "x{2}y{3}",
        "((a|b))*",  # single-character alternatives are the character set [ab] to the parser
    ],
)
def test_reasonable_regexes_are_accepted(pattern: str) -> None:
    compiled, errors = compile_regex(pattern, ("p",))
    assert compiled is not None, errors


@pytest.mark.parametrize(
    "pattern", ["(a|aa)*b", "(a*){3}", "((a|ab))*", "(?P<x>a)(?P=x)", "a?a?a?a*"]
)
def test_costly_regexes_are_refused(pattern: str) -> None:
    assert compile_regex(pattern, ("p",))[0] is None


def test_accepted_patterns_match_long_hostile_text_quickly() -> None:
    text = "a" * 255
    started = time.monotonic()
    for pattern in (".*a.*a.*x", r"\w*\w*\w*x", "a+a+a+x"):
        compiled, _ = compile_regex(pattern, ("p",))
        assert compiled is not None
        assert compiled.fullmatch(text) is None
    glob, _ = compile_glob("*a*a*a*a*a*a*x", ("p",))
    assert glob is not None
    assert glob.fullmatch(text) is None
    assert time.monotonic() - started < 0.5


def test_patterns_match_the_whole_key_and_value() -> None:
    request = validation().request(selecting(ECS, key_glob="tmp-*", value_regex="[xy]"))
    assert request.selector is not None
    matcher = Matcher.of(request.selector)
    assert matcher.matches(Tag(key="tmp-1", value="x"))
    assert not matcher.matches(Tag(key="my-tmp-1", value="x"))
    assert not matcher.matches(Tag(key="tmp-1", value="xx"))
    assert (
        describe(request.selector)
        == "whose key matches glob 'tmp-*' and value matches regex '[xy]'"
    )


def test_decide_sorts_every_tag() -> None:
    payload = selecting(ECS, key_glob="*", keep=["owner"]) | {
        "tags": [{"key": "gone"}, {"key": "env", "value": "prod"}, {"key": "cost", "value": "a"}]
    }
    request = validation().request(payload)
    current = [
        Tag(key="env", value="prod"),
        Tag(key="owner", value="me"),
        Tag(key="acs:rm:rgId", value="rg-1"),
        Tag(key="aliyun-created", value="x"),
        Tag(key="cost", value="b"),
    ]
    view = decide(request, "s-1", current, spec_for("aliyun-ecs").protected)
    assert view.remove == [Tag(key="env", value="prod"), Tag(key="cost", value="b")]
    assert view.protected == current[2:4]
    assert view.kept == [Tag(key="owner", value="me")]
    assert view.absent == [Tag(key="gone"), Tag(key="cost", value="a")]
    assert view.current == current


def test_system_tags_of_each_vendor_are_protected() -> None:
    assert spec_for("huawei-ecs").protected(Tag(key="_sys_enterprise_project_id", value="0"))
    assert spec_for("baidu-bcc").protected(Tag(key="Default tag", value=""))
    assert spec_for("aliyun-redis").protected(Tag(key="aliyunxyz", value=""))
    assert not spec_for("huawei-ecs").protected(Tag(key="sys_x", value=""))
