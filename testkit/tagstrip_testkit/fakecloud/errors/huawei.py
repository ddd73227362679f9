"""Huawei Cloud errors: API gateway (flat body), ECS and TMS (nested bodies)."""

from __future__ import annotations

from tagstrip_testkit.fakecloud.errors import HuaweiEcsError, HuaweiGatewayError, VendorError


class AuthenticationFailed(HuaweiGatewayError):
    code = "APIGW.0301"
    status = 401
    message = "Incorrect IAM authentication information: verify aksk signature fail"


class SignatureExpired(HuaweiGatewayError):
    code = "APIGW.0303"
    status = 401
    message = "Incorrect IAM authentication information: signature expired"


class ApiNotFound(HuaweiGatewayError):
    code = "APIGW.0101"
    status = 404
    message = "The API does not exist or has not been published in the environment"


class GatewayThrottled(HuaweiGatewayError):
    code = "APIGW.0308"
    status = 429
    message = "The throttling threshold has been reached: policy user over ratelimit,limit:1"


class ServerNotFound(HuaweiEcsError):
    code = "Ecs.0114"
    status = 404

    def __init__(self, server_id: str) -> None:
        super().__init__(f"Instance[{server_id}] could not be found.")


class IllegalRequest(HuaweiEcsError):
    code = "Ecs.0005"
    message = "request body is illegal."


class EcsInternalError(HuaweiEcsError):
    code = "Ecs.0000"
    status = 500
    message = "Internal server error."


class HuaweiTmsError(VendorError):
    """TMS errors: ``{"error": {"error_code", "error_msg"}}``, as its API tables show."""


class TmsBadRequest(HuaweiTmsError):
    code = "TMS.0002"
    message = "Bad request."


class TmsResourceNotFound(HuaweiTmsError):
    code = "TMS.0005"
    status = 404
    message = "Resource not found."


class TmsKeyInvalid(HuaweiTmsError):
    code = "TMS.0009"
    message = "Key is invalid."


class TmsValueInvalid(HuaweiTmsError):
    code = "TMS.0010"
    message = "Value is invalid."


class TmsTagsEmpty(HuaweiTmsError):
    code = "TMS.0012"
    message = "Tags is empty."


class TmsEmptyTag(HuaweiTmsError):
    code = "TMS.0013"
    message = "Empty element in tags."


class TmsInvalidProjectId(HuaweiTmsError):
    code = "TMS.2011"
    message = "Invalid project_id."


class TmsInvalidResourceType(HuaweiTmsError):
    code = "TMS.5027"
    message = "Invalid resource type."


class TmsSystemError(HuaweiTmsError):
    code = "TMS.0001"
    status = 500
    message = "System error."
