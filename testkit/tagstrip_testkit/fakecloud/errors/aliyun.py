"""Alibaba Cloud RPC errors: the gateway's, then ECS and R-kvstore tag APIs' (seed tables)."""

from __future__ import annotations

from tagstrip_testkit.fakecloud.errors import AliyunError

# Gateway: signature, throttling, routing.


class MissingParameter(AliyunError):
    code = "MissingParameter"

    def __init__(self, name: str) -> None:
        super().__init__(
            f'The input parameter "{name}" that is mandatory for processing this request '
            "is not supplied."
        )


class InvalidActionNotFound(AliyunError):
    code = "InvalidAction.NotFound"
    status = 404
    message = "Specified api is not found, please check your url and method."


class InvalidVersion(AliyunError):
    code = "InvalidVersion"
    message = "Specified parameter Version is not valid."


class IncompleteSignature(AliyunError):
    code = "IncompleteSignature"
    message = "The request signature does not conform to Aliyun standards."


class SignatureDoesNotMatch(AliyunError):
    """The message ends with the server's string to sign: the legacy SDK compares it."""

    code = "SignatureDoesNotMatch"

    def __init__(self, string_to_sign: str) -> None:
        super().__init__(
            "Specified signature is not matched with our calculation. "
            f"server string to sign is:{string_to_sign}"
        )


class InvalidAccessKeyIdNotFound(AliyunError):
    code = "InvalidAccessKeyId.NotFound"
    status = 404
    message = "Specified access key is not found."


class InvalidTimeStampFormat(AliyunError):
    code = "InvalidTimeStamp.Format"
    message = "Specified time stamp or date value is not well formatted."


class InvalidTimeStampExpired(AliyunError):
    code = "InvalidTimeStamp.Expired"
    message = "Specified time stamp or date value is expired."


class SignatureNonceUsed(AliyunError):
    code = "SignatureNonceUsed"
    message = "Specified signature nonce was used already."


class ThrottlingUser(AliyunError):
    code = "Throttling.User"
    message = "Request was denied due to user flow control."


class AliyunInternalError(AliyunError):
    code = "InternalError"
    status = 500
    message = "The request processing has failed due to some unknown error."


class AliyunServiceUnavailable(AliyunError):
    code = "ServiceUnavailable"
    status = 503
    message = "The request has failed due to a temporary failure of the server."


# ECS RemoveTags / UntagResources.


class InvalidRegionIdNotFound(AliyunError):
    code = "InvalidRegionId.NotFound"
    status = 404
    message = "The specified RegionId does not exist."


class ResourceTypeNotInRecords(AliyunError):
    """A well-formed resource type that the API does not know (doc row with 404)."""

    code = "InvalidResourceType.NotFound"
    status = 404
    message = "The ResourceType provided does not exist in our records."


class ResourceTypeInvalid(AliyunError):
    """A ResourceType value that is not even spelled like one, e.g. ``Snapshot`` (400 row)."""

    code = "InvalidResourceType.NotFound"
    message = "The specified ResourceType does not exist."


class InvalidTagCount(AliyunError):
    code = "InvalidTagCount"
    message = "The specified tags are beyond the permitted range."


class InvalidResourceIdNotSupported(AliyunError):
    code = "InvalidResourceId.NotSupported"
    status = 403
    message = "The specified ResourceId does not support tagging."


class InvalidResourceIdNotFound(AliyunError):
    code = "InvalidResourceId.NotFound"
    status = 404
    message = "The specified ResourceId is not found in our records."


# R-kvstore UntagResources (also used by ECS UntagResources).


class InvalidTagKeyMalformed(AliyunError):
    code = "InvalidTagKey.Malformed"
    message = "The specified parameter Tag.n.Key or TagKey.n is not valid."


class InvalidTagValueMalformed(AliyunError):
    code = "InvalidTagValue.Malformed"
    message = "The specified parameter Tag.n.Value is not valid."


class InvalidParameterResourceId(AliyunError):
    code = "InvalidParameter.ResourceId"
    message = "The specified parameter ResourceId.n is not valid."


class MissParameterTagOrResourceId(AliyunError):
    code = "MissParameter.TagOrResourceId"
    message = "The parameter Tag.n or ResourceId.n is needed."


