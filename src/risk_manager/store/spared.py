"""Spared fills: the position a fill left when it started its own lockout without a flatten, kept while
the lockout runs so a restart does not close it (``engine.spared``)."""

from __future__ import annotations

from .base import StoreBase


class SparedMixin(StoreBase):
    def put_spared(self, account: str, contract_id: str, size: int) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO spared_fills (account, contract_id, size) VALUES (?, ?, ?) "
                "ON CONFLICT (account, contract_id) DO UPDATE SET size = excluded.size",
                (account, contract_id, int(size)),
            )

    def delete_spared(self, account: str, contract_id: str | None = None) -> None:
        """Forget one contract's spared fill, or (``contract_id`` None) every one of the account."""
        with self.transaction():
            if contract_id is None:
                self._conn.execute("DELETE FROM spared_fills WHERE account = ?", (account,))
            else:
                self._conn.execute(
                    "DELETE FROM spared_fills WHERE account = ? AND contract_id = ?", (account, contract_id)
                )

    def spared_fills(self) -> list[tuple[str, str, int]]:
        rows = self._conn.execute(
            "SELECT account, contract_id, size FROM spared_fills ORDER BY account, contract_id"
        ).fetchall()
        return [(str(a), str(c), int(s)) for a, c, s in rows]
