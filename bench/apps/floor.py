"""The least a signed webhook can do on tagstrip's stack: the floor of throughput and cold start.

What no conforming implementation can skip: check the HMAC signature over the raw body,
parse the JSON, validate it with pydantic as the canonical request, make the call unless it
is a dry run (ECS RemoveTags through httpx, signed, its answer read with a second pydantic
model), write one JSON log line for the event, answer JSON. httpx is imported by the first
real call, as tagstrip does, so a dry run never loads it. What it leaves out is what
tagstrip adds on top: the provider's documented rules, the plan, replay protection,
retries, field paths in errors, redaction. Its figures over hello-world's are the ceiling
of any webhook built this way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import sys
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import quote

import flask
import functions_framework
from pydantic import BaseModel, TypeAdapter

from tagstrip.domain.models import TagRemovalRequest

if TYPE_CHECKING:
    import httpx

_REQUEST = TypeAdapter(TagRemovalRequest)
_SECRET = os.environ["TAGSTRIP_WEBHOOK_SECRET"].encode()


class _Answer(BaseModel):
    """What a write answers: its request id."""

    RequestId: str


class _JsonLine(logging.Formatter):
    def format(self, record):  # type: ignore[no-untyped-def]
        return json.dumps({"time": record.created, "message": record.getMessage(), **record.fields})


log = logging.getLogger("floor")
_handler = logging.StreamHandler(sys.stderr)
_handler.setFormatter(_JsonLine())
log.addHandler(_handler)
log.setLevel(logging.INFO)
log.propagate = False
_client: httpx.Client | None = None


def _encode(text: str) -> str:
    return quote(text, safe="~")


def _remove_tags(event: TagRemovalRequest, resource_id: str) -> str:
    """One ECS RemoveTags call, signed with RPC signature v1; its request id."""
    global _client
    import httpx

    if _client is None:
        _client = httpx.Client()
    params = {
        "Action": "RemoveTags",
        "Version": "2014-05-26",
        "RegionId": event.region or "",
        "ResourceType": event.resource_type or "",
        "ResourceId": resource_id,
        "AccessKeyId": os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        "Format": "JSON",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    for number, tag in enumerate(event.tags, 1):
        params[f"Tag.{number}.Key"] = tag.key
        if tag.value is not None:
            params[f"Tag.{number}.Value"] = tag.value
    query = "&".join(f"{_encode(name)}={_encode(params[name])}" for name in sorted(params))
    key = os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"].encode() + b"&"
    digest = hmac.new(key, f"POST&%2F&{_encode(query)}".encode(), hashlib.sha1).digest()
    signature = _encode(base64.b64encode(digest).decode())
    endpoint = os.environ["TAGSTRIP_ALIYUN_ECS_ENDPOINT"]
    response = _client.post(f"{endpoint}/?{query}&Signature={signature}")
    response.raise_for_status()
    return _Answer.model_validate_json(response.content).RequestId


@functions_framework.http
def floor(request):  # type: ignore[no-untyped-def]
    body = request.get_data()
    expected = "sha256=" + hmac.new(_SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
        return flask.Response('{"error": "unauthorized"}', 401, mimetype="application/json")
    event = _REQUEST.validate_python(json.loads(body))
    answer = {
        "status": "dry_run" if event.dry_run else "ok",
        "provider": event.provider,
        "resource_ids": event.resource_ids,
        "tags": [tag.key for tag in event.tags],
    }
    if not event.dry_run:
        answer["request_ids"] = [_remove_tags(event, rid) for rid in event.resource_ids]
    log.info("event", extra={"fields": {"status": answer["status"], "provider": event.provider}})
    return flask.Response(json.dumps(answer), 200, mimetype="application/json")
