"""docs/operations.md stays in step with the code: every setting the service reads is documented,
and every metric the registry renders is explained."""

from __future__ import annotations

import re

from ops_support import REPO

DOC = (REPO / "docs" / "operations.md").read_text()


def documented_table_names() -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOC, flags=re.MULTILINE))


def test_every_setting_the_service_reads_is_in_the_settings_table():
    source = (REPO / "Sources" / "UploadService" / "Configuration" / "SettingDescription.swift").read_text()
    names = set(re.findall(r'SettingDescription\(\s*"([A-Z0-9_]+)"', source))
    assert len(names) >= 20, "the settings list moved; update this test"
    missing = names - documented_table_names()
    assert not missing, f"settings missing from docs/operations.md: {sorted(missing)}"


def test_every_metric_family_is_explained():
    source = (REPO / "Sources" / "UploadService" / "Observability" / "Metrics.swift").read_text()
    families = set(re.findall(r'family\(\s*"(secure_upload_[a-z_]+)"', source))
    assert len(families) >= 10
    documented = set(re.findall(r"^\| `(secure_upload_[a-z_]+)` \|", DOC, flags=re.MULTILINE))
    assert families == documented


def test_terraform_env_block_variables_are_described():
    for name in ["SECURE_UPLOAD_MODE", "AWS_REGION", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID",
                 "UPLOAD_BUCKET", "CORS_ALLOWED_ORIGINS"]:
        assert f"{name}=" in DOC, name
    assert "terraform output -raw env_file" in DOC
