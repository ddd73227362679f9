"""Shared by the client and executor tests: settings pointing at a local server, plans, secrets."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tagstrip.domain.models import Plan
from tagstrip.runtime.settings import Settings
from tagstrip.runtime.wiring import validation

#: Secret values no exception, repr, result or log line may ever contain.
SECRETS = {
    "aliyun_access_key_secret": "aliyun-secret-DO-NOT-LEAK",
    "aliyun_security_token": "aliyun/token+DO=NOT=LEAK",
    "huawei_access_key_secret": "huawei-secret-DO-NOT-LEAK",
    "huawei_security_token": "huawei-token-DO-NOT-LEAK",
    "baidu_access_key_secret": "baidu-secret-DO-NOT-LEAK",
    "baidu_security_token": "baidu-token-DO-NOT-LEAK",
}
KEY_IDS = {
    "aliyun_access_key_id": "LTAI-test-id",
    "huawei_access_key_id": "HW-TEST-AK",
    "huawei_account_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "baidu_access_key_id": "bce-test-ak",
}
ENDPOINTS = (
    "aliyun_ecs_endpoint",
    "aliyun_redis_endpoint",
    "aliyun_tag_endpoint",
    "huawei_ecs_endpoint",
    "huawei_tms_endpoint",
    "baidu_tag_endpoint",
    "baidu_bcc_endpoint",
    "baidu_tag_resource_endpoint",
)
#: Fast retries so the suite stays quick; tests override what they exercise.
FAST = {"backoff": 0.001, "max_backoff": 0.01, "retries": 2, "deadline": 5.0}


def settings_for(base_url: str, *, tokens: bool = False, **changes: Any) -> Settings:
    """Every vendor's credentials, every endpoint at `base_url`, fast retries."""
    secrets = {
        name: value
        for name, value in SECRETS.items()
        if tokens or not name.endswith("security_token")
    }
    endpoints = dict.fromkeys(ENDPOINTS, base_url.rstrip("/"))
    return Settings.model_validate({**KEY_IDS, **secrets, **endpoints, **FAST, **changes})


def plan_of(payload: dict[str, Any]) -> Plan:
    return validation().plan(validation().request(payload))


def assert_no_secret(*texts: str) -> None:
    """No secret in `texts`, neither as is nor percent-encoded once or twice."""
    for text in texts:
        for secret in SECRETS.values():
            once = quote(secret, safe="~")
            for form in (secret, once, quote(once, safe="~")):
                assert form not in text
