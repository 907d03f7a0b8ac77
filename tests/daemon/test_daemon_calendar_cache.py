"""The calendar cache: the same answers as the exchange calendar, and a restart that needs no pandas."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from daemon_helpers import config

from risk_manager.clock import ExchangeCalendar
from risk_manager.config import Config
from risk_manager.daemon.calendar_cache import CachedCalendar, install
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

CME = """
  auth_loss_guard: {enabled: true}
""".replace("calendar: none", "")


def cme_config() -> Config:
    cfg = config(CME)
    schedule = cfg.schedule.model_copy(update={"calendar": "cme_equity",
                                               "holidays": [date(2026, 3, 3)]})
    return cfg.model_copy(update={"schedule": schedule})


def test_answers_match_the_exchange_calendar_and_survive_a_restart(tmp_path: Path) -> None:
    cfg = cme_config()
    path = tmp_path / "calendar-cache.json"
    first = CachedCalendar(cfg, path)
    first.warm(2026)
    truth = ExchangeCalendar("cme_equity", tz=cfg.schedule.tz, holidays=[date(2026, 3, 3)])
    for d in (date(2026, 12, 25), date(2026, 11, 26), date(2026, 3, 3), date(2026, 11, 27), date(2026, 7, 6)):
        assert first.is_holiday(d) == truth.is_holiday(d)
        assert first.early_close_utc(d) == truth.early_close_utc(d)
    assert first.early_close_utc(date(2026, 11, 27)) is not None  # the day after Thanksgiving closes early
    second = CachedCalendar(cfg, path)
    assert 2026 in second._cached  # loaded from disk, nothing recomputed
    assert second.is_holiday(date(2026, 12, 25))


def test_a_changed_config_does_not_reuse_the_cache(tmp_path: Path) -> None:
    cfg = cme_config()
    path = tmp_path / "calendar-cache.json"
    CachedCalendar(cfg, path).warm(2026)
    other = cfg.model_copy(update={"schedule": cfg.schedule.model_copy(update={"holidays": []})})
    assert CachedCalendar(other, path)._cached == {}
    path.write_text("{not json")
    assert CachedCalendar(cfg, path)._cached == {}
    assert json.loads(json.dumps({"ok": True}))


def test_install_replaces_the_session_calendar_only_for_an_exchange_calendar(tmp_path: Path) -> None:
    engine = build_engine(cme_config(), ListJournal())
    cal = install(engine, cme_config(), tmp_path)
    assert cal is not None and engine.session.calendar is cal  # type: ignore[union-attr]
    plain = config(CME)
    assert install(build_engine(plain, ListJournal()), plain, tmp_path) is None
