"""Rule sections for position-size and P&L limits (rules 001-005, 013)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from risk_manager.config.rules_base import RuleConfig, field_error
from risk_manager.config.values import Count, Loss, Profit, SymbolRoot

ContractCount = Literal["net", "gross", "long", "short"]
SizeEnforcement = Literal["reduce_to_limit", "close_position"]


class MaxContractsConfig(RuleConfig):
    """001 max_contracts: the account's contract count must stay <= limit."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: Count | None = None
    count: ContractCount = "net"
    # 0.1 counts micros as a tenth of a contract, as TopstepX does.
    micro_weight: float = Field(default=1.0, gt=0, le=1)
    enforcement: Literal["reduce_to_limit", "close_position", "close_all"] = "reduce_to_limit"
    # SPEC §7b: also count working entry orders (those that would grow a position if filled), per side;
    # a new one that would take the count past the limit is cancelled before it fills.
    count_working_orders: bool = False


class MaxContractsPerInstrumentConfig(RuleConfig):
    """002 max_contracts_per_instrument: abs(size) per symbol root <= limits[root] or default_limit."""

    limits: dict[SymbolRoot, Count] = Field(default_factory=dict)
    default_limit: Count | None = None  # None = roots not listed are unlimited
    enforcement: SizeEnforcement = "reduce_to_limit"

    def check_enabled(self) -> None:
        if not self.limits and self.default_limit is None:
            raise field_error("limits", "set limits or default_limit (the rule is enabled)")

    def limit_for(self, root: str) -> int | None:
        """The limit that applies to a symbol root; None = no limit."""
        return self.limits.get(root.upper(), self.default_limit)


class DailyRealizedLossConfig(RuleConfig):
    """003 daily_realized_loss: daily P&L <= limit (negative dollars) flattens and locks until reset."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: Loss | None = None
    include_unrealized: bool = True


class DailyUnrealizedLossConfig(RuleConfig):
    """004 daily_unrealized_loss: one position's unrealized <= limit closes that position."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: Loss | None = None


class MaxUnrealizedProfitConfig(RuleConfig):
    """005 max_unrealized_profit: one position's unrealized >= target closes that position."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("target",)

    target: Profit | None = None


class DailyRealizedProfitConfig(RuleConfig):
    """013 daily_realized_profit: daily P&L >= target flattens and locks until reset."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("target",)

    target: Profit | None = None
    include_unrealized: bool = True
