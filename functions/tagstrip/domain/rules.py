"""What every vendor package shares: the declaration and spec interfaces, and rule helpers.

Each ``tagstrip.providers.<vendor>`` package exports one `Vendor`: its provider APIs, the
variables of its access key and, per API, the variable that overrides the endpoint and the
vendor's public endpoint. `tagstrip.providers` assembles them into the registry; the
settings, log redaction and the provider-name type are derived from it or checked against
it, so a vendor fact is written once and a new credential cannot be left unredacted.

A provider spec (one module per vendor API) owns that API's documented rules, its native
input form and the shape of its calls. The helpers here only express rules; which limits
apply is each spec's business.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from tagstrip.domain.errors import FieldError, Location
from tagstrip.domain.models import (
    Plan,
    PlannedCall,
    ProviderName,
    SkippedTag,
    Tag,
    TagRemovalRequest,
)
from tagstrip.domain.selection import check_selector
from tagstrip.domain.sweep import check_where

__all__ = [
    "OPTIONAL_FIELDS",
    "RESOURCE_ID_PATTERN",
    "AccessKeyVariables",
    "PlatformKeys",
    "ProviderApi",
    "ProviderSpec",
    "Vendor",
    "VendorOption",
    "check_charset",
    "check_length",
    "check_region",
    "check_resource_ids",
    "check_unique_keys",
    "chunk_count",
    "chunked",
    "merge_duplicate_tags",
]

T = TypeVar("T")

#: Canonical fields that only some providers use; a spec lists the ones it accepts.
OPTIONAL_FIELDS = (
    "region",
    "resource_type",
    "resource_ids",
    "project_id",
    "resources",
    "remove_all",
)

#: Region ids as the vendors spell them: cn-shenzhen, ap-southeast-1, cn-north-4, bj.
_REGION_PATTERN = re.compile(r"[a-z]{2,}(-[a-z0-9]+)*")

#: Resource ids go into URL paths (Huawei, Baidu BCC) and query strings: no separators,
#: no whitespace, no traversal. Every vendor id seen in the docs fits.
RESOURCE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class ProviderSpec(ABC):
    """The documented rules and call shapes of one provider API.

    `check` reports every violation of a structurally valid request; `plan` turns a
    request that passed `check` into the fewest calls the API's limits allow.
    """

    name: ClassVar[ProviderName]
    #: API profiles this provider offers; the first is the default.
    profiles: ClassVar[tuple[str, ...]]
    #: Which of OPTIONAL_FIELDS this provider takes; the others must stay unset.
    accepts: ClassVar[frozenset[str]]
    #: Whether calls act on the listed resources or on the whole account.
    scope: ClassVar[Literal["resources", "account"]] = "resources"
    #: Whether the API has a tag index that a sweep (``where``) queries for its resources.
    sweeps: ClassVar[bool] = False

    def profile(self, request: TagRemovalRequest) -> str:
        return request.api_profile or self.profiles[0]

    def make_call(
        self, request: TagRemovalRequest, *, operation: str, api_version: str, **wire: Any
    ) -> PlannedCall:
        """A call of this provider in the request's region; `wire` holds method, path, ..."""
        return PlannedCall(
            provider=self.name,
            operation=operation,
            api_version=api_version,
            region=request.region,
            **wire,
        )

    def make_plan(
        self,
        request: TagRemovalRequest,
        calls: list[PlannedCall],
        *,
        summary: str,
        notes: list[str],
        skipped: Sequence[SkippedTag] = (),
    ) -> Plan:
        return Plan(
            request_id=request.id,
            provider=self.name,
            api_profile=self.profile(request),
            dry_run=request.dry_run,
            scope=self.scope,
            summary=summary,
            calls=calls,
            skipped=list(skipped),
            notes=notes,
        )

    def check(self, request: TagRemovalRequest) -> list[FieldError]:
        errors = self._check_fields_apply(request)
        if request.api_profile is not None and request.api_profile not in self.profiles:
            allowed = ", ".join(self.profiles)
            errors.append(
                FieldError(
                    ("api_profile",),
                    f"{request.api_profile!r} is not an API profile of {self.name}; "
                    f"valid profiles: {allowed}",
                    "invalid_profile",
                )
            )
            return errors
        errors += check_where(request, sweeps=self.sweeps, provider=self.name)
        return errors + self.check_provider_rules(request) + check_selector(request)

    def _check_fields_apply(self, request: TagRemovalRequest) -> list[FieldError]:
        set_fields = {
            "region": request.region is not None,
            "resource_type": request.resource_type is not None,
            "resource_ids": bool(request.resource_ids),
            "project_id": request.project_id is not None,
            "resources": bool(request.resources),
            "remove_all": request.remove_all,
        }
        return [
            FieldError((name,), f"{self.name} does not use {name}; {why}", "not_applicable")
            for name in OPTIONAL_FIELDS
            if set_fields[name] and name not in self.accepts
            for why in [self.why_not_applicable(name)]
        ]

    def why_not_applicable(self, field: str) -> str:
        """Explain, for the error message, why `field` does not apply to this provider."""
        return "remove it"

    @abstractmethod
    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        """Every documented rule of this API that `request` breaks."""

    @abstractmethod
    def plan(self, request: TagRemovalRequest) -> Plan:
        """The calls for a request that passed `check`."""

    @abstractmethod
    def count_calls(self, request: TagRemovalRequest) -> int:
        """How many calls `plan` makes, by arithmetic alone: the call budget of a delivery
        is checked before any call object is built."""

    @abstractmethod
    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """The read calls (first pages) that fetch the current tags of what `request` names,
        or for a sweep, the tag-index queries that find the resources carrying its tag."""

    def swept(self, request: TagRemovalRequest, resource_id: str) -> bool:
        """Whether a resource the tag index returned for a sweep is one it acts on (a filter
        the index itself lacks, such as resource types)."""
        return True

    def protected(self, tag: Tag) -> bool:
        """Whether `tag` is one of the vendor's reserved or system tags, never removed."""
        return False

    def removal_tag(self, request: TagRemovalRequest, tag: Tag) -> Tag:
        """How a tag read from a resource is named in a removal call: by key and value."""
        return tag

    @abstractmethod
    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        """Whether `payload` looks like this API's own request form."""

    @abstractmethod
    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The canonical request fields for this API's own request form (raises InvalidRequest)."""


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items: the fewest chunks that respect a limit."""
    for n in range(chunk_count(len(items), size)):
        yield list(items[n * size : (n + 1) * size])


def chunk_count(items: int, size: int) -> int:
    """How many slices `chunked` cuts `items` items into."""
    return -(-items // size)


def merge_duplicate_tags(tags: Sequence[Tag]) -> tuple[list[Tag], list[str]]:
    """Drop exact repeats (keeping first-seen order) and say what was merged and how keys match.

    Counted in one pass: a request may hold hundreds of tags, and comparing each with all
    the others would cost more than the rest of its validation."""
    counts = Counter(tags)
    unique = list(counts)
    notes = [
        f"tag {tag} was given {count} times and is removed once"
        for tag, count in counts.items()
        if count > 1
    ]
    if any(tag.value is None for tag in unique):
        notes.append("tags given without a value are removed whatever their value")
    return unique, notes


def check_length(
    text: str,
    loc: Location,
    what: str,
    *,
    minimum: int,
    maximum: int,
    provider_code: str | None = None,
) -> list[FieldError]:
    """Length rules in characters (Unicode code points), as the vendors count them."""
    if len(text) < minimum:
        kind = "empty" if minimum == 1 else "too_short"
        message = f"{what} must not be empty" if minimum == 1 else f"{what} is too short"
        return [FieldError(loc, f"{message} (at least {minimum} characters)", kind, provider_code)]
    if len(text) > maximum:
        message = f"{what} is {len(text)} characters long; the limit is {maximum}"
        return [FieldError(loc, message, "too_long", provider_code)]
    return []


def check_charset(
    text: str,
    loc: Location,
    what: str,
    allowed: Callable[[str], bool],
    allowed_words: str,
    provider_code: str | None = None,
) -> list[FieldError]:
    """Report the first characters outside a vendor's allowed set, by name and code point."""
    bad = sorted({ch for ch in text if not allowed(ch)}, key=text.index)
    if not bad:
        return []
    shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in bad[:5])
    message = f"{what} contains {shown}, which is not allowed; allowed: {allowed_words}"
    return [FieldError(loc, message, "invalid_character", provider_code)]


