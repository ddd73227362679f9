"""The vendor registry: what the vendor packages declare is what settings, redaction, the
provider-name type and the fake cloud use, so no vendor fact can drift out of step."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tagstrip
from tagstrip.domain.models import PROVIDERS
from tagstrip.domain.outcomes import Accepted
from tagstrip.providers import APIS, VENDORS, vendor_of
from tagstrip.runtime.settings import SECRET_VARIABLES, Settings, get_settings, reset_settings
from tagstrip.sources import webhook
from tagstrip_testkit.fakecloud import FakeCloud
from tests.sources.helpers import admitted, load


def test_the_provider_literal_lists_the_declared_providers_in_order() -> None:
    assert tuple(api.name for vendor in VENDORS for api in vendor.apis) == PROVIDERS
    assert all(api in vendor_of(name).apis for name, api in APIS.items())


def test_every_declared_variable_is_a_setting() -> None:
    settings_variables = {Settings.variable(name) for name in Settings.model_fields}
    declared = {v for vendor in VENDORS for v in vendor.access_key.variables}
    declared |= {api.endpoint_variable for api in APIS.values()}
    declared |= {vendor.account_variable for vendor in VENDORS if vendor.account_variable}
    declared |= {option.variable for vendor in VENDORS for option in vendor.every_option}
    assert {"HUAWEICLOUD_SDK_DOMAIN_ID", "TAGSTRIP_FUNCTIONGRAPH_KEYS"} <= declared
    assert declared <= settings_variables


def test_exactly_the_secret_variables_are_secret_settings() -> None:
    secrets = {v for vendor in VENDORS for v in vendor.access_key.secrets}
    assert set(SECRET_VARIABLES) == secrets | {"TAGSTRIP_WEBHOOK_SECRET"}
    assert not {vendor.access_key.key_id for vendor in VENDORS} & set(SECRET_VARIABLES)


def test_the_fake_cloud_sets_the_declared_endpoint_and_key_variables(
    fake_cloud_server: FakeCloud,
) -> None:
    declared = {api.endpoint_variable for api in APIS.values()}
    declared |= {
        v for vendor in VENDORS for v in (vendor.access_key.key_id, vendor.access_key.secret)
    }
    declared |= {vendor.account_variable for vendor in VENDORS if vendor.account_variable}
    assert set(fake_cloud_server.environment()) == declared


def test_source_variables_are_settings_read_once_like_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payload = load("jira/issue-moved-to-done.json")
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", "preset:jira")
    reset_settings()
    assert get_settings().webhook_mapping == "preset:jira"
    assert isinstance(admitted(webhook.adapt(payload)), Accepted)
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", "preset:servicenow")
    assert isinstance(admitted(webhook.adapt(payload)), Accepted)  # the cached settings still hold
    reset_settings()
    assert not isinstance(admitted(webhook.adapt(payload)), Accepted)


VENDOR_WORDS = ("aliyun", "alibaba", "huawei", "functiongraph", "baidu")


def _code_words(source: str) -> set[str]:
    """The names a module's code uses, and its strings that are keys or values (no spaces):
    what the code does with, as opposed to the prose of its docstrings and descriptions."""
    words: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.arg):
            words.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.alias):
            words.add(node.name)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.update([node.value] if " " not in node.value else [])
    return words


@pytest.mark.parametrize("layer", ["runtime", "handlers"])
def test_the_runtime_and_the_handlers_name_no_vendor(layer: str) -> None:
    """Vendor options and platform keys come from the vendor packages' declarations."""
    folder = Path(tagstrip.__file__).parent / layer
    named = {
        f"{path.name}: {word}"
        for path in sorted(folder.glob("*.py"))
        for word in _code_words(path.read_text(encoding="utf-8"))
        if any(vendor in word.lower() for vendor in VENDOR_WORDS)
    }
    assert named == set()
