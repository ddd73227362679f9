"""Validation: the rules a request obeys before anything is planned or sent.

`Validation.request` accepts a canonical request or a provider's own request form and
returns a request that obeys every documented rule of its provider, or raises
`InvalidRequest` with all violations at once. `Validation.plan` turns it into calls.

The deployment's size limits (`LIMITS`: requests in a list, resource ids and tags in a
request) are checked first, on the raw lists, so an oversize request is refused before any
validation work is spent on it; the refusal names the limit and the variable that sets it.
The calls a delivery may plan (`CALL_BUDGET`, over all its requests and events) are counted
by arithmetic on the validated requests (`count_calls`), before any call object is built;
a selector's writes, known only once it has read, are held to what is left
(`DeliveryBudget`). The provider specs and the limits are handed in (the registry and the
settings live in outer layers), so this module knows no vendor and no environment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from tagstrip.domain.errors import MAX_LISTED_ERRORS, FieldError, InvalidRequest, Location
from tagstrip.domain.models import Plan, ProviderName, RequestResult, TagRemovalRequest
from tagstrip.domain.readphase import plan_reads
from tagstrip.domain.rules import ProviderSpec

__all__ = [
    "BATCH_LIMIT",
    "CALL_BUDGET",
    "EVENTS_LIMIT",
    "LIMITS",
    "OVER_BUDGET",
    "CallCounts",
    "DeliveryBudget",
    "Limit",
    "Limits",
    "Validation",
]

_REQUEST = TypeAdapter(TagRemovalRequest)
#: Canonical fields that may ride along with a provider-native body.
_ENVELOPE_FIELDS = ("dry_run", "id", "api_profile")


class Limits(Protocol):
    """The deployment's ceilings (`tagstrip.runtime.settings.Settings` is one): `max_calls`,
    `allow_account_scope`, and the fields each `Limit` names (`max_batch`, ...)."""

    @property
    def max_calls(self) -> int: ...
    @property
    def allow_account_scope(self) -> bool: ...

    def variable(self, name: str) -> str:
        """The environment variable that sets ceiling `name`, for refusals to name."""
        ...


@dataclass(frozen=True)
class Limit:
    """A ceiling on the length of one list (or on a count), set by one `Limits` field."""

    field: str
    setting: str
    counted: str

    def check(self, value: object, limits: Limits, loc: Location) -> FieldError | None:
        return self.exceeded(len(value), limits, loc) if isinstance(value, list) else None

    def exceeded(self, count: int, limits: Limits, loc: Location) -> FieldError | None:
        ceiling: int = getattr(limits, self.setting)
        if count <= ceiling:
            return None
        variable = limits.variable(self.setting)
        message = f"{count} {self.counted}; the limit is {ceiling} (set by {variable})"
        return FieldError(loc, message, "limit_exceeded")


#: Per request: the canonical field, the setting that bounds it, what it counts.
LIMITS = (
    Limit("resource_ids", "max_resources", "resource ids in one request"),
    Limit("resources", "max_resources", "resources in one request"),
    Limit("tags", "max_tags", "tags in one request"),
)
#: Per list of requests.
BATCH_LIMIT = Limit("", "max_batch", "requests in one list")
#: Per delivery: the provider calls all its events and requests plan.
CALL_BUDGET = Limit("", "max_calls", "provider calls planned for one delivery")
#: Per array delivery: the events in it, counted before any is adapted.
EVENTS_LIMIT = Limit("", "max_events", "events in one array delivery")

#: The error code of a write a selector planned past the call budget (never sent).
OVER_BUDGET = "limit_exceeded"


@dataclass
class CallCounts:
    """The calls each request of one delivery is counted for, counted once: the count is
    asked for where the request is validated, where its event and its delivery are held to
    the budget and as it is carried out. Kept by identity for one delivery, each request held
    so that its identity is not reused meanwhile."""

    count: Callable[[TagRemovalRequest], int]
    _counted: dict[int, tuple[TagRemovalRequest, int]] = field(default_factory=dict)

    def __call__(self, request: TagRemovalRequest) -> int:
        held = self._counted.get(id(request))
        if held is None:
            held = self._counted[id(request)] = (request, self.count(request))
        return held[1]

    def total(self, requests: Iterable[TagRemovalRequest]) -> int:
        return sum(map(self, requests))


@dataclass
class DeliveryBudget:
    """The calls a delivery may still plan while its requests are carried out in turn:
    TAGSTRIP_MAX_CALLS less the calls of the requests done and those counted for the
    requests to come. Only a selector plans more than it was counted for (its writes follow
    what it reads), so it may plan what the other requests leave (`allowance`)."""

    left: int
    count: CallCounts

    def allowance(self, request: TagRemovalRequest) -> int:
        """The calls `request` may plan: what it was counted for and what is left over."""
        return self.left + self.count(request)

    def spend(self, request: TagRemovalRequest, result: RequestResult) -> None:
        """Charge the calls `request` planned (writes refused for the budget are not)."""
        planned = sum(call.error_code != OVER_BUDGET for call in result.calls)
        self.left = self.allowance(request) - planned


@dataclass(frozen=True)
class Validation:
    """The rules of the providers in `specs` (the registry's), under the deployment's `limits`."""

    specs: Mapping[ProviderName, ProviderSpec]
    limits: Limits

    def to_canonical(self, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        """The canonical fields of `payload`, translating a provider-native form when needed."""
        if "provider" in payload:
            return payload
        envelope = {k: payload[k] for k in _ENVELOPE_FIELDS if k in payload}
        native = {k: v for k, v in payload.items() if k not in _ENVELOPE_FIELDS}
        claims = [spec for spec in self.specs.values() if spec.claims_native(native)]
        if len(claims) != 1:
            known = ", ".join(self.specs)
            mapping = self.limits.variable("webhook_mapping")
            message = (
                f"the body is neither a canonical request (it has no 'provider', one of: {known}) "
                "nor a provider's own request form (ECS RemoveTags, Redis UntagResources, "
                "Huawei tags/action, Baidu tag?delete); if it is a ticketing or other webhook "
                f"payload, set {mapping} (e.g. preset:jira) to map it"
            )
            if claims:
                names = " and ".join(spec.name for spec in claims)
                message = f"the body could be a native request of {names}; add 'provider' to choose"
            raise InvalidRequest([FieldError(("provider",), message, "missing")])
        return {**claims[0].native_to_canonical(native), **envelope}

    def is_request(self, body: object) -> bool:
        """`body` already is a request (or a list of them), canonical or a provider's own."""
        if isinstance(body, list):
            return True
        if not isinstance(body, Mapping):
            return False
        return "provider" in body or any(spec.claims_native(body) for spec in self.specs.values())

    def request(self, payload: object) -> TagRemovalRequest:
        """A request that passed structural and provider rules, or InvalidRequest listing all."""
        if not isinstance(payload, Mapping):
            message = f"a request must be a JSON object, got {_json_type(payload)}"
            raise InvalidRequest([FieldError((), message, "object_type")])
        canonical = self.to_canonical(payload)
        over = [
            limit.check(canonical.get(limit.field), self.limits, (limit.field,)) for limit in LIMITS
        ]
        if any(over):
            raise InvalidRequest(error for error in over if error is not None)
        try:
            request = _REQUEST.validate_python(canonical)
        except ValidationError as exc:
            raise InvalidRequest(_field_errors(exc)) from None
        spec = self.specs[request.provider]
        errors = spec.check(request) or self._account_scope(
            spec, request, native="provider" not in payload
        )
        if errors:
            raise InvalidRequest(errors)
        if request.where is not None and "dry_run" not in request.model_fields_set:
            # A sweep acts on resources nobody listed: it shows what it found unless told.
            return request.model_copy(update={"dry_run": True})
        return request

    def counts(self) -> CallCounts:
        """The call counts of one delivery's requests, each counted once (`count_calls`)."""
        return CallCounts(self.count_calls)

    def batch(self, payload: object, counts: CallCounts | None = None) -> list[TagRemovalRequest]:
        """One request or a JSON list of them, within the call budget together; errors of list
        items are located by index. A list is refused at its first request past the budget,
        so the count named is the calls planned up to that request."""
        counts = counts or self.counts()
        if isinstance(payload, list):
            return self._list(payload, counts)
        requests = [self.request(payload)]
        self.check_call_budget(requests, counts)
        return requests

    def _list(self, payload: list[Any], counts: CallCounts) -> list[TagRemovalRequest]:
        if not payload:
            raise InvalidRequest([FieldError((), "the list of requests is empty", "empty")])
        if too_many := BATCH_LIMIT.check(payload, self.limits, ()):
            raise InvalidRequest([too_many])
        requests, errors, planned = [], [], 0
        for index, item in enumerate(payload):
            try:
                requests.append(self.request(item))
            except InvalidRequest as exc:
                errors += [error.within(index) for error in exc.errors]
            else:
                planned += counts(requests[-1])
            # Past the budget or the errors listed, the rest of the list is not worth validating.
            if over := CALL_BUDGET.exceeded(planned, self.limits, ()):
                errors.append(over)
            if over or len(errors) > MAX_LISTED_ERRORS:
                break
        if errors:
            raise InvalidRequest(errors)
        return requests

    def count_calls(self, request: TagRemovalRequest) -> int:
        """The calls `plan` plans for a validated request, counted without planning.

        A selector's writes depend on what its reads find, so it counts one call per resource
        it reads (at least one): never fewer than its reads. A sweep counts its first index
        page; its further pages and its writes are held to what the delivery has left.
        """
        if request.where is not None:
            return 1
        if request.selector is None:
            return self.specs[request.provider].count_calls(request)
        return max(1, len(request.resource_ids))

    def check_call_budget(
        self, requests: Iterable[TagRemovalRequest], counts: CallCounts | None = None
    ) -> None:
        """Refuse requests that together would plan more calls than the deployment allows
        (InvalidRequest naming the count and TAGSTRIP_MAX_CALLS), before any call is made."""
        total = (counts or self.counts()).total(requests)
        if over := CALL_BUDGET.exceeded(total, self.limits, ()):
            raise InvalidRequest([over])

    def budget(
        self, requests: Iterable[TagRemovalRequest], counts: CallCounts | None = None
    ) -> DeliveryBudget:
        """The call budget of a delivery that carries `requests`."""
        counts = counts or self.counts()
        return DeliveryBudget(self.limits.max_calls - counts.total(requests), counts)

    def plan(self, request: TagRemovalRequest) -> Plan:
        """The fewest calls that carry out a validated request under its API's limits.

        With a selector or a sweep, the calls are the reads; the executor plans the writes
        from them.
        """
        spec = self.specs[request.provider]
        if request.selector is None and request.where is None:
            return spec.plan(request)
        return plan_reads(spec, request)

    def _account_scope(
        self, spec: ProviderSpec, request: TagRemovalRequest, *, native: bool
    ) -> list[FieldError]:
        """A real account-wide removal needs the deployment's consent: one mistyped mapping or
        rule must not wipe every tag of an account. A dry run makes no call, so it passes.
        Checked once the request is otherwise valid, so its own faults are reported first."""
        if spec.scope != "account" or request.dry_run or self.limits.allow_account_scope:
            return []
        variable = self.limits.variable("allow_account_scope")
        read_as = f"the body is read as {spec.name}'s native form: " if native else ""
        message = (
            f"{read_as}{spec.name} deletes tags from the whole account, unbinding them from "
            f"every resource; this deployment refuses that unless {variable}=true (a dry run "
            "is always allowed). To unbind tags from listed resources only, use provider "
            "baidu-tag-resource (any service type: resource_type, region, resource_ids) or "
            "baidu-bcc (BCC instances)"
        )
        return [
            FieldError(("tags",) if native else ("provider",), message, "account_scope_disabled")
        ]


def _field_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(tuple(error["loc"]), error["msg"], error["type"])
        for error in exc.errors(include_url=False, include_input=False)
    ]


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
