"""Call minimality: calls made for a generated set of requests versus the fewest possible.

Requests are drawn (fixed random seed) for every API tagstrip plans for, with resource and
tag counts around each API's limits; each is sent through ``handler(event)`` to the fake
cloud, whose journal counts the calls. The minimum is computed here from the vendors'
limits, not from tagstrip's planner:

- one resource a call (ECS RemoveTags, Huawei ECS, Baidu BCC): R x ceil(T / tags a call),
  since every resource needs its own ceil(T / limit) calls;
- account-wide (Baidu tag): ceil(T / 20);
- many resources a call (ECS UntagResources, Redis UntagResources, 50 resources and 20 keys):
  max(ceil(R * ceil(T/20) / 50), ceil(T * ceil(R/50) / 20)), since every resource is in at
  least ceil(T/20) calls, every key in at least ceil(R/50), and a call holds 50 resources and
  20 keys. No plan does better, and the bound is always reachable (the construction and its
  proof are in functions/tagstrip/domain/covering.py), so it is the fewest for every shape
  drawn, R > 50 with T > 20 included (75 resources x 30 keys: 3 calls, where the grid
  ceil(R/50) x ceil(T/20) takes 4). `All` counts as T = 1.
"""

from __future__ import annotations

import math
import os
import random
import sys
from dataclasses import dataclass
from typing import Any

from _common import FUNCTIONS, FakeCloudProcess, Figure, Series, parser, report

HUAWEI_PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"


@dataclass(frozen=True)
class Api:
    provider: str
    profile: str | None
    resources_per_call: int | None  # None: account-wide, no resources
    tags_per_call: int
    values: str  # "optional", "required", "none" (keys only)
    max_tags: int
    max_resources: int


APIS = (
    Api("aliyun-ecs", None, 1, 20, "optional", 20, 6),
    Api("aliyun-ecs", "remove-tags-2018", 1, 5, "optional", 20, 6),
    Api("aliyun-ecs", "untag-resources", 50, 20, "none", 40, 120),
    Api("aliyun-redis", None, 50, 20, "none", 40, 120),
    Api("huawei-ecs", None, 1, 10, "optional", 20, 6),
    Api("baidu-tag", None, None, 20, "required", 45, 0),
    Api("baidu-bcc", None, 1, 20, "required", 45, 6),
)


def minimum(api: Api, resources: int, tags: int) -> int:
    per_resource = math.ceil(tags / api.tags_per_call)
    if api.resources_per_call is None:
        return per_resource
    if api.resources_per_call == 1:
        return resources * per_resource
    per_key = math.ceil(resources / api.resources_per_call)
    return max(
        math.ceil(resources * per_resource / api.resources_per_call),
        math.ceil(tags * per_key / api.tags_per_call),
    )


def draw(api: Api, rng: random.Random, index: int) -> tuple[dict[str, Any], int, int]:
    """One request for `api`, its resource count and tag count (All counts as one)."""
    tags = rng.randint(1, api.max_tags)
    resources = 0 if api.resources_per_call is None else rng.randint(1, api.max_resources)
    per_call = api.resources_per_call or 1
    if per_call > 1 and rng.random() < 0.5:
        # Over both limits at once, where chunks of resources x chunks of keys can waste calls.
        resources = rng.randint(per_call + 1, api.max_resources)
        tags = rng.randint(api.tags_per_call + 1, api.max_tags)
    remove_all = api.provider == "aliyun-redis" and rng.random() < 0.25
    prefix = {"aliyun-ecs": "i-", "aliyun-redis": "r-", "huawei-ecs": "srv-", "baidu-bcc": "i-"}
    ids = [f"{prefix.get(api.provider, '')}min{index:03d}x{n:03d}" for n in range(resources)]
    request: dict[str, Any] = {"provider": api.provider, "id": f"min-{index}"}
    if api.profile:
        request["api_profile"] = api.profile
    if api.provider.startswith("aliyun"):
        request["region"] = "cn-hangzhou"
    if api.provider == "aliyun-ecs":
        request["resource_type"] = "instance"
    if api.provider == "huawei-ecs":
        request |= {"region": "cn-north-4", "project_id": HUAWEI_PROJECT}
    if api.provider == "baidu-bcc":
        request["region"] = "bj"
    if ids:
        request["resource_ids"] = ids
    if remove_all:
        request["remove_all"] = True
        return request, resources, 1
    request["tags"] = [_tag(api, n) for n in range(tags)]
    return request, resources, tags


