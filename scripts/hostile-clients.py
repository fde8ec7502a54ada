#!/usr/bin/env python3
"""Hostile clients against a live SecureUpload (local mode), while an ordinary client keeps working.

Starts the server binary on a free loopback port, signs in, measures an ordinary client
(GET /healthz and POST /upload on fresh connections), then runs at once:

  - SCALE slow-loris connections trickling header bytes,
  - SCALE connections that send half a body and stop,
  - SCALE connections that pipeline requests and never read the answers,
  - one client opening and closing connections as fast as it can,

and measures the ordinary client again. Then single hostile requests (10,000 headers, a 1 GB
Content-Length, huge chunk sizes, smuggling shapes, a 100 KB request line), each of which must get
its 4xx and a closed connection. Finally it checks that the attackers' connections were cut off by
the server's timeouts and that the server's memory stayed bounded.

    scripts/hostile-clients.py                      # SCALE=1000 (by hand; about a minute)
    scripts/hostile-clients.py --scale 1000 --requests 40   # what the test command runs (debug binary)
    scripts/hostile-clients.py --binary .build/release/secure-upload

Prints a JSON report; exits 1 if any check failed. Traffic goes to 127.0.0.1 only and every loop is
bounded in count and time.
"""
import argparse
import asyncio
import concurrent.futures
import json
import os
import pathlib
import resource
import socket
import statistics
import sys
import tempfile
import time
import urllib.request

