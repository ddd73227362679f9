"""Where the runtime wires the domain to this process: the provider registry's rules under
the deployment's settings, and the executor that carries plans out.

The domain's `Validation` and pipeline are handed their specs, limits and executor; this is
the one place they come from (`Wiring` for a delivery, `validation` for the CLI's plan,
tools and tests).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

from tagstrip.domain.models import Plan, RequestResult
from tagstrip.domain.outcomes import SourceKind
from tagstrip.domain.validation import Validation
from tagstrip.providers import SPECS
from tagstrip.runtime.executor import execute
from tagstrip.runtime.logging import log_context
from tagstrip.runtime.settings import Settings, get_settings

__all__ = ["Wiring", "validation", "wiring"]


def validation(settings: Settings | None = None) -> Validation:
    """The registry's rules under `settings` (by default the process's)."""
    return Validation(SPECS, settings or get_settings())


@dataclass(frozen=True)
class Wiring:
    """The runtime `tagstrip.domain.pipeline.run` carries a delivery out on."""

    settings: Settings
    validation: Validation

    def execute(self, plan: Plan, allowance: int) -> RequestResult:
        return execute(plan, self.settings, allowance=allowance)

    def event_scope(self, source: SourceKind, event_id: str | None) -> AbstractContextManager[None]:
        return log_context(event_id=event_id, source=source)


def wiring(settings: Settings | None = None) -> Wiring:
    """The pipeline's runtime under `settings`: by default the process's; a delivery's own
    when the platform passed credentials with it."""
    settings = settings or get_settings()
    return Wiring(settings, validation(settings))
