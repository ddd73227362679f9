"""The webhook's contract: an OpenAPI 3.1 document generated from the pydantic models.

The request is `TagRemovalRequest` (or a list of them, or a body the core or a mapping
reads); the answers are the shapes `webhook.py` builds, written down here as models so the
document and the code cannot drift apart silently: the repository's ``openapi.json`` is
this module's output (a test compares them) and ``remove_tags_http`` serves it at
``GET /openapi.json``. Regenerate with ``python -m tagstrip.handlers.openapi > openapi.json``.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from tagstrip import __version__
from tagstrip.domain.models import RequestResult, TagRemovalRequest
from tagstrip.domain.outcomes import SourceKind, Status

__all__ = ["PATH", "document", "main"]

PATH = "/openapi.json"
_REF = "#/components/schemas/{model}"


class FieldErrorBody(BaseModel):
    """One violation of an invalid request, located by field path."""

    loc: list[str | int] = Field(description="The location, as keys and list indexes.")
    path: str = Field(description="The location as a dotted path, e.g. tags.2.key.")
    message: str
    type: str = Field(description="tagstrip's stable kind: missing, too_long, limit_exceeded...")
    provider_code: str | None = Field(
        default=None, description="The vendor's error code for this violation, if it has one."
    )


class ReportBody(BaseModel):
    """What became of one webhook delivery, with one result per request it carried."""

    model_config = ConfigDict(title="Report")

    status: Status
    source: SourceKind
    event_id: str | None = Field(description="The delivery id (Jira's webhook identifier).")
    reason: str | None = Field(default=None, description="Why nothing was done (ignored).")
    errors: list[FieldErrorBody] | None = None
    results: list[RequestResult] | None = Field(
        default=None, description="One per request: every call, successes included."
    )


class InvalidRequestBody(BaseModel):
    """400: the body was read but is not a valid request; every violation is listed."""

    error: Literal["invalid_request"]
    errors: list[FieldErrorBody] = Field(min_length=1)
    status: Literal["rejected"] | None = None
    source: SourceKind | None = None
    event_id: str | None = None


class Problem(BaseModel):
    """A request refused before it reached the core (method, size, content type, JSON)."""

    error: str = Field(description="payload_too_large, unsupported_media_type, invalid_json...")
    message: str


class UnauthorizedBody(BaseModel):
    """401: no valid signature; `message` says what to fix (never a secret)."""

    error: Literal["unauthorized"]
    reason: Literal["not_configured", "missing", "malformed", "bad", "stale", "future"]
    message: str


class ConfigurationBody(BaseModel):
    """500: the deployment lacks a setting or credential; names the variable."""

    error: Literal["configuration_error"]
    message: str
    variable: str | None


class Health(BaseModel):
    """The health check's answer."""

    status: Literal["ok"]


class OpenApiDocument(BaseModel):
    """The document itself, as served at GET /openapi.json."""

    model_config = ConfigDict(extra="allow")

    openapi: str


_MODELS: tuple[tuple[type[BaseModel], JsonSchemaMode], ...] = (
    (TagRemovalRequest, "validation"),
    (ReportBody, "serialization"),
    (InvalidRequestBody, "serialization"),
    (Problem, "serialization"),
    (UnauthorizedBody, "serialization"),
    (ConfigurationBody, "serialization"),
    (Health, "serialization"),
    (OpenApiDocument, "serialization"),
)

#: Schemas a model's configured title names (`ReportBody`, `tagstrip.domain.outcomes.Report`
#: as the contract shows it, is the schema "Report").
_TITLES = {
    model.__name__: title for model, _ in _MODELS if (title := model.model_config.get("title"))
}


