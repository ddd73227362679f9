"""The engine behind lifecycle rules and webhook mappings: match a document, render requests.

A `Rule` is compiled once from a rules or mapping file (see `rule_files`): CloudEvent
`source`/`type` sets, a JMESPath condition, and a request template whose fields are
literals or `Lookup`s. Evaluating it against an event is all a delivery costs. This module
imports jmespath; the adapters import it lazily, when a file is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jmespath
from jmespath import functions
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult

from tagstrip.domain.errors import FieldError, InvalidRequest
from tagstrip.domain.outcomes import Adapted, Event, Ignored, Payload, SourceKind

__all__ = ["Lookup", "Rule", "RuleSet", "Section"]

Section = Literal["rules", "mappings"]


class _Functions(functions.Functions):
    """JMESPath extras for webhook payloads, which often pack lists into one string."""

    @functions.signature({"types": ["string", "null"]}, {"types": ["string"]})
    def _func_split(self, text: str | None, separator: str) -> list[str]:
        """``split('a, b', ',')`` -> ``['a', 'b']``; null -> ``[]``; blanks dropped."""
        parts = [] if text is None else text.split(separator)
        return [part.strip() for part in parts if part.strip()]


_OPTIONS = jmespath.Options(custom_functions=_Functions())


@dataclass(frozen=True)
class Lookup:
    """A compiled ``{path, map}`` field: evaluated against each document."""

    text: str
    expression: ParsedResult
    table: Mapping[str, Any] | None

    def evaluate(self, document: object) -> Any:
        value = self.expression.search(document, options=_OPTIONS)
        if self.table is None:
            return value
        return self.table.get(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class Rule:
    """A compiled rule: cheap to evaluate against every event."""

    name: str
    sources: frozenset[str] | None
    types: frozenset[str] | None
    when: ParsedResult | None
    fields: tuple[tuple[str, object], ...]

    def matches(self, document: object) -> bool:
        """Source, type and condition all hold; a condition that fails to evaluate does not."""
        attributes = document if isinstance(document, Mapping) else {}
        for wanted, key in ((self.sources, "source"), (self.types, "type")):
            value = attributes.get(key)
            if wanted is not None and not (isinstance(value, str) and value in wanted):
                return False
        try:
            return self.when is None or _truthy(self.when.search(document, options=_OPTIONS))
        except JMESPathError:
            return False

    def render(self, document: object) -> dict[str, Any]:
        """The canonical request fields; a path that fails is an InvalidRequest at that field."""
        rendered: dict[str, Any] = {}
        for name, value in self.fields:
            if isinstance(value, Lookup):
                try:
                    value = value.evaluate(document)
                except JMESPathError as exc:
                    message = f"{value.text!r} could not be evaluated: {exc}"
                    raise InvalidRequest([FieldError((name,), message, "expression")]) from None
            normalize = _NORMALIZE.get(name)
            if value is not None:
                rendered[name] = normalize(value) if normalize else value
        return rendered


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules of one file; `origin` names it in messages and results."""

    origin: str
    section: Section
    rules: tuple[Rule, ...]

    def apply(self, document: object, *, source: SourceKind, event_id: str | None) -> Adapted:
        """The request each matching rule renders, located at ``<section>.<rule name>``
        (``rules.ecs-stopped``) for the validation errors to name it; `Ignored` when none
        matches.

        Raises InvalidRequest with every path of the matching rules that failed to evaluate.
        """
        matched = [rule for rule in self.rules if rule.matches(document)]
        if not matched:
            return Ignored(source, event_id, f"no {self.section[:-1]} in {self.origin} matches")
        payloads, errors = [], []
        for rule in matched:
            loc = (self.section, rule.name)
            try:
                payloads.append(Payload(rule.render(document), loc))
            except InvalidRequest as exc:
                errors += [error.within(*loc) for error in exc.errors]
        if errors:
            raise InvalidRequest(errors)
        return Event(source, event_id, tuple(payloads), tuple(rule.name for rule in matched))


def _truthy(value: object) -> bool:
    """JMESPath truth: false, null and empty strings, arrays and objects are false."""
    empty = isinstance(value, str | list | dict) and not value
    return not (value is None or value is False or empty)


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


def _as_tags(value: object) -> object:
    """Tag keys may be given as bare strings; objects pass through as {key, value}."""
    items = _as_list(value)
    if not isinstance(items, list):
        return items
    return [{"key": item} if isinstance(item, str) else item for item in items]


_NORMALIZE = {"resource_ids": _as_list, "tags": _as_tags}
