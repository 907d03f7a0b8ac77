"""The dashboard's one write (SPEC §7b): the trader locks himself out, after a confirmation.

A modal asks how long; nothing happens until one of the lock buttons is pressed (Escape / Cancel = none).
The lock itself goes through the control API like `risk-manager trader lock`; it can never be lifted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

# button id -> (duration, flatten)
CHOICES: dict[str, tuple[str, bool]] = {
    "lock-30m": ("30m", False),
    "lock-reset": ("until_reset", False),
    "lock-reset-flatten": ("until_reset", True),
}
Locker = Callable[[str | None, str, bool], Any]  # (account, duration, flatten) -> the daemon's answer


class LockScreen(ModalScreen[tuple[str, bool] | None]):
    """Asks for confirmation; dismisses with (duration, flatten) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    LockScreen { align: center middle; }
    LockScreen > Vertical { width: 64; height: auto; border: thick $error; padding: 1 2; background: $panel; }
    LockScreen Button { width: 100%; margin-top: 1; }
    """

    def __init__(self, account: str | None) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        who = self.account or "every account"
        with Vertical():
            yield Static(f"Lock yourself out of {who}?\nNo new positions until it ends. Nobody can "
                         "shorten or lift it, the admin included.")
            yield Button("Lock for 30 minutes", id="lock-30m", variant="warning")
            yield Button("Lock until the daily reset", id="lock-reset", variant="error")
            yield Button("Flatten now and lock until the reset", id="lock-reset-flatten", variant="error")
            yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(CHOICES.get(event.button.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
