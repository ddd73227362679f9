"""Resource-lifecycle events -> removals, through the rules file named by ``TAGSTRIP_RULES``.

Lifecycle events say what happened to a resource (an ECS instance stopped, an ActionTrail
API call, a Huawei CTS trace) and never carry tags, so a rules file decides what to strip.
Each rule matches the CloudEvent `source`/`type` and a JMESPath condition over the whole
event (attributes and `data`), and renders a canonical request from literals and JMESPaths.
An event that no rule matches is `Ignored`, not an error. The file format is in
docs/event-sources.md#lifecycle-rules.

A Huawei CTS trigger event (``{"cts": {...}}``, not a CloudEvent) is seen by rules as the
CloudEvent Huawei EventGrid would deliver for the same trace: source ``HC.<SERVICE>``, type
``<SERVICE>:CloudTrace:<trace_type>``, id = trace_id, data = the trace. Its `request` and
`response`, which CTS sends as JSON text, are parsed first, so rules can look inside them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from tagstrip.domain.errors import ConfigurationError
from tagstrip.domain.outcomes import Adapted
from tagstrip.runtime.settings import Settings, settings_of
from tagstrip.sources._wire import EmbeddedJson, validate_wire

if TYPE_CHECKING:
    from tagstrip.sources.rule_engine import RuleSet

__all__ = ["RULES_VARIABLE", "CtsTrace", "adapt_cloudevent", "adapt_cts", "load_rules"]

RULES_VARIABLE = Settings.variable("rules")
#: Huawei event types whose data is a CTS trace, e.g. ``ECS:CloudTrace:ApiCall``.
_CLOUD_TRACE_MARK = ":CloudTrace:"


class TraceBody(BaseModel):
    """Any CTS trace: `request`/`response` parsed when given as JSON text; the rest kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    request: EmbeddedJson = None
    response: EmbeddedJson = None


class CtsTrace(TraceBody):
    """The trace of a CTS trigger event; these fields name the event for rules."""

    trace_id: str
    trace_name: str
    trace_type: str
    service_type: str


class CtsEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    cts: CtsTrace


_CTS = TypeAdapter(CtsEvent)
_TRACE = TypeAdapter(TraceBody)


def load_rules(path: str | os.PathLike[str]) -> RuleSet:
    """The compiled rules of a YAML/JSON file, cached by path and mtime.

    Raises ConfigurationError naming the file and the rule at fault.
    """
    from tagstrip.sources.rule_files import load_file

    return load_file(Path(path), "rules", variable=RULES_VARIABLE)


def adapt_cloudevent(
    event: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
) -> Adapted:
    """Removals for a lifecycle CloudEvent given as its structured form (attributes + data).

    Raises InvalidRequest (a path of a matching rule could not be evaluated, or a CloudTrace
    payload holds bad JSON) and ConfigurationError (``TAGSTRIP_RULES`` unset or invalid).
    """
    if _CLOUD_TRACE_MARK in str(event.get("type")) and isinstance(event.get("data"), Mapping):
        trace = validate_wire(_TRACE, event["data"], ("data",))
        event = {**event, "data": trace.model_dump()}
    event_id = event.get("id")
    return _rules(environ).apply(
        event, source="lifecycle", event_id=event_id if isinstance(event_id, str) else None
    )


def adapt_cts(body: object, *, environ: Mapping[str, str] | None = None) -> Adapted:
    """Removals for a Huawei CTS trigger event ``{"cts": {...}}``; event id = trace_id."""
    trace = validate_wire(_CTS, body).cts
    service = trace.service_type.upper()
    event = {
        "specversion": "1.0",
        "id": trace.trace_id,
        "source": f"HC.{service}",
        "type": f"{service}{_CLOUD_TRACE_MARK}{trace.trace_type}",
        "data": trace.model_dump(),
    }
    return _rules(environ).apply(event, source="cts", event_id=trace.trace_id)


def _rules(environ: Mapping[str, str] | None) -> RuleSet:
    path = (settings_of(environ).rules or "").strip()
    if not path:
        message = (
            f"lifecycle events need a rules file: set {RULES_VARIABLE} to the path of a "
            "YAML or JSON rules file (see docs/event-sources.md, 'Lifecycle rules')"
        )
        raise ConfigurationError(message, variable=RULES_VARIABLE)
    return load_rules(path)
