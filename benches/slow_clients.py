#!/usr/bin/env python3
"""benches/slow_clients.py — many clients that send their request headers slowly, and whether
the server still answers a normal client meanwhile.

Usage:
    benches/slow_clients.py [--port 18093] [--connections 2000] [--duration 40]
                            [--trickle 2] [--reconnect]

What it does:
  1. opens CONNECTIONS connections to 127.0.0.1:PORT, all at once; each sends
     "GET /?lambat=N HTTP/1.1" and a Host header, then one more header line every TRICKLE
     seconds, never the blank line that ends the request (the classic slow-headers attack);
  2. with --reconnect, a slow client whose connection the server closed opens a new one, so the
     pressure stays on for the whole run; without it (the default), each client tries once;
  3. every second, a normal client sends `GET /healthz` on a new connection and waits up to 5 s
     for the whole answer;
  4. prints one line a second: slow connections open, closed by the server without an answer,
     answered 503, failed to connect; and what /healthz answered (status and time, or
     "refused", "reset", "no answer in 5 s");
  5. stops after DURATION seconds, closes everything, and prints a summary.

Needs only Python 3.8+. The process's open-file limit must exceed CONNECTIONS (the script raises
its soft limit to the hard limit). Only ever point it at a server on this machine.
"""

import argparse
import asyncio
import resource
import time


class Stats:
    def __init__(self):
        self.open = 0
        self.closed_silently = 0
        self.answered_503 = 0
        self.answered_other = 0
        self.connect_failed = 0
        self.reset = 0


async def slow_client(i, args, stats, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        except OSError:
            stats.connect_failed += 1
            if not args.reconnect:
                return
            await asyncio.sleep(1)
            continue
        stats.open += 1
        outcome = None
        answer = b""
        try:
            writer.write(b"GET /?lambat=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n" % i)
            await writer.drain()
            while not stop.is_set():
                try:
                    data = await asyncio.wait_for(reader.read(4096), timeout=args.trickle)
                except asyncio.TimeoutError:
                    writer.write(b"X-Lambat-%d: %d\r\n" % (i, int(time.time())))
                    await writer.drain()
                    continue
                if not data:
                    if answer.startswith(b"HTTP/1.1 503"):
                        outcome = "503"
                    elif answer:
                        outcome = "other"
                    else:
                        outcome = "silent"
                    break
                answer += data
        except (ConnectionResetError, BrokenPipeError):
            # A reset after the answer arrived still counts as answered.
            outcome = "503" if answer.startswith(b"HTTP/1.1 503") else "reset"
        finally:
            stats.open -= 1
            writer.close()
        if outcome == "silent":
            stats.closed_silently += 1
        elif outcome == "503":
            stats.answered_503 += 1
        elif outcome == "other":
            stats.answered_other += 1
        elif outcome == "reset":
            stats.reset += 1
        if not args.reconnect:
            return


async def probe(args):
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", args.port), timeout=5
        )
    except asyncio.TimeoutError:
        return "no connection in 5 s"
    except OSError as e:
        return "refused (%s)" % e.__class__.__name__
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)
    except asyncio.TimeoutError:
        return "no answer in 5 s"
    except (ConnectionResetError, BrokenPipeError):
        return "reset"
    finally:
        writer.close()
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "closed without answer"
    return "%s in %.0f ms" % (status, (time.monotonic() - started) * 1000)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=18093)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--trickle", type=float, default=2)
    parser.add_argument("--reconnect", action="store_true")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.connections + 64:
        raise SystemExit("open-file limit %d is too low for %d connections" % (hard, args.connections))

    stats = Stats()
    stop = asyncio.Event()
    print("%d slow clients against 127.0.0.1:%d for %.0f s (trickle %.0f s, reconnect %s)"
          % (args.connections, args.port, args.duration, args.trickle, args.reconnect))
    clients = [asyncio.ensure_future(slow_client(i, args, stats, stop)) for i in range(args.connections)]
    started = time.monotonic()
    probes = []
    while time.monotonic() - started < args.duration:
        await asyncio.sleep(1)
        result = await probe(args)
        probes.append(result)
        print("t=%3.0fs slow open=%4d closed-silently=%4d answered-503=%4d reset=%4d connect-failed=%4d | /healthz: %s"
              % (time.monotonic() - started, stats.open, stats.closed_silently, stats.answered_503,
                 stats.reset, stats.connect_failed, result), flush=True)
    stop.set()
    await asyncio.sleep(0.2)
    for c in clients:
        c.cancel()
    await asyncio.gather(*clients, return_exceptions=True)
    ok = sum(1 for p in probes if p.startswith("HTTP/1.1 200"))
    busy = sum(1 for p in probes if p.startswith("HTTP/1.1 503"))
    print("summary: /healthz probes %d: 200×%d, 503×%d, other×%d; slow connections closed silently %d, "
          "answered 503 %d, reset %d, failed to connect %d, other answers %d"
          % (len(probes), ok, busy, len(probes) - ok - busy, stats.closed_silently,
             stats.answered_503, stats.reset, stats.connect_failed, stats.answered_other))


if __name__ == "__main__":
    asyncio.run(main())
