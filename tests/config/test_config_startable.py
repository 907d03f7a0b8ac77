"""`config validate` OK must mean `run` starts (issue 12.10): values accepted before and refused at start-up
(or silently wrong) are now refused by validation with FILE:LINE: key: reason; and a hypothesis fuzz: any
config that validates passes the start-up self-test."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfg_helpers import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from risk_manager.cli.config_cmd import config_app
from risk_manager.config import ConfigError, load_config_text
from risk_manager.daemon.selftest import run_self_test
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

runner = CliRunner()

REFUSED = [
    ("rules:\n  daily_realized_loss: {enabled: true, limit: -.inf}\n", 4, "rules.daily_realized_loss.limit"),
    ("rules:\n  daily_realized_profit: {enabled: true, target: .inf}\n", 4,
     "rules.daily_realized_profit.target"),
    ("rules:\n  no_stop_loss_grace: {enabled: true, grace_period_seconds: .inf}\n", 4,
     "rules.no_stop_loss_grace.grace_period_seconds"),
    ("rules:\n  cooldown_after_loss:\n    enabled: true\n"
     "    tiers: [{loss: -50, cooldown: 99999999999999999999h}]\n",
     6, "rules.cooldown_after_loss.tiers[0].cooldown"),
    ("rules:\n  max_contracts: {enabled: true, limit: true}\n", 4, "rules.max_contracts.limit"),
    ("rules:\n  max_contracts: {enabled: 'yes', limit: 3}\n", 4, "rules.max_contracts.enabled"),
    ("daemon: {control_port: true}\n", 3, "daemon.control_port"),
    ("gateway: {api_url: 'https://api.topstepx.com/a pi'}\n", 3, "gateway.api_url"),
    ("rules:\n  daily_unrealized_loss: {enabled: true, limit: .nan}\n", 4,
     "rules.daily_unrealized_loss.limit"),
    ("stale_quote_seconds: 1e300\n", 3, "stale_quote_seconds"),
    ("rules:\n  trade_management: {enabled: true, trailing: {activation_ticks: 4, "
     "distance_ticks: 99999999999999999999999}}\n", 4, "rules.trade_management.trailing.distance_ticks"),
]


def _validate(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    path = tmp_path / "risk_manager.yaml"
    path.write_text(text)
    result = runner.invoke(config_app, ["validate", str(path)])
    return result.exit_code, result.output, path


@pytest.mark.parametrize(("extra", "line", "key"), REFUSED)
def test_values_that_would_not_start_are_refused_with_file_line_and_key(
        tmp_path: Path, extra: str, line: int, key: str) -> None:
    code, out, path = _validate(tmp_path, MINIMAL + extra)
    assert code == 2, out
    assert f"{path}:{line}: {key}: " in out, out


def test_an_account_name_of_spaces_is_refused(tmp_path: Path) -> None:
    code, out, path = _validate(tmp_path, "accounts:\n  - name: '   '\n")
    assert code == 2 and f"{path}:2: accounts[0].name: must not be empty or only spaces" in out, out


def test_friendly_reasons_for_wrong_types() -> None:
    def reason(extra: str) -> str:
        with pytest.raises(ConfigError) as e:
            load_config_text(MINIMAL + extra, "c.yaml")
        return str(e.value)

    assert "must be a number, not true/false" in reason("rules:\n  max_contracts: {limit: true}\n")
    assert "must be true or false, not text ('yes')" in reason("rules:\n  max_contracts: {enabled: 'yes'}\n")
    assert "must be a finite number" in reason("rules:\n  daily_realized_loss: {limit: -.inf}\n")
    tiers = "rules:\n  cooldown_after_loss: {tiers: [{loss: -5, cooldown: 9999h}]}\n"
    assert "at most 8784h" in reason(tiers)


def test_quoted_and_unquoted_dates_and_integer_names_still_load() -> None:
    cfg = load_config_text("accounts: [{name: 12345}]\nschedule:\n  holidays: [2026-12-28, '2026-12-29']\n")
    assert cfg.accounts[0].name == "12345" and len(cfg.schedule.holidays) == 2


# ---- fuzz: whatever validates also starts -------------------------------------------------------------

SCALARS = st.one_of(
    st.sampled_from([".inf", "-.inf", ".nan", "true", "false", "yes", "null", "'3'", "1e308", "-1e308",
                     "99999999999999999999", "-99999999999999999999", "0", "-0.0", "1", "-1",
                     "2.5", "99999999999999999999h", "8784h", "8785h", "1s", "0s", "until_reset", "'  '"]),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.builds(lambda n, u: f"{n}{u}", st.integers(0, 10**12), st.sampled_from(["s", "m", "h"])),
)

TEMPLATES = [
    "rules:\n  max_contracts: {{enabled: true, limit: {0}, micro_weight: {1}}}\n",
    "rules:\n  max_contracts_per_instrument: {{enabled: true, limits: {{MNQ: {0}}}, default_limit: {1}}}\n",
    "rules:\n  daily_realized_loss: {{enabled: true, limit: {0}}}\n",
    "rules:\n  daily_unrealized_loss: {{enabled: true, limit: {0}}}\n",
    "rules:\n  max_unrealized_profit: {{enabled: true, target: {0}}}\n",
    "rules:\n  daily_realized_profit: {{enabled: true, target: {0}}}\n",
    "rules:\n  trade_frequency_limit: {{enabled: true, per_minute: {0}, cooldown: {{per_minute: {1}}}}}\n",
    "rules:\n  cooldown_after_loss: {{enabled: true, tiers: [{{loss: {0}, cooldown: {1}}}]}}\n",
    "rules:\n  no_stop_loss_grace: {{enabled: true, grace_period_seconds: {0}}}\n",
    "rules:\n  session_block_outside: {{enabled: true, flatten_before_end_seconds: {0}}}\n",
    "rules:\n  trade_management: {{enabled: true, breakeven: {{trigger_ticks: {0}, offset_ticks: {1}}}}}\n",
    "rules:\n  trade_management:\n    enabled: true\n"
    "    trailing: {{activation_ticks: {0}, distance_ticks: {1}}}\n",
    "stale_quote_seconds: {0}\nrules:\n  daily_unrealized_loss: {{enabled: {1}, limit: -100}}\n",
    "enforcement: {{warn_at: {0}}}\nrules:\n  daily_realized_loss: {{enabled: true, limit: {1}}}\n",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEMPLATES), SCALARS, SCALARS)
def test_every_config_that_validates_passes_the_start_up_self_test(template: str, a: str, b: str) -> None:
    text = MINIMAL + template.format(a, b)
    try:
        cfg = load_config_text(text, "fuzz.yaml")
    except ConfigError as e:
        assert all(p.line is not None and p.reason for p in e.problems), str(e)
        return
    build_engine(cfg, ListJournal())
    failed = [c for c in run_self_test(cfg) if not c.ok]
    assert failed == [], (text, failed)


def test_a_trail_wider_than_its_activation_passes_the_self_test() -> None:
    """Found by the fuzz above: activation 1, distance 43 ticks kept the trail under the harness's stop."""
    cfg = load_config_text(MINIMAL + "rules:\n  trade_management:\n    enabled: true\n"
                           "    trailing: {activation_ticks: 1, distance_ticks: 43}\n", "trail.yaml")
    assert [c for c in run_self_test(cfg) if not c.ok] == []