def check_region(region: str | None, *, provider_code: str | None = None) -> list[FieldError]:
    """A region is required and must be spelled like a vendor region id."""
    if region is None:
        return [FieldError(("region",), "region is required", "missing", provider_code)]
    if not _REGION_PATTERN.fullmatch(region):
        message = f"{region!r} is not a region id (expected lowercase like cn-shenzhen)"
        return [FieldError(("region",), message, "invalid_region", provider_code)]
    return []


def check_resource_ids(
    ids: Sequence[str], *, what: str, provider_code: str | None = None
) -> list[FieldError]:
    """Every id well-formed and listed once; at least one id."""
    if not ids:
        return [FieldError(("resource_ids",), f"at least one {what} is required", "missing")]
    errors = [
        FieldError(
            ("resource_ids", index),
            f"{rid!r} is not a valid {what} (letters, digits, '-', '_', '.'; "
            "at most 128 characters)",
            "invalid_resource_id",
            provider_code,
        )
        for index, rid in enumerate(ids)
        if not RESOURCE_ID_PATTERN.fullmatch(rid)
    ]
    first_places: dict[str, int] = {}
    errors += [
        FieldError(
            ("resource_ids", index),
            f"{rid!r} is listed more than once",
            "duplicate_resource_id",
        )
        for index, rid in enumerate(ids)
        if index > first_places.setdefault(rid, index)
    ]
    return errors


