"""Deployment configuration, read from the environment when first needed.

Every variable tagstrip reads is a field here. Credentials and endpoint overrides come from
the variables each vendor package declares (`tagstrip.providers`); everything else is a
``TAGSTRIP_*`` variable with a sane default. `get_settings()` reads once and caches (a
warm function keeps its settings); `reset_settings()` makes the next call read again.
A bad value is a `ConfigurationError` naming the variable, raised when the settings are read
(functions/main.py and `tagstrip serve` read them at start), never by importing this module.
The vendors' own options (`VendorOption`) and the keys their function platforms pass per call
(`PlatformKeys`) are declared by the vendor packages too: no vendor is named here. Secrets
are `SecretStr` and never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, create_model

from tagstrip.domain.errors import ConfigurationError
from tagstrip.domain.models import ProviderName
from tagstrip.domain.rules import PlatformKeys, Vendor, VendorOption
from tagstrip.providers import APIS, VENDORS, vendor_of
from tagstrip.runtime.logging import configured_secret_forms, secret_forms

__all__ = [
    "PLATFORM_KEYS",
    "SECRET_VARIABLES",
    "AccessKey",
    "Settings",
    "configured_secrets",
    "get_settings",
    "reset_settings",
    "settings_of",
]

_PREFIX = "TAGSTRIP_"
#: The keys function platforms pass per call, with the vendor whose calls they sign.
PLATFORM_KEYS: tuple[tuple[Vendor, PlatformKeys], ...] = tuple(
    (vendor, vendor.platform_keys) for vendor in VENDORS if vendor.platform_keys is not None
)
#: An endpoint override is a base URL such as ``http://127.0.0.1:8080``.
_URL = r"^https?://[^/?#\s]+/?$"


@dataclass(frozen=True)
class AccessKey:
    """One vendor's credentials; the secret and token print as ``**********``."""

    access_key_id: str
    secret: SecretStr
    security_token: SecretStr | None = None

    @property
    def token(self) -> str | None:
        return None if self.security_token is None else self.security_token.get_secret_value()


def _key_fields(vendor: Vendor) -> tuple[str, str, str]:
    """The fields holding `vendor`'s key id, secret key and STS token."""
    name = vendor.name
    return f"{name}_access_key_id", f"{name}_access_key_secret", f"{name}_security_token"


def _endpoint_field(provider: ProviderName) -> str:
    return f"{provider.replace('-', '_')}_endpoint"


def _option_field(option: VendorOption) -> tuple[Any, Any]:
    """A vendor option as a field: one of its choices, or a switch."""
    kind = Literal[option.choices] if option.choices else bool
    field = Field(option.default, description=option.description, validation_alias=option.variable)
    return kind, field


def _vendor_fields() -> dict[str, Any]:
    """A field for every variable a vendor package declares, typed as it declares it."""
    fields: dict[str, Any] = {}
    for vendor in VENDORS:
        names = vendor.access_key
        for field, variable in zip(_key_fields(vendor), names.variables, strict=True):
            kind = SecretStr | None if variable in names.secrets else str | None
            fields[field] = (kind, Field(None, validation_alias=variable))
        if vendor.account_variable is not None:
            account = Field(None, validation_alias=vendor.account_variable)
            fields[f"{vendor.name}_account_id"] = (str | None, account)
    for api in APIS.values():
        endpoint = Field(None, pattern=_URL, validation_alias=api.endpoint_variable)
        fields[_endpoint_field(api.name)] = (str | None, endpoint)
    for vendor in VENDORS:
        fields |= {option.name: _option_field(option) for option in vendor.every_option}
    return fields


if TYPE_CHECKING:  # the fields are made at run time; `Settings` reaches them by name
    _VendorSettings = BaseModel
else:
    _VendorSettings = create_model(
        "_VendorSettings", __config__=ConfigDict(defer_build=True), **_vendor_fields()
    )


