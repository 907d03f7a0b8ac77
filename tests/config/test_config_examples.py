"""The shipped example configs: they validate, round-trip, cover every key, and the demo trips."""

from __future__ import annotations

import pytest
from cfg_helpers import EXAMPLES

from risk_manager.config import Config, load_config


@pytest.mark.parametrize("name", ["risk_manager.yaml", "demo.yaml"])
def test_example_files_validate_and_round_trip(name: str) -> None:
    config = load_config(EXAMPLES / name)
    dumped = config.model_dump(mode="json")
    assert Config.model_validate(dumped) == config
    assert Config.model_json_schema()["title"] == "Config"


def test_example_covers_every_rule_and_section() -> None:
    text = (EXAMPLES / "risk_manager.yaml").read_text()
    config = load_config(EXAMPLES / "risk_manager.yaml")
    for rule in type(config.rules).model_fields:
        assert f"\n  {rule}:" in text, rule
    for section in Config.model_fields:
        assert f"\n{section}:" in text, section


def test_demo_config_values() -> None:
    config = load_config(EXAMPLES / "demo.yaml")
    rules = config.rules
    assert config.accounts[0].name == "PRAC-1"
    assert config.gateway.api_url == "http://127.0.0.1:8765/api"
    assert config.gateway.user_hub_url == "http://127.0.0.1:8765/hubs/user"
    assert config.gateway.market_hub_url == "http://127.0.0.1:8765/hubs/market"
    assert rules.max_contracts.limit == 4
    assert rules.max_contracts_per_instrument.limit_for("MNQ") == 3
    assert (rules.daily_realized_loss.limit, rules.daily_realized_loss.include_unrealized) == (-300, True)
    assert rules.daily_unrealized_loss.limit == -150
    assert rules.trade_frequency_limit.per_minute == 3
    assert [(t.loss, t.cooldown.seconds) for t in rules.cooldown_after_loss.tiers] == [(-50, 60), (-100, 180)]
    assert rules.no_stop_loss_grace.grace_period_seconds == 10
    assert rules.symbol_blocks.is_blocked("CL")
    assert rules.trade_management.breakeven is not None
    assert config.schedule.session.overnight and config.schedule.calendar == "cme_equity"
    assert len(rules.enabled_names()) >= 10