def check_unique_keys(tags: Sequence[Tag], *, provider_code: str | None = None) -> list[FieldError]:
    """A key may appear once per request, after exact repeats are merged; each repeat is
    located at its first place."""
    first_places: dict[Tag, int] = {}
    for index, tag in enumerate(tags):
        first_places.setdefault(tag, index)
    seen: set[str] = set()
    errors: list[FieldError] = []
    for tag, index in first_places.items():
        if tag.key in seen:
            message = f"key {tag.key!r} is given more than once with different values"
            errors.append(
                FieldError(("tags", index, "key"), message, "duplicate_key", provider_code)
            )
        seen.add(tag.key)
    return errors


@dataclass(frozen=True)
class AccessKeyVariables:
    """The vendor's conventional variables for its access key: the key id is not secret,
    the secret key and the STS token are (their values are scrubbed from every log line)."""

    key_id: str
    secret: str
    token: str

    @property
    def variables(self) -> tuple[str, str, str]:
        return self.key_id, self.secret, self.token

    @property
    def secrets(self) -> tuple[str, str]:
        return self.secret, self.token


@dataclass(frozen=True)
class VendorOption:
    """A setting of the vendor's own (a signature version, a platform's key switch): a
    `Settings` field named `name`, read from `variable`, which its client or the platform
    key handling reads back; declared here so that the runtime names no vendor."""

    name: str
    variable: str
    default: str | bool
    description: str
    #: The values a text option takes; none for a switch (true or false).
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformKeys:
    """The temporary keys a function platform passes with each call of the function (its
    agency's or role's, least privilege), signing the vendor's calls instead of the configured
    access key while `switch` is on and all three came."""

    switch: VendorOption
    #: The request headers carrying the key id, the secret key and the token.
    headers: tuple[str, str, str]
    #: The methods of the Python handler's context returning them, in the same order.
    context_getters: tuple[str, str, str]


@dataclass(frozen=True)
class ProviderApi:
    """One provider API: its rules, where its client lives, and where it is reached."""

    spec: ProviderSpec
    #: ``module:Class`` of its HTTP client, imported on first use so that validating and
    #: planning never load httpx; the class takes (provider, settings).
    client: str
    #: The variable holding a base URL that replaces the vendor's endpoint (tests, proxies).
    endpoint_variable: str
    #: The vendor's public endpoint for a region (None: the vendor's default region).
    default_endpoint: Callable[[str | None], str]

    @property
    def name(self) -> ProviderName:
        return self.spec.name


@dataclass(frozen=True)
class Vendor:
    """One cloud vendor: the APIs it offers and the access key they all sign with."""

    name: str
    access_key: AccessKeyVariables
    apis: tuple[ProviderApi, ...]
    #: The variable holding the account id that calls of the vendor's global services name
    #: (Huawei: the domain id, sent as ``X-Domain-Id``); None if no API needs one.
    account_variable: str | None = None
    #: Settings of the vendor's own, beyond its keys and endpoints.
    options: tuple[VendorOption, ...] = ()
    #: The keys a function platform of the vendor passes per call, if it does.
    platform_keys: PlatformKeys | None = None

    @property
    def every_option(self) -> tuple[VendorOption, ...]:
        """Its options, the switch of its platform keys included."""
        switch = () if self.platform_keys is None else (self.platform_keys.switch,)
        return self.options + switch
