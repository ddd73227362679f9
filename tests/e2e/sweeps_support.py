"""Checks every sweep test makes, whatever the provider: one place for the webhook's and the
queue's answer shapes, so each provider's tests state only what is its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.e2e.conftest import Client
from tests.e2e.test_deliveries import post_json, pubsub_push


def single_result(response: Any, status: str) -> dict[str, Any]:
    """The one result of a 200 webhook answer, checked to have `status`."""
    assert response.status_code == 200, response.json
    results: list[dict[str, Any]] = response.json["results"]
    [result] = results
    assert result["status"] == status
    return result


def assert_dry_run(result: dict[str, Any], resource_ids: Iterable[str]) -> None:
    """A dry run lists every resource found and plans writes for all of them, sending none."""
    expected = sorted(resource_ids)
    assert sorted(view["resource_id"] for view in result["resources"]) == expected
    writes = [call for call in result["calls"] if call["outcome"] != "read"]
    assert writes
    assert {call["outcome"] for call in writes} == {"skipped"}
    assert sorted(rid for call in writes for rid in call["resource_ids"]) == expected


def assert_over_budget(response: Any) -> None:
    """The sweep stopped at the call budget: a partial result whose last call was refused."""
    [result] = response.json["results"]
    assert result["status"] == "partial"
    assert result["calls"][-1]["error_code"] == "limit_exceeded"


def sweep_through_queue(queue_client: Client, request: Any) -> None:
    """Deliver `request` as a Pub/Sub push and check the queue ran it without error."""
    response = post_json(queue_client, pubsub_push(request))
    assert response.status_code == 200, response.json
    assert response.json["events"][0]["status"] == "ok"


def assert_refused(response: Any, path: str) -> None:
    """A bad sweep is a 400 naming the offending field's path."""
    assert response.status_code == 400, response.json
    assert path in [error["path"] for error in response.json["errors"]]