def over_both_limits(api: Api, resources: int, tags: int) -> bool:
    per_call = api.resources_per_call or 1
    return per_call > 1 and resources > per_call and tags > api.tags_per_call


def grid(api: Api, resources: int, tags: int) -> int:
    """Chunks of resources x chunks of keys: what tagstrip planned before it solved the
    covering, for comparison."""
    per_call = api.resources_per_call or 1
    return math.ceil(resources / per_call) * math.ceil(tags / api.tags_per_call)


def _tag(api: Api, n: int) -> dict[str, str]:
    if api.values == "none":
        return {"key": f"k{n}"}
    return {"key": f"k{n}", "value": f"v{n}"}


def seed_for(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """Every resource the requests name, carrying every tag they remove."""
    seed: dict[str, Any] = {
        "aliyun-ecs": {"resources": []},
        "aliyun-redis": {"resources": []},
        "huawei-ecs": {"servers": []},
        "baidu": {"tags": [], "resources": []},
    }
    for request in requests:
        tags = {t["key"]: t.get("value", "") for t in request.get("tags", [])} or {"k0": "v0"}
        for rid in request.get("resource_ids", []):
            provider = request["provider"]
            if provider.startswith("aliyun"):
                entry = {"region": request["region"], "id": rid, "tags": tags}
                seed[provider]["resources"].append(entry)
            elif provider == "huawei-ecs":
                entry = {"project_id": HUAWEI_PROJECT, "id": rid, "tags": tags}
                seed["huawei-ecs"]["servers"].append(entry)
            else:
                seed["baidu"]["resources"].append({"id": rid, "type": "bcc", "tags": tags})
        if request["provider"] == "baidu-tag":
            seed["baidu"]["tags"] += [{"key": k, "value": v} for k, v in tags.items()]
    return seed


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    per_api = 1 if args.smoke else 9
    rng = random.Random(8)
    drawn = [
        (api, *draw(api, rng, i * 100 + j)) for i, api in enumerate(APIS) for j in range(per_api)
    ]
    requests = [request for _, request, _, _ in drawn]
    made, fewest, off = [], [], []
    with FakeCloudProcess() as cloud:
        cloud.seed(seed_for(requests))
        # baidu-tag is among the APIs measured: consent to its account-wide removals.
        os.environ.update(cloud.env, TAGSTRIP_ALLOW_ACCOUNT_SCOPE="true")
        sys.path.insert(0, str(FUNCTIONS))
        import main as functions_main

        journaled = len(cloud.journal())
        for api, request, resources, tags in drawn:
            answer = functions_main.handler(request)
            [result] = answer["events"][0]["results"]
            if result["status"] != "ok":
                raise RuntimeError(f"{request['id']} ended {result['status']}: {result}")
            now = len(cloud.journal())
            calls, floor = now - journaled, minimum(api, resources, tags)
            journaled = now
            made.append(float(calls))
            fewest.append(float(floor))
            if calls != floor:
                off.append({"id": request["id"], "calls": calls, "minimum": floor})
    figures = [
        Figure(
            "calls_vs_minimum",
            f"calls made / fewest possible ({len(drawn)} requests)",
            Series("calls (fake cloud journal)", "calls", [sum(made)]),
            Series("minimum under API limits", "calls", [sum(fewest)]),
            "==",
            1.0,
            {
                "requests": len(drawn),
                "apis": [f"{a.provider}{'/' + a.profile if a.profile else ''}" for a in APIS],
                "off_minimum": off,
                "over_both_limits": [
                    {"id": request["id"], "minimum": minimum(api, r, t), "grid": grid(api, r, t)}
                    for api, request, r, t in drawn
                    if over_both_limits(api, r, t)
                ],
            },
        )
    ]
    report("minimality", figures, args.json)


if __name__ == "__main__":
    main()
