"""The demo's config: examples/demo.yaml (or the packaged copy), pointed at the in-process simulator.

The demo packs a tilted trading morning into ~40 seconds, so a few durations are shortened (and divided by
``--speed``) and the session window is opened around now (the demo must work on a Saturday too). Limits
and every rule's on/off stay exactly as the file says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from risk_manager.config import Config, Duration, load_config

PACKAGED = Path(__file__).with_name("demo.yaml")
IN_REPO = Path(__file__).resolve().parents[3] / "examples" / "demo.yaml"


def demo_config_path() -> Path:
    return IN_REPO if IN_REPO.is_file() else PACKAGED


def _seconds(value: float) -> Duration:
    return Duration.of_seconds(round(max(value, 0.5), 2))


def demo_config(api_url: str, user_hub_url: str, market_hub_url: str, now: datetime,
                speed: float = 1.0) -> Config:
    cfg = load_config(demo_config_path())
    gateway = cfg.gateway.model_copy(update={"api_url": api_url, "user_hub_url": user_hub_url,
                                             "market_hub_url": market_hub_url})
    s = cfg.schedule
    local = now.astimezone(s.tz)
    session = s.session.model_copy(update={
        "start": (local - timedelta(hours=2)).time().replace(second=0, microsecond=0),
        "end": (local + timedelta(hours=2)).time().replace(second=0, microsecond=0),
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]})
    schedule = s.model_copy(update={"session": session, "calendar": "none"})
    r = cfg.rules
    freq = r.trade_frequency_limit
    freq = freq.model_copy(update={
        "per_minute": 6,  # the story's 6th entry within a minute is the overtrading one
        "cooldown": freq.cooldown.model_copy(update={"per_minute": _seconds(8 / speed)})})
    loss = r.cooldown_after_loss
    tiers = [t.model_copy(update={"cooldown": _seconds((6 if i == 0 else 12) / speed)})
             for i, t in enumerate(sorted(loss.tiers, key=lambda t: -t.loss))]
    grace = r.no_stop_loss_grace.model_copy(update={"grace_period_seconds": max(0.5, 6.0 / speed)})
    rules = r.model_copy(update={"trade_frequency_limit": freq,
                                 "cooldown_after_loss": loss.model_copy(update={"tiers": tiers}),
                                 "no_stop_loss_grace": grace})
    return cfg.model_copy(update={"gateway": gateway, "schedule": schedule, "rules": rules})


def scaled_values(speed: float = 1.0) -> list[str]:
    """What the demo runs differently from examples/demo.yaml, for the line it prints first: the story
    packs a morning into ~40 seconds, so these are shortened (and the session opened around now)."""
    file = load_config(demo_config_path()).rules
    run = demo_config("http://127.0.0.1:1/api", "http://127.0.0.1:1/hubs/user",
                      "http://127.0.0.1:1/hubs/market", datetime.now(UTC), speed).rules
    f, r = file.trade_frequency_limit, run.trade_frequency_limit
    lines = [f"trade_frequency_limit: {r.per_minute} trades/min (file: {f.per_minute}), cooldown "
             f"{r.cooldown.per_minute} (file: {f.cooldown.per_minute})"]
    tiers = zip(sorted(file.cooldown_after_loss.tiers, key=lambda t: -t.loss),
                sorted(run.cooldown_after_loss.tiers, key=lambda t: -t.loss), strict=True)
    lines.append("cooldown_after_loss: " + ", ".join(
        f"loss {t.loss:g} -> {n.cooldown} (file: {t.cooldown})" for t, n in tiers))
    lines.append(f"no_stop_loss_grace: {run.no_stop_loss_grace.grace_period_seconds:g}s "
                 f"(file: {file.no_stop_loss_grace.grace_period_seconds:g}s)")
    lines.append("session: open all day, every day (file: its own window)")
    return lines
