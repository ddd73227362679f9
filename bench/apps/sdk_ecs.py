"""The same tag removal as ``tagstrip invoke``, scripted the way a user would with the vendor SDK.

``python sdk_ecs.py EVENT.json`` reads a canonical aliyun-ecs request, calls ECS RemoveTags
through alibabacloud-ecs20140526 (tea-openapi underneath) once per resource and prints the
request ids as JSON. Credentials and the endpoint come from the same variables tagstrip
reads, so both talk to the same fake cloud.
"""

import json
import os
import sys
from urllib.parse import urlsplit

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import models as open_api_models


def remove_tags(event):  # type: ignore[no-untyped-def]
    endpoint = urlsplit(os.environ["TAGSTRIP_ALIYUN_ECS_ENDPOINT"])
    config = open_api_models.Config(
        access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
        region_id=event["region"],
        endpoint=endpoint.netloc,
        protocol=endpoint.scheme,
    )
    client = EcsClient(config)
    request_ids = []
    for resource_id in event["resource_ids"]:
        tags = [
            ecs_models.RemoveTagsRequestTag(key=tag["key"], value=tag.get("value"))
            for tag in event["tags"]
        ]
        response = client.remove_tags(
            ecs_models.RemoveTagsRequest(
                region_id=event["region"],
                resource_type=event["resource_type"],
                resource_id=resource_id,
                tag=tags,
            )
        )
        request_ids.append(response.body.request_id)
    return {"status": "ok", "request_ids": request_ids}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        print(json.dumps(remove_tags(json.load(file))))