from local_server import LocalServer, rss_kb

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER_TIMEOUT_S = 10  # HTTPServerConfiguration.headerTimeout
BODY_TIMEOUT_S = 30  # HTTPServerConfiguration.bodyTimeout
WRITE_TIMEOUT_S = 30  # HTTPServerConfiguration.writeTimeout


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def sign_in(base: str) -> str:
    body = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "securelocalclient",
                       "AuthParameters": {"USERNAME": "alice", "PASSWORD": "correct-horse-battery"}}).encode()
    request = urllib.request.Request(base + "/local/cognito/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)["AuthenticationResult"]["IdToken"]


async def exchange(port: int, raw: bytes, timeout: float = 10) -> tuple[int, bool]:
    """Sends raw bytes on a new connection; returns (status, whether the server closed it)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await asyncio.wait_for(reader.readexactly(length), timeout)
        try:
            rest = await asyncio.wait_for(reader.read(1), 3)
            closed = rest == b""
        except (asyncio.TimeoutError, ConnectionResetError):
            closed = False
        return status, closed
    finally:
        writer.close()


async def ordinary_client(port: int, token: str, count: int) -> dict:
    body = json.dumps({"filename": "ordinary.txt", "contentType": "text/plain", "size": 12}).encode()
    upload = (b"POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() +
              b"\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
              str(len(body)).encode() + b"\r\n\r\n" + body)
    health = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    latencies, failures = [], []
    for index in range(count):
        started = time.perf_counter()
        try:
            status, _ = await exchange(port, upload if index % 2 else health)
            if status != 200:
                failures.append(status)
        except Exception as error:  # a refused or dropped connection is a failure too
            failures.append(type(error).__name__)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {"requests": count, "failures": failures,
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
            "max_ms": round(latencies[-1], 2)}


async def hold_until_cut(port: int, opening: bytes, trickle: bytes, stop: asyncio.Event, results: list):
    """Sends `opening`, then `trickle` (if any) every second, until the server answers 408 or hangs
    up; records ("cut", seconds), or ("open", seconds) if the attack ended first."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        results.append(("refused", 0.0))
        return
    try:
        writer.write(opening)
        await writer.drain()
        while not stop.is_set():
            if trickle:
                writer.write(trickle)
                await writer.drain()
            try:
                data = await asyncio.wait_for(reader.read(4096), 1.0)
                # The server answered (408) and/or closed: cut off.
                if data == b"" or data.startswith(b"HTTP/1.1 408"):
                    results.append(("cut", time.monotonic() - started))
                    return
            except asyncio.TimeoutError:
                pass
        results.append(("open", time.monotonic() - started))
    except (ConnectionResetError, BrokenPipeError):
        results.append(("cut", time.monotonic() - started))
    finally:
        writer.close()


async def slow_loris(port: int, stop: asyncio.Event, results: list):
    """Trickles a header byte every second; the header timeout must cut it."""
    await hold_until_cut(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a", stop, results)


async def half_body(port: int, token: str, stop: asyncio.Event, results: list):
    """Sends a head and part of the body it announces, then nothing; the body timeout must cut it."""
    opening = (b"POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() +
               b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"filename\": \"x")
    await hold_until_cut(port, opening, b"", stop, results)


async def non_reader(port: int, stop: asyncio.Event, results: list):
    """Pipelines requests for the page and never reads the answers (its receive buffer is tiny
    and asyncio stops reading once 2 KB are buffered): the server's writes back up until its
    write timeout closes the connection."""
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect, so TCP honours it
    raw.setblocking(False)
    try:
        await loop.sock_connect(raw, ("127.0.0.1", port))
        # limit=1024: asyncio stops reading once 2 KB are buffered, so the server sees no read
        # progress after the first moments and its write timeout, not our pace, decides.
        _, writer = await asyncio.open_connection(sock=raw, limit=1024)
    except OSError:
        raw.close()
        results.append(("refused", 0.0))
        return
    request = b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n" * 64
    try:
        while not stop.is_set():
            if writer.transport.is_closing():
                results.append(("cut", time.monotonic() - started))
                return
            writer.write(request)
            try:
                await asyncio.wait_for(writer.drain(), 1.0)
            except asyncio.TimeoutError:
                pass  # the server stopped reading because we stopped reading: expected
        results.append(("open", time.monotonic() - started))
    except (ConnectionResetError, BrokenPipeError):
        results.append(("cut", time.monotonic() - started))
    finally:
        writer.close()


def ordinary_client_process(port: int, token: str, count: int) -> dict:
    """The ordinary client runs in its own process, so the attackers' event loop does not slow
    it down: what it measures is the server."""
    return asyncio.run(ordinary_client(port, token, count))


def connection_flood_process(port: int, seconds: float) -> int:
    async def flood() -> int:
        opened = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                opened += 1
            except OSError:
                await asyncio.sleep(0.01)
        return opened
    return asyncio.run(flood())


async def connection_flood(port: int, stop: asyncio.Event) -> int:
    opened = 0
    while not stop.is_set():
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            opened += 1
        except OSError:
            await asyncio.sleep(0.01)
        if opened % 50 == 0:
            await asyncio.sleep(0)
    return opened


SINGLE_ATTACKS = {
    "10,000 headers": (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 10_000 + b"\r\n", {431}),
    "header block of 1 MB": (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n", {431}),
    "1 GB Content-Length": (b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 1000000000\r\n\r\n{", {413}),
    "chunk size over 2^64": (b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"fffffffffffffffffffff\r\n", {400, 413}),
    "chunk size just over the body limit": (b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            b"7fffffff\r\n", {413}),
    "Content-Length and Transfer-Encoding": (b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                                             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400}),
    "two Content-Lengths": (b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", {400}),
    "obs-fold": (b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", {400}),
    "space before colon": (b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", {400}),
    "Transfer-Encoding gzip, chunked": (b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", {400, 501}),
    "bare CR": (b"GET / HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n", {400}),
    "request line of 100 KB": (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}),
    "HTTP/2 preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400, 505}),
    "missing Host": (b"GET / HTTP/1.1\r\n\r\n", {400}),
}


async def single_attacks(port: int) -> dict:
    results = {}
    for name, (raw, expected) in SINGLE_ATTACKS.items():
        try:
            status, closed = await exchange(port, raw)
            results[name] = {"status": status, "closed": closed, "ok": status in expected and closed}
        except Exception as error:
            # A server may also reset the connection while we are still sending a huge request;
            # that is acceptable only if nothing was answered wrongly — report it.
            results[name] = {"status": None, "closed": True, "error": type(error).__name__,
                             "ok": isinstance(error, (ConnectionResetError, BrokenPipeError))}
    return results


async def main_async(args) -> dict:
    server = LocalServer(args.binary, tempfile.mkdtemp(prefix="hostile-data-"), {
        "LOCAL_USERS": "alice:correct-horse-battery", "RATE_LIMIT_PER_MINUTE": "1000000"})
    report = {"scale": args.scale, "port": server.port}
    try:
        token = sign_in(server.base)
        pid = server.process.pid
        report["rss_kb_idle"] = rss_kb(pid)
        loop = asyncio.get_running_loop()
        helpers = concurrent.futures.ProcessPoolExecutor(max_workers=2)
        report["ordinary_before"] = await loop.run_in_executor(
            helpers, ordinary_client_process, server.port, token, args.requests)

        stop = asyncio.Event()
        loris, halves, readers = [], [], []
        tasks = [asyncio.create_task(slow_loris(server.port, stop, loris)) for _ in range(args.scale)]
        tasks += [asyncio.create_task(half_body(server.port, token, stop, halves)) for _ in range(args.scale)]
        stop_at = time.monotonic() + args.hold
        tasks += [asyncio.create_task(non_reader(server.port, stop, readers)) for _ in range(args.scale)]
        flood = loop.run_in_executor(helpers, connection_flood_process, server.port, args.hold - 4)
        await asyncio.sleep(2)  # let the attackers connect
        report["open_fds_during_attack"] = open_fds(pid)
        report["ordinary_during"] = await loop.run_in_executor(
            helpers, ordinary_client_process, server.port, token, args.requests)
        report["rss_kb_during"] = rss_kb(pid)
        # Wait past the header timeout so the server has had every chance to cut the attackers off.
        remaining = stop_at - time.monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)
        stop.set()
        await asyncio.gather(*tasks)
        report["flood_connections"] = await flood
        report["rss_kb_peak"] = max(report["rss_kb_during"], rss_kb(pid))

        def summary(items):
            cut = [t for kind, t in items if kind == "cut"]
            return {"connections": len(items), "cut_off": len(cut), "still_open": sum(1 for k, _ in items if k == "open"),
                    "refused": sum(1 for k, _ in items if k == "refused"),
                    "median_cut_after_s": round(statistics.median(cut), 1) if cut else None}
        report["slow_loris"] = summary(loris)
        report["half_body"] = summary(halves)
        report["non_readers"] = summary(readers)
        report["single_attacks"] = await single_attacks(server.port)
        for _ in range(100):  # the server sees the attackers' closes within moments
            if open_fds(pid) < 64:
                break
            await asyncio.sleep(0.1)
        report["open_fds_after"] = open_fds(pid)
        report["rss_kb_after"] = rss_kb(pid)
        report["ordinary_after"] = await loop.run_in_executor(helpers, ordinary_client_process, server.port, token, 20)
        helpers.shutdown()
        report["server_alive"] = server.process.poll() is None
    finally:
        server.stop()
    checks = {
        "ordinary client always answered": not (report["ordinary_before"]["failures"] or
                                               report["ordinary_during"]["failures"] or
                                               report["ordinary_after"]["failures"]),
        "every slow-loris connection cut off": report["slow_loris"]["still_open"] == 0,
        "every half-body connection cut off": report["half_body"]["still_open"] == 0,
        "every single attack answered with its 4xx and closed": all(r["ok"] for r in report["single_attacks"].values()),
        "server still serving": report["server_alive"],
        f"memory stayed under {args.max_rss_mb} MB": report["rss_kb_peak"] < args.max_rss_mb * 1024,
        "connections released after the attack": report["open_fds_after"] < 64,
        # glibc keeps freed heap pages unless told; the server trims after a burst ends.
        f"memory given back after the attack (within {args.max_retained_mb} MB of idle)":
            report["rss_kb_after"] - report["rss_kb_idle"] < args.max_retained_mb * 1024,
    }
    if args.hold >= WRITE_TIMEOUT_S + 5:
        checks["every non-reading connection cut off"] = report["non_readers"]["still_open"] == 0
    report["checks"] = checks
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/secure-upload"))
    parser.add_argument("--scale", type=int, default=1000, help="connections per attack kind")
    parser.add_argument("--requests", type=int, default=100, help="ordinary requests per measurement")
    parser.add_argument("--hold", type=float, default=max(HEADER_TIMEOUT_S, BODY_TIMEOUT_S, WRITE_TIMEOUT_S) + 15,
                        help="seconds the attack lasts (past the server's timeouts)")
    parser.add_argument("--max-rss-mb", type=int, default=128)
    parser.add_argument("--max-retained-mb", type=int, default=24,
                        help="how far above its idle size the server may stay once the attack is over")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    report = asyncio.run(main_async(args))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    failed = [name for name, ok in report["checks"].items() if not ok]
    passed = len(report["checks"]) - len(failed)
    print(f"hostile-clients: {passed} passed, {len(failed)} failed" + (": " + "; ".join(failed) if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
