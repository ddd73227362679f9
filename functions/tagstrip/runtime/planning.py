"""Validation and planning with this process's provider registry and settings.

The domain's `Validation` is handed its specs and limits; this is where they come from
for callers outside a delivery (the CLI's plan, tools, tests).
"""

from __future__ import annotations

from collections.abc import Iterable

from tagstrip.domain.models import Plan, TagRemovalRequest
from tagstrip.domain.validation import DeliveryBudget, Validation
from tagstrip.providers import SPECS
from tagstrip.runtime.settings import Settings, get_settings

__all__ = [
    "check_call_budget",
    "count_calls",
    "delivery_budget",
    "plan_request",
    "validate_batch",
    "validate_request",
    "validation",
]


def validation(settings: Settings | None = None) -> Validation:
    """The registry's rules under `settings` (by default the process's)."""
    return Validation(SPECS, settings or get_settings())


def validate_request(payload: object, settings: Settings | None = None) -> TagRemovalRequest:
    return validation(settings).request(payload)


def validate_batch(payload: object, settings: Settings | None = None) -> list[TagRemovalRequest]:
    return validation(settings).batch(payload)


def count_calls(request: TagRemovalRequest) -> int:
    return validation().count_calls(request)


def check_call_budget(
    requests: Iterable[TagRemovalRequest], settings: Settings | None = None
) -> None:
    validation(settings).check_call_budget(requests)


def delivery_budget(
    requests: Iterable[TagRemovalRequest], settings: Settings | None = None
) -> DeliveryBudget:
    return validation(settings).budget(requests)


def plan_request(request: TagRemovalRequest) -> Plan:
    return validation().plan(request)
