"""Our checkov policies (template/checkov-policies) catch what they are written for.

Each deliberately bad resource in fixtures/checkov-bad must fail the policy named here, and
the real templates must pass every policy. checkov runs from its own virtualenv (it pins its
own HCL parser), made by `make checkov-venv` if missing.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tests.templates.helpers import ROOT, TEMPLATE

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
BAD = Path(__file__).parent / "fixtures" / "checkov-bad"
EXPECTED_FAILURES = {
    ("CKV2_TAGSTRIP_1", "alicloud_fcv3_function.no_timeout_plain_secret"),
    ("CKV2_TAGSTRIP_1", "google_cloudfunctions2_function.plain_secret"),
    ("CKV2_TAGSTRIP_2", "alicloud_ram_policy.too_broad"),
    ("CKV2_TAGSTRIP_2", "alicloud_ram_role_policy_attachment.system_policy"),
    ("CKV2_TAGSTRIP_2", "huaweicloud_identity_role.too_broad"),
    ("CKV2_TAGSTRIP_2", "huaweicloud_identity_agency.admin"),
    ("CKV2_TAGSTRIP_2", "huaweicloud_identity_agency.account_admin"),
    ("CKV2_TAGSTRIP_2", "google_project_iam_member.owner"),
    ("CKV2_TAGSTRIP_3", "alicloud_fcv3_function.no_timeout_plain_secret"),
    ("CKV2_TAGSTRIP_3", "huaweicloud_fgs_function.plain_secret"),
    ("CKV2_TAGSTRIP_3", "baiducloud_cfc_function.plain_secret"),
    ("CKV2_TAGSTRIP_3", "google_cloudfunctions2_function.plain_secret"),
    ("CKV2_TAGSTRIP_4", "Service.tagstrip.bad"),
}


@cache
def _results(directory: Path) -> dict[tuple[str, str], str]:
    """(check id, resource) -> PASSED/FAILED for our own policies only."""
    subprocess.run(["make", "--no-print-directory", "-s", "checkov-venv"], cwd=ROOT, check=True)
    command = [str(CHECKOV), "-d", str(directory), "--external-checks-dir"]
    command += [str(TEMPLATE / "checkov-policies"), "--skip-download", "--compact", "-o", "json"]
    command += ["--framework", "terraform", "kubernetes"]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    reports = json.loads(output)
    results: dict[tuple[str, str], str] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        checks = report["results"]["failed_checks"] + report["results"]["passed_checks"]
        for check in checks:
            if check["check_id"].startswith("CKV2_TAGSTRIP_"):
                key = (check["check_id"], check["resource"])
                results[key] = check["check_result"]["result"]
    return results


@pytest.mark.parametrize(("check", "resource"), sorted(EXPECTED_FAILURES))
def test_policy_catches_the_bad_fixture(check: str, resource: str) -> None:
    assert _results(BAD).get((check, resource)) == "FAILED"


def test_templates_pass_every_policy_of_ours() -> None:
    results = _results(TEMPLATE)
    assert {check for check, _ in results} == {f"CKV2_TAGSTRIP_{n}" for n in range(1, 5)}
    failed = sorted(key for key, result in results.items() if result != "PASSED")
    assert not failed
