"""How a workflow is declared: states, steps (transitions), parties, guards, inputs, effects.

A `Workflow` is plain data you can read in one screen (see `definitions/`). From it we build
one `transitions.Machine` per workflow (never one per object): the machine validates the
source state, sets the state and runs the step's effects as its `after` callbacks. Guards
are evaluated by the engine before the machine runs, so that a refusal carries a code and a
reason instead of the bare `False` a failing `transitions` condition gives.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from transitions import Machine

from .errors import WorkflowError
from .i18n import N_, Msg
from .timeutil import parse_instant

if TYPE_CHECKING:
    import sqlalchemy.orm as so

    from models import User


class Party(StrEnum):
    """Who may fire a step, as a relation between the actor and the object."""

    ADMIN = "admin"          # a user with the administrator role
    OWNER = "owner"          # an applicant of the submission's own organisation
    EVALUATOR = "evaluator"  # an evaluator assigned to the submission, declared not conflicted
    SYSTEM = "system"        # the clock: the scheduler's sweep (actor None)


@dataclasses.dataclass
class Context:
    """What guards and effects see while one step is being taken."""

    session: so.Session
    obj: Any
    actor: User | None
    now: dt.datetime
    step: Step
    comment: str = ""
    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Set by effects that record submitted content; goes into the audit row.
    content_sha256: str | None = None
    # Set while `engine.available_triggers` goes through a list of objects: guards that read
    # rows of their own load them for the whole list through it. None for one object.
    listing: Listing | None = None

    def of_object(self, name: str, load: Callable[[list[Any]], dict[int, Any]]) -> Any:
        """What a guard reads from the database about this object: `load(objs)` returns
        {object id: value}. While a list is evaluated, `load` runs once for the listed
        objects in the same state (`Listing.each`); otherwise for this object alone."""
        if self.listing is None:
            return load([self.obj]).get(self.obj.id)
        return self.listing.each(name, self.obj, load)

    def once(self, name: str, key: Any, load: Callable[[], Any]) -> Any:
        """`load()`; while a list is evaluated, once per `key` (e.g. a call id) for all."""
        if self.listing is None:
            return load()
        return self.listing.once(name, key, load)


class Listing:
    """The objects of one `available_triggers` call, so that a guard needing rows from the
    database runs one query for the list instead of one per object (no N+1 on list pages).

    `each()` gives a value per object: the first object that asks loads it for every listed
    object in the same workflow and state (those are the ones the same guard will ask about),
    the others are answered from memory. `once()` keeps one value per key (e.g. a call's
    settings). What is remembered lives as long as the listing: one request, never stale.
    """

    def __init__(self, objs: Sequence[Any]) -> None:
        self._objs = objs
        self._by_key: dict[tuple[str, str, str], list[Any]] | None = None  # when first asked
        self._memo: dict[str, dict[Any, Any]] = {}

    def _peers(self, obj: Any) -> list[Any]:
        if self._by_key is None:
            self._by_key = {}
            for listed in self._objs:
                self._by_key.setdefault(self._key(listed), []).append(listed)
        return self._by_key.get(self._key(obj), [])

    @staticmethod
    def _key(obj: Any) -> tuple[str, str, str]:
        return obj.object_type, obj.kind, obj.state

    def each(self, name: str, obj: Any, load: Callable[[list[Any]], dict[int, Any]]) -> Any:
        """`load(objs)` → {object id: value}; an id it leaves out has the value None."""
        memo = self._memo.setdefault(name, {})
        if (obj.object_type, obj.id) not in memo:
            # Peers share the object's type, so their ids do not collide within one load.
            batch = [p for p in self._peers(obj) if (p.object_type, p.id) not in memo]
            if obj not in batch:
                batch.append(obj)
            found = load(batch)
            for peer in batch:
                memo[peer.object_type, peer.id] = found.get(peer.id)
        return memo[obj.object_type, obj.id]

    def once(self, name: str, key: Any, load: Callable[[], Any]) -> Any:
        memo = self._memo.setdefault(name, {})
        if key not in memo:
            memo[key] = load()
        return memo[key]


Guard = Callable[[Context], WorkflowError | None]
Effect = Callable[[Context], None]


@dataclasses.dataclass(frozen=True)
class Input:
    """A value a step needs from the actor, e.g. the granted amount of an approval."""

    name: str
    parse: Callable[[Any, Context], Any]
    label: Msg


@dataclasses.dataclass(frozen=True)
class Step:
    trigger: str
    source: tuple[str, ...]
    dest: str
    by: frozenset[Party]
    label: Msg
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    inputs: tuple[Input, ...] = ()
    needs_comment: bool = False
    # Time-driven: the name of the object's instant attribute at which the system fires it.
    at: str | None = None
    # The letters the step sends (a receipt, a decision): written into the outbox after the
    # audit row, in the same transaction, so that they quote what the history says.
    mails: tuple[Effect, ...] = ()


def step(trigger: str, source: str | Sequence[str], dest: str, *, by: Sequence[Party],
         label: str, guards: Sequence[Guard] = (), effects: Sequence[Effect] = (),
         inputs: Sequence[Input] = (), needs_comment: bool = False, at: str | None = None,
         mails: Sequence[Effect] = ()) -> Step:
    sources = (source,) if isinstance(source, str) else tuple(source)
    return Step(trigger, tuple(str(s) for s in sources), str(dest), frozenset(by), Msg(label),
                tuple(guards), tuple(effects), tuple(inputs), needs_comment, at, tuple(mails))


class Workflow:
    """One process: its states with labels and its steps, and the machine built from them."""

    def __init__(self, name: str, *, model: str, kind: str, states: type[StrEnum],
                 labels: dict[str, Msg], initial: str, steps: Sequence[Step],
                 description: Msg) -> None:
        self.name = name
        self.model = model      # "call" or "submission"
        self.kind = kind        # "esr" or "jotpa"
        self.states = [s.value for s in states]
        self.labels = labels
        self.initial = str(initial)
        self.steps = list(steps)
        self.description = description
        missing = set(self.states) - set(labels)
        if missing:
            raise ValueError(f"{name}: states without a label: {sorted(missing)}")
        self._by_state: dict[str, list[Step]] = {s: [] for s in self.states}
        self._index: dict[tuple[str, str], Step] = {}
        for st in self.steps:
            for source in st.source:
                if (st.trigger, source) in self._index:
                    raise ValueError(f"{name}: two steps for {st.trigger} from {source}")
                self._index[st.trigger, source] = st
                self._by_state[source].append(st)
        self.triggers = sorted({st.trigger for st in self.steps})
        self.machine = Machine(
            model=None, states=self.states, initial=self.initial, auto_transitions=False,
            send_event=True, model_attribute="state", name=name,
            transitions=[{"trigger": st.trigger, "source": list(st.source), "dest": st.dest,
                          "after": [_effect_callback(e) for e in st.effects]}
                         for st in self.steps])

    def step_for(self, trigger: str, state: str) -> Step | None:
        return self._index.get((trigger, state))

    def steps_from(self, state: str) -> list[Step]:
        return self._by_state.get(state, [])

    def timed_steps(self) -> list[Step]:
        return [st for st in self.steps if st.at]

    def apply(self, obj: Any, ctx: Context) -> None:
        """Let the machine move the object and run the step's effects."""
        self.machine.events[ctx.step.trigger].trigger(obj, ctx=ctx)


def _effect_callback(effect: Effect) -> Callable[[Any], None]:
    def callback(event_data: Any) -> None:
        effect(event_data.kwargs["ctx"])
    callback.__name__ = effect.__name__
    return callback


# Input parsers -------------------------------------------------------------------------------

def positive_amount(value: Any, ctx: Context) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise WorkflowError("invalid_input", N_("Enter a positive amount in euros."))
    return amount.quantize(Decimal("0.01"))


def future_instant(value: Any, ctx: Context) -> dt.datetime:
    try:
        instant = value if isinstance(value, dt.datetime) else parse_instant(str(value))
    except (ValueError, OverflowError):  # OverflowError: an offset pushing past year 1 or 9999
        raise WorkflowError("invalid_input", N_("Enter a date and time, e.g. 2024-06-03T16:15.")) from None
    if instant.tzinfo is None:
        raise WorkflowError("invalid_input", N_("Enter a date and time, e.g. 2024-06-03T16:15."))
    if instant <= ctx.now:
        raise WorkflowError("invalid_input", N_("The due date must be in the future."))
    return instant
