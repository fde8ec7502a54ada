#!/usr/bin/env python3
"""A long mixed load against a live SecureUpload (local mode) that watches the server's memory.

Starts the given binary in local mode on a free 127.0.0.1 port with three users, then runs
WORKERS threads for --seconds, each looping over a fixed mix of work:

  - sign-in through the local Cognito endpoint: four tokens per worker (12 users x tokens in all),
    then a wrong-password sign-in every round; --new-token-every N mints a new token every N
    rounds, which grows the service's bounded refresh-token and verified-token tables by design,
  - POST /upload with one of the tokens, then the PUT of a small body to the pre-signed URL on the
    local S3 receiver (the stored objects are deleted by the driver as it goes, so the disk does
    not fill),
  - static files (/, /js/app.js, /styles.css, a 304 revalidation), /healthz, /readyz, /metrics,
  - bad requests: a garbage request line, a bad token, a malformed JSON body, an unknown path, an
    oversized header, a PUT with a wrong signature, a connection dropped mid-body,
  - on keep-alive connections (several requests each) and on `Connection: close` ones.

Every few seconds it samples the server's VmRSS from /proc. At the end it stops the server with
SIGTERM (so an ASan/LSan build runs its leak check at exit) and prints a JSON report: request
counts, the RSS samples, the least-squares slope of RSS over the second half of the run, and the
growth that slope implies over that half. Exit 1 if that growth exceeds --tolerance-kb, if any
well-formed request got an unexpected status, or if the server did not exit 0.

Traffic goes to 127.0.0.1 only; every loop is bounded by --seconds.
"""
import argparse
import http.client
import json
import os
import pathlib
import random
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

from local_server import LocalServer, rss_kb

ROOT = pathlib.Path(__file__).resolve().parent.parent
USERS = {"alice": "correct-horse-battery", "bob": "staple-tree-lamp", "carol": "river-stone-cloud"}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.unexpected: list[str] = []

    def count(self, name: str, status: int, expected) -> None:
        ok = status in expected
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1
            if not ok and len(self.unexpected) < 50:
                self.unexpected.append(f"{name}: {status}")


