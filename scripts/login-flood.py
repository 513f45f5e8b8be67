#!/usr/bin/env python3
"""Login-flood benchmark: starts a ctid binary, floods its CTI port over loopback with wrong
passwords for one login (from 127.0.0.2), and meanwhile logs a legitimate user in once a
second (from 127.0.0.3). Prints the server's RSS (idle, peak during the flood, after) and how
many legitimate logins completed within the 5 s login timeout. Bounded in connections and time.

    scripts/login-flood.py target/release/ctid [--conns 200] [--seconds 20]
"""
import argparse, asyncio, json, os, re, statistics, subprocess, time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def open_from(host, port, source):
    return await asyncio.open_connection(host, port, local_addr=(source, 0))


def msg(m):
    return (json.dumps(m) + "\n").encode()


async def attacker(host, port, stop):
    """Reconnects and sends three wrong passwords for alice until `stop`."""
    while not stop.is_set():
        try:
            r, w = await open_from(host, port, "127.0.0.2")
            w.write(msg({"class": "login_id", "userlogin": "alice", "company": "xivo", "wazoversion": "2.3"}))
            for i in range(3):
                w.write(msg({"class": "login_pass", "password": f"guess{i}"}))
            await w.drain()
            while not stop.is_set():
                line = await asyncio.wait_for(r.readline(), 10)
                if not line:
                    break
            w.close()
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.05)


async def legit_login(host, port):
    """Seconds to log bob in, or None if not done within the 5 s login timeout."""
    start = time.monotonic()
    try:
        r, w = await open_from(host, port, "127.0.0.3")
        async def steps():
            await r.readline()  # starttls offer
            w.write(msg({"class": "login_id", "userlogin": "bob", "company": "xivo", "wazoversion": "2.3"}))
            await r.readline()
            w.write(msg({"class": "login_pass", "password": "bob"}))
            reply = json.loads(await r.readline())
            w.write(msg({"class": "login_capas", "capaid": str(reply["capalist"][0]), "state": "available"}))
            while True:
                m = json.loads(await r.readline())
                if m.get("class") == "login_capas":
                    return
        await asyncio.wait_for(steps(), 5)
        w.close()
        return time.monotonic() - start
    except Exception:
        return None


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ctid")
    ap.add_argument("--conns", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    proc = subprocess.Popen(
        [args.ctid, "serve", "--cti-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "RUST_LOG": "warn,ctid=info"})
    try:
        for line in proc.stderr:
            m = re.search(r"cti=([\d.]+):(\d+)", line)
            if m and "ready" in line:
                host, port = m.group(1), int(m.group(2))
                break
        # Drain the log so the server never blocks on stderr.
        asyncio.get_running_loop().run_in_executor(None, lambda: [None for _ in proc.stderr])
        await legit_login(host, port)  # warm up: one check, as a normal start would
        idle = rss_kib(proc.pid)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(attacker(host, port, stop)) for _ in range(args.conns)]
        peak, times, failed = idle, [], 0
        deadline = time.monotonic() + args.seconds
        next_login = time.monotonic() + 1
        while time.monotonic() < deadline:
            peak = max(peak, rss_kib(proc.pid))
            if time.monotonic() >= next_login:
                next_login += 1
                t = await legit_login(host, port)
                if t is None:
                    failed += 1
                else:
                    times.append(t)
            await asyncio.sleep(0.1)
        stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        after = rss_kib(proc.pid)
        print(f"flood: {args.conns} connections x 3 wrong passwords (alice, from 127.0.0.2) for {args.seconds:.0f} s")
        print(f"RSS: idle {idle / 1024:.1f} MiB, peak during flood {peak / 1024:.1f} MiB, after {after / 1024:.1f} MiB")
        total = len(times) + failed
        med = f"{statistics.median(times) * 1000:.0f} ms" if times else "-"
        print(f"legitimate logins (bob, from 127.0.0.3, one per second): {len(times)}/{total} within 5 s, median {med}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


asyncio.run(main())
