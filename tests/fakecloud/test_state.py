"""Seeding (file and Python), read-back, the journal, control endpoints, the CLI, the fixture."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

import httpx
import pytest
import yaml
from pydantic import ValidationError

from tagstrip.cli import main
from tagstrip.runtime.settings import get_settings, reset_settings
from tagstrip.runtime.wiring import validation
from tagstrip_testkit.fakecloud import ENDPOINT_VARIABLES, FakeCloud
from tagstrip_testkit.fakecloud.standalone import serve

from ..conftest import SEED_FILE
from . import vendors

EVENTS = SEED_FILE.parents[1]
SAMPLES = sorted(
    [
        *EVENTS.glob("canonical/*.json"),
        *EVENTS.glob("native/*.json"),
        *EVENTS.glob("selectors/*.json"),
    ]
)


def test_fixture_points_tagstrip_at_the_fake(fake_cloud: FakeCloud) -> None:
    for name in ENDPOINT_VARIABLES:
        assert os.environ[name] == fake_cloud.url
    assert os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"] == fake_cloud.credentials.aliyun.access_key_id
    assert os.environ["HUAWEICLOUD_SDK_SK"] == fake_cloud.credentials.huawei.secret
    assert os.environ["BAIDUCLOUD_SECRET_KEY"] == fake_cloud.credentials.baidu.secret
    assert fake_cloud.journal.entries() == []
    assert fake_cloud.state()["aliyun-ecs"]["resources"] == []


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_seed_holds_what_every_sample_event_names(seeded_cloud: FakeCloud, path: Path) -> None:
    backends = seeded_cloud.backends
    for request in validation().batch(json.loads(path.read_text())):
        for call in validation().plan(request).calls:
            for rid in call.resource_ids:
                if call.provider == "aliyun-ecs":
                    resource = backends.aliyun_ecs.resources(str(call.region))[rid]
                    assert resource.type == request.resource_type
                elif call.provider == "aliyun-redis":
                    assert rid in backends.aliyun_redis.resources(str(call.region))
                elif call.provider == "aliyun-tag":
                    assert rid in {r.arn for r in backends.aliyun_tag.resources.values()}
                elif call.provider == "baidu-bcc":
                    assert rid in backends.baidu.resources
                elif call.provider == "baidu-tag-resource":
                    resource = backends.baidu.resources[rid]
                    assert backends.baidu.service_type(resource) == request.resource_type
                    assert backends.baidu.regions[rid] == call.region
                elif (
                    call.provider == "huawei-tms"
                ):  # a write names it in the body, a read in the query
                    project = (call.body or call.params).get("project_id")
                    targets = backends.huawei_tms.resources
                    assert any((t.project_id, t.id) == (project, rid) for t in targets)
                else:
                    assert backends.huawei_ecs.show_server_tags(str(request.project_id), rid)
            if call.provider == "baidu-tag":
                assert {(t.key, t.value or "") for t in call.tags} <= backends.baidu.tags


def test_yaml_and_json_seeds_agree(fake_cloud: FakeCloud, tmp_path: Path) -> None:
    data = json.loads(SEED_FILE.read_text())
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(data))
    fake_cloud.seed(seed)
    from_yaml = fake_cloud.state()
    fake_cloud.reset()
    fake_cloud.seed(SEED_FILE)
    assert fake_cloud.state() == from_yaml


def test_state_round_trips_through_a_seed(seeded_cloud: FakeCloud) -> None:
    state = seeded_cloud.state()
    other = FakeCloud()
    other.seed(state)
    assert other.state() == state


def test_python_api_seeding(fake_cloud: FakeCloud) -> None:
    fake_cloud.backends.aliyun_ecs.add_resource("cn-shenzhen", "s-1", {"a": "1"})
    fake_cloud.backends.huawei_ecs.add_server("p", "srv", {"b": "2"})
    assert fake_cloud.state()["aliyun-ecs"]["resources"] == [
        {"region": "cn-shenzhen", "id": "s-1", "tags": {"a": "1"}, "type": "snapshot"}
    ]
    with pytest.raises(ValueError, match="resource_type"):
        fake_cloud.backends.aliyun_ecs.add_resource("cn-shenzhen", "x-unknown")


def test_bad_seed_is_refused(fake_cloud: FakeCloud) -> None:
    with pytest.raises(ValidationError):
        fake_cloud.seed({"aliyun-ecs": {"resources": [{"region": "cn-shenzhen"}]}})
    with pytest.raises(ValidationError):
        fake_cloud.seed({"gcp": {}})


def test_journal_decodes_every_call(seeded_cloud: FakeCloud) -> None:
    vendors.ecs(
        seeded_cloud, "RemoveTags", RegionId="cn-nowhere", ResourceId="s-1", ResourceType="snapshot"
    )
    vendors.delete_tags(seeded_cloud, [{"tagKey": "key1", "tagValue": "value1"}])
    httpx.get(seeded_cloud.url + "/no/such/api")
    first, second, third = seeded_cloud.journal.entries()
    assert (first.provider, first.operation, first.status, first.outcome, first.error_code) == (
        "aliyun-ecs", "RemoveTags", 404, "error", "InvalidRegionId.NotFound",
    )  # fmt: skip
    assert first.params == {
        "RegionId": "cn-nowhere",
        "ResourceId": "s-1",
        "ResourceType": "snapshot",
    }
    assert (second.provider, second.operation, second.outcome) == ("baidu-tag", "DeleteTags", "ok")
    assert second.body == {"tags": [{"tagKey": "key1", "tagValue": "value1"}]}
    assert (third.provider, third.status) == (None, 404)
    assert json.loads(json.dumps(first.to_dict()))["at"]
    assert seeded_cloud.journal.entries(provider="baidu-tag") == [second]


def test_control_endpoints(seeded_cloud: FakeCloud) -> None:
    url = seeded_cloud.url + "/_fakecloud"
    fault = {"kind": "throttle", "provider": "baidu-tag", "times": 1}
    assert httpx.post(f"{url}/faults", json=fault).json() == {"ok": True}
    assert httpx.get(f"{url}/faults").json()[0]["kind"] == "throttle"
    assert vendors.delete_tags(seeded_cloud, [{"tagKey": "k", "tagValue": "v"}]).status_code == 429
    assert httpx.get(f"{url}/journal").json()[-1]["outcome"] == "fault"
    assert httpx.get(f"{url}/state").json() == seeded_cloud.state()
    assert httpx.post(f"{url}/faults", json={"kind": "meteor"}).status_code == 400
    assert httpx.post(f"{url}/seed", content=b"{not json").status_code == 400
    assert httpx.post(f"{url}/state").status_code == 405
    assert httpx.post(f"{url}/reset").json() == {"ok": True}
    assert seeded_cloud.state()["baidu"]["resources"] == []
    extra = {"aliyun-redis": {"resources": [{"region": "cn-hangzhou", "id": "r-new"}]}}
    assert httpx.post(f"{url}/seed", json=extra).status_code == 200
    assert seeded_cloud.backends.aliyun_redis.resources("cn-hangzhou")["r-new"]


def test_standalone_server_prints_its_environment() -> None:
    out, stop = io.StringIO(), threading.Event()
    thread = threading.Thread(
        target=serve, args=("127.0.0.1", 0, SEED_FILE, out), kwargs={"stop": stop}
    )
    thread.start()
    try:
        for _ in range(100):
            if "control:" in out.getvalue():
                break
            threading.Event().wait(0.05)
        exports = dict(
            line.removeprefix("export ").split("=", 1)
            for line in out.getvalue().splitlines()
            if line.startswith("export ")
        )
        state = httpx.get(exports["TAGSTRIP_BAIDU_TAG_ENDPOINT"] + "/_fakecloud/state").json()
        assert state["huawei-ecs"]["servers"]
    finally:
        stop.set()
        thread.join()


def test_cli_has_the_fake_cloud_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["fake-cloud", "--help"])
    assert "--seed" in capsys.readouterr().out


def test_tagstrip_settings_read_the_fake(fake_cloud: FakeCloud) -> None:
    reset_settings()  # settings are cached per process; read the fixture's environment
    settings = get_settings()
    assert settings.endpoint("huawei-ecs") == fake_cloud.url
    assert settings.endpoint("aliyun-redis") == fake_cloud.url
