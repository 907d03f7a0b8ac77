"""Build the journal of every bundled replay example at REV and in the working tree, compare byte-for-byte.

    scripts/journals-identical REV

The cases are those tests/replay/test_replay_golden.py and test_replay_guard_examples.py pin: each
``examples/replay/*.jsonl`` scenario with its own ``.yaml`` (else ``examples/replay/config.yaml``) and each
acceptance scenario under ``tests/acceptance/scenarios/`` with its ``.yaml``. Both code versions replay the
working tree's inputs, so only the code differs. Prints one row per case; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _revtree import ROOT, check_imports_from, git, python, tree_at

EXAMPLES = ROOT / "examples" / "replay"
ACCEPTANCE = ROOT / "tests" / "acceptance" / "scenarios"


def cases() -> dict[str, tuple[Path, Path]]:
    found = {}
    for s in sorted(EXAMPLES.glob("*.jsonl")):
        if not s.name.endswith((".journal.jsonl", ".expected.jsonl")):
            own = s.with_suffix(".yaml")
            found[s.stem] = (s, own if own.exists() else EXAMPLES / "config.yaml")
    for s in sorted(ACCEPTANCE.glob("*.jsonl")):
        if s.with_suffix(".yaml").exists():
            found[f"acceptance/{s.stem}"] = (s, s.with_suffix(".yaml"))
    return found


def build(tree: Path, todo: dict[str, tuple[Path, Path]], out: Path) -> dict[str, bytes]:
    check_imports_from(tree)
    out.mkdir()
    lines = "".join(f"{n.replace('/', '__')}\t{s}\t{c}\n" for n, (s, c) in todo.items())
    res = python(tree, str(ROOT / "scripts" / "_replay_all.py"), str(out), stdin=lines, cwd=tree)
    if res.returncode:
        raise SystemExit(f"replaying with {tree} failed:\n{res.stderr}")
    return {n: (out / n.replace("/", "__")).read_bytes() for n in todo}


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("rev", help="the revision to compare with (e.g. main, HEAD~3)")
    args = p.parse_args()
    todo = cases()
    with tempfile.TemporaryDirectory(prefix="rm-journals-") as tmp, tree_at(args.rev) as old_tree:
        old = build(old_tree, todo, Path(tmp) / "old")
        new = build(ROOT, todo, Path(tmp) / "new")
    width = max(map(len, todo))
    print(f"{'case':<{width}}  {'records':>7}  {'bytes':>7}  result   (at {args.rev} = "
          f"{git('rev-parse', '--short', args.rev)} vs the working tree)")
    differ = 0
    for name in todo:
        failed = new[name].startswith(b"exit ") or old[name].startswith(b"exit ")
        verdict = "REPLAY FAILED" if failed else "same" if old[name] == new[name] else "DIFFERENT"
        differ += verdict != "same"
        print(f"{name:<{width}}  {new[name].count(b'\n'):>7}  {len(new[name]):>7}  {verdict}")
    print(f"\n{len(todo) - differ} of {len(todo)} journals byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
