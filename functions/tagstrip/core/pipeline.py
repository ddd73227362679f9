"""validate -> plan: the one path every event source takes into the providers.

`validate_request` accepts a canonical request or a provider's own request form and
returns a request that obeys every documented rule of its provider, or raises
`InvalidRequest` with all violations at once. `plan_request` turns it into calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tagstrip.core.errors import FieldError, InvalidRequest
from tagstrip.core.models import Plan, TagRemovalRequest
from tagstrip.providers import SPECS, spec_for

__all__ = ["plan_request", "to_canonical", "validate_batch", "validate_request"]

_REQUEST = TypeAdapter(TagRemovalRequest)
#: Canonical fields that may ride along with a provider-native body.
_ENVELOPE_FIELDS = ("dry_run", "id", "api_profile")


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


def validate_request(payload: object) -> TagRemovalRequest:
    """A request that passed structural and provider rules, or InvalidRequest listing all faults."""
    if not isinstance(payload, Mapping):
        message = f"a request must be a JSON object, got {_json_type(payload)}"
        raise InvalidRequest([FieldError((), message, "object_type")])
    try:
        request = _REQUEST.validate_python(to_canonical(payload))
    except ValidationError as exc:
        raise InvalidRequest(_field_errors(exc)) from None
    errors = spec_for(request.provider).check(request)
    if errors:
        raise InvalidRequest(errors)
    return request


def validate_batch(payload: object) -> list[TagRemovalRequest]:
    """One request or a JSON list of them; errors of list items are located by index."""
    if not isinstance(payload, list):
        return [validate_request(payload)]
    if not payload:
        raise InvalidRequest([FieldError((), "the list of requests is empty", "empty")])
    requests, errors = [], []
    for index, item in enumerate(payload):
        try:
            requests.append(validate_request(item))
        except InvalidRequest as exc:
            errors += [error.within(index) for error in exc.errors]
    if errors:
        raise InvalidRequest(errors)
    return requests


def plan_request(request: TagRemovalRequest) -> Plan:
    """The fewest calls that carry out a validated request under its API's limits."""
    return spec_for(request.provider).plan(request)


def _field_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(tuple(error["loc"]), error["msg"], error["type"])
        for error in exc.errors(include_url=False, include_input=False)
    ]


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
