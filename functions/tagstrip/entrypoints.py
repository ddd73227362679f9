"""The deployable entry points of `functions/main.py`, in one table.

Deployment templates (`template/`), the container image and their tests read entry point
names from here, so a rename in code that the templates do not follow fails a test.
`public` marks what may sit behind a public, unauthenticated trigger: the webhook, which
always verifies the HMAC signature itself, and `handler`, because on Baidu CFC (no custom
HTTP runtime) the webhook's HTTP trigger calls handler(event, context), which must then
apply the same signature check. remove_tags_event and remove_tags_queue are reached only by
platform triggers that authenticate their caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["ENTRY_POINTS", "PLAIN_HANDLER", "EntryPoint", "SignatureType"]

SignatureType = Literal["http", "cloudevent", "plain"]


@dataclass(frozen=True)
class EntryPoint:
    """One target: how the runtime calls it and whether it may face the internet."""

    signature_type: SignatureType
    public: bool


ENTRY_POINTS: Final[dict[str, EntryPoint]] = {
    # functions-framework targets (FUNCTION_TARGET / --target, FUNCTION_SIGNATURE_TYPE).
    "remove_tags_http": EntryPoint("http", public=True),
    "remove_tags_event": EntryPoint("cloudevent", public=False),
    "remove_tags_queue": EntryPoint("http", public=False),
    # handler(event, context): for runtimes that call a Python function (Baidu CFC, the
    # FC and FunctionGraph Python runtimes); "plain" because no HTTP server is involved.
    "handler": EntryPoint("plain", public=True),
}

PLAIN_HANDLER: Final = "handler"
