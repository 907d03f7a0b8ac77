"""The checks' names: one row each in the table, one test each in CI (tests/chaos)."""

from __future__ import annotations

RESTART = "daemon back to PROTECTED after the kill"
CHAIN = "journal hash chain intact"
PNL = "realized P&L = simulator, to the cent"
FEES = "fees = simulator, to the cent"
COUNT = "trade count = simulator (no loss, no double count)"
ACTIVE_LOCKS = "active lockouts = crash-free replay (rule, exact end)"
JOURNAL_LOCKS = "every lockout journaled with its exact end (= replay)"
LOCKED_FLAT = "locked ⇒ flat (no position the lockout must close)"
OVER_REDUCTION = "no over-reduction (never through flat, never opens)"
STALE_CLOSE = "no close after its reason ended"
# not a failure: counted so the table shows it (bench/README.md, "a race with the trader's own fill")
RACED = "reduction exact on the daemon's view, raced by the trader's own fill in flight"

FAULT_CASES = (
    "hub drop, user hub (TCP reset)",
    "hub drop, market hub (close frame)",
    "hub drop, both hubs with a server error",
    "token revocation + user hub drop",
    "feed silence (2 s, crash unseen)",
    "500 burst on partial close (x3)",
    "429 burst on position re-read (x3) + close (x1), closed within 5 s",
    "hang Position/partialCloseContract 8 s: left at the limit",
    "hang Position/closeContract 12 s: re-entry after the cooldown survives",
    "hang Order/cancel 8 s",
    "hang Order/modify 8 s",
    "hang Order/place 5 s (the trader's own order)",
)
FAULTS = tuple(f"fault: {c}" for c in FAULT_CASES)
ALWAYS_EXERCISED = frozenset({RESTART, CHAIN, PNL, FEES, COUNT, ACTIVE_LOCKS, JOURNAL_LOCKS, *FAULTS})
