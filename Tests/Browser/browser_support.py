"""Support for the upload page's browser tests: a server process (the real `secure-upload serve`
in local mode or, with BROWSER_TEST_SERVER=standin, the Python stand-in of its contract, for
working on the page alone), moto's Cognito, and headless Chromium driven by Selenium with the flags
that work here (../shared/tools/browser-check.py). The fixtures are in conftest.py; this module
has a name of its own so that it never clashes with other suites' conftest modules.

Screenshots go to test-artifacts/screenshots/ (git-ignored)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "correct horse battery staple"
DESKTOP = (1280, 800)
PHONE = (390, 844)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One running server process, stopped by PID."""

    def __init__(self, max_upload_bytes=None, standin=False, extra_env=None):
        self.data_dir = Path(tempfile.mkdtemp(prefix="secure-upload-browser-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ)
        env.update({
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "LOCAL_DATA_DIR": str(self.data_dir),
            "LOCAL_USERS": f"alice:{PASSWORD}",
            "STATIC_DIR": str(REPO / "frontend"),
            "SECURE_UPLOAD_MODE": "local",
        })
        for name in ("COGNITO_USER_POOL_ID", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        if max_upload_bytes is not None:
            env["MAX_UPLOAD_BYTES"] = str(max_upload_bytes)
        env.update(extra_env or {})
        if standin or os.environ.get("BROWSER_TEST_SERVER") == "standin":
            command = [sys.executable, str(Path(__file__).with_name("standin_server.py")), "serve"]
        else:
            command = [str(REPO / ".build" / "debug" / "secure-upload"), "serve"]
        self.log_path = self.data_dir.with_suffix(".log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, env=env, cwd=self.data_dir, stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait_ready()

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not become ready; its log:\n{self.log_tail()}")

    def config(self):
        with urllib.request.urlopen(self.url + "config.json", timeout=5) as response:
            return json.load(response)

    def log_tail(self, limit=4000):
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError:
            return "(no log)"

    def stored_objects(self):
        """Every regular file under LOCAL_DATA_DIR, as {path: bytes}."""
        found = {}
        for root, _, files in os.walk(self.data_dir):
            for name in files:
                path = Path(root) / name
                found[path] = path.read_bytes()
        return found

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.log_path.unlink(missing_ok=True)


MOTO_TEMPORARY_PASSWORD = "TempPassw0rd!"


class Browser:
    """A headless Chromium with its console captured."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        options.add_argument("--headless=new")
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")  # Chromium refuses to run as root without it
        for flag in ("--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # An explicit driver path keeps Selenium Manager from trying to download one.
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.console = []
        self.viewport(*DESKTOP)

    def viewport(self, width, height):
        """Emulates an exact viewport (the window size includes no browser chrome this way)."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600,
        })
        # Phones have coarse touch pointers and no hover, which the page's CSS takes into account.
        self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {
            "enabled": width < 600, "maxTouchPoints": 5,
        })

    def color_scheme(self, scheme):
        """Emulates prefers-color-scheme: "light" or "dark"."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}],
        })
        time.sleep(0.3)  # let the colour transitions settle before a screenshot

    def throttle_uploads(self, bytes_per_second):
        """Slows every request body down, so that a screenshot can catch uploads in flight."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second,
        })

    def delay_requests(self, milliseconds):
        """Adds latency to every request, as a slow network would."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": milliseconds, "downloadThroughput": -1, "uploadThroughput": -1,
        })

    def unthrottle(self):
        self.throttle_uploads(-1)

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def drain_console(self):
        self.console.extend(self.driver.get_log("browser"))
        return self.console

    def quit(self):
        try:
            self.drain_console()
        finally:
            self.driver.quit()


