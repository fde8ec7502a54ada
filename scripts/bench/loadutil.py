#!/usr/bin/env python3
"""Small helpers for scripts/bench/load.sh (Linux /proc only; no third-party modules).

  cpu PID                        server CPU seconds (utime + stime of PID and its threads)
  snap PID SHELL_PID             "server_cpu_s machine_task_s shell_children_s time_s": server CPU,
                                 all CPUs' user+nice+system from /proc/stat, and the CPU of the
                                 shell's finished children (wrk), for the "other CPU %" column
  rss PID                        "VmRSS VmHWM" in kB
  reset-hwm PID                  reset VmHWM (echo 5 > /proc/PID/clear_refs)
  row NAME WRKJSON SNAP0 SNAP1 PID EXPECT   one table row from wrk's BENCH_JSON line and two
                                 snaps; EXPECT is 2xx or 401 (what counts as a wrong answer).
                                 "other %": CPU used by everything but the server and wrk while
                                 wrk ran, in % of all cores (the machine's noise)
  spawn BIN LOG PORT TOKEN       start `BIN serve` (output to LOG, in its own session), poll POST
                                 /upload every ~1 ms until it answers 200 with an uploadUrl, print
                                 "PID ms" (spawn to answer; no curl start-up per try in the figure)
  idle-conns PORT N PID          open N keep-alive connections, one GET /index.html each, keep them
                                 open, print the server's RSS (kB) before and with them open
"""
import json
import os
import socket
import sys
import time


def cpu_seconds(pid: str) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[11], fields[12] are utime, stime (the 14th and 15th of stat(5)) in clock ticks
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kb(pid: str, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def snap(pid: str, shell_pid: str) -> str:
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    with open(f"/proc/{shell_pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    children = (int(fields[13]) + int(fields[14])) / tick  # cutime + cstime
    return f"{cpu_seconds(pid):.3f} {(v[0] + v[1] + v[2]) / tick:.3f} {children:.3f} {time.time():.3f}"


def row(name: str, wrk_json: str, snap0: str, snap1: str, pid: str, expect: str) -> None:
    w = json.loads(wrk_json)
    seconds = w["duration_us"] / 1e6
    requests = w["requests"]
    s0, s1 = [float(x) for x in snap0.split()], [float(x) for x in snap1.split()]
    cpu = s1[0] - s0[0]
    wrk_cpu = s1[2] - s0[2]
    wall = max(s1[3] - s0[3], 1e-9)
    other = max(0.0, (s1[1] - s0[1]) - cpu - wrk_cpu) / (wall * (os.cpu_count() or 1))
    socket_errors = w["errors_connect"] + w["errors_read"] + w["errors_write"] + w["errors_timeout"]
    # wrk counts every non-2xx/3xx answer as a status error; for the bad token, 401 is the expected one.
    wrong_status = w["errors_status"] if expect == "2xx" else requests - w["errors_status"]
    bad = socket_errors + wrong_status
    print(
        f"{name:<24} {requests / seconds:>10.0f} {w['lat_p50_us'] / 1000:>8.2f} {w['lat_p99_us'] / 1000:>8.2f}"
        f" {cpu * 1e6 / max(requests, 1):>9.1f} {status_kb(pid, 'VmHWM') / 1024:>9.1f} {bad:>6} {100 * other:>8.0f}"
    )


def idle_conns(port: int, count: int, pid: str) -> None:
    before = status_kb(pid, "VmRSS")
    request = b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(request)
        socks.append(s)
    # Read every answer so the server holds idle keep-alive connections, not pending writes.
    for s in socks:
        s.settimeout(10)
        got = b""
        while b"\r\n\r\n" not in got or len(got) < 4000:
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("server closed a keep-alive connection")
            got += chunk
    time.sleep(1)
    with_open = status_kb(pid, "VmRSS")
    print(f"{before} {with_open}")
    for s in socks:
        s.close()


def spawn(binary: str, log: str, port: int, token: str) -> None:
    import http.client
    import subprocess
    body = '{"filename":"photo 1.jpg","contentType":"image/jpeg","size":1048576}'
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    with open(log, "wb") as output:
        t0 = time.monotonic()
        server = subprocess.Popen([binary, "serve"], stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    while time.monotonic() - t0 < 60 and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("POST", "/upload", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            connection.close()
            if response.status == 200 and b"uploadUrl" in answer:
                print(server.pid, f"{(time.monotonic() - t0) * 1000:.1f}")
                return
        except OSError:
            pass
        time.sleep(0.001)
    print(server.pid, "")


def main() -> int:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "cpu":
        print(f"{cpu_seconds(args[0]):.3f}")
    elif cmd == "snap":
        print(snap(args[0], args[1]))
    elif cmd == "rss":
        print(status_kb(args[0], "VmRSS"), status_kb(args[0], "VmHWM"))
    elif cmd == "reset-hwm":
        with open(f"/proc/{args[0]}/clear_refs", "w") as f:
            f.write("5")
    elif cmd == "row":
        row(args[0], args[1], args[2], args[3], args[4], args[5])
    elif cmd == "spawn":
        spawn(args[0], args[1], int(args[2]), args[3])
    elif cmd == "idle-conns":
        idle_conns(int(args[0]), int(args[1]), args[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
