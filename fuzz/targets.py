"""The fuzz target: any bytes through every parser and the core; only documented errors out.

`one_input(data)` feeds the same bytes to the webhook's body reader, the ticketing and
request adapters, every platform-delivery shape (and a binary CloudEvent), the signature
verifier and, for whatever turns out valid, the planner. Anything that escapes other than
the documented refusals (`InvalidRequest`, `HttpProblem`, `Unauthorized`) is a bug, and so
is an answer that cannot be encoded as JSON. It never touches the network: valid requests
are planned, not executed. Run it coverage-guided with atheris (``make fuzz``) or with
hypothesis (``python fuzz/run.py --hypothesis``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tagstrip.domain import pipeline
from tagstrip.domain.errors import InvalidRequest, Unauthorized
from tagstrip.domain.models import TagRemovalRequest
from tagstrip.domain.outcomes import Accepted, Adapted, Rejected
from tagstrip.handlers.http import HttpProblem, parse_json
from tagstrip.runtime.wiring import validation
from tagstrip.sources import webhook
from tagstrip.sources.envelopes import adapt_delivery
from tagstrip.sources.webhook_auth import DeliveryLog, WebhookVerifier

ROOT = Path(__file__).resolve().parents[1]
#: The configuration the adapters read, passed explicitly (the process environment is left
#: alone): the sample rules file and both ticketing presets.
ENVIRON = {
    "TAGSTRIP_RULES": str(ROOT / "events" / "rules.yaml"),
    "TAGSTRIP_WEBHOOK_MAPPING": "preset:jira,preset:servicenow",
}

__all__ = ["one_input"]

_NOTHING = object()


def one_input(data: bytes) -> None:
    """One fuzz case; raises only on a bug."""
    payload = _webhook_body(data)
    if payload is not _NOTHING:
        _ticketing(payload)
    _check_outcomes(adapt_delivery(data, environ=ENVIRON))
    header, _, body = data.partition(b"\n")
    ce_headers = {"ce-specversion": "1.0", "ce-id": "f", "ce-source": "//fuzz"}
    ce_headers["ce-type"] = header.decode("latin-1")
    _check_outcomes(adapt_delivery(body, ce_headers, environ=ENVIRON))
    _verify(header.decode("latin-1"), body)


def _webhook_body(data: bytes) -> Any:
    try:
        return parse_json(data, max_depth=32)
    except HttpProblem as problem:
        json.dumps(problem.answer().payload)
        return _NOTHING


def _ticketing(payload: Any) -> None:
    try:
        event = webhook.adapt(payload, environ=ENVIRON)
    except InvalidRequest as exc:
        _check_refusal(exc)
        return
    _check_outcomes([event])


def _check_outcomes(delivery: Sequence[Adapted | Rejected]) -> None:
    """The events validated as the pipeline does; the valid requests planned."""
    for outcome in pipeline.validate(delivery, validation()):
        if isinstance(outcome, Rejected):
            _check_refusal(outcome.error)
        elif isinstance(outcome, Accepted):
            for request in outcome.requests:
                _plan(request)
        json.dumps(outcome.to_dict())


def _plan(request: TagRemovalRequest) -> None:
    plan = validation().plan(request.model_copy(update={"dry_run": True}))
    assert plan.provider == request.provider
    json.loads(plan.model_dump_json())


def _check_refusal(error: InvalidRequest) -> None:
    assert error.errors, "a refusal names at least one field"
    json.dumps(error.to_dict())


def _verify(header: str, body: bytes) -> None:
    verifier = WebhookVerifier(
        [_secret("fuzz-secret")], deliveries=DeliveryLog(max_entries=16), clock=lambda: 1e9
    )
    for name in ("X-Tagstrip-Signature", "X-Hub-Signature-256", "X-Hub-Signature"):
        try:
            verifier.verify({name: header}, body)
            refusal = ""
        except Unauthorized as exc:
            refusal = str(exc)
        assert "fuzz-secret" not in refusal


def _secret(value: str) -> SecretStr:
    return SecretStr(value)
