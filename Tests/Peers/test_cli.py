"""The executable as an operator meets it: --help, a bad setting, the Docker healthcheck
subcommand, the local-mode banner, SIGTERM. Runs the built binary (`.build/debug/secure-upload`)."""

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / ".build" / "debug" / "secure-upload"
SETTINGS = [
    "SECURE_UPLOAD_MODE", "HOST", "PORT", "UPLOAD_BUCKET", "UPLOAD_URL_EXPIRY", "MAX_UPLOAD_BYTES",
    "ALLOWED_CONTENT_TYPES", "CORS_ALLOWED_ORIGINS", "STATIC_DIR", "S3_ENDPOINT", "S3_FORCE_PATH_STYLE",
    "RATE_LIMIT_PER_MINUTE", "AWS_REGION", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_ISSUER",
    "COGNITO_JWKS_URL", "COGNITO_JWKS_FILE", "COGNITO_TOKEN_USE", "COGNITO_REQUIRED_GROUPS", "LOCAL_DATA_DIR",
    "LOCAL_USERS", "LOG_FORMAT", "LOG_LEVEL", "TRUSTED_PROXIES", "SHUTDOWN_DELAY", "SHUTDOWN_GRACE",
]


@pytest.fixture(scope="module", autouse=True)
def build():
    subprocess.run(["swift", "build", "-Xswiftc", "-warnings-as-errors", "--product", "secure-upload"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    env.update(extra)
    return env


def test_help_explains_every_setting_as_a_flag():
    out = " ".join(subprocess.run([str(BINARY), "serve", "--help"], capture_output=True, text=True, check=True).stdout.split())
    for name in SETTINGS:
        assert "--" + name.lower().replace("_", "-") in out, name
        assert f"env: {name}" in out, name
    top = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True, check=True).stdout
    assert "healthcheck" in top and "serve" in top


@pytest.mark.parametrize("env,flag,setting", [
    ({"PORT": "80000"}, [], "PORT"),
    ({}, ["--max-upload-bytes", "9999999999"], "MAX_UPLOAD_BYTES"),
    ({"CORS_ALLOWED_ORIGINS": "*"}, [], "CORS_ALLOWED_ORIGINS"),
    ({"SECURE_UPLOAD_MODE": "aws"}, [], "COGNITO_USER_POOL_ID"),
    ({"STATIC_DIR": "/nonexistent/secure-upload"}, [], "STATIC_DIR"),
])
def test_a_bad_setting_stops_start_up_with_one_line_naming_it_and_exit_code_2(tmp_path, env, flag, setting):
    result = subprocess.run([str(BINARY), "serve", *flag], cwd=tmp_path, env=clean_env(**env),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and setting in lines[0], result.stderr


def test_dotenv_is_read_and_the_real_environment_wins(tmp_path):
    (tmp_path / ".env").write_text("PORT=not-a-port\nMAX_UPLOAD_BYTES=0\n")
    result = subprocess.run([str(BINARY)], cwd=tmp_path, env=clean_env(PORT="1"), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "MAX_UPLOAD_BYTES" in result.stderr  # PORT=1 from the environment hid the .env's bad PORT


def test_local_mode_serves_reports_healthy_prints_the_banner_and_exits_0_on_sigterm(tmp_path):
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "index.html").write_text("<!doctype html><title>page</title>\n")
    port = free_port()
    log = open(tmp_path / "out.log", "w")
    process = subprocess.Popen([str(BINARY), "--port", str(port)], cwd=tmp_path, env=clean_env(),
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(300):
            probe = subprocess.run([str(BINARY), "healthcheck", "--port", str(port)], capture_output=True)
            if probe.returncode == 0:
                break
            time.sleep(0.1)
        assert probe.returncode == 0
        text = (tmp_path / "out.log").read_text()
        assert "LOCAL MODE" in text
        assert "Sign in as:      demo / " in text
        assert (tmp_path / ".data").is_dir()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    closed = subprocess.run([str(BINARY), "healthcheck", "--port", str(port)], capture_output=True, text=True)
    assert closed.returncode == 1
    assert "no answer" in closed.stderr


def test_readyz_turns_503_at_sigterm_and_a_second_signal_exits_at_once(tmp_path):
    import urllib.error
    import urllib.request

    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "index.html").write_text("<!doctype html><title>page</title>\n")
    port = free_port()
    process = subprocess.Popen([str(BINARY), "--port", str(port), "--shutdown-delay", "60"], cwd=tmp_path,
                               env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)

    def readyz():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    try:
        for _ in range(300):
            if readyz() == 200:
                break
            time.sleep(0.1)
        assert readyz() == 200
        os.kill(process.pid, signal.SIGTERM)
        for _ in range(100):
            if readyz() == 503:
                break
            time.sleep(0.05)
        assert readyz() == 503  # the listener stays open during SHUTDOWN_DELAY, answering not ready
        os.kill(process.pid, signal.SIGINT)
        assert process.wait(timeout=10) == 1
        assert "second SIGINT, exiting now" in process.stderr.read()
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
