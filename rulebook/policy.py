"""The policy language's schema: what a coach writes, as pydantic models.

A policy has three kinds of entries, each keyed by an id so that layers can override,
add or disable them:

- ``derive``: derived facts (forward chaining), e.g. ``awaiting_decision``;
- ``rules``: recommendations of an action to a person, in a time window;
- ``limits``: no-pestering and stated-instruction limits that hold actions back.

Each entry matches facts with *patterns*: ``when`` binds names to facts that must all
be present; ``absent`` lists facts that must not exist; ``count`` says how many facts
may match a pattern (at least, at most). See README "Policy language".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema, field_validator, model_validator)

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
Lang = Literal["en", "de"]
Text = Annotated[str, Field(min_length=1)]


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


MAX_COUNT = 5  # the most facts a count may need: each is one more pattern on the engine


class Count(Pattern):
    """How many facts match a pattern: ``at_least`` and/or ``at_most`` (``absent`` is
    ``at_most: 0``), counting every fact, bound ones included. With ``within``, the
    count is of the most matching facts whose times all fit in a span that long."""

    at_least: int | None = Field(default=None, ge=1, le=MAX_COUNT,
                                 description=f"at least this many facts (1..{MAX_COUNT})")
    at_most: int | None = Field(default=None, ge=0, le=MAX_COUNT - 1,
                                description=f"at most this many facts (0..{MAX_COUNT - 1})")
    within: Duration | None = Field(default=None,
                                    description="count only facts this close together in time")

    @field_validator("at_least", "at_most", mode="before")
    @classmethod
    def _capped(cls, value: Any, info) -> Any:
        low, high = (1, MAX_COUNT) if info.field_name == "at_least" else (0, MAX_COUNT - 1)
        if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            raise ValueError(f"{low}..{high} only: a count reads at most "
                             f"{MAX_COUNT} facts (each is one more pattern for the engine); "
                             "count fewer, or derive a fact that stands for several")
        return value

    @model_validator(mode="after")
    def _bounds(self) -> "Count":
        if self.at_least is None and self.at_most is None:
            raise ValueError("a count needs 'at_least' or 'at_most' (or both)")
        if self.at_least is not None and self.at_most is not None \
                and self.at_least > self.at_most:
            raise ValueError(f"'at_least: {self.at_least}' is more than "
                             f"'at_most: {self.at_most}': this count can never hold")
        return self


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


class Draft(_Model):
    """A message to start from: filled from the facts like a reason; [marked blanks] stay."""

    subject: Text | None = Field(default=None, description="for email (at most 78 characters)")
    body: Text


class _Entry(_Model):
    sources: list[GuidelineId] = Field(default_factory=list)
    enabled: bool = True
    when: dict[Id, Pattern] = Field(min_length=1)
    absent: list[Pattern] = Field(default_factory=list)
    count: list[Count] = Field(default_factory=list,
                               description="patterns with how many facts may match them")

    def patterns(self) -> list[Pattern]:
        """Every pattern of the entry: ``when``, then ``absent``, then ``count``."""
        return list(self.when.values()) + list(self.absent) + list(self.count)


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
    logs: Literal["thank_you_sent", "follow_up_sent", "call", "materials_sent", "nothing"] | None = \
        Field(default=None, description="the event that doing this action records (with "
              "purpose: the action); default: the built-in actions' own, else nothing")
    reason: Text = Field(description="a template, in the policy's first language")
    draft: dict[Channel, Draft] = Field(
        default_factory=dict, description="per channel, the message to start from (never sent)")


class Limit(_Entry):
    """Hold back matching actions while the limit is in force (``until`` in the future)."""

    applies_to: Union[Literal["all"], list[Id]]
    except_: list[Id] = Field(default_factory=list, alias="except")
    same: dict[Literal["action", "to", "channel", "rule"], str] = Field(
        default_factory=dict,
        description="hold back only the recommendations whose action, person (to), channel "
                    "or rule equals a bound fact's field, e.g. {action: s.action, to: s.to}")
    until: Expr | None = Field(default=None, description="no until: in force for good")
    reason: Text = Field(description="a template, in the policy's first language")


class OfficeHours(_Model):
    days: list[Weekday] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
                                description="the working week: business days")
    start: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(default="17:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


class Holidays(_Model):
    """Public holidays (the ``holidays`` package): not business days, no office hours."""

    country: str = Field(pattern=r"^[A-Z]{2,3}$", description="ISO 3166 code, e.g. DE, US")
    subdivision: str | None = Field(default=None, description="a state or region, e.g. BY")

    @model_validator(mode="after")
    def _known(self) -> "Holidays":
        import holidays

        known = holidays.list_supported_countries()
        if self.country not in known:
            raise ValueError(f"no holiday calendar for country '{self.country}'")
        subs = known[self.country]
        if self.subdivision is not None and self.subdivision not in subs:
            raise ValueError(f"'{self.subdivision}' is not a subdivision of {self.country}"
                             f" (one of {', '.join(sorted(subs))})")
        return self


class Settings(_Model):
    channels: list[Channel] = Field(
        default_factory=lambda: ["email", "phone", "handwritten_note", "letter", "linkedin",
                                 "in_person"],
        description="channels this policy may recommend, in fallback order")
    office_hours: OfficeHours = Field(default_factory=OfficeHours)
    holidays: Holidays | None = Field(default=None, description="whose public holidays to skip")
    contact_gap: Duration = Field(
        default="3d", validate_default=True,
        description="the least time between two status contacts to one employer; "
                    "`rulebook test`'s no_pestering invariant holds the policy to it")


class RuleTexts(_Model):
    """A rule's texts in another language."""

    reason: Text | None = None
    draft: dict[Channel, Draft] = Field(default_factory=dict)


