"""Rule 011 symbol_blocks: positions and working orders in a blocked root are closed / cancelled.

Patterns are shell wildcards over CME roots ("RTY", "M*"), case-insensitive. Every violation carries a
symbol-scope hard lockout that lasts while the root stays configured (until == "condition").

Only resting orders (Open, Suspended) are cancelled: a Pending order is in flight (a market order goes
Pending -> Filled and its fill is closed; a resting order always shows up as Open next), and cancelling it
too would journal the same order twice.

Never block exits: while a blocked position is open, an order that only reduces it (opposite side, size
<= the position) stays working; the position itself is being closed, and once it is flat the next event
for that contract cancels what is left.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from risk_manager.domain.contracts import PRODUCTS
from risk_manager.domain.enums import OrderStatus, Side
from risk_manager.domain.events import OrderEvent, PositionEvent
from risk_manager.domain.state import AccountState, PositionState
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.sizing import root_of
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig, field_error
from risk_manager.schema.values import RootPattern


class SymbolBlocksConfig(RuleConfig):
    """011 symbol_blocks: positions and orders in a blocked root (wildcards like M*) are closed."""

    blocked: list[RootPattern] = Field(default_factory=list)

    @field_validator("blocked")
    @classmethod
    def _dedupe(cls, blocked: list[str]) -> list[str]:
        return list(dict.fromkeys(blocked))

    def check_enabled(self) -> None:
        if not self.blocked:
            raise field_error("blocked", "must not be empty (the rule is enabled)")

    def is_blocked(self, root: str) -> bool:
        """True when a symbol root matches any blocked pattern (case-insensitive)."""
        root = root.upper()
        return any(fnmatchcase(root, pattern) for pattern in self.blocked)


def _is_exit(order: OrderEvent, pos: PositionState | None) -> bool:
    if pos is None:
        return False
    return order.side.sign != (1 if pos.size > 0 else -1) and order.size <= abs(pos.size)


class SymbolBlocks(Rule):
    name = "symbol_blocks"
    triggers: frozenset[type] = frozenset({PositionEvent, OrderEvent})

    def __init__(self, cfg: SymbolBlocksConfig) -> None:
        self.cfg = cfg
        self._patterns = [p.upper() for p in cfg.blocked]

    def pattern_for(self, root: str) -> str | None:
        """The first blocked pattern matching a root, None if the root is not blocked."""
        root = root.upper()
        return next((p for p in self._patterns if fnmatchcase(root, p)), None)

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        state = ctx.state
        if isinstance(event, PositionEvent):
            return self._contract(state, event.contract_id)
        if isinstance(event, OrderEvent):
            order = state.orders.get(event.id)  # None once it is no longer working
            return [] if order is None else self._order(state, order)
        # Anything else (a full re-evaluation): every position and every working order.
        out: list[Violation] = []
        for cid in sorted(set(state.positions) | {o.contract_id for o in state.orders.values()}):
            out.extend(self._contract(state, cid))
        return out

    def _contract(self, state: AccountState, contract_id: str) -> list[Violation]:
        root = root_of(state, contract_id)
        pattern = self.pattern_for(root)
        if pattern is None:
            return []
        out: list[Violation] = []
        if contract_id in state.positions:
            out.append(Violation(self.name, f"{root} is blocked ({pattern}): position open",
                                 action="close_position", contract_id=contract_id, lockout=_lockout(root)))
        for order in sorted(state.orders.values(), key=lambda o: o.id):
            if order.contract_id == contract_id:
                out.extend(self._order(state, order))
        return out

    def _order(self, state: AccountState, order: OrderEvent) -> list[Violation]:
        root = root_of(state, order.contract_id)
        pattern = self.pattern_for(root)
        if (pattern is None or order.status is OrderStatus.PENDING
                or _is_exit(order, state.positions.get(order.contract_id))):
            return []
        return [Violation(self.name, f"{root} is blocked ({pattern}): order {order.id} working",
                          action="cancel_order", contract_id=order.contract_id, order_id=order.id,
                          lockout=_lockout(root))]


def _lockout(root: str) -> LockoutSpec:
    return LockoutSpec("hard", "condition", symbol=root)


def _text(rule: SymbolBlocks, ctx: RuleContext, tz: ZoneInfo) -> str:
    return "blocked: " + ", ".join(rule.cfg.blocked)


def _selftest(h: SelfTestDriver, cfg: SymbolBlocksConfig) -> None:
    root = next((r for r in PRODUCTS if cfg.is_blocked(r)), None)
    if root is None:  # a root the catalogue lacks: make one up that the pattern matches
        root = cfg.blocked[0].replace("*", "X").replace("?", "X")
    h.quote(root, h.contract(root).tick_size * 4000)
    h.market(root, Side.BUY, 1)


SPEC = RuleSpec(
    key="symbol_blocks",
    id="011",
    config=SymbolBlocksConfig,
    rule=SymbolBlocks,
    text=_text,
    selftest=_selftest,
)
