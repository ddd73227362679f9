"""Shared loaders for the template tests: parsed Terraform, YAML documents, code text.

Everything is read from the repository as it is; nothing here talks to a cloud.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import yaml
from hcl2.utils import SerializationOptions

from tagstrip.entrypoints import ENTRY_POINTS, EntryPoint

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template"
FUNCTIONS = ROOT / "functions"
MAIN_PY = FUNCTIONS / "main.py"
TERRAFORM_DIRS = {
    "alibaba-fc3": TEMPLATE / "alibaba-fc3",
    "huawei-functiongraph": TEMPLATE / "huawei-functiongraph",
    "baidu-cfc": TEMPLATE / "baidu-cfc",
    "google-cloud-run-functions": TEMPLATE / "google-cloud-run-functions",
}
# Configuration variables tagstrip reads: its own and the vendors' credential conventions.
ENV_NAME = re.compile(
    r"\b(TAGSTRIP_[A-Z0-9_]+|ALIBABA_CLOUD_[A-Z_]+|HUAWEICLOUD_SDK_[A-Z_]+|BAIDUCLOUD_[A-Z_]+)\b"
)
SECRET_NAMES = frozenset(
    {
        "TAGSTRIP_WEBHOOK_SECRET",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "BAIDUCLOUD_ACCESS_KEY",
        "BAIDUCLOUD_SECRET_KEY",
    }
)
# A Terraform value that is a reference (resolved at apply time), not a literal.
REFERENCE = re.compile(r"^\$\{(var|data|local|each)\.")
# Plain Python values: no comments, no block markers, strings without their HCL quotes.
_HCL_OPTIONS = SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)


def tf_files() -> list[Path]:
    return sorted(TEMPLATE.rglob("*.tf"))


def yaml_files() -> list[Path]:
    return sorted([*TEMPLATE.rglob("*.yaml"), *TEMPLATE.rglob("*.yml")])


@cache
def terraform(directory: str) -> dict[str, Any]:
    """All .tf files of one template directory, merged the way Terraform sees them."""
    merged: dict[str, Any] = {}
    for path in sorted(TERRAFORM_DIRS[directory].glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            for block_type, blocks in hcl2.load(handle, serialization_options=_HCL_OPTIONS).items():
                merged.setdefault(block_type, []).extend(blocks)
    return merged


def resources(directory: str, resource_type: str) -> dict[str, dict[str, Any]]:
    """name -> arguments of every resource of one type in a template directory."""
    found: dict[str, dict[str, Any]] = {}
    for block in terraform(directory).get("resource", []):
        for name, arguments in block.get(resource_type, {}).items():
            found[name] = arguments
    return found


def locals_(directory: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in terraform(directory).get("locals", []):
        merged.update(block)
    return merged


def variables(directory: str) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for block in terraform(directory).get("variable", []):
        merged.update(block)
    return merged


def yaml_documents(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as handle:
        return [document for document in yaml.safe_load_all(handle) if document is not None]


def knative_documents() -> Iterator[dict[str, Any]]:
    for path in sorted((TEMPLATE / "knative").glob("*.yaml")):
        yield from yaml_documents(path)


def s_yaml() -> dict[str, Any]:
    (document,) = yaml_documents(TEMPLATE / "alibaba-fc3" / "s.yaml")
    assert isinstance(document, dict)
    return document


@cache
def source_text() -> str:
    """Every Python source file under functions/tagstrip, concatenated (for name greps)."""
    files = sorted((FUNCTIONS / "tagstrip").rglob("*.py"))
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def entry_point(name: str) -> EntryPoint:
    assert name in ENTRY_POINTS, (
        f"{name!r} is not an entry point of functions/tagstrip/entrypoints.py"
    )
    return ENTRY_POINTS[name]


def strip_interpolation(value: str) -> str:
    """'${alicloud_x.y["k"].name}' -> 'alicloud_x.y["k"].name'."""
    return value[2:-1] if value.startswith("${") and value.endswith("}") else value
