"""Helpers for the Terraform checks: locating the tools, running checkov, reading the HCL.

The tools are installed by scripts/setup/40-terraform.sh (python-hcl2 in this Python; a
`terraform` binary; checkov in its own venv). A missing tool is a test failure, never a skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[2]
TF_DIR = REPO / "terraform"
SETUP_HINT = "run scripts/setup/40-terraform.sh first"


# --- locating the tools ------------------------------------------------------------------------


def iac_homes() -> list[Path]:
    """Where 40-terraform.sh may have put its venvs, in the order it chooses them."""
    homes = []
    if os.environ.get("SECURE_UPLOAD_IAC_HOME"):
        homes.append(Path(os.environ["SECURE_UPLOAD_IAC_HOME"]))
    homes += [Path("/opt/secure-upload-iac"), REPO / ".venv-iac"]
    return homes


def find_in_homes(venv: str, exe: str) -> Path | None:
    for home in iac_homes():
        candidate = home / venv / "bin" / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


# --- checkov -----------------------------------------------------------------------------------


@dataclass
class CheckovResult:
    """One checkov run: its exit code, the summed summary and every check result."""

    returncode: int
    summary: dict[str, int]
    failed: list[dict[str, Any]] = field(default_factory=list)
    passed: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""

    @property
    def clean(self) -> bool:
        # checkov exits 0 on a parse error: only the summary tells, so parsing_errors counts too.
        return (
            self.summary["failed"] == 0
            and self.summary["parsing_errors"] == 0
            and self.summary["passed"] > 0
        )

    def describe_failures(self) -> str:
        return "\n".join(
            f"{c.get('check_id')} {c.get('resource')} ({c.get('file_path')}:{c.get('file_line_range')})"
            for c in self.failed
        )


def start_checkov(checkov: str, directory: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", LOG_LEVEL="ERROR")
    return subprocess.Popen(
        [checkov, "-d", str(directory), "--framework", "terraform", "--skip-download",
         "--compact", "-o", "json", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def finish_checkov(proc: subprocess.Popen[str]) -> CheckovResult:
    out, err = proc.communicate(timeout=300)
    try:
        data = json.loads(out)
    except json.JSONDecodeError as error:
        raise AssertionError(f"checkov printed no JSON (exit {proc.returncode}): {error}\n{err[-2000:]}")
    reports = data if isinstance(data, list) else [data]
    summary = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
    failed: list[dict[str, Any]] = []
    passed: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for report in reports:
        part = report.get("summary", report)
        for key in summary:
            summary[key] += int(part.get(key, 0) or 0)
        results = report.get("results", {})
        failed += results.get("failed_checks", [])
        passed += results.get("passed_checks", [])
        skipped += results.get("skipped_checks", [])
    return CheckovResult(proc.returncode, summary, failed, passed, skipped, err)


ALTERNATE_TFVARS = """
region                 = "eu-central-1"
service_url            = "https://alb.example.com"
use_kms                = true
allowed_origins        = ["https://uploads.example.com", "http://localhost:8080"]
mfa_configuration      = "ON"
advanced_security_mode = "ENFORCED"
upload_expiration_days = 30
"""

BROKEN_TF = 'resource "aws_s3_bucket" "broken" {\n  bucket = "unterminated\n'

OPEN_BUCKET_TF = """
resource "aws_s3_bucket" "open" {
  bucket = "wide-open-example"
}

resource "aws_s3_bucket_public_access_block" "open" {
  bucket                  = aws_s3_bucket.open.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
"""


# --- the parsed configuration ------------------------------------------------------------------


def tf_files() -> list[Path]:
    return sorted(p for p in TF_DIR.rglob("*.tf") if ".terraform" not in p.parts)


def normalize(value: Any) -> Any:
    """python-hcl2 8.x output -> plain Python.

    Quoted strings lose their quotes ("abc${x}" -> abc${x}); a bare expression stays `${expr}`,
    which Terraform treats exactly like the template "${expr}". Block labels and object keys lose
    their quotes; the `__is_block__` markers go; `__comments__` stay (checkov skips live there).
    """
    if isinstance(value, dict):
        return {
            unquote(k): normalize(v)
            for k, v in value.items()
            if k != "__is_block__"
        }
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str):
        return unquote(value)
    return value


def unquote(text: str) -> str:
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


@dataclass
class Config:
    """The whole terraform/ folder, merged across files."""

    resources: dict[str, dict[str, dict[str, Any]]]
    data: dict[str, dict[str, dict[str, Any]]]
    variables: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    locals: dict[str, Any]
    terraform: list[dict[str, Any]]
    providers: list[dict[str, Any]]
    files: dict[str, dict[str, Any]]

    def resource(self, rtype: str, name: str) -> dict[str, Any]:
        assert name in self.resources.get(rtype, {}), f"terraform/ declares no {rtype}.{name}"
        return self.resources[rtype][name]

    def policy_document(self, name: str) -> dict[str, Any]:
        assert name in self.data.get("aws_iam_policy_document", {}), (
            f"terraform/ declares no data.aws_iam_policy_document.{name}"
        )
        return self.data["aws_iam_policy_document"][name]


def merge_blocks(target: dict[str, dict[str, Any]], blocks: list[dict[str, Any]], where: str) -> None:
    for block in blocks:
        for rtype, named in block.items():
            for name, body in named.items():
                assert name not in target.setdefault(rtype, {}), f"{rtype}.{name} declared twice ({where})"
                target[rtype][name] = body


def walk_strings(value: Any, skip_keys: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every string value in a normalized tree, except under the given keys."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in skip_keys:
                continue
            yield from walk_strings(inner, skip_keys)
    elif isinstance(value, list):
        for inner in value:
            yield from walk_strings(inner, skip_keys)
    elif isinstance(value, str):
        yield value


VAR_REF = re.compile(r"(?<![\w.])var\.([A-Za-z_][A-Za-z0-9_-]*)")


def load_config(raw_files: dict[str, dict[str, Any]]) -> Config:
    """Merges every parsed file into one Config (fails on a name declared twice)."""
    resources: dict[str, dict[str, Any]] = {}
    data: dict[str, dict[str, Any]] = {}
    variables: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    local_values: dict[str, Any] = {}
    terraform: list[dict[str, Any]] = []
    providers: list[dict[str, Any]] = []
    files = {}
    for name, raw in raw_files.items():
        doc = normalize(raw)
        files[name] = doc
        merge_blocks(resources, doc.get("resource", []), name)
        merge_blocks(data, doc.get("data", []), name)
        for block in doc.get("variable", []):
            for vname, body in block.items():
                assert vname not in variables, f"variable {vname} declared twice"
                variables[vname] = body
        for block in doc.get("output", []):
            for oname, body in block.items():
                assert oname not in outputs, f"output {oname} declared twice"
                outputs[oname] = body
        for block in doc.get("locals", []):
            for lname, value in block.items():
                if lname == "__comments__":
                    continue
                assert lname not in local_values, f"local {lname} declared twice"
                local_values[lname] = value
        terraform += doc.get("terraform", [])
        providers += doc.get("provider", [])
    return Config(resources, data, variables, outputs, local_values, terraform, providers, files)
