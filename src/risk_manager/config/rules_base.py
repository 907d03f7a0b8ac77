"""Base class of every rule section: `enabled` plus "required only when enabled" checks."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from risk_manager.config.values import StrictModel

# Error type for problems that belong to one field but are found by a model validator; the loader
# appends ctx["field"] to the error location so the message names the field (and its line).
FIELD_ERROR_TYPE = "rule_field"


def field_error(field: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(FIELD_ERROR_TYPE, "{field}: {reason}", {"field": field, "reason": reason})


class RuleConfig(StrictModel):
    """Settings shared by every rule. A disabled rule may leave its required values out."""

    # Fields that must be set (not None) when the rule is enabled.
    required_when_enabled: ClassVar[tuple[str, ...]] = ()

    enabled: bool = False

    @model_validator(mode="after")
    def _require_when_enabled(self) -> Self:
        if self.enabled:
            for name in self.required_when_enabled:
                if getattr(self, name) is None:
                    raise field_error(name, "field required (the rule is enabled)")
            self.check_enabled()
        return self

    def check_enabled(self) -> None:
        """Extra checks for an enabled rule; raise `field_error(...)` on a problem."""
