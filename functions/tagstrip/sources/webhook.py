"""Ticketing and generic webhooks: any JSON payload -> requests, through a mapping file.

``TAGSTRIP_WEBHOOK_MAPPING`` names a YAML/JSON mapping file, or a shipped preset as
``preset:jira`` / ``preset:servicenow`` (files in ``sources/presets``), or several of
them comma-separated. Each mapping has an optional JMESPath condition (only act when the
ticket moved to Done, say) and renders a canonical request; a payload no mapping matches is
`Ignored`. The format is in docs/event-sources.md#webhook-mappings.
The payloads are validated by `tagstrip.domain.pipeline`, not here.

A body that already is a request (a canonical request, a list of them, or a provider's
native form) is taken as is, mapping or not: mappings are for payloads tagstrip does not
speak natively, and a catch-all mapping must not swallow real requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from tagstrip.domain.errors import ConfigurationError
from tagstrip.domain.outcomes import Adapted, Event, Payload
from tagstrip.runtime.settings import Settings, settings_of
from tagstrip.runtime.wiring import validation

if TYPE_CHECKING:
    from tagstrip.sources.rule_engine import RuleSet

__all__ = ["MAPPING_VARIABLE", "PRESETS", "adapt", "load_mapping"]

MAPPING_VARIABLE = Settings.variable("webhook_mapping")
_PRESET_PREFIX = "preset:"
#: Shipped presets, selectable as ``preset:<name>``.
PRESETS = ("jira", "servicenow")


def load_mapping(spec: str) -> RuleSet:
    """The compiled mappings of a file path or ``preset:<name>``, each parsed once.

    Several, comma-separated, are combined in order, so one webhook can serve Jira and
    ServiceNow (``preset:jira,preset:servicenow``). Raises ConfigurationError naming the
    file (or preset) and the mapping at fault.
    """
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    if not parts:
        message = f"{MAPPING_VARIABLE} names no mapping file or preset"
        raise ConfigurationError(message, variable=MAPPING_VARIABLE)
    if len(parts) == 1:
        return _load_one(parts[0])
    from tagstrip.sources.rule_files import combine

    return combine([_load_one(part) for part in parts], variable=MAPPING_VARIABLE)


def adapt(
    body: object, *, event_id: str | None = None, environ: Mapping[str, str] | None = None
) -> Adapted:
    """The payloads of a webhook body: the body itself when it is a request, else mapped.

    `event_id` is the delivery's id if the caller has one (Jira's webhook identifier).
    Raises InvalidRequest (a path of a matching mapping could not be evaluated) and
    ConfigurationError (the mapping file is invalid).
    """
    settings = settings_of(environ)
    spec = (settings.webhook_mapping or "").strip()
    if not spec or validation(settings).is_request(body):
        return Event("request", event_id, (Payload(body),))
    return load_mapping(spec).apply(body, source="webhook", event_id=event_id)


def _load_one(spec: str) -> RuleSet:
    if spec.startswith(_PRESET_PREFIX):
        return _preset(spec.removeprefix(_PRESET_PREFIX))
    from tagstrip.sources.rule_files import load_file

    return load_file(Path(spec), "mappings", variable=MAPPING_VARIABLE)


@lru_cache(maxsize=len(PRESETS))
def _preset(name: str) -> RuleSet:
    if name not in PRESETS:
        message = (
            f"{MAPPING_VARIABLE}: unknown preset {name!r}; "
            f"presets: {', '.join(_PRESET_PREFIX + p for p in PRESETS)}"
        )
        raise ConfigurationError(message, variable=MAPPING_VARIABLE)
    from tagstrip.sources.rule_files import load_resource

    resource = files("tagstrip.sources").joinpath("presets", f"{name}.yaml")
    return load_resource(resource, _PRESET_PREFIX + name, "mappings", variable=MAPPING_VARIABLE)
