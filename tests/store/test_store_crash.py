"""Crash safety: a writer killed with SIGKILL mid-stream leaves a valid chain and no partial row."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from risk_manager.store import Store

SRC = Path(__file__).resolve().parents[2] / "src"

# Each iteration: one plain append, then a lockout + its journal row committed together (tagged n=i).
CHILD = """
import sys
from datetime import UTC, datetime, timedelta
from risk_manager.store import LockoutRecord, Store

store = Store.open(sys.argv[1])
t0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
i = store.last_journal_seq()  # keep time moving forward across restarts
while True:
    i += 1
    at = t0 + timedelta(seconds=i)
    violation = {"at": at, "type": "violation", "account": "PRAC-1", "rule": "r", "message": "x" * 300}
    store.append_journal(violation)
    rule = f"rule{i % 7}"
    with store.transaction():
        store.put_lockout(LockoutRecord("PRAC-1", rule, "account", "cooldown", at, f"n={i}", at))
        seq = store.append_journal({"at": at, "type": "lockout", "account": "PRAC-1", "rule": rule, "n": i})
    print(seq, flush=True)
"""


def _run_and_kill(db: Path, acks: int) -> int:
    """Start the writer, wait for ``acks`` acknowledged commits, SIGKILL it; return the last acked seq."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    watchdog = threading.Timer(60, proc.kill)  # bounded: never hang the test run
    watchdog.start()
    last = 0
    try:
        assert proc.stdout is not None
        for _ in range(acks):
            line = proc.stdout.readline()
            if not line:
                break
            last = int(line)
        proc.kill()  # SIGKILL on POSIX: no atexit, no close(), no checkpoint
    finally:
        watchdog.cancel()
        proc.wait(timeout=30)
        _, err = proc.communicate(timeout=30)
    assert last > 0, f"writer produced no acknowledgements: {err}"
    return last


@pytest.mark.parametrize("kill_points", [(40, 170, 333)])
def test_sigkilled_writer_leaves_valid_chain(tmp_path: Path, kill_points: tuple[int, ...]) -> None:
    db = tmp_path / "state.db"
    for acks in kill_points:  # each run reopens the database the previous run was killed on
        acked = _run_and_kill(db, acks)
        with Store.open(db) as store:
            assert store.integrity_ok()
            assert store.verify_journal() == (True, None)
            last = store.last_journal_seq()
            assert last >= acked  # every acknowledged commit is durable
            records = [e.record for e in store.journal_since(0)]
            assert all(set(r) >= {"at", "type", "account", "rule"} for r in records)
            # the grouped commit is atomic: the newest lockout row and the newest lockout record agree
            newest = max(store.active_lockouts("PRAC-1"), key=lambda lk: int(lk.reason.removeprefix("n=")))
            last_lockout_record = next(r for r in reversed(records) if r["type"] == "lockout")
            assert newest.reason == f"n={last_lockout_record['n']}"
            assert newest.rule == last_lockout_record["rule"]
