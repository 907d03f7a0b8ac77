"""Figures an account carries from one trading day to the next (rule 014's trailed floor), in the meta table.

Only ever raised by the engine (a floor never falls); stored as text under ``figure|ACCOUNT|KEY``.
"""

from __future__ import annotations

from .base import StoreBase

_PREFIX = "figure|"


class FiguresMixin(StoreBase):
    def save_figures(self, account: str, figures: dict[str, float]) -> None:
        with self.transaction():
            for key, value in figures.items():
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (f"{_PREFIX}{account}|{key}", repr(float(value))),
                )

    def load_figures(self, account: str) -> dict[str, float]:
        rows = self._conn.execute(
            "SELECT key, value FROM meta WHERE key >= ? AND key < ?",
            (f"{_PREFIX}{account}|", f"{_PREFIX}{account}|\uffff"),
        ).fetchall()
        out: dict[str, float] = {}
        for key, value in rows:
            try:
                out[str(key).rsplit("|", 1)[1]] = float(value)
            except ValueError:
                continue  # a damaged value: the configured floor applies
        return out
