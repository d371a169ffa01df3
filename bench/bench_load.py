"""Load: simulated viewers speaking Streamlit's own websocket protocol (issue 12 §4).

Each viewer opens `/_stcore/stream` (through the balancer, carrying its affinity cookie like a
browser), sends the protobuf `BackMsg.rerun_script` a browser sends — the page name and the view's
query string (the app keeps its view in the URL) — and times the rerun until `script_finished`.
It opens one of the five chart pages, then every 5–15 s (10 s on average) reruns with another
province, period or indicator. An `exception` element or a `page_not_found` in the reply, a
timeout or a dropped socket counts as an error.

The viewers arrive within the first 5 s (`stagger`): their first reruns ask for about twice the steady
rate, so a queue builds during the opening. Besides p50/p95/p99 of every rerun it prints the p95 of
the reruns that start after every viewer had its first answer ("after the opening"), and the p50/p95
per page, the client's own CPU (`client_cpu_s`: this process, ~3 % of a core at 100 viewers) and each
replica's CPU during the load (`server_cpu_s`). Before measuring it waits until the replicas' start-up work
(map layers, grid shapes, the snapshot's shared frames, done on background threads once per process and
snapshot) is finished.

    python bench/bench_load.py --url http://127.0.0.1:8501 --viewers 50 --duration 40
    python bench/benchmark.py --only bench_load       (starts a 1- and a 2-replica cluster itself)

Bounded: localhost only, a fixed number of viewers, a fixed duration, a per-rerun timeout.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# url paths as st.navigation knows them: the default page (Tổng quan, /tong-quan) is "" in a rerun request
CHART_PAGES = ["", "ban-do", "so-sanh-tinh", "so-sanh-huyen", "muc-tieu"]
INDICATORS = ["teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
              "people_guided_dvc", "dossiers_online_pct", "members_trained"]
LEGACY = ["01", "79", "87", "70", "35", "82", "48", "92", "26", "38", "40", "56", "68", "95"]
NEW = ["01", "79", "82", "75", "48", "92", "38", "40", "56", "68"]


def views(seed: int) -> "random.Random":
    return random.Random(seed)


def random_query(rng: random.Random) -> str:
    year, month = rng.choice([(2024, m) for m in range(1, 13)] + [(2025, m) for m in range(1, 13)]
                             + [(2026, m) for m in range(1, 11)])
    unit = rng.choice(LEGACY if (year, month) < (2025, 7) else NEW)
    return urllib.parse.urlencode({"ind": rng.choice(INDICATORS), "period": f"{year:04d}-{month:02d}", "unit": unit})


@dataclass
class Stats:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    replicas: dict[str, int] = field(default_factory=dict)
    t0: float = field(default_factory=time.monotonic)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    timeline: list[tuple[float, float, bool]] = field(default_factory=list)   # (start, seconds, a viewer's first)
    answered: int = 0            # viewers that have had their first answer (their session exists and has run)

    def summary(self, seconds: float) -> dict:
        t = sorted(self.times)

        def pct(q: float, t=t) -> float | None:
            return t[min(len(t) - 1, int(q * len(t)))] if t else None
        pages = {page or "tong-quan": {"reruns": len(v), "p50_s": pct(0.5, sorted(v)), "p95_s": pct(0.95, sorted(v))}
                 for page, v in sorted(self.by_page.items())}
        # after the opening: the reruns that start once every viewer has had its first answer (50 viewers
        # arriving within `stagger` s ask for twice the steady rate at first; the queue that builds then
        # is the opening's, not the steady state's)
        opened = max((s0 + d for s0, d, first in self.timeline if first), default=0.0)
        later = sorted(d for s0, d, first in self.timeline if s0 >= opened)
        return {"by_page": pages, "opening_s": round(opened, 1), "after_opening": {
                    "reruns": len(later), "p50_s": pct(0.5, later), "p95_s": pct(0.95, later), "p99_s": pct(0.99, later)},
                "reruns": len(t), "errors": len(self.errors), "p50_s": pct(0.50), "p95_s": pct(0.95),
                "p99_s": pct(0.99), "mean_s": statistics.fmean(t) if t else None,
                "reruns_per_s": len(t) / seconds if seconds else None, "sessions_per_replica": dict(self.replicas),
                "first_errors": self.errors[:5], "error_kinds": error_kinds(self.errors)}


def error_kinds(errors: list[str]) -> dict[str, int]:
    """How many errors of each kind ("TimeoutError", "RuntimeError exception on …", "ConnectionClosedError"):
    every error counted by what it says, without the viewer number and the view's query string."""
    kinds: dict[str, int] = {}
    for e in errors:
        what = e.split(": ", 1)[-1]
        what = what.split(" (", 1)[0].split("?", 1)[0][:80]
        kinds[what] = kinds.get(what, 0) + 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def _ws_url(url: str) -> str:
    u = urllib.parse.urlparse(url)
    return urllib.parse.urlunparse(("wss" if u.scheme == "https" else "ws", u.netloc, u.path.rstrip("/") + "/_stcore/stream", "", "", ""))


