"""Huawei Cloud errors: API gateway (flat body) and ECS (nested body)."""

from __future__ import annotations

from tagstrip_testkit.fakecloud.errors import HuaweiEcsError, HuaweiGatewayError


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