class _TitledSchemas(GenerateJsonSchema):
    def normalize_name(self, name: str) -> str:
        return super().normalize_name(_TITLES.get(name, name))


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``remove_tags_http`` (computed once per process)."""
    _, top = models_json_schema(_MODELS, ref_template=_REF, schema_generator=_TitledSchemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tagstrip webhook (remove_tags_http)",
            "version": __version__,
            "description": _DESCRIPTION,
        },
        "paths": {
            "/": {"post": _remove_tags()},
            "/healthz": {"get": _get("health check: no cloud, no configuration", "Health")},
            PATH: {"get": _get("this document", "OpenApiDocument")},
        },
        "components": {"schemas": top["$defs"], "securitySchemes": _SECURITY_SCHEMES},
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _json(description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def _any_of(*names: str) -> dict[str, Any]:
    return {"anyOf": [_ref(name) for name in names]}


def _get(summary: str, schema: str) -> dict[str, Any]:
    return {"summary": summary, "security": [], "responses": {"200": _json(summary, _ref(schema))}}


def _remove_tags() -> dict[str, Any]:
    request = _ref("TagRemovalRequest")
    body = {
        "anyOf": [
            request,
            {"type": "array", "items": request, "minItems": 1},
            {
                "type": "object",
                "description": (
                    "A provider's own request form (ECS RemoveTags, Redis UntagResources, "
                    "Huawei tags/action, Baidu tag?delete), or any payload the mapping in "
                    "TAGSTRIP_WEBHOOK_MAPPING turns into requests (Jira, ServiceNow, ...)."
                ),
            },
        ]
    }
    retry_after = {
        "Retry-After": {
            "description": "Seconds to wait before sending the same delivery again.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    }
    return {
        "summary": "Remove tags from cloud resources",
        "operationId": "removeTags",
        "security": [{name: []} for name in _SECURITY_SCHEMES],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": _json(
                "done, dry run, nothing to do, or a duplicate of a delivery that finished",
                _ref("Report"),
            ),
            "207": _json(
                "partly done: the calls that did not succeed failed for good (none retryable); "
                "every call is listed",
                _ref("Report"),
            ),
            "400": _json("invalid JSON or request", _any_of("InvalidRequestBody", "Problem")),
            "401": _json("bad or missing signature", _ref("UnauthorizedBody")),
            "409": _json(
                "the same delivery is still being carried out: send it again after Retry-After "
                "(it is carried out if the first fails in a way a retry may fix, else a duplicate)",
                _ref("Problem"),
                headers=retry_after,
            ),
            "413": _json("body over TAGSTRIP_MAX_BODY_BYTES", _ref("Problem")),
            "415": _json("not JSON", _ref("Problem")),
            "500": _json("deployment misconfigured", _any_of("ConfigurationBody", "Problem")),
            "502": _json("nothing done: every call failed for good", _ref("Report")),
            "503": _json(
                "some call failed in a way a retry may fix, or was not sent before the deadline "
                "(whatever else succeeded or failed for good): send the same delivery again "
                "after Retry-After; every call is listed",
                _ref("Report"),
                headers=retry_after,
            ),
        },
    }


_SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "tagstripSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Tagstrip-Signature",
        "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>; 5-minute window",
    },
    "hubSignature256": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Hub-Signature-256",
        "description": (
            "sha256=<hex HMAC-SHA256 of the body> (GitHub style); no timestamp, so the same "
            "body is a duplicate within the dedup window"
        ),
    },
    "hubSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Hub-Signature",
        "description": (
            "sha256=<hex HMAC-SHA256 of the body> (Jira Cloud); no timestamp, so the same "
            "body is a duplicate within the dedup window"
        ),
    },
}
_DESCRIPTION = (
    "Strips tags from Alibaba Cloud, Huawei Cloud and Baidu AI Cloud resources. Every POST "
    "is signed with a secret in TAGSTRIP_WEBHOOK_SECRET (any one of the security schemes). "
    "Size limits: TAGSTRIP_MAX_BODY_BYTES, TAGSTRIP_MAX_JSON_DEPTH, TAGSTRIP_MAX_BATCH, "
    "TAGSTRIP_MAX_RESOURCES, TAGSTRIP_MAX_TAGS."
)


def main() -> int:
    """Print the document as the repository stores it (``openapi.json``)."""
    sys.stdout.write(json.dumps(document(), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