class Settings(_VendorSettings):
    """Everything a deployment may set. Field names map to ``TAGSTRIP_<NAME>`` unless aliased;
    the vendors' credential and endpoint fields come from their packages' declarations."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=False)

    connect_timeout: float = Field(5.0, gt=0, description="Seconds to open a connection.")
    read_timeout: float = Field(15.0, gt=0, description="Seconds to wait for each response.")
    retries: int = Field(3, ge=0, le=10, description="Retries of a retryable failure per call.")
    backoff: float = Field(0.5, ge=0, description="First retry delay in seconds; doubles.")
    max_backoff: float = Field(8.0, ge=0, description="Ceiling of one retry delay.")
    deadline: float = Field(45.0, gt=0, description="Seconds all calls of a request may take.")
    concurrency: int = Field(8, ge=1, le=64, description="Calls in flight at once.")

    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest HTTP body accepted (413 beyond)."
    )
    max_json_depth: int = Field(32, ge=4, le=512, description="Deepest JSON nesting accepted.")
    max_batch: int = Field(100, ge=1, description="Requests in one list of requests.")
    max_resources: int = Field(500, ge=1, description="Resource ids in one request.")
    max_tags: int = Field(200, ge=1, description="Tags in one request.")
    max_calls: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Provider calls one delivery may plan, over all its events and requests.",
    )
    max_events: int = Field(100, ge=1, le=10_000, description="Events in one array delivery.")
    allow_account_scope: bool = Field(
        False,
        description=(
            "Carry out requests that remove tags from the whole account (baidu-tag); "
            "off, they are refused unless they are dry runs."
        ),
    )
    rules: str | None = Field(
        None, description="Path of the rules file that turns lifecycle events into removals."
    )
    webhook_mapping: str | None = Field(
        None,
        description="Mapping files or presets (preset:jira) that turn webhook payloads into "
        "requests, comma-separated.",
    )
    webhook_secret: SecretStr | None = Field(
        None, description="Webhook signing secrets, comma-separated while rotating."
    )
    allow_unsigned: bool = Field(
        False, description="Accept unsigned webhooks when no secret is set (local use only)."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from `environ`; a bad value is a ConfigurationError naming its variable."""
        values = {
            name: environ[variable]
            for name in cls.model_fields
            for variable in [cls.variable(name)]
            if environ.get(variable, "") != ""
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            error = exc.errors(include_url=False, include_input=False)[0]
            variable = cls.variable(str(error["loc"][0]))
            message = f"{variable} is not valid: {error['msg']}"
            raise ConfigurationError(message, variable=variable) from None

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable that sets field `name` (``max_tags``: TAGSTRIP_MAX_TAGS)."""
        return str(cls.model_fields[name].validation_alias or f"{_PREFIX}{name.upper()}")

    def access_key(self, provider: ProviderName) -> AccessKey:
        """The credentials `provider` signs with, or a ConfigurationError naming what is missing."""
        vendor = vendor_of(provider)
        id_field, secret_field, token_field = _key_fields(vendor)
        key_id, secret = getattr(self, id_field), getattr(self, secret_field)
        missing = [
            self.variable(field)
            for field, value in ((id_field, key_id), (secret_field, secret))
            if value is None
        ]
        if missing:
            message = f"{provider} needs credentials: set {' and '.join(missing)}"
            raise ConfigurationError(message, variable=missing[0])
        return AccessKey(key_id, secret, getattr(self, token_field))

    def account_id(self, provider: ProviderName) -> str:
        """The account id `provider`'s calls name (Huawei TMS: the domain id), or a
        ConfigurationError naming the variable to set."""
        vendor = vendor_of(provider)
        field = f"{vendor.name}_account_id"
        value: str | None = getattr(self, field, None)
        if not value:
            variable = vendor.account_variable or field
            message = f"{provider} needs the account id: set {variable}"
            raise ConfigurationError(message, variable=variable)
        return value

    def option(self, option: VendorOption) -> str | bool:
        """The value of a vendor's own option."""
        value: str | bool = getattr(self, option.name)
        return value

    def for_request(self, headers: Mapping[str, str]) -> Settings:
        """These settings, signing a vendor's calls with the keys its function platform sent
        on this request, when the platform's switch is on and all three headers are there."""
        platforms = [(vendor, keys) for vendor, keys in PLATFORM_KEYS if self.option(keys.switch)]
        if not platforms:
            return self
        lowered = {name.lower(): value.strip() for name, value in headers.items()}
        update: dict[str, Any] = {}
        for vendor, keys in platforms:
            key_id, secret, token = (lowered.get(name, "") for name in keys.headers)
            if key_id and secret and token:
                id_field, secret_field, token_field = _key_fields(vendor)
                update |= {
                    id_field: key_id,
                    secret_field: SecretStr(secret),
                    token_field: SecretStr(token),
                }
        return self.model_copy(update=update) if update else self

    def secret_values(self) -> tuple[str, ...]:
        """Every secret and token set, so that text echoed by a provider can be scrubbed."""
        return tuple(
            value.get_secret_value()
            for value in vars(self).values()
            if isinstance(value, SecretStr) and value.get_secret_value()
        )

    def secret_forms(self) -> tuple[str, ...]:
        """The forms of `secret_values` a scrub looks for (`secret_forms`), worked out once per
        settings (they are frozen) rather than for every plan carried out under them."""
        return _secret_forms(self)

    def endpoint(self, provider: ProviderName) -> str | None:
        """The configured base URL for `provider`, if any (else the vendor's default)."""
        value: str | None = getattr(self, _endpoint_field(provider))
        return value.rstrip("/") if value else None


#: Variables whose values are never written anywhere: every secret field's.
SECRET_VARIABLES = tuple(
    Settings.variable(name)
    for name, field in Settings.model_fields.items()
    if SecretStr in get_args(field.annotation)
)


@lru_cache(maxsize=8)
def _secret_forms(settings: Settings) -> tuple[str, ...]:
    """Keyed by value, so a copy with other credentials (`for_request`) gets its own."""
    return secret_forms(settings.secret_values())


@cache
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env(os.environ)


def settings_of(environ: Mapping[str, str] | None) -> Settings:
    """The process's settings, or those `environ` holds (adapters given one explicitly)."""
    return get_settings() if environ is None else Settings.from_env(environ)


def configured_secrets() -> tuple[str, ...]:
    """The values of the secret variables as set, unvalidated: log lines are scrubbed of
    them even when a bad setting keeps the settings from loading."""
    return tuple(os.environ.get(variable, "") for variable in SECRET_VARIABLES)


def reset_settings() -> None:
    """Forget the cached settings and secrets (tests, or after the environment changed)."""
    get_settings.cache_clear()
    configured_secret_forms.cache_clear()
