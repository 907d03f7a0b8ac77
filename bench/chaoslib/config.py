"""The daemon's config for the chaos run, and the limits the checks judge by (the same numbers)."""

from __future__ import annotations

from risk_manager.config import Config, load_config_text

from .checks import Limits

ACCOUNTS = ("PRAC-1", "PRAC-2")  # PRAC-1: the random trader and the kills; PRAC-2: the fault matrix
FEES = 0.37
PRICES = {"MNQ": 21000.0, "MES": 6000.0, "NQ": 21000.0, "CL": 70.0}
LIMITS = Limits(max_contracts=6, per_instrument={"MNQ": 4, "MES": 3, "NQ": 2}, unrealized=-120.0,
                blocked=frozenset({"CL"}))

RULES = """
rules:
  max_contracts: {enabled: true, limit: 6, count: net, enforcement: reduce_to_limit}
  max_contracts_per_instrument:
    enabled: true
    limits: {MNQ: 4, MES: 3, NQ: 2}
    enforcement: reduce_to_limit
  daily_realized_loss: {enabled: true, limit: -1000000}
  daily_unrealized_loss: {enabled: true, limit: -120}
  trade_frequency_limit:
    enabled: true
    per_minute: 8
    cooldown: {per_minute: 5s}
  cooldown_after_loss:
    enabled: true
    tiers:
      - {loss: -25, cooldown: 3s}
      - {loss: -75, cooldown: 6s}
    flatten_on_breach: true
  symbol_blocks: {enabled: true, blocked: [CL]}
  auth_loss_guard: {enabled: true}
  trade_management:
    enabled: true
    breakeven: {trigger_ticks: 8, offset_ticks: 1}
"""


def config_text(base: str, control_socket: str, mode: str = "enforce") -> str:
    accounts = ", ".join(f"{{name: {a}}}" for a in ACCOUNTS)
    return f"""accounts: [{accounts}]
daemon: {{control_socket: {control_socket}}}
gateway:
  api_url: {base}/api
  user_hub_url: {base}/hubs/user
  market_hub_url: {base}/hubs/market
pnl_basis: gross
unrealized_mark: liquidation
enforcement: {{mode: {mode}}}
schedule:
  session: {{start: "00:00", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
{RULES}"""


def reference_config(base: str) -> Config:
    text = config_text(base, "/nonexistent/control.sock", "dry_run")  # the replay opens no socket
    return load_config_text(text, "<chaos reference config>")
