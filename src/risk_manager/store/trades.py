"""Trades already seen, so that a trade replayed by a reconcile or a restart never counts twice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ._codec import from_iso, to_iso
from .base import StoreBase
from .records import SeenTrade

_COLUMNS = "account, trade_id, trading_day, at, pnl, fees, order_id, voided"


def _row_to_trade(row: tuple[Any, ...]) -> SeenTrade:
    account, trade_id, day, at, pnl, fees, order_id, voided = row
    return SeenTrade(
        account=account,
        trade_id=trade_id,
        trading_day=date.fromisoformat(day),
        at=from_iso(at),
        pnl=pnl,
        fees=fees,
        order_id=order_id,
        voided=bool(voided),
    )


class TradesMixin(StoreBase):
    def record_trade(
        self,
        account: str,
        trade_id: int | str,
        trading_day: date,
        at: datetime,
        pnl: float | None,
        fees: float,
        order_id: int | str | None,
        voided: bool = False,
    ) -> bool:
        """Remember a trade; True if this changed what is stored, False for a duplicate.

        - new trade id -> stored, True (also when it arrives already voided);
        - seen, not voided, now voided -> marked voided, True: the caller must reverse its earlier count;
        - anything else -> False. Voiding is final: a stale non-voided copy of a voided trade does not
          revive it (a reconcile may deliver old events after the void).
        Ids are compared as text, so 42 and "42" are the same trade.
        """
        tid = str(trade_id)
        with self.transaction():
            row = self._conn.execute(
                "SELECT voided FROM trades WHERE account = ? AND trade_id = ?", (account, tid)
            ).fetchone()
            if row is None:
                self._conn.execute(
                    f"INSERT INTO trades ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        account,
                        tid,
                        trading_day.isoformat(),
                        to_iso(at),
                        None if pnl is None else float(pnl),
                        float(fees),
                        None if order_id is None else str(order_id),
                        int(voided),
                    ),
                )
                return True
            if voided and not row[0]:
                self._set_voided(account, tid)
                return True
            return False

    def mark_voided(self, account: str, trade_id: int | str) -> bool:
        """Mark a seen trade voided. True only if it was stored and not voided before (so it was counted
        and must now be reversed); False for an unknown or already voided trade."""
        with self.transaction():
            return self._set_voided(account, str(trade_id))

    def _set_voided(self, account: str, tid: str) -> bool:
        cur = self._conn.execute(
            "UPDATE trades SET voided = 1 WHERE account = ? AND trade_id = ? AND voided = 0", (account, tid)
        )
        return cur.rowcount > 0

    def get_trade(self, account: str, trade_id: int | str) -> SeenTrade | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM trades WHERE account = ? AND trade_id = ?", (account, str(trade_id))
        ).fetchone()
        return None if row is None else _row_to_trade(row)

    def trades_for_day(self, account: str, trading_day: date) -> list[SeenTrade]:
        """Every trade of that account and trading day, voided ones included (check ``.voided``),
        in time order (ties by trade id)."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM trades WHERE account = ? AND trading_day = ? ORDER BY at, trade_id",
            (account, trading_day.isoformat()),
        ).fetchall()
        return [_row_to_trade(r) for r in rows]
