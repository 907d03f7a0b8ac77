"""Base class of every rule section (`enabled` plus "required only when enabled" checks) and of the whole
`rules:` mapping, whose fields the rule registry (``risk_manager.rules.registry``) supplies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from risk_manager.schema.values import StrictModel

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


def drop_null_sections(data: Any, known: Iterable[str]) -> Any:
    """`section:` with nothing under it (YAML null) means "all defaults", not an error.

    Unknown keys are kept so that a misspelt empty section is still reported.
    """
    if isinstance(data, dict):
        names = set(known)
        return {key: value for key, value in data.items() if value is not None or key not in names}
    return data


class RuleSections(StrictModel):
    """Every rule's settings, one field per rule key in SPEC order; a section left out of the file is the
    rule's defaults (disabled). The registry builds the concrete model (``RulesConfig``) from this base."""

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        return drop_null_sections(data, cls.model_fields)

    def rule(self, name: str) -> RuleConfig:
        """The settings of one rule by key; KeyError for an unknown key."""
        if name not in type(self).model_fields:
            raise KeyError(name)
        value: RuleConfig = getattr(self, name)
        return value

    def items(self) -> list[tuple[str, RuleConfig]]:
        """(key, settings) for every rule, in SPEC order."""
        return [(name, self.rule(name)) for name in type(self).model_fields]

    def enabled_names(self) -> list[str]:
        """Keys of the enabled rules, in SPEC order."""
        return [name for name, rule in self.items() if rule.enabled]

    if TYPE_CHECKING:  # the fields are made by the registry: `rules.max_contracts` reads as a section
        def __getattr__(self, name: str) -> Any: ...
