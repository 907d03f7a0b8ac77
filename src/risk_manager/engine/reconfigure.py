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
from risk_manager.engine.lockouts import Blocked
from risk_manager.rules.registry import build_rules
from risk_manager.rules.symbol_blocks import SymbolBlocksConfig


def symbol_blocked(config: Config) -> Blocked:
    """(account, symbol root) -> that root is blocked for the account by ``config`` (its symbol blocks)."""
    def blocked(account: str, root: str) -> bool:
        blocks: SymbolBlocksConfig = config.rules_for(account).symbol_blocks
        return blocks.enabled and blocks.is_blocked(root)
    return blocked


def reconfigure(engine: Engine, config: Config, now: datetime) -> None:
    s = config.schedule
    engine.set_rules(build_rules(config.rules), account_rules(config))
    engine.warnings.warn_at = config.enforcement.warn_at
    engine.make.dry_run = config.enforcement.mode == "dry_run"
    engine.make.tz = s.tz
    blocked = symbol_blocked(config)
    for st in engine.states.values():
        engine.locks.release_symbol_blocks(st.name, blocked, now)
    session = SessionWindow(s.session.start, s.session.end, s.session.weekdays, s.tz, build_calendar(config))
    engine.reschedule(TradingDay(s.tz, s.daily_reset), session, config.pnl_basis, config.unrealized_mark, now)
