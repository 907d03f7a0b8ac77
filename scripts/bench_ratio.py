"""bench/engine_throughput.py for REV and for the working tree in one run, and the ratio new / old.

    scripts/bench-ratio REV [--rounds N] [-- BENCH ARGS...]    (default bench args: --accounts 1 --reps 3)

Each tree runs its own bench script against its own sources (the engine's API may differ between them),
alternating old, new, old, new... so that load on the machine falls on both alike. Per row the best of the
rounds' medians (µs per event) is kept. The total is the day's engine time: the sum over rows of count x
µs. A ratio above 1 means the working tree is slower. Each bench run also checks its journal is
reproduced on every repetition, so a faster engine that behaves differently fails there.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from _revtree import ROOT, check_imports_from, git, python, tree_at

ROW = re.compile(r"^\| (?P<label>[^|]+?) \| (?P<count>[\d,]+) \| [\d,]+ \| [\d,]+ \| (?P<us>[\d.]+) \|")
Table = dict[str, tuple[int, float]]  # "<accounts> / <row label>" -> (count, median µs per event)


def run(tree: Path, bench_args: list[str]) -> Table:
    res = python(tree, str(tree / "bench" / "engine_throughput.py"), *bench_args, cwd=tree)
    if res.returncode:
        raise SystemExit(f"bench failed in {tree}:\n{res.stdout}\n{res.stderr}")
    rows: Table = {}
    section = ""
    for line in res.stdout.splitlines():
        if line.startswith("| ") and " account" in line.split("|")[1]:
            section = line.split("|")[1].strip()
        elif (m := ROW.match(line)) and section:
            rows[f"{section} / {m['label']}"] = (int(m["count"].replace(",", "")), float(m["us"]))
    if not rows:
        raise SystemExit(f"no figures in the bench output of {tree}:\n{res.stdout}")
    return rows


def best(runs: list[Table]) -> Table:
    return {k: (runs[0][k][0], min(r[k][1] for r in runs)) for k in runs[0]}


def total_ms(table: Table) -> dict[str, float]:
    """Per account-count section: the day's engine time (ms), the 'all quotes' mix rows left out."""
    out: dict[str, float] = {}
    for key, (count, us) in table.items():
        section, label = key.split(" / ", 1)
        if not label.startswith(("all quotes", "account revaluations")):
            out[section] = out.get(section, 0.0) + count * us / 1e3
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("rev", help="the revision to compare with (e.g. main)")
    p.add_argument("--rounds", type=int, default=2, help="old/new pairs to run (default 2)")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = p.parse_args(argv[:cut])
    bench_args = argv[cut + 1:] or ["--accounts", "1", "--reps", "3"]
    old_runs: list[Table] = []
    new_runs: list[Table] = []
    with tree_at(args.rev) as old_tree:
        check_imports_from(old_tree)
        check_imports_from(ROOT)
        for i in range(args.rounds):
            print(f"round {i + 1}/{args.rounds}: {args.rev} ...", flush=True)
            old_runs.append(run(old_tree, bench_args))
            print(f"round {i + 1}/{args.rounds}: working tree ...", flush=True)
            new_runs.append(run(ROOT, bench_args))
    old, new = best(old_runs), best(new_runs)
    print(f"\nengine_throughput {' '.join(bench_args)}: {args.rev} = {git('rev-parse', '--short', args.rev)} "
          f"vs the working tree, best of {args.rounds} medians (µs per event)\n")
    print("| row | count | old µs | new µs | new/old |\n|---|---:|---:|---:|---:|")
    for key in old:
        if key in new:
            print(f"| {key} | {old[key][0]:,} | {old[key][1]:.2f} | {new[key][1]:.2f} | "
                  f"{new[key][1] / old[key][1]:.3f} |")
    old_ms, new_ms = total_ms(old), total_ms(new)
    for section in old_ms:
        print(f"| {section} / the day's engine time (ms) | | {old_ms[section]:.1f} | {new_ms[section]:.1f} | "
              f"**{new_ms[section] / old_ms[section]:.3f}** |")


if __name__ == "__main__":
    main()
