"""One account as the trader sees it: badge, lockouts with time left, P&L against limits, positions, rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from risk_manager.config import RULE_IDS, RULE_KEYS, Config, MaxLossLimitConfig
from risk_manager.control.fmt import countdown, iso, seconds_until
from risk_manager.control.rule_text import value_text
from risk_manager.domain.state import AccountState
from risk_manager.engine.engine import Engine
from risk_manager.rules.base import RuleContext
from risk_manager.rules.max_loss_limit import MaxLossLimit
from risk_manager.store.records import ACCOUNT_SCOPE, LockoutRecord

Json = dict[str, Any]


def _end_key(rec: LockoutRecord) -> tuple[int, int, float]:
    """Sort key: account scope first, then the lockout that ends last (no timer = last of all)."""
    scope = 0 if rec.scope == ACCOUNT_SCOPE else 1
    return (scope, 0, 0.0) if rec.until is None else (scope, 1, -rec.until.timestamp())


def lockout_rows(locks: list[LockoutRecord], now: datetime, config: Config) -> list[Json]:
    tz = config.schedule.tz
    return [{
        "rule": r.rule, "id": RULE_IDS.get(r.rule), "kind": r.kind,
        "scope": "account" if r.scope == ACCOUNT_SCOPE else "symbol", "symbol": r.symbol,
        "until": iso(r.until, tz), "since": iso(r.created_at, tz), "reason": r.reason,
        "remaining_seconds": seconds_until(r.until, now),
    } for r in sorted(locks, key=_end_key)]


def _lock_tag(rule: str, locks: list[LockoutRecord], now: datetime) -> str:
    """" [COOLDOWN 28m]", " [LOCKED 2h05m]", " [BLOCKED MNQ]" or "" for the rule's own lockouts."""
    mine = sorted((r for r in locks if r.rule == rule), key=_end_key)
    if not mine:
        return ""
    last = mine[0]
    if last.scope != ACCOUNT_SCOPE:
        return f" [BLOCKED {', '.join(sorted(r.symbol or '?' for r in mine))}]"
    if last.until is None:
        return " [LOCKED until canTrade returns]" if rule == "auth_loss_guard" else " [LOCKED]"
    word = "COOLDOWN" if last.kind == "cooldown" else "LOCKED"
    return f" [{word} {countdown(seconds_until(last.until, now))}]"


def _utilization(engine: Engine, rule: str, ctx: RuleContext | None) -> float | None:
    if ctx is None:
        return None
    for r in engine.rules_of(ctx.state.name).rules:
        if r.name == rule:
            try:
                u = r.utilization(ctx)
            except Exception:  # display only: a failing figure must not hide the rest
                return None
            return None if u is None else round(u, 4)
    return None


def rule_rows(engine: Engine, config: Config, ctx: RuleContext | None, locks: list[LockoutRecord],
              now: datetime, name: str) -> list[Json]:
    """One row per rule, as configured for the account ``name`` (its own rules if it has any)."""
    warn_at = config.enforcement.warn_at
    rows = []
    for rule in RULE_KEYS:
        enabled = config.rules_for(name).rule(rule).enabled
        util = _utilization(engine, rule, ctx) if enabled else None
        locked = any(r.rule == rule for r in locks)
        if util is not None and util > 1.0 and not locked:
            util = 1.0  # already breached and its lockout served (e.g. 8/6 trades after a cooldown): at the
            #             limit, not "133 %" of a warning
        state = "locked" if locked else "warning" if util is not None and util >= warn_at else "ok"
        text = value_text(config, rule, ctx) if ctx is not None else "not monitored" if enabled else "off"
        rows.append({"rule": rule, "id": RULE_IDS[rule], "enabled": enabled, "utilization": util,
                     "state": state, "text": text + _lock_tag(rule, locks, now)})
    return rows


def badge(locks: list[LockoutRecord], rules: list[Json]) -> tuple[str, str]:
    """(badge, one-line reason): LOCKED > COOLDOWN > WARNING > OK."""
    account = sorted((r for r in locks if r.scope == ACCOUNT_SCOPE), key=_end_key)
    hard = [r for r in account if r.kind == "hard"]
    if hard:
        return "LOCKED", f"{hard[0].rule}: {hard[0].reason}"
    if account:
        return "COOLDOWN", f"{account[0].rule}: {account[0].reason}"
    warned = [r for r in rules if r["utilization"] is not None and r["state"] == "warning"]
    if warned:
        top = max(warned, key=lambda r: r["utilization"])
        return "WARNING", f"{top['rule']} at {top['utilization']:.0%}: {top['text']}"
    return "OK", ""


def _money(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def pnl_view(st: AccountState, config: Config, rules: list[Json]) -> Json:
    util = {r["rule"]: r["utilization"] for r in rules}
    rules_cfg = config.rules_for(st.name)
    loss, profit = rules_cfg.daily_realized_loss, rules_cfg.daily_realized_profit
    unrealized = st.unrealized_total()
    return {
        "realized": _money(st.realized), "unrealized": _money(unrealized),
        "total": _money(st.realized + unrealized), "fees": _money(st.fees), "basis": st.pnl_basis,
        "loss_limit": loss.limit if loss.enabled else None,
        "profit_target": profit.target if profit.enabled else None,
        "utilization": util.get("daily_realized_loss"),
        "profit_utilization": util.get("daily_realized_profit"),
        "mll": _mll(st, rules_cfg.max_loss_limit, util.get("max_loss_limit")),
    }


def _mll(st: AccountState, cfg: MaxLossLimitConfig, util: float | None) -> Json | None:
    """The MLL mirror (rule 014): floor, floor + buffer, equity and the distance to each."""
    if not cfg.enabled or st.balance == 0.0:
        return None
    return {**MaxLossLimit(cfg).figures(st), "utilization": util}


def position_rows(st: AccountState, config: Config, now: datetime) -> list[Json]:
    out = []
    for cid, p in sorted(st.positions.items()):
        if p.size == 0:
            continue
        quote = st.quotes.get(cid)
        stale = quote is None or (now - quote.at).total_seconds() > config.stale_quote_seconds
        bare = p.unprotected_since
        out.append({
            "symbol": p.root, "contract_id": cid, "side": "long" if p.size > 0 else "short",
            "size": abs(p.size), "avg_price": p.avg_price, "mark": p.mark, "unrealized": _money(p.unrealized),
            "protected": st.is_protected(cid), "stale": stale,
            "unvalued": p.contract is None,  # no contract metadata yet: no P&L, no loss rule
            "unprotected_seconds": None if bare is None else max(0, round((now - bare).total_seconds())),
        })
    return out


def account_view(engine: Engine, config: Config, name: str, st: AccountState | None, now: datetime,
                 clocked_in: bool | None) -> Json:
    """The account ``name``; ``st`` None = configured but not resolved/monitored yet (start-up)."""
    locks = engine.locks.active(name)
    ctx = None if st is None else RuleContext(now, st, session=engine.session, trading_day=engine.td)
    rules = rule_rows(engine, config, ctx, locks, now, name)
    word, reason = badge(locks, rules)
    return {
        "name": name, "id": None if st is None else st.account_id, "monitored": st is not None,
        "can_trade": None if st is None else st.can_trade, "balance": None if st is None else st.balance,
        "badge": word, "badge_reason": reason, "lockouts": lockout_rows(locks, now, config),
        "pnl": None if st is None else pnl_view(st, config, rules),
        "positions": [] if st is None else position_rows(st, config, now),
        "rules": rules, "clocked_in": clocked_in,
    }
