"""The policy language's schema: what a coach writes, as pydantic models.

A policy has three kinds of entries, each keyed by an id so that layers can override,
add or disable them:

- ``derive``: derived facts (forward chaining), e.g. ``awaiting_decision``;
- ``rules``: recommendations of an action to a person, in a time window;
- ``limits``: no-pestering and stated-instruction limits that hold actions back.

Each entry matches facts with *patterns*: ``when`` binds names to facts that must all
be present; ``absent`` lists facts that must not exist. See README "Policy language".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema, model_validator)

from .events import Channel
from .timeexpr import (DURATION_SYNTAX, EXPR_SYNTAX, Offset, TimeExpr, parse_duration,
                       parse_time_expr)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
GuidelineId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=32)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Expr = Annotated[
    TimeExpr, BeforeValidator(lambda v: v if isinstance(v, TimeExpr) else parse_time_expr(v)),
    PlainSerializer(lambda e: e.text, return_type=str),
    WithJsonSchema({"type": "string", "description": EXPR_SYNTAX}),
]
Duration = Annotated[
    Offset, BeforeValidator(lambda v: v if isinstance(v, Offset) else parse_duration(v)),
    PlainSerializer(lambda o: f"{o.amount}{o.unit}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(m|h|d|w|bd)$",
                    "description": DURATION_SYNTAX}),
]
Scalar = Union[bool, int, str]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Condition(_Model):
    """Tests on one field; several tests in one condition must all hold.

    A plain value means ``eq``. Operands of time fields are time expressions (``now -
    14d``, ``iv``); other operands are literals. A test on a missing field is false,
    except ``exists: false``.
    """

    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1)
    gt: Scalar | None = None
    ge: Scalar | None = None
    lt: Scalar | None = None
    le: Scalar | None = None
    exists: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {"eq": value}

    def tests(self) -> list[tuple[str, Any]]:
        """The (operator, operand) pairs that are set, in a fixed order."""
        out = []
        for op in ("eq", "ne", "in_", "gt", "ge", "lt", "le", "exists"):
            value = getattr(self, op)
            if value is not None:
                out.append((op.rstrip("_"), value))
        return out


class Pattern(_Model):
    """One fact to match: its type(s) and tests on its fields."""

    fact: Union[str, list[str]] = Field(description="a fact type, or a list meaning any of them")
    where: dict[str, Condition] = Field(default_factory=dict)
    same: dict[str, str] = Field(default_factory=dict,
                                 description="field: name.field -- equal to a bound fact's field")
    after: str | None = Field(default=None, description="strictly after the named fact")
    before: str | None = Field(default=None, description="strictly before the named fact")
    since: Duration | None = Field(default=None, description="at most this long before now")

    @property
    def types(self) -> list[str]:
        return [self.fact] if isinstance(self.fact, str) else list(self.fact)


class Window(_Model):
    """When to act: from ``start``, ideally by ``due``, at the latest by ``end``."""

    start: Expr
    due: Expr
    end: Expr | None = Field(default=None, description="no end: open until done")


class ChannelChoice(_Model):
    """The employer's stated channel first (if ``stated``), then ``default``, then ``fallback``."""

    default: Channel
    stated: bool = True
    fallback: list[Channel] = Field(default_factory=list)


class _Entry(_Model):
    sources: list[GuidelineId] = Field(default_factory=list)
    enabled: bool = True
    when: dict[Id, Pattern] = Field(min_length=1)
    absent: list[Pattern] = Field(default_factory=list)


class Derivation(_Entry):
    """Derive a fact other entries can match, one per combination of matched facts."""

    fact: Id | None = Field(default=None, description="the derived fact's type; default: the id")
    at: str | None = Field(default=None, description="whose time the fact takes; default: first")
    set: dict[Id, str] = Field(default_factory=dict, description="field: name.field")


class Rule(_Entry):
    """Recommend ``action`` to ``to`` within ``window``, for every match."""

    action: Id
    sources: list[GuidelineId] = Field(min_length=1)
    priority: int = Field(default=50, description="lower sorts first among equal due times")
    to: str | None = Field(default=None, description="name.field naming the person")
    window: Window
    channel: ChannelChoice | None = None
    office_hours: bool = Field(default=False, description="keep the window inside office hours")
    reason: str = Field(min_length=1)


class Limit(_Entry):
    """Hold back matching actions while the limit is in force (``until`` in the future)."""

    applies_to: Union[Literal["all"], list[Id]]
    except_: list[Id] = Field(default_factory=list, alias="except")
    until: Expr | None = Field(default=None, description="no until: in force for good")
    reason: str = Field(min_length=1)


class OfficeHours(_Model):
    days: list[Weekday] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    start: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(default="17:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


class Settings(_Model):
    channels: list[Channel] = Field(
        default_factory=lambda: ["email", "phone", "handwritten_note", "letter", "linkedin",
                                 "in_person"],
        description="channels this policy may recommend, in fallback order")
    office_hours: OfficeHours = Field(default_factory=OfficeHours)
    contact_gap: Duration = Field(
        default="3d", validate_default=True,
        description="the least time between two status contacts to one employer; "
                    "`rulebook test`'s no_pestering invariant holds the policy to it")


class Policy(_Model):
    """A whole follow-up policy."""

    schema_: str | None = Field(default=None, alias="$schema")
    policy: Id = Field(description="the policy's name")
    title: str = ""
    description: str = ""
    extends: str | None = Field(default=None, description="a shipped policy's name or a path")
    settings: Settings = Field(default_factory=Settings)
    guidelines: dict[GuidelineId, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description="this policy's own guidelines, beside the built-in G1..G24 "
                    "(`rulebook guidelines`): an id and one sentence each")
    derive: dict[Id, Derivation] = Field(default_factory=dict)
    rules: dict[Id, Rule] = Field(default_factory=dict)
    limits: dict[Id, Limit] = Field(default_factory=dict)

    def active(self, section: str) -> dict[str, Any]:
        """The enabled entries of ``derive``, ``rules`` or ``limits``, in file order."""
        return {k: v for k, v in getattr(self, section).items() if v.enabled}
