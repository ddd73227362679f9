"""The keys the fake cloud accepts, and the environment that points a client at them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Credentials", "KeyPair"]


@dataclass(frozen=True)
class KeyPair:
    access_key_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Credentials:
    """One key pair per vendor; the fake verifies every signature with these."""

    aliyun: KeyPair = KeyPair("LTAIfakecloudaliyun", "fake-aliyun-secret")
    huawei: KeyPair = KeyPair("HWFAKECLOUDAK", "fake-huawei-secret")
    baidu: KeyPair = KeyPair("fakecloudbaiduak", "fake-baidu-secret")
    #: The Huawei account (domain) that TMS calls must name in ``X-Domain-Id``.
    huawei_domain_id: str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    def environment(self) -> dict[str, str]:
        """The vendors' conventional credential variables, set to these keys."""
        return {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": self.aliyun.access_key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.aliyun.secret,
            "HUAWEICLOUD_SDK_AK": self.huawei.access_key_id,
            "HUAWEICLOUD_SDK_SK": self.huawei.secret,
            "HUAWEICLOUD_SDK_DOMAIN_ID": self.huawei_domain_id,
            "BAIDUCLOUD_ACCESS_KEY": self.baidu.access_key_id,
            "BAIDUCLOUD_SECRET_KEY": self.baidu.secret,
        }