def affinity_cookie(url: str) -> tuple[str | None, str | None]:
    """GET the page like a browser's first visit: (Cookie header value, replica that answered)."""
    with urllib.request.urlopen(url, timeout=30) as r:
        cookie = r.headers.get("Set-Cookie")
        return (cookie.split(";", 1)[0] if cookie else None), r.headers.get("X-CNSCD-Replica")


class Client:
    """One browser tab: one websocket session on one replica."""

    def __init__(self, url: str, cookie: str | None = None):
        self.url, self.cookie, self.ws, self.replica = url, cookie, None, None
        self.texts: list[str] = []     # markdown, captions and alerts of the last rerun (tests read them)

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(_ws_url(self.url), subprotocols=["streamlit"], additional_headers=headers,
                                max_size=None, open_timeout=30, ping_interval=None, compression=None)
        self.replica = self.ws.response.headers.get("X-CNSCD-Replica")

    async def rerun(self, page: str, query: str, timeout: float = 30.0) -> float:
        """Send one rerun_script and wait for script_finished; returns seconds, raises on an error."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        problem, self.texts = None, []
        async with asyncio.timeout(timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await self.ws.recv())
                kind = fwd.WhichOneof("type")
                element = fwd.delta.new_element if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" else None
                etype = element.WhichOneof("type") if element is not None else None
                if etype == "exception":
                    problem = problem or f"exception on {page}?{query}: {element.exception.message[:120]}"
                elif etype in ("markdown", "alert", "heading"):
                    self.texts.append(getattr(element, etype).body)
                elif kind == "page_not_found":
                    problem = problem or f"page not found: {page}"
                elif kind == "script_finished":
                    if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    break
        if problem:
            raise RuntimeError(problem)
        return time.perf_counter() - t0

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def viewer(i: int, url: str, deadline: float, stats: Stats, think: tuple[float, float], stagger: float,
                 timeout: float, on_answered=None) -> None:
    rng = views(1000 + i)
    page = CHART_PAGES[i % len(CHART_PAGES)]
    await asyncio.sleep(rng.uniform(0, stagger))
    client = None
    try:
        cookie, _ = await asyncio.to_thread(affinity_cookie, url)
        client = Client(url, cookie)
        await client.open()
        stats.replicas[client.replica or "?"] = stats.replicas.get(client.replica or "?", 0) + 1
        first = True
        while time.monotonic() < deadline:
            query = random_query(rng)
            try:
                started = time.monotonic()
                took = await client.rerun(page, query, timeout)
                stats.timeline.append((started - stats.t0, took, first))
                if first:
                    stats.answered += 1
                    if on_answered is not None:
                        on_answered(stats.answered)
                first = False
                stats.times.append(took)
                stats.by_page.setdefault(page, []).append(took)
            except (TimeoutError, RuntimeError) as exc:
                # a timeout's own text is empty: say which rerun, when, and how long it waited
                said = str(exc) or f"no script_finished within {timeout:.0f} s"
                stats.errors.append(f"viewer {i}: {type(exc).__name__} {said} ({page or 'tong-quan'}?{query}, "
                                    f"started {started - stats.t0:.1f} s into the run)")
                if isinstance(exc, TimeoutError):
                    return
            await asyncio.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))
    except Exception as exc:  # noqa: BLE001 - a dropped socket or refused connection is an error
        stats.errors.append(f"viewer {i}: {type(exc).__name__} {exc or repr(exc)} "
                            f"({time.monotonic() - stats.t0:.1f} s into the run)")
    finally:
        if client is not None:
            await client.close()


async def load(url: str, n: int, duration: float, think=(5.0, 15.0), stagger: float = 5.0, timeout: float = 30.0,
               on_connected=None, on_answered=None) -> dict:
    """`on_connected()` once every viewer should have arrived (stagger + 3 s); `on_answered(k)` each time the
    k-th viewer has had its first answer (its session made and run once)."""
    stats = Stats()
    t0 = time.monotonic()
    deadline = t0 + duration
    c0 = time.process_time()      # the client's own CPU (this process: the viewers' asyncio loop and threads)
    tasks = [asyncio.create_task(viewer(i, url, deadline, stats, think, stagger, timeout, on_answered)) for i in range(n)]
    if on_connected is not None:
        await asyncio.sleep(stagger + 3)
        on_connected()
    await asyncio.wait(tasks, timeout=duration + timeout + 10)
    seconds = time.monotonic() - t0
    return stats.summary(seconds) | {"viewers": n, "duration_s": duration,
                                     "client_cpu_s": round(time.process_time() - c0, 2)}


async def warm(url: str, cookies: list[str | None]) -> None:
    """One rerun of each chart page on each replica, so the figures are not the cold first run."""
    for cookie in cookies:
        c = Client(url, cookie)
        await c.open()
        for page in CHART_PAGES:
            await c.rerun(page, random_query(views(7)), 120)
        await c.close()


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """A process's CPU so far (user + system, /proc/PID/stat; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime + stime


