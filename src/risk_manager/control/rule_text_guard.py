"""Dashboard lines for the account guardrails (SPEC §7b): MLL floor, weekly P&L, losing streak."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from risk_manager.control.fmt import money
from risk_manager.domain.state import AccountState
from risk_manager.rules._common import daily_pnl
from risk_manager.rules.base import RuleContext
from risk_manager.rules.max_loss_limit import MaxLossLimit


def mll_figures(cfg: Any, st: AccountState) -> dict[str, float]:
    """Floor, floor + buffer, equity (balance + open unrealized) and the distances to both."""
    rule = MaxLossLimit(cfg)
    floor = rule.floor(st)
    line = floor + cfg.buffer
    equity = rule.equity(st)
    return {"floor": round(floor, 2), "line": round(line, 2), "equity": round(equity, 2),
            "to_floor": round(equity - floor, 2), "to_line": round(equity - line, 2)}


def mll_text(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    if ctx.state.balance == 0.0:
        return "no balance yet"
    f = mll_figures(cfg, ctx.state)
    return (f"{money(f['to_line'])} above floor + buffer {money(f['line'])}, "
            f"{money(f['to_floor'])} above floor {money(f['floor'])}")


def _weekly(field: str) -> Any:
    def text(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
        st, td = ctx.state, ctx.trading_day
        before = 0.0 if td is None else st.past_days.week_of(td.label(ctx.now), st.pnl_basis == "net")
        week = before + daily_pnl(None, ctx, cfg.include_unrealized)
        return f"weekly P&L {money(week)} / {money(getattr(cfg, field))}"
    return text


def streak_text(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    run = ctx.state.losses.run() % (cfg.count or 1)
    return f"{run}/{cfg.count} losing trades in a row"


GUARD_TEXT: dict[str, Any] = {
    "max_loss_limit": mll_text,
    "weekly_loss_limit": _weekly("limit"),
    "weekly_profit_target": _weekly("target"),
    "consecutive_losses": streak_text,
}
