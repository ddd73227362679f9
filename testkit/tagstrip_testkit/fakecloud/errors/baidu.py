"""Baidu Cloud errors: tag service (seed table), BCC and the common gateway codes."""

from __future__ import annotations

from tagstrip_testkit.fakecloud.errors import BaiduError


class TagKeyInvalid(BaiduError):
    code = "TagExceptions.TagKeyInvalid"
    message = "Tag key contains invalid characters or length exceeds limit."


class TagValueInvalid(BaiduError):
    code = "TagExceptions.TagValueInvalid"
    message = "Tag value contains invalid characters or length exceeds limit."


class TagKeyEmpty(BaiduError):
    code = "TagExceptions.TagKeyEmpty"
    message = "Tag key should not be empty."


class TagEmpty(BaiduError):
    code = "TagExceptions.TagEmpty"
    message = "Tag should not be empty."


class LimitExceeded(BaiduError):
    code = "TagExceptions.LimitExceeded"
    status = 413
    message = "Limit exceeded for current request."


class NoSuchObject(BaiduError):
    code = "NoSuchObject"
    status = 404
    message = "The specified object is not found or resource do not exist."


class MalformedJSON(BaiduError):
    code = "MalformedJSON"
    message = "The JSON you provided was not well-formed."


class InvalidURI(BaiduError):
    code = "InvalidURI"
    message = "Could not parse the specified URI."


class BaiduInvalidVersion(BaiduError):
    code = "InvalidVersion"
    status = 404
    message = "The API version in the URI is not supported."


class AccessDenied(BaiduError):
    code = "AccessDenied"
    status = 403
    message = "Access denied."


class InvalidHTTPAuthHeader(BaiduError):
    code = "InvalidHTTPAuthHeader"
    message = "The HTTP authorization header is invalid. Consult the service documentation."


class InvalidAccessKeyId(BaiduError):
    code = "InvalidAccessKeyId"
    status = 403
    message = "The Access Key ID you provided does not exist in our records."


class BaiduSignatureDoesNotMatch(BaiduError):
    code = "SignatureDoesNotMatch"
    message = "The request signature we calculated does not match the signature you provided."


class RequestExpired(BaiduError):
    code = "RequestExpired"

    def __init__(self, timestamp: str) -> None:
        super().__init__(f"Request has expired. Timestamp date is {timestamp}")


class RequestRateLimitExceeded(BaiduError):
    code = "RequestRateLimitExceeded"
    status = 429
    message = "Request rate limit exceeded; slow down."


class BaiduInternalError(BaiduError):
    code = "InternalError"
    status = 500
    message = "We encountered an internal error. Please try again."


class InappropriateJSON(BaiduError):
    code = "InappropriateJSON"
    message = (
        "The JSON you provided was well-formed and valid, but not appropriate for this operation."
    )
