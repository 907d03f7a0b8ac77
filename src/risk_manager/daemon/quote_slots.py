"""Latest-wins quotes: one place in the quote queue per contract, however many quotes arrive meanwhile.

Quotes are snapshots (a rule values a position on the latest one, never counts them), so when the quote
worker falls behind -- one quote fans out to every account holding the contract -- the older quotes of a
contract still waiting are worth nothing: only its newest is judged, where the oldest would have been.
The SDK coalesced this way too before the daemon took quotes straight from the hub.
"""

from __future__ import annotations

from dataclasses import dataclass

from risk_manager.domain.events import QuoteEvent


@dataclass(frozen=True, slots=True)
class QuoteDue:
    """A contract's place in the quote queue: its newest quote is judged when this is reached."""

    contract_id: str


class QuoteSlots:
    def __init__(self) -> None:
        self._latest: dict[str, QuoteEvent] = {}
        self.coalesced = 0  # quotes replaced by a newer one before they were judged (diagnostics)

    def put(self, quote: QuoteEvent) -> QuoteDue | None:
        """Keep ``quote`` as its contract's newest; a QuoteDue to queue when the contract had none waiting."""
        cid = quote.contract_id
        waiting = cid in self._latest
        self._latest[cid] = quote
        if waiting:
            self.coalesced += 1
            return None
        return QuoteDue(cid)

    def take(self, due: QuoteDue) -> QuoteEvent | None:
        return self._latest.pop(due.contract_id, None)

    def forget(self, contract_id: str) -> None:
        """Drop a waiting quote (its subscription ended: what comes later is judged after the marker)."""
        self._latest.pop(contract_id, None)