class InvalidParameterScope(AliyunError):
    code = "InvalidParameter.Scope"
    message = "The specified parameter Scope is not valid."


class NumberExceedResourceIds(AliyunError):
    code = "NumberExceed.ResourceIds"
    message = "The ResourceIds parameter number is exceed."


class NumberExceedTags(AliyunError):
    code = "NumberExceed.Tags"
    message = "The Tags parameter number is exceed."


class DuplicateTagKey(AliyunError):
    code = "Duplicate.TagKey"
    message = "The specified parameter Tag.n.Key is duplicated."


class InvalidParameterResourceType(AliyunError):
    code = "InvalidParameter.ResourceType"
    message = "The specified parameter ResourceType is not valid."


class InvalidDbInstanceIdNotFound(AliyunError):
    code = "InvalidDbInstanceId.NotFound"
    status = 404
    message = "Specified instance does not exist."


# ListTagResources (ECS and R-kvstore).


class InvalidNextToken(AliyunError):
    """Not in the seeds' error tables: the fake's answer to a token it did not issue."""

    code = "InvalidParameter.NextToken"
    message = "The specified parameter NextToken is not valid."


# Resource Management Tag (2018-08-28) UntagResources / ListTagResources: the codes of the
# API's metadata and English docs; messages as the docs give them where they do.

#: The one per-resource code the docs give for a FailedResource.
RESOURCE_NOT_FOUND = "InvalidResourceId.NotFound"
_RESOURCE_MESSAGES = {RESOURCE_NOT_FOUND: "The specified ResourceIds are not found in our records."}


def resource_result(code: str = RESOURCE_NOT_FOUND) -> dict[str, str]:
    """The ``Result`` of one FailedResource."""
    return {"Code": code, "Message": _RESOURCE_MESSAGES.get(code, f"The resource failed: {code}.")}


class InvalidResourceArnFormat(AliyunError):
    code = "InvalidResourceARN.FormatError"

    def __init__(self, arn: str) -> None:
        super().__init__(
            f"The format of parameter ResourceARN: {arn} is not valid, please check it."
        )


class InvalidResourceArnAccount(AliyunError):
    code = "InvalidResourceARN.Account"
    message = "The account in the ResourceARN is not the caller's account."


class InvalidResourceArnRegion(AliyunError):
    code = "InvalidResourceARN.Region"
    message = "The region in the ResourceARN is not the same as RegionId."


class TagInvalidResourceType(AliyunError):
    code = "InvalidParameter.ResourceType"
    message = "The specified product or resource type in the ResourceARN is not supported."


class TagInvalidTagKey(AliyunError):
    code = "InvalidParameter.TagKey"
    message = "The specified parameter TagKey is not valid."


class InvalidParameterRegionId(AliyunError):
    code = "InvalidParameter.RegionId"
    message = "The specified parameter RegionId is not valid."


class InvalidParameterTags(AliyunError):
    code = "InvalidParameter.Tags"
    message = "The specified parameter Tags is empty or is not a JSON map."


class InvalidParameterCategory(AliyunError):
    code = "InvalidParameter.Category"
    status = 403
    message = "The specified parameter Category is not valid."


class InvalidParameterPageSize(AliyunError):
    """Not in the error tables: the fake's answer to a PageSize outside 1..1000."""

    code = "InvalidParameter.PageSize"
    message = "The specified parameter PageSize is not valid."


class MissingParameterResourceIds(AliyunError):
    code = "MissingParameter.ResourceIds"
    status = 403
    message = "The parameter ResourceARN is required."


class MissingParameterTagKey(AliyunError):
    code = "MissingParameter.TagKey"
    status = 404
    message = "The parameter TagKey is required."


class MissingParameterResourceIdArn(AliyunError):
    code = "MissingParameter.ResourceIdARN"
    status = 404
    message = "The parameter ResourceARN or Tags is required."


class NoPermissionSystemTag(AliyunError):
    code = "NoPermission.SystemTag"
    status = 403
    message = "The user does not have permission to operate the system tag."


class InvalidNextTokenTag(AliyunError):
    code = "Invalid.NextToken"
    status = 403
    message = "The specified NextToken is not valid."
