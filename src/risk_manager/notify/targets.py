"""Where notifications go (SPEC §12): a Discord webhook and/or a Telegram bot, as plain HTTP POSTs.

A Discord webhook URL *is* a credential (its path holds the webhook token) and so is a Telegram bot token:
each target knows its secrets and scrubs them from any text before it is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from risk_manager.config.models import NotificationsConfig

log = logging.getLogger("risk_manager.notify")
TELEGRAM_API = "https://api.telegram.org"
MASK = "***"


@dataclass(frozen=True)
class Target:
    name: str  # "discord" | "telegram"
    url: str  # secret: never log it
    shown: str  # safe for logs
    body: Callable[[str], dict[str, str]]
    secrets: tuple[str, ...]

    def scrub(self, text: str) -> str:
        text = text.replace(self.url, self.shown)
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def mask_url(url: str) -> str:
    """``https://discord.com/***``: the host says which service, the path (the token) stays hidden."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/{MASK}" if parts.netloc else MASK


def discord_target(webhook: str) -> Target:
    parts = urlsplit(webhook)
    secrets = tuple(s for s in (parts.path + (f"?{parts.query}" if parts.query else ""),
                                parts.path, parts.query) if len(s) > 1)
    return Target("discord", webhook, mask_url(webhook), lambda text: {"content": text},
                  tuple(sorted(secrets, key=len, reverse=True)))  # longest first: no half-masked URL


def telegram_target(chat_id: str, token: str, base: str = TELEGRAM_API) -> Target:
    base = base.rstrip("/")
    return Target("telegram", f"{base}/bot{token}/sendMessage", f"{base}/bot{MASK}/sendMessage",
                  lambda text: {"chat_id": chat_id, "text": text}, (token,))


def build_targets(config: NotificationsConfig, env: Mapping[str, str],
                  telegram_base: str = TELEGRAM_API) -> list[Target]:
    """The configured targets. Telegram without its token in the environment is skipped loudly (the
    variable's *name* is not a secret; its value is)."""
    targets: list[Target] = []
    if config.discord_webhook:
        targets.append(discord_target(config.discord_webhook))
    tg = config.telegram
    if tg is not None:
        token = env.get(tg.bot_token_env, "").strip()
        if token:
            targets.append(telegram_target(tg.chat_id, token, telegram_base))
        else:
            log.error("Telegram notifications are configured but the environment variable %s is not set: "
                      "nothing will be sent to Telegram", tg.bot_token_env)
    return targets
