"""Session fixtures for the Terraform checks (helpers live in tf_support.py)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest

# tf_support sits next to this file; make it importable whatever pytest's import mode is.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tf_support import (  # noqa: E402
    ALTERNATE_TFVARS,
    BROKEN_TF,
    OPEN_BUCKET_TF,
    SETUP_HINT,
    TF_DIR,
    CheckovResult,
    Config,
    find_in_homes,
    finish_checkov,
    iac_homes,
    load_config,
    start_checkov,
    tf_files,
)


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    found = shutil.which("terraform") or find_in_homes("terraform", "terraform")
    assert found, f"no terraform binary on PATH or in the tool venvs: {SETUP_HINT}"
    return str(found)


@pytest.fixture(scope="session")
def checkov_bin() -> str:
    found = find_in_homes("checkov", "checkov")
    assert found, f"checkov venv not found in {[str(h) for h in iac_homes()]}: {SETUP_HINT}"
    return str(found)


@pytest.fixture(scope="session")
def checkov_runs(checkov_bin: str) -> Iterator[dict[str, CheckovResult]]:
    """Every checkov run the suite needs, started together once per session (they take seconds).

    - default: terraform/ with its default variables;
    - alternate: terraform/ with SSE-KMS, extra origins, MFA on, threat protection;
    - insecure: a scratch folder with a .tf that does not parse and a wide-open bucket, proving
      that checkov really checks and that a parse error is visible in its summary.
    """
    with tempfile.TemporaryDirectory(prefix="tf-checkov-") as tmp:
        tmpdir = Path(tmp)
        tfvars = tmpdir / "alternate.tfvars"
        tfvars.write_text(ALTERNATE_TFVARS)
        insecure = tmpdir / "insecure"
        insecure.mkdir()
        (insecure / "broken.tf").write_text(BROKEN_TF)
        (insecure / "open.tf").write_text(OPEN_BUCKET_TF)
        procs = {
            "default": start_checkov(checkov_bin, TF_DIR),
            "alternate": start_checkov(checkov_bin, TF_DIR, "--var-file", str(tfvars)),
            "insecure": start_checkov(checkov_bin, insecure),
        }
        yield {name: finish_checkov(proc) for name, proc in procs.items()}


@pytest.fixture(scope="session")
def raw_files() -> dict[str, dict[str, Any]]:
    """Every terraform/**/*.tf parsed by python-hcl2, keyed by its path inside terraform/."""
    import hcl2  # installed by 40-terraform.sh

    parsed = {}
    for path in tf_files():
        with open(path, encoding="utf-8") as handle:
            parsed[str(path.relative_to(TF_DIR))] = hcl2.load(handle)
    return parsed


@pytest.fixture(scope="session")
def config(raw_files: dict[str, dict[str, Any]]) -> Config:
    return load_config(raw_files)
