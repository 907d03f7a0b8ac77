"""Simulator load: 50 accounts, 1,000 quotes/s pushed to market-hub subscribers, on this machine.

    uv run python bench/sim_load.py [--accounts 50] [--rate 1000] [--duration 20] [--raw 2] [--no-sdk]

The simulator runs as its own process (`risk-manager sim`), so its CPU is measured apart from the
clients'. Every account gets a resting limit order and an open position, so each quote is checked against
50 working orders by the paper broker. Subscribers: ``--raw`` hand-written SignalR clients (aiohttp) and
one unmodified SDK realtime client, all on every contract. Reported: quotes/s generated and received, the
feed's scheduling lag (scheduled tick time vs the time it ran and queued its quotes), delivery latency at
the raw clients (receive time minus the quote's ``timestamp``), and CPU of both processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime
from typing import Any

import aiohttp

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
RS = "\x1e"
KEY = "bench-api-key-0123456789"
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime, seconds


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))] if s else float("nan")


class RawClient:
    """A minimal SignalR JSON client: counts GatewayQuote records and their delivery latency."""

    def __init__(self) -> None:
        self.count = 0
        self.latency: list[float] = []
        self.measuring = False

    async def run(self, http: aiohttp.ClientSession, base: str, token: str, contracts: list[str]) -> None:
        async with http.post(f"{base}/hubs/market/negotiate?access_token={token}") as r:
            cid = (await r.json())["connectionId"]
        url = f"{base.replace('http', 'ws', 1)}/hubs/market?access_token={token}&id={cid}"
        async with http.ws_connect(url, max_msg_size=1 << 20) as ws:
            subs = [{"type": 1, "target": "SubscribeContractQuotes", "arguments": [c]} for c in contracts]
            hello = [{"protocol": "json", "version": 1}, *subs]
            await ws.send_str("".join(json.dumps(m) + RS for m in hello))
            async for msg in ws:
                now = time.time()
                for rec in msg.data.split(RS):
                    if '"GatewayQuote"' not in rec:
                        continue
                    self.count += self.measuring
                    if self.measuring and self.count % 10 == 0:  # sample 1 in 10: parsing costs client CPU
                        stamp = json.loads(rec)["arguments"][1]["timestamp"]
                        self.latency.append(now - datetime.fromisoformat(stamp).timestamp())


async def sdk_client(base: str, contracts: list[str], counter: list[int], stop: asyncio.Event) -> None:
    from project_x_py import ProjectX, ProjectXConfig, ProjectXRealtimeClient

    cfg = ProjectXConfig(api_url=f"{base}/api", user_hub_url=f"{base}/hubs/user",
                         market_hub_url=f"{base}/hubs/market")
    async with ProjectX("bench", KEY, config=cfg, account_name="BENCH-01") as px:
        await px.authenticate()
        rt = ProjectXRealtimeClient(jwt_token=px.session_token, account_id=str(px.get_account_info().id),
                                    config=px.config)
        rt.stale_feed_seconds = float("inf")

        async def on_quote(_: Any) -> None:
            counter[0] += 1

        await rt.add_callback("quote_update", on_quote)
        await rt.connect()
        await rt.subscribe_user_updates()
        await rt.subscribe_market_data(contracts)
        await stop.wait()
        await rt.disconnect()


async def setup_accounts(http: aiohttp.ClientSession, base: str, contracts: list[dict[str, Any]],
                         n: int) -> None:
    """Each account: an open position and a buy limit far below the market (it rests all run)."""
    for i in range(n):
        contract = contracts[i % len(contracts)]["id"]
        common = {"account": f"BENCH-{i + 1:02d}", "symbol": contract, "side": "buy"}
        for action, extra in (("position", {"size": 1 + i % 3}), ("order", {"type": "limit", "limit": 1.0})):
            async with http.post(f"{base}/_sim/{action}", json={**common, **extra}) as r:
                assert r.status == 200, await r.text()


async def main(args: argparse.Namespace) -> None:
    n_contracts = 12
    per_contract = args.rate / n_contracts
    cmd = [sys.executable, "-c", "from risk_manager.cli.main import app; app()", "sim", "--port", "0",
           "--quote-rate", f"{per_contract:.4f}", "--rate-limit", "0", "--seed", "1",
           *[a for i in range(args.accounts) for a in ("--account", f"BENCH-{i + 1:02d}")]]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # noqa: ASYNC220
    try:
        assert server.stdout is not None
        base = server.stdout.readline().strip()
        async with aiohttp.ClientSession(trust_env=False) as http:
            async with http.post(f"{base}/api/Auth/loginKey", json={"userName": "b", "apiKey": KEY}) as r:
                token = (await r.json())["token"]
            async with http.post(f"{base}/api/Contract/available", json={"live": True},
                                 headers={"Authorization": f"Bearer {token}"}) as r:
                contracts = (await r.json())["contracts"]
            await setup_accounts(http, base, contracts, args.accounts)
            ids = [c["id"] for c in contracts]
            raws = [RawClient() for _ in range(args.raw)]
            tasks = [asyncio.create_task(c.run(http, base, token, ids)) for c in raws]
            stop, sdk_count = asyncio.Event(), [0]
            if args.sdk:
                tasks.append(asyncio.create_task(sdk_client(base, ids, sdk_count, stop)))
            await asyncio.sleep(args.warmup)
            state0 = await (await http.get(f"{base}/_sim/state")).json()
            cpu_s0, cpu_c0 = proc_cpu(server.pid), resource.getrusage(resource.RUSAGE_SELF)
            t0, sdk0 = time.monotonic(), sdk_count[0]
            for c in raws:
                c.measuring = True
            await asyncio.sleep(args.duration)
            wall = time.monotonic() - t0
            for c in raws:
                c.measuring = False
            state1 = await (await http.get(f"{base}/_sim/state")).json()
            cpu_s = (proc_cpu(server.pid) - cpu_s0) / wall
            ru = resource.getrusage(resource.RUSAGE_SELF)
            cpu_c = (ru.ru_utime + ru.ru_stime - cpu_c0.ru_utime - cpu_c0.ru_stime) / wall
            stop.set()
            await asyncio.sleep(0.5)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        report(args, wall, state0, state1, raws, (sdk_count[0] - sdk0) / wall, cpu_s, cpu_c)
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(args: argparse.Namespace, wall: float, s0: dict[str, Any], s1: dict[str, Any],
           raws: list[RawClient], sdk_rate: float, cpu_s: float, cpu_c: float) -> None:
    f0, f1 = s0["feed"], s1["feed"]
    lat = [x for c in raws for x in c.latency]
    rows = [
        ("accounts (resting order + open position each)", f"{args.accounts}"),
        ("target quotes/s (12 contracts)", f"{args.rate:,.0f}"),
        ("generated quotes/s", f"{(f1['quotes'] - f0['quotes']) / wall:,.0f}"),
        ("hub deliveries/s (all subscribers)", f"{(f1['deliveries'] - f0['deliveries']) / wall:,.0f}"),
        *[(f"raw client {i + 1} received quotes/s", f"{c.count / wall:,.0f}") for i, c in enumerate(raws)],
        ("SDK quote_update callbacks/s (coalesced)", f"{sdk_rate:,.0f}" if args.sdk else "off"),
        ("late feed ticks (> 1 period) in window", f"{f1['late_ticks'] - f0['late_ticks']}"),
        ("feed scheduling lag p50 / p99 / max (ms)",
         f"{f1['lag']['p50_ms']:.2f} / {f1['lag']['p99_ms']:.2f} / {f1['lag']['max_ms']:.2f}"),
        ("delivery latency p50 / p99 / max (ms, raw)",
         f"{pct(lat, .5) * 1e3:.2f} / {pct(lat, .99) * 1e3:.2f} / {max(lat, default=0) * 1e3:.2f}"),
        ("simulator CPU (% of one core)", f"{cpu_s * 100:.0f}"),
        ("bench clients CPU (% of one core)", f"{cpu_c * 100:.0f}"),
    ]
    print(f"\nsim_load: {wall:.1f} s window on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v:>22}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--accounts", type=int, default=50)
    p.add_argument("--rate", type=float, default=1000.0, help="total quotes/s over the 12 contracts")
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--raw", type=int, default=2, help="raw SignalR subscribers")
    p.add_argument("--no-sdk", dest="sdk", action="store_false", help="skip the SDK subscriber")
    asyncio.run(main(p.parse_args()))
