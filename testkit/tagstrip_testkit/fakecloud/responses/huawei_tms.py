"""Huawei TMS responder: DeleteResourceTag, ShowResourceTag and ListResource (the tag
index), behind the API gateway.

Signatures are checked as for ECS (`HuaweiGatewayResponder`); TMS being global, the gateway
also wants the account as a signed ``X-Domain-Id`` (an AK/SK call of a global service without
it, or naming another account, fails authentication). TMS errors nest
``{"error": {"error_code", "error_msg"}}``; a batch delete answers 200 with the resources it
could not untag in ``failed_resources``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug import Request, Response

from tagstrip.providers.huawei import signing
from tagstrip_testkit.fakecloud.backends.common import TagRef
from tagstrip_testkit.fakecloud.backends.huawei import (
    FILTER_LIMIT_MAX,
    HuaweiTmsBackend,
    TmsTarget,
)
from tagstrip_testkit.fakecloud.credentials import Credentials
from tagstrip_testkit.fakecloud.errors import huawei as err
from tagstrip_testkit.fakecloud.responses.common import (
    Call,
    Clock,
    json_body,
    json_response,
    lower_headers,
)
from tagstrip_testkit.fakecloud.responses.huawei import (
    JSON,
    HuaweiGatewayResponder,
    is_wire_tag,
)

__all__ = ["HuaweiTmsResponder"]

_DOMAIN_HEADER = "x-domain-id"


class HuaweiTmsResponder(HuaweiGatewayResponder):
    error_keys = ("error_code", "error_msg")
    internal_error = err.TmsSystemError

    def __init__(self, credentials: Credentials, clock: Clock, tms: HuaweiTmsBackend) -> None:
        super().__init__(credentials, clock)
        self.tms = tms

    def decode(self, request: Request, path: Mapping[str, str], request_id: str) -> Call:
        if "resource_id" in path:  # GET /v2.0/resources/{resource_id}/tags
            params = {name: request.args.get(name, "") for name in ("project_id", "resource_type")}
            params["resource_id"] = path["resource_id"]
            return self._call("ShowResourceTag", request_id, params, None, (path["resource_id"],))
        body = json_body(request)
        if request.path.endswith("/resource-instances/filter"):
            return self._call("ListResource", request_id, {}, body, ())
        resources = body.get("resources") if isinstance(body, dict) else None
        ids = tuple(
            item["resource_id"]
            for item in resources or ()
            if isinstance(item, dict) and isinstance(item.get("resource_id"), str)
        )
        return self._call("DeleteResourceTag", request_id, {}, body, ids)

    def _call(
        self,
        operation: str,
        request_id: str,
        params: dict[str, str],
        body: Any,
        resource_ids: tuple[str, ...],
    ) -> Call:
        return Call(
            "huawei-tms",
            operation,
            request_id,
            params=params,
            body=body,
            resource_ids=resource_ids,
            signature=signing.ALGORITHM,
        )

    def verify(self, request: Request, call: Call) -> None:
        super().verify(request, call)
        headers = lower_headers(request)
        signed = signing.parse_authorization(headers["authorization"]).signed_headers
        domain = headers.get(_DOMAIN_HEADER)
        if _DOMAIN_HEADER not in (name.lower() for name in signed):
            raise err.AuthenticationFailed(
                "Incorrect IAM authentication information: X-Domain-Id is required (and signed) "
                "for a global service"
            )
        if domain != self.credentials.huawei_domain_id:
            raise err.AuthenticationFailed(
                f"Incorrect IAM authentication information: ak does not belong to domain {domain}"
            )

    def execute(self, request: Request, call: Call) -> Response:
        headers = {"X-Request-Id": call.request_id}
        if call.operation == "ShowResourceTag":
            params = call.params
            target = TmsTarget(
                params["project_id"] or None, params["resource_type"], params["resource_id"]
            )
            carried = self.tms.show_resource_tag(target)
            body = {"tags": [{"key": key, "value": value} for key, value in carried.items()]}
            return json_response(body, 200, headers, JSON)
        if call.operation == "ListResource":
            return json_response(self._list_resource(call.body), 200, headers, JSON)
        targets, tags = _delete_request(call.body)
        removed, missing = self.tms.delete_resource_tag(targets, tags)
        call.result = removed
        failed = [
            {
                "resource_id": target.id,
                "resource_type": target.type,
                "error_code": err.TmsResourceNotFound.code,
                "error_msg": err.TmsResourceNotFound.message,
            }
            for target in missing
        ]
        return json_response({"failed_resources": failed}, 200, headers, JSON)

    def _list_resource(self, body: Any) -> dict[str, Any]:
        """``{"resources": [...], "errors": [], "total_count"}`` for one page of the query."""
        project_id, types, tags, offset, limit = _filter_request(body)
        page, total = self.tms.list_resources(project_id, types, tags, offset, limit)
        resources = [
            {
                "project_id": target.project_id or "",
                "project_name": "",
                "resource_detail": None,
                "resource_id": target.id,
                "resource_name": target.id,
                "resource_type": target.type,
                "tags": [{"key": key, "value": value} for key, value in resource.tags.items()],
            }
            for target, resource in page
        ]
        return {"resources": resources, "errors": [], "total_count": total}


def _delete_request(body: Any) -> tuple[list[TmsTarget], list[TagRef]]:
    """``{"project_id"?, "resources": [{"resource_id", "resource_type"}], "tags": [{"key",
    "value"?}]}``, or TMS.0002 for any other shape."""
    if not isinstance(body, dict) or not set(body) <= {"project_id", "resources", "tags"}:
        raise err.TmsBadRequest()
    project_id, resources, tags = body.get("project_id"), body.get("resources"), body.get("tags")
    if project_id is not None and not isinstance(project_id, str):
        raise err.TmsBadRequest()
    if not isinstance(resources, list) or not all(_is_wire_resource(item) for item in resources):
        raise err.TmsBadRequest()
    if not isinstance(tags, list) or not all(is_wire_tag(item) for item in tags):
        raise err.TmsBadRequest()
    targets = [
        TmsTarget(project_id, item["resource_type"], item["resource_id"]) for item in resources
    ]
    return targets, [TagRef(item["key"], item.get("value")) for item in tags]


def _filter_request(
    body: Any,
) -> tuple[str | None, list[str], list[tuple[str, list[str]]], int, int]:
    """``{"project_id"?, "resource_types", "tags": [{"key", "values"}], "without_any_tag"?,
    "offset"?, "limit"?}``, or TMS.0002 for any other shape."""
    names = {"project_id", "resource_types", "tags", "without_any_tag", "offset", "limit"}
    if not isinstance(body, dict) or not set(body) <= names:
        raise err.TmsBadRequest()
    project_id, types, tags = body.get("project_id"), body.get("resource_types"), body.get("tags")
    offset, limit = body.get("offset", 0), body.get("limit", FILTER_LIMIT_MAX)
    if body.get("without_any_tag") or (project_id is not None and not isinstance(project_id, str)):
        raise err.TmsBadRequest()
    if not isinstance(types, list) or not all(isinstance(kind, str) for kind in types):
        raise err.TmsBadRequest()
    if not isinstance(tags, list) or not all(_is_filter_tag(item) for item in tags):
        raise err.TmsBadRequest()
    if not all(type(number) is int for number in (offset, limit)):
        raise err.TmsBadRequest()
    return project_id, types, [(t["key"], t["values"]) for t in tags], offset, limit


def _is_filter_tag(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == {"key", "values"}
        and isinstance(item["key"], str)
        and isinstance(item["values"], list)
        and all(isinstance(value, str) for value in item["values"])
    )


def _is_wire_resource(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == {"resource_id", "resource_type"}
        and all(isinstance(value, str) for value in item.values())
    )
