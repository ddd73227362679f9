"""The engine behind lifecycle rules and webhook mappings: match a JSON document, render requests.

A rule names a condition (JMESPath, plus CloudEvent `source`/`type` for lifecycle rules) and a
request template: each canonical field is a literal or ``{path: <JMESPath>, map: {...}}``.
Files are parsed and every expression compiled once, then cached by path and mtime, so a
delivery only evaluates. This module imports jmespath; the adapters import it lazily.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import jmespath
from jmespath import functions
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tagstrip.core.errors import ConfigurationError, FieldError, InvalidRequest
from tagstrip.core.pipeline import validate_request
from tagstrip.sources.outcome import Accepted, Ignored, Outcome, SourceKind

__all__ = ["Rule", "RuleSet", "combine", "load_file", "load_resource"]

Section = Literal["rules", "mappings"]


class _Functions(functions.Functions):
    """JMESPath extras for webhook payloads, which often pack lists into one string."""

    @functions.signature({"types": ["string", "null"]}, {"types": ["string"]})
    def _func_split(self, text: str | None, separator: str) -> list[str]:
        """``split('a, b', ',')`` -> ``['a', 'b']``; null -> ``[]``; blanks dropped."""
        parts = [] if text is None else text.split(separator)
        return [part.strip() for part in parts if part.strip()]


_OPTIONS = jmespath.Options(custom_functions=_Functions())


class PathValue(BaseModel):
    """A field taken from the document: a JMESPath, optionally translated through `map`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    map: dict[str, Any] | None = None


Value = PathValue | str | bool | list[Any] | None


class MappingSpec(BaseModel):
    """One rule of a mapping file: a condition and the request it renders."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    when: str | None = None
    provider: Value
    region: Value = None
    resource_type: Value = None
    resource_ids: Value = None
    project_id: Value = None
    tags: Value = None
    remove_all: Value = None
    dry_run: Value = None
    api_profile: Value = None
    id: Value = None


class LifecycleRuleSpec(MappingSpec):
    """A lifecycle rule also matches the CloudEvent `source` and `type` (one or several)."""

    source: str | list[str] | None = None
    type: str | list[str] | None = None


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[LifecycleRuleSpec] = Field(min_length=1)


class _MappingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mappings: list[MappingSpec] = Field(min_length=1)


_TEMPLATE_FIELDS = tuple(name for name in MappingSpec.model_fields if name not in ("name", "when"))
_FILES: dict[Section, type[_RulesFile | _MappingsFile]] = {
    "rules": _RulesFile,
    "mappings": _MappingsFile,
}


@dataclass(frozen=True)
class _Path:
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
            if isinstance(value, _Path):
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

    def apply(self, document: object, *, source: SourceKind, event_id: str | None) -> Outcome:
        """Requests of every matching rule, `Ignored` when none matches.

        Raises InvalidRequest with all faults of all matching rules, located under
        ``<section>.<rule name>.<field>`` (``rules.ecs-stopped.resource_ids``).
        """
        matched = [rule for rule in self.rules if rule.matches(document)]
        if not matched:
            return Ignored(source, event_id, f"no {self.section[:-1]} in {self.origin} matches")
        requests, errors = [], []
        for rule in matched:
            try:
                requests.append(validate_request(rule.render(document)))
            except InvalidRequest as exc:
                errors += [error.within(self.section, rule.name) for error in exc.errors]
        if errors:
            raise InvalidRequest(errors)
        return Accepted(source, event_id, tuple(requests), tuple(rule.name for rule in matched))


def load_file(path: Path, section: Section, *, variable: str) -> RuleSet:
    """The rules of a YAML or JSON file, compiled once per (path, mtime); ConfigurationError."""
    try:
        stat = path.stat()
    except OSError as exc:
        message = f"{variable}: cannot read {path}: {exc.strerror}"
        raise ConfigurationError(message, variable=variable) from None
    return _load_cached(path, section, variable, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load_cached(path: Path, section: Section, variable: str, *_stamp: int) -> RuleSet:
    return load_resource(path, str(path), section, variable=variable)


def load_resource(
    resource: Traversable, origin: str, section: Section, *, variable: str
) -> RuleSet:
    """The rules of a file or packaged resource (presets); not cached: callers cache."""
    try:
        text = resource.read_text(encoding="utf-8")
        document = _parse(text, resource.name)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{variable}: {origin}: {exc}", variable=variable) from None
    try:
        specs: list[MappingSpec] = getattr(_FILES[section].model_validate(document), section)
    except ValidationError as exc:
        raise ConfigurationError(
            f"{variable}: {origin}: {_describe(exc, document, section)}", variable=variable
        ) from None
    try:
        rules = tuple(_compile(spec) for spec in specs)
    except ValueError as exc:
        raise ConfigurationError(f"{variable}: {origin}: {exc}", variable=variable) from None
    return _unique(RuleSet(origin, section, rules), variable)


def combine(sets: Sequence[RuleSet], *, variable: str) -> RuleSet:
    """One rule set made of several files' rules, in order (names must stay unique)."""
    rules = tuple(rule for ruleset in sets for rule in ruleset.rules)
    origin = ", ".join(ruleset.origin for ruleset in sets)
    return _unique(RuleSet(origin, sets[0].section, rules), variable)


def _unique(ruleset: RuleSet, variable: str) -> RuleSet:
    """Names locate errors (``rules.<name>.<field>``), so one name may not mean two rules."""
    names = [rule.name for rule in ruleset.rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        message = (
            f"{variable}: {ruleset.origin}: rule names must be unique: {', '.join(duplicates)}"
        )
        raise ConfigurationError(message, variable=variable)
    return ruleset


def _parse(text: str, name: str) -> Any:
    if name.endswith(".json"):
        return json.loads(text)
    import yaml  # only deployments that use a YAML file pay for the import

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML: {exc}") from None


def _describe(exc: ValidationError, document: Any, section: Section) -> str:
    """Pydantic errors with rule indexes replaced by rule names where the file gives them."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = list(error["loc"])
        if len(loc) >= 2 and isinstance(loc[1], int):
            loc[1] = _rule_label(document, section, loc[1])
        parts.append(f"{'.'.join(map(str, loc)) or '(root)'}: {error['msg']}")
    return "; ".join(parts)


def _rule_label(document: Any, section: Section, index: int) -> str:
    try:
        return f"rule {document[section][index]['name']!r}"
    except (KeyError, IndexError, TypeError):
        return f"rule #{index + 1}"


def _compile(spec: MappingSpec) -> Rule:
    def expression(text: str, where: str) -> ParsedResult:
        try:
            return jmespath.compile(text)
        except JMESPathError as exc:
            message = f"rule {spec.name!r}: {where}: invalid JMESPath {text!r}: {exc}"
            raise ValueError(message) from None

    fields = []
    for name in _TEMPLATE_FIELDS:
        value = getattr(spec, name)
        if isinstance(value, PathValue):
            value = _Path(value.path, expression(value.path, name), value.map)
        fields.append((name, value))
    when = None if spec.when is None else expression(spec.when, "when")
    sources, types = (getattr(spec, key, None) for key in ("source", "type"))
    return Rule(spec.name, _one_or_many(sources), _one_or_many(types), when, tuple(fields))


def _one_or_many(value: str | list[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)


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
