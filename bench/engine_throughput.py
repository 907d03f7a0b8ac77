"""Engine throughput on one core: quotes/s and user events/s through ``Engine.handle``, all 13 rules on.

    uv run python bench/engine_throughput.py [--quotes N] [--events N] [--accounts K ...] [--reps R]

A synthetic busy day (bench/_synthetic.py, config bench/engine_throughput.yaml) is generated once per
account count with the paper broker and executor in the loop, then replayed into a fresh engine per
repetition, timing each ``handle`` call on its own into a bucket: quotes for a contract some account holds
(quote -> mark -> unrealized -> the rules that watch prices), quotes nobody holds (the fast path), user
events (order / trade / position / account: state, kill switch, rules, decisions, deadline re-arming) and
deadline firings. Every repetition must reproduce the generation run's journal exactly. One warm-up,
then R repetitions; median and best. ``--profile`` prints a cProfile of one replay instead.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import ACCOUNT, COMPLETE, FIRE, Q_FLAT, Q_OPEN, START, USER, Day, generate

from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.events import OrderEvent
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal, Record

TIMED = (Q_OPEN, Q_FLAT, USER, FIRE)
LABELS = {Q_OPEN: "quotes, position open", Q_FLAT: "quotes, contract flat", USER: "user events",
          FIRE: "deadline firings"}


def replay(day: Day) -> tuple[list[int], list[Record]]:
    """Feed the recorded day to a fresh engine: nanoseconds spent per step kind, and the journal."""
    clock, journal = time.perf_counter_ns, ListJournal()
    engine = build_engine(day.config, journal, ContractBook.builtin())
    engine.start(START)
    if engine.session is not None:  # the exchange calendar is built once per engine (~45 ms): not per event
        engine.session.current_end(START)
    handle, complete, pop_due, fire = engine.handle, engine.complete, engine.pop_due, engine.fire
    spent = [0] * len(TIMED)
    for kind, x in day.steps:
        if kind < FIRE:
            t0 = clock()
            handle(x)
            spent[kind] += clock() - t0
        elif kind == COMPLETE:  # the executor reporting back after acting: not engine time
            complete(*x)
        elif kind == FIRE:
            t0 = clock()
            d = pop_due(x)
            assert d is not None, "a deadline went missing: the engine is not deterministic"
            fire(d)
            spent[kind] += clock() - t0
        elif kind == ACCOUNT:
            engine.add_account(*x)
    return spent, journal.records


def timer_overhead_ns() -> float:
    """What one ``clock() ... clock()`` pair around a call adds (it is included in the figures)."""
    clock, n = time.perf_counter_ns, 200_000
    t0 = clock()
    for _ in range(n):
        clock() - clock()
    return (clock() - t0) / n


def measure(day: Day, reps: int) -> dict[int, list[float]]:
    """Per step kind: the nanoseconds per event of each repetition."""
    counts = {k: sum(1 for s, _ in day.steps if s == k) for k in TIMED}
    replay(day)  # warm-up
    per_event: dict[int, list[float]] = {k: [] for k in TIMED if counts[k]}
    for _ in range(reps):
        gc.collect()
        spent, journal = replay(day)
        if journal != day.journal:
            raise SystemExit("the journal differs from the generation run: the engine's behaviour changed")
        for k in per_event:
            per_event[k].append(spent[k] / counts[k])
    return per_event


def table(day: Day, per_event: dict[int, list[float]], accounts: int) -> str:
    counts = {k: sum(1 for s, _ in day.steps if s == k) for k in TIMED}
    rows = [f"| {accounts} account{'s' if accounts > 1 else ''} | count | median /s | best /s | "
            "median µs | best µs |", "|---|---:|---:|---:|---:|---:|"]

    def row(label: str, n: int, ns: list[float]) -> None:
        med, best = statistics.median(ns), min(ns)
        rows.append(f"| {label} | {n:,} | {1e9 / med:,.0f} | {1e9 / best:,.0f} | {med / 1e3:.2f} | "
                    f"{best / 1e3:.2f} |")

    for k, ns in per_event.items():
        row(LABELS[k], counts[k], ns)
    if Q_OPEN in per_event and Q_FLAT in per_event:
        quotes = counts[Q_OPEN] + counts[Q_FLAT]
        mix = [(counts[Q_OPEN] * o + counts[Q_FLAT] * f) / quotes
               for o, f in zip(per_event[Q_OPEN], per_event[Q_FLAT], strict=True)]
        row("all quotes (the day's mix)", quotes, mix)
        if accounts > 1:  # the quote path's unit of work: one account holding the quoted contract
            row("account revaluations (quote x holder)", day.valued,
                [n * counts[Q_OPEN] / day.valued for n in per_event[Q_OPEN]])
    return "\n".join(rows)


def describe(day: Day) -> str:
    orders = len({e.id for k, e in day.steps if k == USER and isinstance(e, OrderEvent)})
    kinds: dict[str, int] = {}
    for r in day.journal:
        kinds[r["type"]] = kinds.get(r["type"], 0) + 1
    return (f"{orders:,} orders through the paper broker; journal: "
            + ", ".join(f"{n} {t}" for t, n in sorted(kinds.items())))


def profile(day: Day, top: int = 30) -> None:
    replay(day)  # warm-up
    prof = cProfile.Profile()
    prof.enable()
    replay(day)
    prof.disable()
    pstats.Stats(prof).strip_dirs().sort_stats("tottime").print_stats(top)


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--quotes", type=int, default=100_000, help="quotes in the day (default 100000)")
    p.add_argument("--events", type=int, default=20_000, help="user events per account (default 20000)")
    p.add_argument("--accounts", type=int, nargs="+", default=[1, 3], help="variants (default: 1 3)")
    p.add_argument("--reps", type=int, default=5, help="timed repetitions after a warm-up (default 5)")
    p.add_argument("--seed", type=int, default=20261118)
    p.add_argument("--profile", action="store_true", help="cProfile one replay instead of timing")
    args = p.parse_args()
    print(f"Engine throughput: Python {platform.python_version()} on {platform.machine()}, one core, "
          f"{args.reps} repetitions after a warm-up; per-call timer overhead "
          f"{timer_overhead_ns():.0f} ns (included)\n")
    for accounts in args.accounts:
        t0 = time.perf_counter()
        day = generate(args.quotes, args.events, accounts, args.seed)
        print(f"Day: {describe(day)} (generated in {time.perf_counter() - t0:.1f} s)\n")
        if args.profile:
            profile(day)
            continue
        t0 = time.perf_counter()
        print(table(day, measure(day, args.reps), accounts))
        print(f"\n({time.perf_counter() - t0:.1f} s for {args.reps + 1} replays)\n")


if __name__ == "__main__":
    main()
