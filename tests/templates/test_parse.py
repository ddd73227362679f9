"""Every template file parses, and every Terraform directory is a small documented module."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest

from tests.templates.helpers import (
    TEMPLATE,
    TERRAFORM_DIRS,
    terraform,
    tf_files,
    variables,
    yaml_documents,
    yaml_files,
)


def test_template_tree_holds_every_platform() -> None:
    for directory in [*TERRAFORM_DIRS.values(), TEMPLATE / "knative"]:
        assert directory.is_dir(), directory
    assert (TEMPLATE / "alibaba-fc3" / "s.yaml").is_file()
    assert len(tf_files()) >= 4 * 4


@pytest.mark.parametrize("path", tf_files(), ids=lambda path: str(path.relative_to(TEMPLATE)))
def test_terraform_file_parses(path: Path) -> None:
    with path.open(encoding="utf-8") as handle:
        assert hcl2.load(handle), f"{path} is empty"


@pytest.mark.parametrize("path", yaml_files(), ids=lambda path: str(path.relative_to(TEMPLATE)))
def test_yaml_file_parses(path: Path) -> None:
    assert yaml_documents(path), f"{path} holds no document"


@pytest.mark.parametrize("name", sorted(TERRAFORM_DIRS))
def test_terraform_directory_is_a_documented_module(name: str) -> None:
    directory = TERRAFORM_DIRS[name]
    for required in ("versions.tf", "variables.tf", "outputs.tf", "main.tf", "README.md"):
        assert (directory / required).is_file(), f"{name}: missing {required}"
    (settings,) = terraform(name)["terraform"]
    assert settings["required_providers"], f"{name}: no pinned provider"
    for variable, spec in variables(name).items():
        assert spec.get("description"), f"{name}: variable {variable} has no description"
        assert spec.get("type"), f"{name}: variable {variable} has no type"
    for block in terraform(name).get("output", []):
        for output, spec in block.items():
            assert spec.get("description"), f"{name}: output {output} has no description"
