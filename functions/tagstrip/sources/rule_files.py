"""Rules and mapping files: their format, and reading, checking and compiling them.

A file is YAML (JSON when its name ends in ``.json``) holding ``rules:`` or ``mappings:``,
a list of rules; each canonical field is a literal or ``{path: <JMESPath>, map: {...}}``.
Every problem is a ConfigurationError naming the variable, the file and the rule. Files are
compiled once per (path, mtime, size), so editing a file takes effect on the next event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tagstrip.domain.errors import ConfigurationError
from tagstrip.sources.rule_engine import Lookup, Rule, RuleSet, Section

__all__ = ["LifecycleRuleSpec", "MappingSpec", "combine", "load_file", "load_resource"]


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
    #: A selector object as the canonical request takes it, or a path to one in the document.
    selector: PathValue | dict[str, Any] | None = None
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
            value = Lookup(value.path, expression(value.path, name), value.map)
        fields.append((name, value))
    when = None if spec.when is None else expression(spec.when, "when")
    sources, types = (getattr(spec, key, None) for key in ("source", "type"))
    return Rule(spec.name, _one_or_many(sources), _one_or_many(types), when, tuple(fields))


def _one_or_many(value: str | list[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)
