"""Wire config into an engine: trading day, session window, calendar, rules, records."""

from __future__ import annotations

from risk_manager.clock import ExchangeCalendar, SessionWindow, TradingDay
from risk_manager.config import Config
from risk_manager.domain.contracts import ContractBook
from risk_manager.engine.engine import Engine, EngineStore
from risk_manager.engine.records import JournalWriter, RecordMaker
from risk_manager.rules.base import Rule
from risk_manager.rules.registry import build_rules


def build_calendar(config: Config) -> ExchangeCalendar:
    s = config.schedule
    return ExchangeCalendar(s.calendar, tz=s.tz, holidays=list(s.holidays), early_closes=dict(s.early_closes))


def build_engine(config: Config, journal: JournalWriter, book: ContractBook | None = None,
                 store: EngineStore | None = None) -> Engine:
    s = config.schedule
    tz = s.tz
    session = SessionWindow(s.session.start, s.session.end, s.session.weekdays, tz, build_calendar(config))
    return Engine(
        build_rules(config.rules), TradingDay(tz, s.daily_reset), session, book or ContractBook.builtin(),
        journal, RecordMaker(tz, dry_run=config.enforcement.mode == "dry_run"),
        warn_at=config.enforcement.warn_at, pnl_basis=config.pnl_basis, mark_mode=config.unrealized_mark,
        store=store, per_account=account_rules(config),
    )


def account_rules(config: Config) -> dict[str, list[Rule]]:
    """The enabled rules of each account that has its own (`accounts[].rules`, merged)."""
    return {a.name: build_rules(a.rules) for a in config.accounts if a.rules is not None}