class LimitTexts(_Model):
    """A limit's reason in another language."""

    reason: Text | None = None


class Translation(_Model):
    """Every text of a policy in one more language, by entry id."""

    rules: dict[Id, RuleTexts] = Field(default_factory=dict)
    limits: dict[Id, LimitTexts] = Field(default_factory=dict)


class Policy(_Model):
    """A whole follow-up policy."""

    schema_: str | None = Field(default=None, alias="$schema")
    policy: Id = Field(description="the policy's name")
    title: str = ""
    description: str = ""
    extends: str | None = Field(default=None, description="a shipped policy's name or a path")
    languages: list[Lang] = Field(
        default_factory=lambda: ["en"], min_length=1,
        description="the languages every text of this policy has; plain strings are in the first")
    settings: Settings = Field(default_factory=Settings)
    guidelines: dict[GuidelineId, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description="this policy's own guidelines, beside the built-in G1..G24 "
                    "(`rulebook guidelines`): an id and one sentence each")
    derive: dict[Id, Derivation] = Field(default_factory=dict)
    rules: dict[Id, Rule] = Field(default_factory=dict)
    limits: dict[Id, Limit] = Field(default_factory=dict)
    texts: dict[Lang, Translation] = Field(
        default_factory=dict,
        description="the rules' and limits' texts in the policy's other languages")

    def reason(self, section: str, eid: str, lang: str) -> str:
        """A rule's or limit's reason in ``lang``, else in the policy's first language."""
        entry = getattr(self, section)[eid]
        other = getattr(self.texts.get(lang), section, {}).get(eid) \
            if lang != self.languages[0] else None
        return other.reason if other is not None and other.reason else entry.reason

    def draft(self, rid: str, channel: str, lang: str) -> "Draft | None":
        """A rule's draft for ``channel`` in ``lang``, else in the first language."""
        if lang != self.languages[0] and lang in self.texts:
            other = self.texts[lang].rules.get(rid)
            if other is not None and channel in other.draft:
                return other.draft[channel]
        return self.rules[rid].draft.get(channel)

    def active(self, section: str) -> dict[str, Any]:
        """The enabled entries of ``derive``, ``rules`` or ``limits``, in file order."""
        return {k: v for k, v in getattr(self, section).items() if v.enabled}
