"""Start-up self-test: a synthetic breach through every enabled rule, each alone on a throwaway engine.

The earlier attempt at this product shipped rules that silently never fired live. Here every enabled rule
must produce a violation from its own configured limits (same settings as the live daemon) before the
daemon connects; a rule that stays silent stops the start with its name (exit code 4). Each rule module
declares its own case (``SPEC.selftest``); the harness is the paper account it trades on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from risk_manager.clock import local_instant
from risk_manager.config import RULE_KEYS, Config
from risk_manager.daemon.selftest_harness import Harness
from risk_manager.rules.registry import SPECS

ANCHOR = date(2026, 11, 18)  # a Wednesday: base times are built from it, never from the wall clock


@dataclass(frozen=True, slots=True)
class RuleCheck:
    rule: str
    ok: bool
    detail: str


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
    spec = SPECS.get(key)
    if spec is None:
        return RuleCheck(key, False, "no self-test case for this rule")
    try:
        h = Harness(isolated(config, key), base_time(config))
        spec.selftest(h, config.rules.rule(key))
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
