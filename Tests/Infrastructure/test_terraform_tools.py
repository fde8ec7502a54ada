"""terraform/ passes independent tools: python-hcl2 parsing, `terraform fmt -check`, checkov.

Each tool is also shown to fail on bad input, so a green result means something.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tf_support import REPO, TF_DIR, CheckovResult, tf_files

# Resource types checkov 3.3 has no check of its own for: Cognito pools and clients (see
# tools-and-peers.md section 4), authorizer and integration; the S3 sub-resources are judged through
# checks on their aws_s3_bucket. test_terraform_security.py asserts their properties instead.
UNCHECKED_TYPES = {
    "aws_cognito_user_pool", "aws_cognito_user_pool_client", "aws_cognito_identity_pool_roles_attachment",
    "aws_apigatewayv2_authorizer", "aws_apigatewayv2_integration", "aws_kms_alias",
    "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_cors_configuration", "aws_s3_bucket_logging",
}

EXPECTED_FILES = {
    "versions.tf", "variables.tf", "locals.tf", "cognito.tf", "identity_pool.tf", "s3.tf",
    "s3_access_logs.tf", "kms.tf", "iam.tf", "api_gateway.tf", "logging.tf", "outputs.tf",
}


def run_fmt_check(terraform: str, target: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    return subprocess.run(
        [terraform, "fmt", "-no-color", "-check", "-diff", "-recursive", str(target)],
        capture_output=True, text=True, env=env, timeout=120, cwd=REPO,
    )


def test_terraform_folder_is_split_into_files_by_concern() -> None:
    names = {p.name for p in tf_files()}
    assert EXPECTED_FILES <= names, f"missing: {sorted(EXPECTED_FILES - names)}"


def test_every_tf_file_parses_with_python_hcl2(raw_files: dict[str, dict[str, Any]]) -> None:
    assert set(raw_files) == {str(p.relative_to(TF_DIR)) for p in tf_files()}
    assert all(raw_files.values()), "a .tf file parsed to nothing"


def test_terraform_test_files_parse_with_python_hcl2() -> None:
    import hcl2

    files = sorted((TF_DIR / "tests").glob("*.tftest.hcl"))
    assert files, "terraform/tests/ holds no .tftest.hcl"
    for path in files:
        parsed = hcl2.loads(path.read_text())
        assert parsed.get("run"), f"{path.name} has no run blocks"


def test_python_hcl2_rejects_a_syntax_error() -> None:
    import hcl2
    from tf_support import BROKEN_TF

    with pytest.raises(Exception):
        hcl2.loads(BROKEN_TF)


def test_terraform_fmt_check_passes(terraform_bin: str) -> None:
    result = run_fmt_check(terraform_bin, Path("terraform"))
    assert result.returncode == 0, f"terraform fmt -check failed:\n{result.stdout}{result.stderr}"


def test_terraform_fmt_check_fails_on_misformatted_file(terraform_bin: str, tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('variable "x" {\n type = string\n      default="a"\n}\n')
    result = run_fmt_check(terraform_bin, tmp_path)
    assert result.returncode == 3, f"expected exit 3 (needs formatting), got {result.returncode}"


def test_checkov_reports_zero_failed_and_some_passed_checks(checkov_runs: dict[str, CheckovResult]) -> None:
    run = checkov_runs["default"]
    assert run.summary["failed"] == 0, f"checkov failures:\n{run.describe_failures()}"
    assert run.summary["passed"] > 50, f"suspiciously few checks ran: {run.summary}"
    assert run.returncode == 0


def test_checkov_reports_zero_parsing_errors(checkov_runs: dict[str, CheckovResult]) -> None:
    assert checkov_runs["default"].summary["parsing_errors"] == 0
    assert checkov_runs["default"].clean


def test_checkov_passes_with_kms_and_extra_origins_too(checkov_runs: dict[str, CheckovResult]) -> None:
    run = checkov_runs["alternate"]
    assert run.clean, f"{run.summary}\n{run.describe_failures()}"


def test_checkov_alternate_run_checks_the_kms_key_that_use_kms_creates(
    checkov_runs: dict[str, CheckovResult],
) -> None:
    # Proves the var-file took effect: the key only exists (count = 1) with use_kms = true.
    passed = {(c["check_id"], c["resource"]) for c in checkov_runs["alternate"].passed}
    assert ("CKV_AWS_7", "aws_kms_key.this[0]") in passed, "key rotation was not checked"
    assert ("CKV_AWS_33", "aws_kms_key.this[0]") in passed, "key policy principal was not checked"


def test_checkov_scanned_every_resource_block(checkov_runs: dict[str, CheckovResult], config: Any) -> None:
    declared = sum(len(named) for named in config.resources.values())
    scanned = {c["resource"].split("[")[0] for c in checkov_runs["default"].passed + checkov_runs["default"].skipped}
    assert checkov_runs["default"].summary.get("resource_count", declared) >= declared
    for rtype, named in config.resources.items():
        for name in named:
            if rtype in UNCHECKED_TYPES:
                continue
            assert f"{rtype}.{name}" in scanned, f"checkov ran no check on {rtype}.{name}"
    for name in config.data["aws_iam_policy_document"]:
        assert f"aws_iam_policy_document.{name}" in scanned, f"checkov ran no check on policy {name}"


def test_checkov_parse_error_counts_as_failure_although_checkov_exits_zero(
    checkov_runs: dict[str, CheckovResult],
) -> None:
    run = checkov_runs["insecure"]
    assert run.summary["parsing_errors"] >= 1, run.summary
    # The same summary without any failed check must still not count as clean.
    parse_error_only = CheckovResult(0, {**run.summary, "failed": 0})
    assert not parse_error_only.clean


def test_checkov_flags_a_publicly_accessible_bucket(checkov_runs: dict[str, CheckovResult]) -> None:
    run = checkov_runs["insecure"]
    failed_ids = {c["check_id"] for c in run.failed}
    assert {"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"} <= failed_ids, failed_ids
    assert run.returncode != 0 and not run.clean


def test_every_checkov_skip_is_written_next_to_its_resource_with_a_reason(
    checkov_runs: dict[str, CheckovResult],
) -> None:
    skip = re.compile(r"#\s*checkov:skip=(CKV2?_[A-Z0-9]+_\d+):(.*)$")
    found = 0
    for path in tf_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "checkov:skip" not in line:
                continue
            match = skip.search(line)
            assert match, f"{path.name}:{number}: malformed skip (want #checkov:skip=CKV_..:reason)"
            assert len(match.group(2).strip()) >= 20, f"{path.name}:{number}: skip without a real reason"
            found += 1
    run = checkov_runs["default"]
    assert found > 0 and run.summary["skipped"] > 0
    for check in run.skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason.strip()) >= 20, f"{check['check_id']} on {check['resource']} skipped without reason"
