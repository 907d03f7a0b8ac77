"""Notifications (SPEC §12): Discord and Telegram, plain HTTP, de-duplicated, off the enforcement path."""

from risk_manager.notify.messages import describe
from risk_manager.notify.notifier import Notifier

__all__ = ["Notifier", "describe"]
