"""The least a signed webhook can do on tagstrip's stack, to measure the throughput floor.

What no conforming implementation can skip: check the HMAC signature over the raw body,
parse the JSON, validate it with pydantic as the canonical request, write one JSON log
line for the event, answer JSON. What it leaves out is what tagstrip adds on top: the
provider's documented rules, the plan, replay protection, field paths in errors,
redaction. Its throughput over hello-world's is the ceiling of any webhook built this way.
"""

import hashlib
import hmac
import json
import logging
import os
import sys

import flask
import functions_framework
from pydantic import TypeAdapter

from tagstrip.core.models import TagRemovalRequest

_REQUEST = TypeAdapter(TagRemovalRequest)
_SECRET = os.environ["TAGSTRIP_WEBHOOK_SECRET"].encode()


class _JsonLine(logging.Formatter):
    def format(self, record):  # type: ignore[no-untyped-def]
        return json.dumps({"time": record.created, "message": record.getMessage(), **record.fields})


log = logging.getLogger("floor")
_handler = logging.StreamHandler(sys.stderr)
_handler.setFormatter(_JsonLine())
log.addHandler(_handler)
log.setLevel(logging.INFO)
log.propagate = False


@functions_framework.http
def floor(request):  # type: ignore[no-untyped-def]
    body = request.get_data()
    expected = "sha256=" + hmac.new(_SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
        return flask.Response('{"error": "unauthorized"}', 401, mimetype="application/json")
    event = _REQUEST.validate_python(json.loads(body))
    answer = {
        "status": "dry_run" if event.dry_run else "accepted",
        "provider": event.provider,
        "resource_ids": event.resource_ids,
        "tags": [tag.key for tag in event.tags],
    }
    log.info("event", extra={"fields": {"status": answer["status"], "provider": event.provider}})
    return flask.Response(json.dumps(answer), 200, mimetype="application/json")
