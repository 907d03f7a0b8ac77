"""Start-up self-test: a synthetic breach through every enabled rule, each alone on a throwaway engine.

The earlier attempt at this product shipped rules that silently never fired live. Here every enabled rule
must produce a violation from its own configured limits (same settings as the live daemon) before the
daemon connects; a rule that stays silent stops the start with its name (exit code 4).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from risk_manager.clock import ExchangeCalendar, SessionWindow, local_instant
from risk_manager.config import RULE_KEYS, Config
from risk_manager.daemon.selftest_harness import HARNESS_BALANCE, Harness
from risk_manager.domain.contracts import PRODUCTS
from risk_manager.domain.enums import Side

Case = Callable[[Harness, Any, Config], None]
ANCHOR = date(2026, 11, 18)  # a Wednesday: base times are built from it, never from the wall clock


@dataclass(frozen=True, slots=True)
class RuleCheck:
    rule: str
    ok: bool
    detail: str


def _points(contract_tick: float, tick_value: float, dollars: float) -> float:
    """Whole ticks, as price points, that move one contract by more than ``dollars``."""
    return (math.ceil(abs(dollars) / tick_value) + 2) * contract_tick


def _swing(h: Harness, dollars: float, up: bool, close: bool) -> None:
    c = h.contract("ES")
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)
    move = _points(c.tick_size, c.tick_value, dollars)
    h.advance(1)
    h.quote("ES", 6000.0 + move if up else 6000.0 - move)
    if close:
        h.advance(1)
        h.market("ES", Side.SELL, 1)


def _max_contracts(h: Harness, cfg: Any, _: Config) -> None:
    h.quote("ES", 6000.0)
    h.market("ES", Side.SELL if cfg.count == "short" else Side.BUY, int(cfg.limit) + 1)


def _per_instrument(h: Harness, cfg: Any, _: Config) -> None:
    root = next(iter(cfg.limits), "ES") if cfg.limits else "ES"
    limit = cfg.limit_for(root)
    h.quote(root, h.contract(root).tick_size * 4000)
    h.market(root, Side.BUY, int(limit) + 1)


def _frequency(h: Harness, cfg: Any, _: Config) -> None:
    n = min(v for v in (cfg.per_minute, cfg.per_hour, cfg.per_session) if v is not None)
    h.quote("ES", 6000.0)
    for _i in range(n):  # all at one instant: inside every window, however high the limit
        h.market("ES", Side.BUY, 1)
        h.market("ES", Side.SELL, 1)


def _grace(h: Harness, cfg: Any, _: Config) -> None:
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)
    h.advance(float(cfg.grace_period_seconds) + 1.0)


def _session(h: Harness, cfg: Any, config: Config) -> None:
    s = config.schedule
    window = SessionWindow(s.session.start, s.session.end, s.session.weekdays, s.tz,
                           ExchangeCalendar("none", tz=s.tz, holidays=list(s.holidays),
                                            early_closes=dict(s.early_closes)))
    at = _closed_instant(window, h.clock.now())
    h.move_to(at)
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)


def _closed_instant(window: SessionWindow, start: datetime) -> datetime:
    for step, count in ((timedelta(hours=1), 24 * 8), (timedelta(minutes=1), 60 * 24 * 2)):
        for i in range(1, count):
            at = start + step * i
            if not window.is_open(at):
                return at
    raise LookupError("the session never closes within a week")


def _symbol_blocks(h: Harness, cfg: Any, _: Config) -> None:
    root = next((r for r in PRODUCTS if cfg.is_blocked(r)), None)
    if root is None:  # a root the catalogue lacks: make one up that the pattern matches
        root = cfg.blocked[0].replace("*", "X").replace("?", "X")
    h.quote(root, h.contract(root).tick_size * 4000)
    h.market(root, Side.BUY, 1)


def _trade_management(h: Harness, cfg: Any, _: Config) -> None:
    c = h.contract("ES")
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)
    h.stop("ES", Side.SELL, 1, 5990.0)
    ticks = max(t for t in ((cfg.breakeven and cfg.breakeven.trigger_ticks),
                            (cfg.trailing and cfg.trailing.activation_ticks)) if t)
    h.advance(1)
    h.quote("ES", 6000.0 + (ticks + 2) * c.tick_size)


def _max_loss_limit(h: Harness, cfg: Any, _: Config) -> None:
    line = min(cfg.starting_balance, cfg.first_floor()) + cfg.buffer
    _swing(h, -max(HARNESS_BALANCE - line, 1.0), up=False, close=False)


def _losing_streak(h: Harness, cfg: Any, _: Config) -> None:
    h.quote("ES", 6000.0)
    for _i in range(int(cfg.count)):  # in at the ask, out at the bid: each round trip loses the spread
        h.market("ES", Side.BUY, 1)
        h.market("ES", Side.SELL, 1)


CASES: dict[str, Case] = {
    "max_contracts": _max_contracts,
    "max_contracts_per_instrument": _per_instrument,
    "daily_realized_loss": lambda h, cfg, _: _swing(h, cfg.limit, up=False, close=True),
    "daily_unrealized_loss": lambda h, cfg, _: _swing(h, cfg.limit, up=False, close=False),
    "max_unrealized_profit": lambda h, cfg, _: _swing(h, cfg.target, up=True, close=False),
    "trade_frequency_limit": _frequency,
    "cooldown_after_loss": lambda h, cfg, _: _swing(h, max(t.loss for t in cfg.tiers), up=False, close=True),
    "no_stop_loss_grace": _grace,
    "session_block_outside": _session,
    "auth_loss_guard": lambda h, cfg, _: h.can_trade(False),
    "symbol_blocks": _symbol_blocks,
    "trade_management": _trade_management,
    "daily_realized_profit": lambda h, cfg, _: _swing(h, cfg.target, up=True, close=True),
    "max_loss_limit": _max_loss_limit,
    "weekly_loss_limit": lambda h, cfg, _: _swing(h, cfg.limit, up=False, close=True),
    "weekly_profit_target": lambda h, cfg, _: _swing(h, cfg.target, up=True, close=True),
    "consecutive_losses": _losing_streak,
}


def isolated(config: Config, key: str) -> Config:
    """The same config with only ``key`` enabled (so no other rule pre-empts it). The exchange calendar is
    left out: it has its own tests, and loading it costs seconds the start-up cannot spare."""
    rules = config.rules
    update = {k: rules.rule(k).model_copy(update={"enabled": k == key}) for k in RULE_KEYS}
    schedule = config.schedule.model_copy(update={"calendar": "none"})
    accounts = [a.model_copy(update={"rules": None}) for a in config.accounts]
    return config.model_copy(update={"rules": rules.model_copy(update=update), "schedule": schedule,
                                     "accounts": accounts})


def base_time(config: Config) -> datetime:
    """One hour after a daily reset: a whole trading day ahead, whatever the configured reset time."""
    reset = config.schedule.daily_reset
    return local_instant(ANCHOR, reset, config.schedule.tz) + timedelta(hours=1)


def check_rule(config: Config, key: str) -> RuleCheck:
    case = CASES.get(key)
    if case is None:
        return RuleCheck(key, False, "no self-test case for this rule")
    try:
        h = Harness(isolated(config, key), base_time(config))
        case(h, config.rules.rule(key), config)
    except Exception as e:
        return RuleCheck(key, False, f"synthetic breach raised {type(e).__name__}: {e}")
    if h.violated(key):
        return RuleCheck(key, True, "violation produced")
    return RuleCheck(key, False, "stayed silent on a synthetic breach of its own limits")


def run_self_test(config: Config) -> list[RuleCheck]:
    """One check per enabled rule, in SPEC order; again for each account with rules of its own (merged)
    that differ from the top-level ones, named "rule (account NAME)"."""
    checks = [check_rule(config, key) for key in config.rules.enabled_names()]
    done = [config.rules]
    for account in config.accounts:
        if account.rules is None or account.rules in done:
            continue
        done.append(account.rules)
        own = config.model_copy(update={"rules": account.rules})
        checks += [RuleCheck(f"{c.rule} (account {account.name})", c.ok, c.detail)
                   for c in (check_rule(own, key) for key in account.rules.enabled_names())]
    return checks
