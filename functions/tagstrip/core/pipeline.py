"""validate -> plan: the one path every event source takes into the providers.

`validate_request` accepts a canonical request or a provider's own request form and
returns a request that obeys every documented rule of its provider, or raises
`InvalidRequest` with all violations at once. `plan_request` turns it into calls.

The deployment's size limits (`LIMITS`: requests in a list, resource ids and tags in a
request) are checked first, on the raw lists, so an oversize request is refused before any
validation work is spent on it; the refusal names the limit and the variable that sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tagstrip.core.errors import FieldError, InvalidRequest, Location
from tagstrip.core.models import Plan, TagRemovalRequest
from tagstrip.core.readphase import plan_reads
from tagstrip.core.settings import Settings, get_settings
from tagstrip.providers import SPECS, spec_for

__all__ = [
    "BATCH_LIMIT",
    "LIMITS",
    "Limit",
    "plan_request",
    "to_canonical",
    "validate_batch",
    "validate_request",
]

_REQUEST = TypeAdapter(TagRemovalRequest)
#: Canonical fields that may ride along with a provider-native body.
_ENVELOPE_FIELDS = ("dry_run", "id", "api_profile")


@dataclass(frozen=True)
class Limit:
    """A ceiling on the length of one list, set by one `Settings` field."""

    field: str
    setting: str
    counted: str

    def check(self, value: object, settings: Settings, loc: Location) -> FieldError | None:
        ceiling: int = getattr(settings, self.setting)
        if not isinstance(value, list) or len(value) <= ceiling:
            return None
        variable = Settings.variable(self.setting)
        message = f"{len(value)} {self.counted}; the limit is {ceiling} (set by {variable})"
        return FieldError(loc, message, "limit_exceeded")


#: Per request: the canonical field, the setting that bounds it, what it counts.
LIMITS = (
    Limit("resource_ids", "max_resources", "resource ids in one request"),
    Limit("tags", "max_tags", "tags in one request"),
)
#: Per list of requests.
BATCH_LIMIT = Limit("", "max_batch", "requests in one list")


def to_canonical(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """The canonical fields of `payload`, translating a provider-native form when needed."""
    if "provider" in payload:
        return payload
    envelope = {k: payload[k] for k in _ENVELOPE_FIELDS if k in payload}
    native = {k: v for k, v in payload.items() if k not in _ENVELOPE_FIELDS}
    claims = [spec for spec in SPECS.values() if spec.claims_native(native)]
    if len(claims) != 1:
        known = ", ".join(SPECS)
        message = (
            "'provider' is required (one of: "
            f"{known}), unless the body is a provider's own request form "
            "(ECS RemoveTags, Redis UntagResources, Huawei tags/action, Baidu tag?delete)"
        )
        if claims:
            names = " and ".join(spec.name for spec in claims)
            message = f"the body could be a native request of {names}; add 'provider' to choose"
        raise InvalidRequest([FieldError(("provider",), message, "missing")])
    return {**claims[0].native_to_canonical(native), **envelope}


def validate_request(payload: object, settings: Settings | None = None) -> TagRemovalRequest:
    """A request that passed structural and provider rules, or InvalidRequest listing all faults."""
    if not isinstance(payload, Mapping):
        message = f"a request must be a JSON object, got {_json_type(payload)}"
        raise InvalidRequest([FieldError((), message, "object_type")])
    canonical = to_canonical(payload)
    settings = settings or get_settings()
    over = [limit.check(canonical.get(limit.field), settings, (limit.field,)) for limit in LIMITS]
    if any(over):
        raise InvalidRequest(error for error in over if error is not None)
    try:
        request = _REQUEST.validate_python(canonical)
    except ValidationError as exc:
        raise InvalidRequest(_field_errors(exc)) from None
    errors = spec_for(request.provider).check(request)
    if errors:
        raise InvalidRequest(errors)
    return request


def validate_batch(payload: object, settings: Settings | None = None) -> list[TagRemovalRequest]:
    """One request or a JSON list of them; errors of list items are located by index."""
    settings = settings or get_settings()
    if not isinstance(payload, list):
        return [validate_request(payload, settings)]
    if not payload:
        raise InvalidRequest([FieldError((), "the list of requests is empty", "empty")])
    if too_many := BATCH_LIMIT.check(payload, settings, ()):
        raise InvalidRequest([too_many])
    requests, errors = [], []
    for index, item in enumerate(payload):
        try:
            requests.append(validate_request(item, settings))
        except InvalidRequest as exc:
            errors += [error.within(index) for error in exc.errors]
    if errors:
        raise InvalidRequest(errors)
    return requests


def plan_request(request: TagRemovalRequest) -> Plan:
    """The fewest calls that carry out a validated request under its API's limits.

    With a selector, the calls are the reads; the executor plans the writes from them.
    """
    spec = spec_for(request.provider)
    return spec.plan(request) if request.selector is None else plan_reads(spec, request)


def _field_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(tuple(error["loc"]), error["msg"], error["type"])
        for error in exc.errors(include_url=False, include_input=False)
    ]


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
