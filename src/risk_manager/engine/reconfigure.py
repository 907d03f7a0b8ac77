"""Apply a validated config to a running engine (a reload that needs no restart).

Rules, warn_at, enforcement mode, P&L basis, mark and schedule change at once. Active lockouts are never
shortened; the one exception is a symbol block whose root is no longer blocked (its only end condition is
"while configured"), which is lifted and journaled as an unlock.
"""

from __future__ import annotations

from datetime import datetime

from risk_manager.clock import SessionWindow, TradingDay
from risk_manager.config import Config
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import account_rules, build_calendar
from risk_manager.rules.base import RuleContext
from risk_manager.rules.registry import build_rules


def reconfigure(engine: Engine, config: Config, now: datetime) -> None:
    s = config.schedule
    engine.set_rules(build_rules(config.rules), account_rules(config))
    engine.warnings.warn_at = config.enforcement.warn_at
    engine.make.dry_run = config.enforcement.mode == "dry_run"
    engine.make.tz = s.tz
    engine.pnl_basis, engine.mark_mode = config.pnl_basis, config.unrealized_mark
    engine.td = TradingDay(s.tz, s.daily_reset)
    engine.session = SessionWindow(s.session.start, s.session.end, s.session.weekdays, s.tz,
                                   build_calendar(config))
    engine.deadlines.set("reset", engine.td.next_reset(now), ("reset",))
    for st in engine.states.values():
        blocks = config.rules_for(st.name).symbol_blocks
        st.pnl_basis, st.mark_mode = config.pnl_basis, config.unrealized_mark
        for rec in engine.locks.active(st.name):
            root = rec.symbol
            if rec.rule == "symbol_blocks" and root and not (blocks.enabled and blocks.is_blocked(root)):
                engine._unlock(st.name, rec.rule, rec.scope, now)
        engine._arm_rule_deadlines(st, RuleContext(now, st, session=engine.session, trading_day=engine.td))