def settle(pids: list[int], most: float = 90.0) -> float:
    """Wait until the servers' start-up work on background threads (map layers, the snapshot's shared
    frames: once per process and snapshot, long before a meeting starts) is done: every process under 5 %
    of a core over a second, at most `most` s. Returns the seconds waited (printed with the results)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < most:
        before = [cpu_seconds(p) for p in pids]
        time.sleep(1.0)
        if all(cpu_seconds(p) - b < 0.05 for p, b in zip(pids, before)):
            break
    return time.monotonic() - t0


def single_viewer(url: str, reruns: int = 8) -> dict:
    """The same-run baseline: one viewer alone, reruns back to back."""
    async def go():
        cookie, _ = affinity_cookie(url)
        c = Client(url, cookie)
        await c.open()
        rng, times = views(3), []
        for k in range(reruns):
            times.append(await c.rerun(CHART_PAGES[k % 5], random_query(rng), 60))
        await c.close()
        return sorted(times)
    t = asyncio.run(go())
    return {"p50_s": t[len(t) // 2], "p95_s": t[-1], "reruns": len(t)}


def scenario(replicas: int, viewers: int, duration: float, port: int | None = None) -> dict:
    """Bring up a cluster with `replicas` viewers, warm it, measure memory and load, take it down."""
    from cnscd import cluster

    port = port or cluster.free_port()
    rdir = Path(f"/tmp/cnscd-bench-{port}")
    state = cluster.up(replicas, port, rdir=rdir)
    url = f"http://127.0.0.1:{port}/"
    pids = [v["pid"] for v in state["viewers"]]
    try:
        cookies = [f"{cluster.COOKIE}={v['name']}" for v in state["viewers"]]
        asyncio.run(warm(url, cookies))
        settled = settle(pids)
        base = single_viewer(url)
        mem0 = rss_mb(pids)
        marks: dict = {}
        at: dict[int, float] = {}       # server memory when the 50th, 100th… viewer has had its first answer

        def answered(k: int) -> None:
            if k % 50 == 0 or k == viewers:
                at[k] = round(rss_mb(pids), 1)
        cpu0 = [cpu_seconds(p) for p in pids]
        result = asyncio.run(load(url, viewers, duration, on_connected=lambda: marks.setdefault("mem", rss_mb(pids)),
                                  on_answered=answered))
        result.update(replicas=replicas, single=base, settled_s=round(settled, 1),
                      server_cpu_s=[round(cpu_seconds(p) - c, 1) for p, c in zip(pids, cpu0)],
                      mem_0_sessions_mb=mem0, mem_all_sessions_mb=marks.get("mem"),
                      mem_at_sessions_mb={0: round(mem0, 1), **dict(sorted(at.items()))},
                      mem_per_session_mb=((marks["mem"] - mem0) / viewers) if marks.get("mem") else None)
        return result
    finally:
        cluster.down(port, rdir)


def run() -> list[dict]:
    """For bench/benchmark.py: 1 replica with 50 viewers, 2 replicas with 100 (each ≤ 40 s)."""
    duration = float(os.environ.get("CNSCD_LOAD_SECONDS", "40"))
    rows = []
    for replicas, viewers in ((1, 50), (2, 100)):
        r = scenario(replicas, viewers, duration)
        print("  " + json.dumps(r, ensure_ascii=False))
        # the errors' own words, on lines of their own (a run once had 48 errors whose text was lost)
        for kind, count in r["error_kinds"].items():
            print(f"  errors ({replicas} replica{'s' if replicas > 1 else ''}): {count} × {kind}")
        for e in r["first_errors"]:
            print(f"  error: {e}")
        label = f"{replicas} replica{'s' if replicas > 1 else ''}, {viewers} viewers"
        single = r["single"]["p50_s"]
        rows += [
            {"name": f"load {label}: rerun p50", "value": (r["p50_s"] or 0) * 1000, "unit": "ms",
             "baseline": single * 1000, "baseline_label": "one viewer alone, p50", "target": "—"},
            {"name": f"load {label}: rerun p95", "value": (r["p95_s"] or 0) * 1000, "unit": "ms",
             "baseline": r["single"]["p95_s"] * 1000, "baseline_label": "one viewer alone, max", "target": "≤ 1000"},
            {"name": f"load {label}: rerun p99", "value": (r["p99_s"] or 0) * 1000, "unit": "ms", "target": "—"},
            {"name": f"load {label}: rerun p95 after the opening ({r['opening_s']:.0f} s)",
             "value": (r["after_opening"]["p95_s"] or 0) * 1000, "unit": "ms",
             "baseline": r["single"]["p95_s"] * 1000, "baseline_label": "one viewer alone, max", "target": "—"},
            {"name": f"load {label}: reruns per second", "value": r["reruns_per_s"] or 0, "unit": "/s", "target": "—"},
            {"name": f"load {label}: errors", "value": r["errors"], "unit": "", "target": "0",
             "note": "; ".join(f"{n} × {k}" for k, n in r["error_kinds"].items())},
            {"name": f"load {label}: server memory, 0 sessions", "value": r["mem_0_sessions_mb"], "unit": "MiB", "target": "—"},
            {"name": f"load {label}: server memory, {viewers} sessions", "value": r["mem_all_sessions_mb"] or 0,
             "unit": "MiB", "baseline": r["mem_0_sessions_mb"], "baseline_label": "0 sessions", "target": "—"},
            *({"name": f"load {label}: server memory at {k} sessions run", "value": mb,
               "unit": "MiB", "baseline": r["mem_0_sessions_mb"], "baseline_label": "0 sessions", "target": "—"}
              for k, mb in r.get("mem_at_sessions_mb", {}).items() if k),
            {"name": f"load {label}: memory per further session", "value": r["mem_per_session_mb"] or 0, "unit": "MiB",
             "target": "≤ 5"},
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/bench_load.py")
    ap.add_argument("--url", help="a running server or balancer (default: start a cluster per --replicas)")
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--viewers", type=int, default=10)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds, at most 60")
    ap.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), help="seconds between a viewer's reruns")
    args = ap.parse_args(argv)
    duration = min(args.duration, 60.0)
    if args.url:
        host = urllib.parse.urlparse(args.url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            print("Chỉ chạy với localhost. / localhost only.", file=sys.stderr)
            return 2
        result = asyncio.run(load(args.url, args.viewers, duration, tuple(args.think)))
    else:
        result = scenario(args.replicas, args.viewers, duration)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
