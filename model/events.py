"""Timeline events: one class per kind of dated shock, with its payload, its checks and its effect.

A scenario's ``timeline`` lists dated events (``at: 2022Q1``, ``type: unrest``, then
the payload). Each class below declares its payload as typed fields whose
metadata is a :class:`~model.specs.Spec`; the scenario loader validates the YAML
against them (errors name file, line and key path) and builds the event. At the
start of its quarter the engine calls :meth:`TimelineEvent.apply`, which acts
through one of the engine's verbs (:class:`EventWorld`).

A :class:`ParameterChange` (``type: parameter``) changes any scalar parameter
from its quarter on, by key path: ``{type: parameter, path: sanctions.secondary_cost,
set: 1.0}`` or ``{..., path: powers.RUS.capacity_growth, scale: 0.5}`` (exactly
one of ``set`` and ``scale``). The loader checks that the path names a field that
may change mid-run (``model.tables.settable``) and the new value against the
field's bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Protocol

from multivector.model.specs import DOMAINS, Spec, spec, specs_of

STAGES: tuple[str, ...] = ("outreach", "visits", "designations")
"""Escalation stages of secondary-sanctions enforcement, in order (CH25-26)."""


class EventWorld(Protocol):
    """The verbs through which events act on a simulation (implemented by :class:`model.engine.Engine`).

    Codes name entries of the scenario (``KAZ``, ``RUS``, a corridor's ID); every
    verb acts on all runs at once, from the current quarter on.
    """

    def impose_sanctions(self, intensity: float) -> None:
        """Raise sanctions on the target to at least ``intensity`` (0–1)."""

    def raise_enforcement(self, level: float, stage: str) -> None:
        """Step secondary-sanctions enforcement up to at least ``level`` and ``stage``."""

    def ease_enforcement(self, level: float, stage: str) -> None:
        """Lower secondary-sanctions enforcement to at most ``level`` and ``stage``."""

    def designate_firms(self, state: str, firms: float) -> None:
        """Designate ``firms`` firms of ``state`` under secondary sanctions."""

    def strike_unrest(self, state: str, severity: float) -> None:
        """Unrest of ``severity`` (0–1) in ``state``."""

    def security_shock(self, states: tuple[str, ...], threat: float) -> None:
        """A loss of regime security ``threat`` (0–1) for ``states``, scaled by their Afghan exposure."""

    def shock_capacity(self, power: str, factor: float) -> None:
        """Multiply ``power``'s regional capacity by ``factor``."""

    def invest_in_corridor(self, corridor: str, capacity: float, lag: int) -> None:
        """Add ``capacity`` (Mt/yr) to ``corridor``, usable after ``lag`` quarters."""

    def upgrade_partnership(self, state: str, power: str, domain: str, boost: float, quarters: int) -> None:
        """Add ``boost`` to ``power``'s offer to ``state`` in ``domain`` for ``quarters`` quarters."""

    def set_parameter(self, path: tuple[str, ...], value: Any) -> None:
        """Set the scalar parameter at key ``path`` to ``value``."""

    def scale_parameter(self, path: tuple[str, ...], factor: float) -> None:
        """Multiply the real parameter at key ``path`` by ``factor``."""


@dataclass(frozen=True, kw_only=True)
class TimelineEvent:
    """A dated event: its ID in the timeline, its quarter and the claims it encodes.

    Subclasses add their payload as fields declared with :func:`~model.specs.spec`
    and implement :meth:`apply`.
    """

    type: ClassVar[str]
    """The event's ``type`` in a scenario file."""

    id: str
    at: str
    claims: tuple[str, ...] = ()

    @classmethod
    def payload_specs(cls) -> dict[str, Spec]:
        """Payload key → specification, in declaration order (what a scenario's event may give besides ``at``)."""
        return specs_of(cls)

    @property
    def payload(self) -> dict[str, Any]:
        """The payload's values by key (fields left unset, such as a parameter change's unused ``scale``, omitted)."""
        given = {f.name: getattr(self, f.name) for f in fields(self) if "spec" in f.metadata}
        return {key: value for key, value in given.items() if value is not None}

    def apply(self, world: EventWorld) -> None:
        """Act on the simulation at the start of the event's quarter."""
        raise NotImplementedError(f"{type(self).__name__} does not define its effect")


@dataclass(frozen=True, kw_only=True)
class SanctionsPackage(TimelineEvent):
    """A package of sanctions on the target (Russia): the intensity rises to at least the package's."""

    type: ClassVar[str] = "sanctions_package"
    intensity: float = spec(kind="real", low=0, high=1, doc="Sanctions intensity on Russia after the package (0 none, 1 full)")

    def apply(self, world: EventWorld) -> None:
        """Raise the sanctions intensity."""
        world.impose_sanctions(self.intensity)


@dataclass(frozen=True, kw_only=True)
class EnforcementStep(TimelineEvent):
    """Secondary-sanctions enforcement steps up a stage (CH25-26: outreach, then visits, then designations)."""

    type: ClassVar[str] = "enforcement_step"
    level: float = spec(kind="real", low=0, high=1, doc="Secondary-sanctions enforcement level reached (at least)")
    stage: str = spec(kind="choice", options=STAGES, doc="Escalation stage (CH25-26)")

    def apply(self, world: EventWorld) -> None:
        """Raise enforcement to the step's level and stage."""
        world.raise_enforcement(self.level, self.stage)


@dataclass(frozen=True, kw_only=True)
class EaseEnforcement(TimelineEvent):
    """Secondary-sanctions enforcement eases to a lower level and stage."""

    type: ClassVar[str] = "ease_enforcement"
    level: float = spec(kind="real", low=0, high=1, doc="Secondary-sanctions enforcement level lowered to (at most)")
    stage: str = spec(kind="choice", options=("none", *STAGES), doc="Escalation stage lowered to (at most)")

    def apply(self, world: EventWorld) -> None:
        """Lower enforcement to the event's level and stage."""
        world.ease_enforcement(self.level, self.stage)


@dataclass(frozen=True, kw_only=True)
class Designation(TimelineEvent):
    """Firms of one state designated under secondary sanctions."""

    type: ClassVar[str] = "designation"
    state: str = spec(kind="choice", doc="State whose firms are designated")
    firms: float = spec(kind="real", low=0, high=1000, doc="Number of firms designated")

    def apply(self, world: EventWorld) -> None:
        """Designate the firms."""
        world.designate_firms(self.state, self.firms)


@dataclass(frozen=True, kw_only=True)
class Unrest(TimelineEvent):
    """Unrest in one state: regime damage, and its security partner called in where it is severe."""

    type: ClassVar[str] = "unrest"
    state: str = spec(kind="choice", doc="State hit by unrest")
    severity: float = spec(kind="real", low=0, high=1, doc="Severity (1 = regime-threatening)")

    def apply(self, world: EventWorld) -> None:
        """Strike the unrest."""
        world.strike_unrest(self.state, self.severity)


@dataclass(frozen=True, kw_only=True)
class SecurityShock(TimelineEvent):
    """A regional security shock (such as Afghanistan in 2021) felt by the exposed states."""

    type: ClassVar[str] = "security_shock"
    states: tuple[str, ...] = spec(kind="states", doc="States exposed")
    threat: float = spec(kind="real", low=0, high=1, doc="Loss of regime security, scaled by each state's Afghan exposure")

    def apply(self, world: EventWorld) -> None:
        """Lower the exposed states' regime security."""
        world.security_shock(self.states, self.threat)


@dataclass(frozen=True, kw_only=True)
class CapacityShock(TimelineEvent):
    """A power's capacity in the region changes by a factor (a war, a windfall)."""

    type: ClassVar[str] = "capacity_shock"
    power: str = spec(kind="choice", doc="Power whose regional capacity changes")
    factor: float = spec(kind="real", low=0, high=5, doc="Multiplier on that capacity from this quarter on")

    def apply(self, world: EventWorld) -> None:
        """Scale the power's capacity."""
        world.shock_capacity(self.power, self.factor)


@dataclass(frozen=True, kw_only=True)
class CorridorInvestment(TimelineEvent):
    """Capacity added to a transport route, usable after a construction lag."""

    type: ClassVar[str] = "corridor_investment"
    corridor: str = spec(kind="choice", doc="Route receiving the investment")
    capacity: float = spec(kind="real", unit="Mt/yr", low=0, high=500, doc="Capacity added")
    lag: int = spec(kind="integer", unit="quarters", low=0, high=40, doc="Quarters until the capacity is usable")

    def apply(self, world: EventWorld) -> None:
        """Schedule the capacity."""
        world.invest_in_corridor(self.corridor, self.capacity, self.lag)


@dataclass(frozen=True, kw_only=True)
class Partnership(TimelineEvent):
    """A time-limited upgrade of one power's offer to one state in one domain (a strategic partnership, a summit deal)."""

    type: ClassVar[str] = "partnership"
    state: str = spec(kind="choice", doc="Central Asian state")
    power: str = spec(kind="choice", doc="External power")
    domain: str = spec(kind="choice", options=DOMAINS, doc="Domain of the upgrade")
    boost: float = spec(kind="real", low=0, high=2, doc="Extra offer value in that domain")
    quarters: int = spec(kind="integer", low=1, high=40, doc="How long the extra offer lasts")

    def apply(self, world: EventWorld) -> None:
        """Add the extra offer."""
        world.upgrade_partnership(self.state, self.power, self.domain, self.boost, self.quarters)


@dataclass(frozen=True, kw_only=True)
class ParameterChange(TimelineEvent):
    """Any scalar parameter set to a new value, or scaled, from the event's quarter on.

    Raises:
        ValueError: If not exactly one of ``set`` and ``scale`` is given.
    """

    type: ClassVar[str] = "parameter"
    path: str = spec(kind="text", doc="Key path of the parameter (sanctions.secondary_cost, powers.RUS.capacity_growth)")
    set: float | int | bool | str | None = spec(None, kind="real", optional=True,
                                                doc="The parameter's new value (checked against the parameter's own specification)")
    scale: float | None = spec(None, kind="real", low=0, high=100, optional=True,
                               doc="Factor applied to the parameter's current value (real parameters only)")

    def __post_init__(self) -> None:
        """Refuse a change that gives both or neither of ``set`` and ``scale``."""
        if (self.set is None) == (self.scale is None):
            raise ValueError(f"parameter event {self.id}: give exactly one of set and scale")

    @property
    def key_path(self) -> tuple[str, ...]:
        """The parameter's key path as parts: ``("powers", "RUS", "capacity_growth")``."""
        return tuple(self.path.split("."))

    def apply(self, world: EventWorld) -> None:
        """Set or scale the parameter."""
        if self.set is not None:
            world.set_parameter(self.key_path, self.set)
        elif self.scale is not None:
            world.scale_parameter(self.key_path, self.scale)


EVENT_TYPES: dict[str, type[TimelineEvent]] = {
    cls.type: cls for cls in (SanctionsPackage, EnforcementStep, EaseEnforcement, Designation, Unrest, SecurityShock,
                              CapacityShock, CorridorInvestment, Partnership, ParameterChange)
}
"""An event's ``type`` in a scenario file → its class."""

PARAMETER_CHANGES: tuple[str, ...] = ("set", "scale")
"""The two ways a ``parameter`` event changes its parameter; an event gives exactly one."""

REFERENCE_KINDS: dict[str, str] = {
    "state": "states",
    "power": "powers",
    "corridor": "corridors",
}
"""Payload keys whose ``choice`` value must name an entry of a scenario collection."""
