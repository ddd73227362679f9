"""Selectors: which of the tags a resource carries a request removes, and why the others stay.

`check_selector` validates a request's selector (patterns, keep list, explicit tags that
contradict it) before any call. After the read, `decide` sorts one resource's tags into
removed, protected (the vendor's reserved or system tags, never removed), kept and, for the
explicit tags the resource does not carry, absent. Pure functions: no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tagstrip.domain.errors import FieldError
from tagstrip.domain.models import ResourceTags, Selector, Tag, TagRemovalRequest
from tagstrip.domain.patterns import compile_glob, compile_regex
from tagstrip.domain.sweep import named_tags

__all__ = ["Matcher", "check_selector", "decide", "describe"]

_COMPILERS = {"glob": compile_glob, "regex": compile_regex}


@dataclass(frozen=True)
class Matcher:
    """A selector's compiled patterns; `matches` needs the whole key (and value) to match."""

    key: re.Pattern[str]
    value: re.Pattern[str] | None = None

    @classmethod
    def of(cls, selector: Selector) -> Matcher:
        """The matcher of a selector that passed `check_selector`."""
        key, errors = _compiled(selector, "key")
        value, more = _compiled(selector, "value")
        if key is None or errors or more:
            raise ValueError("the selector was not checked")
        return cls(key, value)

    def matches(self, tag: Tag) -> bool:
        value_ok = self.value is None or self.value.fullmatch(tag.value or "") is not None
        return value_ok and self.key.fullmatch(tag.key) is not None


def check_selector(request: TagRemovalRequest) -> list[FieldError]:
    """Every fault of the request's selector, located under ``selector``; [] without one."""
    selector = request.selector
    if selector is None:
        return []
    errors = []
    for part in ("key", "value"):
        given = [kind for kind in _COMPILERS if getattr(selector, f"{part}_{kind}") is not None]
        if len(given) > 1:
            message = f"give {part}_glob or {part}_regex, not both"
            errors.append(FieldError(("selector",), message, "conflicting_patterns"))
        elif part == "key" and not given:
            message = 'a selector needs key_glob or key_regex ("*" selects every key)'
            errors.append(FieldError(("selector",), message, "missing"))
    if not errors:
        errors += _compiled(selector, "key")[1] + _compiled(selector, "value")[1]
    errors += [
        FieldError(("selector", "keep", index), "a kept key must not be empty", "empty")
        for index, key in enumerate(selector.keep)
        if not key
    ]
    errors += [
        FieldError(
            ("tags", index, "key"),
            f"tag key {tag.key!r} is also in selector.keep; remove it from one of them",
            "conflicting_keep",
        )
        for index, tag in enumerate(request.tags)
        if tag.key in selector.keep
    ]
    return errors


def decide(
    request: TagRemovalRequest,
    resource_id: str | None,
    current: Sequence[Tag],
    protected: Callable[[Tag], bool],
) -> ResourceTags:
    """What becomes of each tag `current` holds, for a request with a selector or a sweep
    (whose named tags default to the tag it sweeps for)."""
    selector = request.selector
    if selector is None and request.where is None:
        raise ValueError("decide() needs a request with a selector or a sweep")
    matcher = None if selector is None else Matcher.of(selector)
    keep = [] if selector is None else selector.keep
    explicit = list(dict.fromkeys(named_tags(request)))
    guarded = [tag for tag in current if protected(tag)]
    kept = [tag for tag in current if tag.key in keep and tag not in guarded]
    remove = [
        tag
        for tag in current
        if tag not in guarded
        and tag not in kept
        and (
            (matcher is not None and matcher.matches(tag))
            or any(_names(wanted, tag) for wanted in explicit)
        )
    ]
    absent = [wanted for wanted in explicit if not any(_names(wanted, tag) for tag in current)]
    return ResourceTags(
        resource_id=resource_id,
        current=list(current),
        remove=remove,
        protected=guarded,
        kept=kept,
        absent=absent,
    )


def describe(selector: Selector) -> str:
    """The selector in plain words, for plan summaries."""
    parts = [
        f"{part} matches {kind} {pattern!r}"
        for part in ("key", "value")
        for kind in _COMPILERS
        if (pattern := getattr(selector, f"{part}_{kind}")) is not None
    ]
    text = "whose " + " and ".join(parts)
    if selector.keep:
        text += f" (keeping {', '.join(selector.keep)})"
    return text


def _names(wanted: Tag, tag: Tag) -> bool:
    """Whether an explicit tag names `tag` (no value: the key whatever its value)."""
    return wanted.key == tag.key and wanted.value in (None, tag.value)


def _compiled(selector: Selector, part: str) -> tuple[re.Pattern[str] | None, list[FieldError]]:
    for kind, compile_ in _COMPILERS.items():
        field = f"{part}_{kind}"
        text = getattr(selector, field)
        if text is not None:
            return compile_(text, ("selector", field))
    return None, []
