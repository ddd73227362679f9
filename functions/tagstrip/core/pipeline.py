"""validate -> plan: the one path every event source takes into the providers.

`validate_request` accepts a canonical request or a provider's own request form and
returns a request that obeys every documented rule of its provider, or raises
`InvalidRequest` with all violations at once. `plan_request` turns it into calls.

The deployment's size limits (`LIMITS`: requests in a list, resource ids and tags in a
request) are checked first, on the raw lists, so an oversize request is refused before any
validation work is spent on it; the refusal names the limit and the variable that sets it.
The calls a delivery may plan (`CALL_BUDGET`, over all its requests and events) are counted
by arithmetic on the validated requests (`count_calls`), before any call object is built;
a selector's writes, known only once it has read, are held to what is left
(`DeliveryBudget`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tagstrip.core.errors import MAX_LISTED_ERRORS, FieldError, InvalidRequest, Location
from tagstrip.core.models import Plan, RequestResult, TagRemovalRequest
from tagstrip.core.readphase import plan_reads
from tagstrip.core.rules import ProviderSpec
from tagstrip.core.settings import Settings, get_settings
from tagstrip.providers import SPECS, spec_for

__all__ = [
    "BATCH_LIMIT",
    "CALL_BUDGET",
    "EVENTS_LIMIT",
    "LIMITS",
    "OVER_BUDGET",
    "DeliveryBudget",
    "Limit",
    "check_call_budget",
    "count_calls",
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
    """A ceiling on the length of one list (or on a count), set by one `Settings` field."""

    field: str
    setting: str
    counted: str

    def check(self, value: object, settings: Settings, loc: Location) -> FieldError | None:
        return self.exceeded(len(value), settings, loc) if isinstance(value, list) else None

    def exceeded(self, count: int, settings: Settings, loc: Location) -> FieldError | None:
        ceiling: int = getattr(settings, self.setting)
        if count <= ceiling:
            return None
        variable = Settings.variable(self.setting)
        message = f"{count} {self.counted}; the limit is {ceiling} (set by {variable})"
        return FieldError(loc, message, "limit_exceeded")


#: Per request: the canonical field, the setting that bounds it, what it counts.
LIMITS = (
    Limit("resource_ids", "max_resources", "resource ids in one request"),
    Limit("tags", "max_tags", "tags in one request"),
)
#: Per list of requests.
BATCH_LIMIT = Limit("", "max_batch", "requests in one list")
#: Per delivery: the provider calls all its events and requests plan.
CALL_BUDGET = Limit("", "max_calls", "provider calls planned for one delivery")
#: Per array delivery: the events in it, counted before any is adapted.
EVENTS_LIMIT = Limit("", "max_events", "events in one array delivery")


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
    spec = spec_for(request.provider)
    errors = spec.check(request) or _account_scope(
        spec, request, settings, native="provider" not in payload
    )
    if errors:
        raise InvalidRequest(errors)
    return request


def validate_batch(payload: object, settings: Settings | None = None) -> list[TagRemovalRequest]:
    """One request or a JSON list of them, within the call budget together; errors of list
    items are located by index. A list is refused at its first request past the budget, so
    the count named is the calls planned up to that request."""
    settings = settings or get_settings()
    if not isinstance(payload, list):
        requests = [validate_request(payload, settings)]
    else:
        requests = _validate_list(payload, settings)
    check_call_budget(requests, settings)
    return requests


def _validate_list(payload: list[Any], settings: Settings) -> list[TagRemovalRequest]:
    if not payload:
        raise InvalidRequest([FieldError((), "the list of requests is empty", "empty")])
    if too_many := BATCH_LIMIT.check(payload, settings, ()):
        raise InvalidRequest([too_many])
    requests, errors, planned = [], [], 0
    for index, item in enumerate(payload):
        try:
            requests.append(validate_request(item, settings))
        except InvalidRequest as exc:
            errors += [error.within(index) for error in exc.errors]
        else:
            planned += count_calls(requests[-1])
        # Past the budget or the errors listed, the rest of the list is not worth validating.
        if over := CALL_BUDGET.exceeded(planned, settings, ()):
            errors.append(over)
        if over or len(errors) > MAX_LISTED_ERRORS:
            break
    if errors:
        raise InvalidRequest(errors)
    return requests


def count_calls(request: TagRemovalRequest) -> int:
    """The calls `plan_request` plans for a validated request, counted without planning.

    A selector's writes depend on what its reads find, so it counts one call per resource
    it reads (at least one): never fewer than its reads.
    """
    if request.selector is None:
        return spec_for(request.provider).count_calls(request)
    return max(1, len(request.resource_ids))


def check_call_budget(
    requests: Iterable[TagRemovalRequest], settings: Settings | None = None
) -> None:
    """Refuse requests that together would plan more calls than the deployment allows
    (InvalidRequest naming the count and TAGSTRIP_MAX_CALLS), before any call is made."""
    total = sum(count_calls(request) for request in requests)
    if over := CALL_BUDGET.exceeded(total, settings or get_settings(), ()):
        raise InvalidRequest([over])


#: The error code of a write a selector planned past the call budget (never sent).
OVER_BUDGET = "limit_exceeded"


@dataclass
class DeliveryBudget:
    """The calls a delivery may still plan while its requests are carried out in turn:
    TAGSTRIP_MAX_CALLS less the calls of the requests done and those counted for the
    requests to come. Only a selector plans more than it was counted for (its writes follow
    what it reads), so it may plan what the other requests leave (`allowance`)."""

    left: int

    @classmethod
    def of(
        cls, requests: Iterable[TagRemovalRequest], settings: Settings | None = None
    ) -> DeliveryBudget:
        counted = sum(count_calls(request) for request in requests)
        return cls((settings or get_settings()).max_calls - counted)

    def allowance(self, request: TagRemovalRequest) -> int:
        """The calls `request` may plan: what it was counted for and what is left over."""
        return self.left + count_calls(request)

    def spend(self, request: TagRemovalRequest, result: RequestResult) -> None:
        """Charge the calls `request` planned (writes refused for the budget are not)."""
        planned = sum(call.error_code != OVER_BUDGET for call in result.calls)
        self.left = self.allowance(request) - planned


def plan_request(request: TagRemovalRequest) -> Plan:
    """The fewest calls that carry out a validated request under its API's limits.

    With a selector, the calls are the reads; the executor plans the writes from them.
    """
    spec = spec_for(request.provider)
    return spec.plan(request) if request.selector is None else plan_reads(spec, request)


def _account_scope(
    spec: ProviderSpec, request: TagRemovalRequest, settings: Settings, *, native: bool
) -> list[FieldError]:
    """A real account-wide removal needs the deployment's consent: one mistyped mapping or
    rule must not wipe every tag of an account. A dry run makes no call, so it passes.
    Checked once the request is otherwise valid, so its own faults are reported first."""
    if spec.scope != "account" or request.dry_run or settings.allow_account_scope:
        return []
    variable = Settings.variable("allow_account_scope")
    read_as = f"the body is read as {spec.name}'s native form: " if native else ""
    message = (
        f"{read_as}{spec.name} deletes tags from the whole account, unbinding them from every "
        f"resource; this deployment refuses that unless {variable}=true (a dry run is always "
        "allowed). To untag BCC instances only, use provider baidu-bcc with resource_ids"
    )
    return [FieldError(("tags",) if native else ("provider",), message, "account_scope_disabled")]


def _field_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(tuple(error["loc"]), error["msg"], error["type"])
        for error in exc.errors(include_url=False, include_input=False)
    ]


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