def sign_in(conn: http.client.HTTPConnection, user: str) -> str:
    body = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "securelocalclient",
                       "AuthParameters": {"USERNAME": user, "PASSWORD": USERS[user]}})
    conn.request("POST", "/local/cognito/", body=body, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
    response = conn.getresponse()
    payload = response.read()
    if response.status != 200:
        raise RuntimeError(f"sign-in answered {response.status}")
    return json.loads(payload)["AuthenticationResult"]["IdToken"]


def raw_exchange(port: int, data: bytes, read: bool = True) -> int:
    """Sends raw bytes on a fresh connection; returns the status (0 when none was read)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        if not read:
            return 0
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
        try:
            return int(head.split(b" ", 2)[1])
        except (IndexError, ValueError):
            return -1


def worker(index: int, port: int, deadline: float, stats: Stats, rounds: list, new_token_every: int) -> None:
    rng = random.Random(index)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    tokens: list[str] = []
    round_number = 0
    while time.time() < deadline:
        round_number += 1
        try:
            # Every successful sign-in leaves state the service keeps by design, in bounded tables:
            # a refresh token (up to 50,000) and, once used, a verified-token cache entry (up to
            # 10,000). A steady state needs a bounded set of tokens, so a new one is minted only
            # every NEW_TOKEN_EVERY rounds (default: the first four only); every round still
            # runs the sign-in path with a wrong password (for a user that does not exist: the
            # service's login throttle would otherwise lock the real users out, by design).
            if len(tokens) < 4 or (new_token_every and round_number % new_token_every == 0):
                user = rng.choice(list(USERS))
                tokens.append(sign_in(conn, user))
                stats.count("sign-in", 200, {200})
                tokens = tokens[-4:]
            token = tokens[round_number % len(tokens)]
            wrong = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "securelocalclient",
                                "AuthParameters": {"USERNAME": f"mallory{index}", "PASSWORD": "wrong"}})
            conn.request("POST", "/local/cognito/", body=wrong, headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
            response = conn.getresponse()
            response.read()
            stats.count("sign-in, wrong password", response.status, {400})

            # POST /upload, then the PUT to the local receiver, on the keep-alive connection.
            size = rng.randint(0, 4096)
            content = os.urandom(size)
            body = json.dumps({"filename": f"file {round_number} é.txt", "contentType": "text/plain", "size": size})
            conn.request("POST", "/upload", body=body, headers={
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            response = conn.getresponse()
            upload = json.loads(response.read())
            stats.count("POST /upload", response.status, {200})
            url = urllib.parse.urlsplit(upload["uploadUrl"])
            headers = dict(upload["headers"])
            headers["Host"] = url.netloc
            headers["Content-Length"] = str(size)
            conn.request("PUT", url.path + "?" + url.query, body=content, headers=headers)
            response = conn.getresponse()
            response.read()
            stats.count("PUT object", response.status, {200})

            # Static files and operational routes on the same connection.
            for path in ("/", "/js/app.js", "/styles.css", "/healthz", "/readyz", "/metrics"):
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                stats.count("GET " + path, response.status, {200})
            conn.request("GET", "/styles.css")
            first = conn.getresponse()
            tag = first.getheader("ETag")
            first.read()
            if tag:
                conn.request("GET", "/styles.css", headers={"If-None-Match": tag})
                response = conn.getresponse()
                response.read()
                stats.count("GET 304", response.status, {304})

            # Rejected but well-formed requests on the keep-alive connection.
            conn.request("POST", "/upload", body=body, headers={
                "Authorization": "Bearer " + token[:-4] + "AAAA", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            stats.count("bad token", response.status, {401})
            conn.request("POST", "/upload", body='{"filename": "x", "size": ', headers={
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            stats.count("bad JSON", response.status, {400})
            conn.request("GET", "/no/such/path")
            response = conn.getresponse()
            response.read()
            stats.count("unknown path", response.status, {404})
            bad_put = dict(headers)
            conn.request("PUT", url.path + "?" + url.query.replace("X-Amz-Signature=", "X-Amz-Signature=0"),
                         body=content, headers=bad_put)
            response = conn.getresponse()
            response.read()
            stats.count("bad signature PUT", response.status, {403})
            if response.getheader("Connection", "").lower() == "close":
                conn.close()

            # Connection: close requests and broken clients, each on its own connection.
            status = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            stats.count("closed connection", status, {200})
            status = raw_exchange(port, b"\x16\x03\x01 not http at all\r\n\r\n")
            stats.count("garbage request", status, {400})
            status = raw_exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
            stats.count("oversized header", status, {400, 431})
            raw_exchange(port, b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 100\r\n\r\n{\"filename\":", read=False)
            stats.count("dropped mid-body", 0, {0})
        except (OSError, http.client.HTTPException, KeyError, ValueError, RuntimeError) as error:
            stats.count("client error " + type(error).__name__, -1, set())
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    rounds[index] = round_number
    conn.close()


def remove_stored_objects(bucket_dir: pathlib.Path) -> None:
    """Deletes stored objects, and folders left empty for a while (a PUT may be renaming into one)."""
    if not bucket_dir.exists():
        return
    now = time.time()
    for folder, _, files in os.walk(bucket_dir, topdown=False):
        for name in files:
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass
        if folder != str(bucket_dir):
            try:
                if now - os.stat(folder).st_mtime > 10:
                    os.rmdir(folder)
            except OSError:
                pass


def slope_kb_per_second(samples: list[tuple[float, int]]) -> float:
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    variance = sum((t - mean_t) ** 2 for t, _ in samples)
    return sum((t - mean_t) * (r - mean_r) for t, r in samples) / variance if variance else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sample-every", type=float, default=5)
    parser.add_argument("--tolerance-kb", type=int, default=2048,
                        help="largest RSS growth allowed over the second half of the run")
    parser.add_argument("--new-token-every", type=int, default=0,
                        help="rounds between new sign-ins per worker (0: four tokens per worker, reused)")
    parser.add_argument("--no-rss-check", action="store_true",
                        help="report RSS but do not judge it (sanitizer builds grow their quarantine)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="leak-check-")
    extra = dict(item.split("=", 1) for item in args.env)
    server = LocalServer(args.binary, data, {
        "LOCAL_USERS": ",".join(f"{u}:{p}" for u, p in USERS.items()), "RATE_LIMIT_PER_MINUTE": "0",
        "SHUTDOWN_DELAY": "0", "SHUTDOWN_GRACE": "5", **extra}, ready_timeout=120, stop_timeout=120)
    stats = Stats()
    started = time.time()
    deadline = started + args.seconds
    rounds = [0] * args.workers
    threads = [threading.Thread(target=worker, args=(i, server.port, deadline, stats, rounds, args.new_token_every), daemon=True)
               for i in range(args.workers)]
    for thread in threads:
        thread.start()
    samples: list[tuple[float, int]] = []
    bucket_dir = pathlib.Path(data) / "uploads"
    while time.time() < deadline and server.process.poll() is None:
        samples.append((time.time() - started, rss_kb(server.process.pid)))
        # Stored objects are the point of an upload, not a leak: remove them so the disk stays small.
        remove_stored_objects(bucket_dir)
        time.sleep(min(args.sample_every, max(0.0, deadline - time.time())))
    for thread in threads:
        thread.join(timeout=60)
    if server.process.poll() is None:
        samples.append((time.time() - started, rss_kb(server.process.pid)))
    exit_code = server.stop()

    half = [s for s in samples if s[0] >= args.seconds / 2]
    slope = slope_kb_per_second(half)
    growth = slope * (half[-1][0] - half[0][0]) if len(half) >= 2 else 0.0
    log_tail = pathlib.Path(server.log_path).read_text(errors="replace")[-20000:]
    report = {
        "seconds": args.seconds,
        "new_token_every": args.new_token_every,
        "workers": args.workers,
        "rounds": sum(rounds),
        "requests": stats.counts,
        "total_requests": sum(stats.counts.values()),
        "unexpected": stats.unexpected,
        "rss_kb_first": samples[0][1] if samples else None,
        "rss_kb_at_half": half[0][1] if half else None,
        "rss_kb_last": samples[-1][1] if samples else None,
        "rss_kb_max": max(r for _, r in samples) if samples else None,
        "second_half_slope_kb_per_min": round(slope * 60, 1),
        "second_half_growth_kb": round(growth, 1),
        "tolerance_kb": args.tolerance_kb,
        "server_exit_code": exit_code,
        "samples": " ".join(f"{t:.0f}s:{r}" for t, r in samples),
    }
    failures = []
    if not args.no_rss_check and growth > args.tolerance_kb:
        failures.append(f"RSS grew {growth:.0f} KB over the second half (tolerance {args.tolerance_kb} KB)")
    if stats.unexpected:
        failures.append(f"{len(stats.unexpected)} unexpected answers")
    if exit_code != 0:
        failures.append(f"server exited {exit_code}")
    if not samples or sum(rounds) == 0:
        failures.append("no load ran")
    report["failures"] = failures
    report["server_log"] = server.log_path
    print(json.dumps(report, indent=1))
    if "ERROR: LeakSanitizer" in log_tail or "ERROR: AddressSanitizer" in log_tail:
        print("sanitizer report in " + server.log_path, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
