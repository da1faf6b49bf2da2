"""The engine: every run of a chunk stepped at once, as arrays with a leading run axis.

One :class:`Engine` holds ``R`` runs of one scenario: the same events and
structure, each run with its own seed and, in a design, its own parameter
values (:meth:`model.tables.Tables.assign`). Every array of the world state has
the run axis first — alignment ``[R, state, domain, power]``, capacities
``[R, power]``, corridor flows ``[R, route]``, cohesion ``[R]`` — and every
submodel steps all runs with the same array operations, so a quarter of 500
runs costs a few hundred numpy calls rather than a few hundred thousand.

:class:`~multivector.mesa_model.MultivectorModel` is this engine at ``R = 1`` behind Mesa's
agents; there is one implementation of the dynamics.

A run's results depend only on its scenario, its parameter values and its
seed: its random numbers come from its own generators, drawn for the whole
horizon at set-up (:class:`RunStreams`), and no operation mixes runs. The same
seed gives bitwise the same outcomes whatever chunk it runs in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from multivector.model.calendar import QUARTERS_PER_YEAR, quarter_ordinal, quarter_range
from multivector.model.corridors import CorridorNetwork
from multivector.model.decision_rules import DecisionContext, RuleTerms, hold_losses, revealed_ties, rule_terms
from multivector.model.domestic import DomesticDynamics
from multivector.model.events import TimelineEvent
from multivector.model.institutions import FormatArena
from multivector.model.outcomes import DERIVED, OUTCOMES, Recorder, Structure, derive
from multivector.model.params import BLOCS, DOMAINS, Scenario
from multivector.model.powers import PowerStrategies, influence
from multivector.model.sanctions import REFERENCE_VOLUME, SanctionsRegime
from multivector.model.simplex import DIVISION_FLOOR, normalise, project_to_simplex
from multivector.model.tables import Tables

SECURITY, ECONOMY, DIPLOMACY = (DOMAINS.index(d) for d in ("security", "economy", "diplomacy"))

TRADE_ALIGNMENT_ELASTICITY = 0.5
"""Assumption: trade with a power scales with (economic alignment / 2021 alignment)^0.5."""

SENTIMENT_WEIGHT = 0.5
"""Assumption: a fully warm (+1) or hostile (−1) public raises or lowers the value of a power's offers by half (SU23-15, DE22-36)."""

Seed = int | np.random.Generator
"""A run's seed, or a generator to spawn its streams from."""

INTENDED_NAN: dict[str, str] = {
    "trade_index": "where the state's 2021 trade with the power is 0 (there is no level to index against)",
}
"""Outcomes that are NaN by definition somewhere, and where; every other recorded value must be finite."""


class NonFiniteOutcomeError(FloatingPointError):
    """A recorded outcome came out NaN or infinite where the model defines a number: the run is refused.

    ``str(error)`` is one line naming the scenario, the run (its position among
    the runs stepped together), the quarter, the outcome and its element.

    Attributes:
        scenario: The scenario's name.
        run: Index of the run among the engine's runs (0 when it runs alone).
        quarter: The quarter label.
        outcome: The outcome's name (``model.outcomes.OUTCOMES``).
        element: Its element, e.g. ``state=KAZ, power=RUS`` (empty for a scalar).
        value: The value recorded (``nan``, ``inf`` or ``-inf``).
    """

    def __init__(self, scenario: str, run: int, quarter: str, outcome: str, element: str, value: float) -> None:
        self.scenario, self.run, self.quarter = scenario, run, quarter
        self.outcome, self.element, self.value = outcome, element, value
        where = f"{outcome}[{element}]" if element else outcome
        super().__init__(f"scenario '{scenario}', run {run}, {quarter}: outcome {where} is {value}, not a finite number; "
                         "the run is refused (the scenario's values take the model outside what it handles, or the "
                         "model has a fault)")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.scenario, self.run, self.quarter, self.outcome, self.element, self.value))


class RunStreams:
    """Each run's random numbers for the whole horizon, from its own generators.

    A run's generator spawns one child per source of randomness — alignment
    noise, domestic shocks (growth, unrest), format upgrades, designations — so
    a scenario with one more format draws the same alignment noise and unrest
    draws as its reference on the same seed; upgrade numbers are drawn format
    by format, so a format appended to the list leaves every other format's
    draws as they were; and
    because every number is drawn per run at set-up, a run's draws do not
    depend on the runs it shares a chunk with.

    Args:
        seeds: One seed (or generator) per run.
        steps: Quarters in the horizon.
        shape: Sizes ``(states, domains, powers, formats)``.

    Attributes:
        alignment: ``[R, step, state, domain, power]`` standard normals.
        growth: ``[R, step, state]`` standard normals.
        unrest_hit, unrest_severity: ``[R, step, state]`` uniforms.
        formats: ``[R, step, format]`` uniforms.
        designations: ``[R, step, state]`` uniforms.
    """

    def __init__(self, seeds: Sequence[Seed], steps: int, shape: tuple[int, int, int, int]) -> None:
        states, domains, powers, formats = shape
        draws: dict[str, list[np.ndarray]] = {k: [] for k in ("alignment", "growth", "unrest_hit", "unrest_severity",
                                                              "formats", "designations")}
        for seed in seeds:
            generator = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
            noise, domestic, upgrades, listings = generator.spawn(4)
            draws["alignment"].append(noise.standard_normal((steps, states, domains, powers)))
            draws["growth"].append(domestic.standard_normal((steps, states)))
            draws["unrest_hit"].append(domestic.random((steps, states)))
            draws["unrest_severity"].append(domestic.random((steps, states)))
            draws["formats"].append(upgrades.random((formats, steps)).T)  # format by format: an appended format leaves the others' draws
            draws["designations"].append(listings.random((steps, states)))
        for name, arrays in draws.items():
            setattr(self, name, np.stack(arrays))


class Engine:
    """``R`` runs of one scenario, stepped together one quarter at a time.

    Args:
        scenario: The resolved scenario.
        seeds: One seed (or generator) per run.
        values: Key path → ``[R]`` values: each run's own value of a design factor.

    Attributes:
        params: The scenario.
        tables: The live parameters, one row per run.
        runs: ``R``.
        quarters: Quarter labels of the horizon.
        t: Index of the next quarter to simulate.
        alignment: ``[R, state, domain, power]`` alignment now.
        alignment_2021: The 2021 alignment.
        ties: ``[R, state, domain, power]`` value of existing ties revealed by the 2021 alignment.
        outcomes: Outcome name → ``[R, step, …]``; NaN for steps not yet run.
    """

    def __init__(self, scenario: Scenario, seeds: Sequence[Seed],
                 values: Mapping[tuple[str, ...], np.ndarray] | None = None) -> None:
        self.params = scenario
        self.runs = len(seeds)
        self.tables = Tables(scenario, self.runs)
        for path, column in (values or {}).items():
            self.tables.assign(path, column)
        self.quarters = quarter_range(scenario.start, scenario.end)
        self.first_quarter = quarter_ordinal(scenario.start)
        self.t = 0
        self.state_codes, self.power_codes = scenario.state_codes, scenario.power_codes
        self._static_arrays()
        self.streams = RunStreams(seeds, len(self.quarters),
                                  (len(self.state_codes), len(DOMAINS), len(self.power_codes), len(scenario.formats)))
        self.alignment_2021 = initial_alignment(self.tables)
        self.alignment = self.alignment_2021.copy()
        self.strategies = PowerStrategies(self.tables, self.gdp_weight, self.alignment)
        self.sanctions = SanctionsRegime(self.tables)
        self.corridors = CorridorNetwork(self.tables)
        self.arena = FormatArena(self.tables, self.first_quarter)
        self.domestic = DomesticDynamics(self.tables, self.protection())
        self.events_by_step = self._schedule(scenario.timeline)
        self.partnerships: list[tuple[int, np.ndarray]] = []
        shape = (self.runs, len(self.state_codes))
        self.unrest_now = np.zeros(shape)
        self.interventions_now = np.zeros((self.runs, len(self.power_codes)))
        self.trade_level = self.base_trade.copy()
        self.trade_intensity = self.previous_intensity = self.base_trade.sum(axis=-1)
        self.reexport_bn = np.zeros(shape)
        self._reveal_ties()
        self.recorder = Recorder(self.runs, len(self.quarters), self._sizes())

    # ------------------------------------------------------------------ set-up

    def _static_arrays(self) -> None:
        sc, tables = self.params, self.tables
        bloc_options = tables.powers.options["bloc"]
        self.bloc_of = np.array([BLOCS.index(bloc_options[int(code)]) for code in tables.powers.bloc[0]])
        self.senders = np.array([c in sc.sanctions.senders for c in self.power_codes])
        self.target = self.power_codes.index(sc.sanctions.target)
        self.russia = self.power_codes.index("RUS") if "RUS" in self.power_codes else self.target
        gdp = tables.states.gdp_bn
        self.gdp_weight = gdp / gdp.sum(axis=-1, keepdims=True)
        self.base_trade = tables.states.trade_shares * tables.states.trade_bn[..., None]
        total = self.base_trade.sum(axis=-1)
        self.target_share_2021 = np.divide(self.base_trade[..., self.target], total, out=np.zeros_like(total), where=total > 0)

    def _schedule(self, timeline: tuple[TimelineEvent, ...]) -> dict[int, list[TimelineEvent]]:
        schedule: dict[int, list[TimelineEvent]] = {}
        for event in timeline:
            schedule.setdefault(quarter_ordinal(event.at) - self.first_quarter, []).append(event)
        return schedule

    def _sizes(self) -> dict[str, int]:
        return {
            "state": len(self.state_codes), "power": len(self.power_codes), "domain": len(DOMAINS),
            "bloc": len(BLOCS), "corridor": len(self.corridors.ids),
        }

    def _reveal_ties(self) -> None:
        """Set the value of existing ties so that the 2021 alignment is every rule's choice under 2021 conditions."""
        self.arena.remember_2021(self.alignment[:, :, DIPLOMACY])
        self.arena.step(self.first_quarter, None, self.alignment[:, :, DIPLOMACY])
        self.effort_2021 = self.strategies.effort.copy()
        self.ties = np.zeros_like(self.alignment)
        value, threat = self.net_value(), self.threat()
        self.pressure_now, self.leverage_now = self.pressure(), self.leverage()
        self.terms = self.rule_terms(self.pressure_now, self.leverage_now)
        self.ties = revealed_ties(self.terms, value, threat[:, None, None, :], self.alignment)

    # -------------------------------------------------------------- the step

    @property
    def years(self) -> float:
        """Years since the start of the horizon at the quarter being simulated."""
        return self.t / QUARTERS_PER_YEAR

    @property
    def finished(self) -> bool:
        """Whether every quarter of the horizon has been simulated."""
        return self.t >= len(self.quarters)

    def step(self, after_decide: Callable[[], None] | None = None) -> None:
        """Simulate one quarter in every run: events, powers, sanctions, corridors, formats, decisions, trade, domestic, record.

        Args:
            after_decide: Called once the states have chosen, before trade and
                domestic dynamics (a seminar player overrides a state's choice there).
        """
        if self.finished:
            return
        self.unrest_now = np.zeros_like(self.unrest_now)
        self.interventions_now = np.zeros_like(self.interventions_now)
        self.partnerships = [(until, boost) for until, boost in self.partnerships if until > self.t]
        self.sanctions.new_quarter()
        for event in self.events_by_step.get(self.t, []):
            event.apply(self)
        if self.t > 0:
            self.strategies.follow_trend()
        self.strategies.respond(self.alignment)
        western = self.alignment[:, :, DIPLOMACY][..., self.senders].sum(axis=-1)
        designated = self.sanctions.step(self.streams.designations[:, self.t], western, self.reexport_bn)
        self.corridors.step(self.t, self.sanctions.intensity, self.sanctions.enforcement)
        self.arena.step(quarter_ordinal(self.quarters[self.t]), self.streams.formats[:, self.t], self.alignment[:, :, DIPLOMACY])
        self._states_decide()
        if after_decide is not None:
            after_decide()
        self._trade_step()
        self._domestic_step(designated)
        self._record()
        self.t += 1

    def run(self) -> dict[str, np.ndarray]:
        """Step to the end of the horizon and return the outcome arrays ``[R, step, …]``."""
        while not self.finished:
            self.step()
        return self.outcomes

    @property
    def outcomes(self) -> dict[str, np.ndarray]:
        """Outcome name → array ``[R, step, …]`` (see ``model.outcomes.OUTCOMES``)."""
        return self.recorder.data

    # ------------------------------------------------- what events act through

    def impose_sanctions(self, intensity: float) -> None:
        """Raise sanctions on the target to at least ``intensity`` (an event's verb, :class:`model.events.EventWorld`)."""
        self.sanctions.apply_package(intensity)

    def raise_enforcement(self, level: float, stage: str) -> None:
        """Step secondary-sanctions enforcement up to at least ``level`` and ``stage``."""
        self.sanctions.apply_enforcement(level, stage)

    def ease_enforcement(self, level: float, stage: str) -> None:
        """Lower secondary-sanctions enforcement to at most ``level`` and ``stage``."""
        self.sanctions.ease_enforcement(level, stage)

    def designate_firms(self, state: str, firms: float) -> None:
        """Designate ``firms`` firms of ``state`` under secondary sanctions."""
        self.sanctions.designate(self.state_codes.index(state), firms)

    def strike_unrest(self, state: str, severity: float) -> None:
        """Unrest of ``severity`` in ``state`` in every run."""
        hit = np.zeros_like(self.unrest_now, dtype=bool)
        hit[:, self.state_codes.index(state)] = True
        self._unrest(hit, np.full(hit.shape, float(severity)))

    def security_shock(self, states: tuple[str, ...], threat: float) -> None:
        """A loss of regime security ``threat`` for ``states``, scaled by their Afghan exposure."""
        self.domestic.security_shock(np.array([c in states for c in self.state_codes]), threat)

    def shock_capacity(self, power: str, factor: float) -> None:
        """Multiply ``power``'s regional capacity by ``factor``."""
        self.strategies.shock(self.power_codes.index(power), factor)

    def invest_in_corridor(self, corridor: str, capacity: float, lag: int) -> None:
        """Add ``capacity`` (Mt/yr) to ``corridor``, usable after ``lag`` quarters."""
        self.corridors.invest(self.corridors.ids.index(corridor), capacity, self.t + lag)

    def upgrade_partnership(self, state: str, power: str, domain: str, boost: float, quarters: int) -> None:
        """Add ``boost`` to ``power``'s offer to ``state`` in ``domain`` for ``quarters`` quarters."""
        extra = np.zeros(self.alignment.shape[1:])
        extra[self.state_codes.index(state), DOMAINS.index(domain), self.power_codes.index(power)] = boost
        self.partnerships.append((self.t + quarters, extra))

    def set_parameter(self, path: tuple[str, ...], value: Any) -> None:
        """Set the scalar parameter at key ``path`` to ``value`` in every run."""
        self.tables.set(path, value)

    def scale_parameter(self, path: tuple[str, ...], factor: float) -> None:
        """Multiply the real parameter at key ``path`` by ``factor`` in every run."""
        self.tables.scale(path, factor)

    def _unrest(self, hit: np.ndarray, severity: np.ndarray) -> None:
        """Unrest where ``hit`` ``[R, state]``: regime damage, and the security partner called in where it is severe."""
        intervention = self.tables.powers.intervention
        provider = self.domestic.unrest(hit, severity, self.alignment[:, :, SECURITY], intervention)
        self.unrest_now = self.unrest_now + hit
        calls = provider >= 0
        if calls.any():
            toward = (np.arange(len(self.power_codes)) == provider[..., None]) & calls[..., None]
            self.interventions_now = self.interventions_now + toward.sum(axis=-2)
            self._intervene(calls, toward)

    def _intervene(self, calls: np.ndarray, toward: np.ndarray) -> None:
        """Shift security alignment toward the intervening power and re-anchor the ties there (ZE23-14).

        The intervention changes what the state's security ties are worth: the
        shift is added to the revealed ties, so it lasts instead of relaxing back.
        """
        boost = self.tables.domestic.intervention_boost[:, None, None]
        before = self.alignment[:, :, SECURITY].copy()
        after = np.where(calls[..., None], (1 - boost) * before + boost * toward, before)
        self.alignment[:, :, SECURITY] = after
        scale = 2.0 * self.terms.aversion[..., SECURITY] / np.asarray(self.terms.value_weight)
        self.ties[:, :, SECURITY] += scale[..., None] * (after - before)

    # ------------------------------------------------------------- the states

    def reception(self) -> np.ndarray:
        """``[R, state, power]``: how each state values a unit of each power's offers.

        Warm publics raise it, hostile ones lower it (SU23-15, DE22-36); values
        conditionality lowers it for sovereignty-sensitive states (CH25-45, CH25-46):
        ``(1 + w_s · sentiment) / (1 + sovereignty · conditionality)``.
        """
        states, powers = self.tables.states, self.tables.powers
        warmth = 1.0 + SENTIMENT_WEIGHT * states.sentiment
        return warmth / (1.0 + states.sovereignty_sensitivity[..., None] * powers.conditionality[:, None, :])

    def standing(self) -> np.ndarray:
        """``[R, domain, power]`` standing priority π now: its level plus its trend, in [0, 1], in the named domains (SU23-06)."""
        powers = self.tables.powers
        level = np.clip(powers.standing + powers.standing_trend * self.years, 0.0, 1.0)
        return powers.standing_domains.T[None] * level[:, None, :]

    def hold(self, target: np.ndarray) -> np.ndarray:
        """Targets after the standing priority holds part of each power's losses (``model.decision_rules.hold_losses``)."""
        return hold_losses(target, self.alignment_2021, self.standing()[:, None, :, :])

    def net_value(self) -> np.ndarray:
        """``[R, state, domain, power]`` net value of leaning on each power this quarter (utility units).

        Offers (the powers' allocated effort, sponsors' gains from formats,
        corridor sponsorship, partnership upgrades), valued by each state's reception;
        plus regime protection in security; minus the expected secondary-sanctions
        cost of economic alignment with the target.
        """
        tables = self.tables
        offers = self.strategies.offers() + self.arena.sponsor_gain()
        offers[:, :, ECONOMY] += tables.transport.sponsor_influence[:, None, None] * self.corridors.sponsor_presence()
        for _, boost in self.partnerships:
            offers = offers + boost
        value = self.reception()[:, :, None, :] * offers
        insecurity = 1 - self.domestic.regime_security
        protection = tables.behaviour.regime_weight[:, None, None] * insecurity[..., None] * tables.powers.regime_support[:, None, :]
        value[:, :, SECURITY] += protection
        value[:, :, ECONOMY, self.target] -= self.sanctions.expected_cost()
        return value

    def threat(self) -> np.ndarray:
        """``[R, power]`` threat: proximity × effort relative to the largest 2021 effort."""
        largest = np.maximum(self.effort_2021.max(axis=-1, keepdims=True), 1e-12)
        return self.tables.powers.proximity * self.strategies.effort / largest

    def pressure(self) -> np.ndarray:
        """``[R, state]`` pressure to choose sides (SU23-04).

        ``pressure_weight · (s · r_i / r̄⁰ + e · V_i / V_ref) / 2``: the war's demands
        weigh on a state in proportion to its trade with the target (``r_i``,
        re-exports included, relative to the 2021 mean ``r̄⁰``), enforcement in
        proportion to its re-exports ``V_i`` (US$ bn/yr) relative to the volume at
        which designations run at their full rate (``model.sanctions.REFERENCE_VOLUME``).
        """
        s = self.sanctions
        total = self.trade_level.sum(axis=-1)
        ties = np.divide(self.trade_level[..., self.target], total, out=np.zeros_like(total), where=total > 0)
        reference = self.target_share_2021.mean(axis=-1, keepdims=True)
        trade_term = np.divide(ties, reference, out=np.zeros_like(ties), where=reference > 0)
        exposure_term = self.reexport_bn / REFERENCE_VOLUME
        weight = self.tables.behaviour.pressure_weight[:, None]
        return weight * (s.intensity[:, None] * trade_term + s.enforcement[:, None] * exposure_term) / 2

    def leverage(self) -> np.ndarray:
        """``[R, state, domain]`` leverage ℓ from formats and cohesion (YA24-01, ZE23-24)."""
        return self.arena.leverage(self.domestic.cohesion)

    def rule_terms(self, pressure: np.ndarray, leverage: np.ndarray) -> RuleTerms:
        """Each state's utility coefficients under its decision rule, ``[R, state]``, given the pressure and leverage on it."""
        states, behaviour = self.tables.states, self.tables.behaviour
        context = DecisionContext(states.dependence_aversion, pressure, states.pressure_sensitivity, leverage,
                                  np.broadcast_to(behaviour.threat_weight[:, None], pressure.shape))
        return rule_terms(states.decision_rule, states.options["decision_rule"], context)

    def targets(self) -> np.ndarray:
        """``[R, state, domain, power]`` the alignment each state's rule chooses this quarter, after the standing priority's hold."""
        value, threat = self.net_value(), self.threat()
        self.pressure_now, self.leverage_now = self.pressure(), self.leverage()
        self.terms = self.rule_terms(self.pressure_now, self.leverage_now)
        return self.hold(self.terms.target(value, self.ties, threat[:, None, None, :]))

    def utility(self, alignment: np.ndarray | None = None) -> np.ndarray:
        """``[R, state]`` each state's utility of an alignment (its current one by default) under its own rule."""
        alignment = self.alignment if alignment is None else alignment
        return self.terms.utility(alignment, self.net_value(), self.ties, self.threat()[:, None, None, :])

    def _states_decide(self) -> None:
        """Each state closes part of the gap to its rule's target, with noise, on the simplex."""
        target = self.targets()
        rate = self.tables.states.adjustment_rate[..., None, None]
        jitter = self.tables.behaviour.noise[:, None, None, None] * self.streams.alignment[:, self.t]
        self.alignment = project_to_simplex(self.alignment + rate * (target - self.alignment) + jitter)

    # ---------------------------------------------------------- trade, domestic

    def _trade_step(self) -> None:
        """Trade by partner: 2021 structure × GDP × alignment, plus sanctions effects (SU23-18, SU23-21)."""
        tilt = (self.alignment[:, :, ECONOMY] / self.alignment_2021[:, :, ECONOMY]) ** TRADE_ALIGNMENT_ELASTICITY
        gdp = self.domestic.gdp_index
        trade = self.base_trade * gdp[..., None] * tilt
        s = self.sanctions
        openness = self.tables.states.circumvention_openness
        trade[..., self.target] *= 1 + (self.tables.sanctions.diversion * s.intensity)[:, None] * openness
        reexport = s.circumvention * trade[..., self.target]
        self.reexport_bn = reexport
        trade[..., self.target] += reexport
        west = self.base_trade[..., self.senders]
        trade[..., self.senders] += reexport[..., None] * west / np.maximum(west.sum(axis=-1, keepdims=True), DIVISION_FLOOR)
        self.trade_level = trade
        self.previous_intensity, self.trade_intensity = self.trade_intensity, trade.sum(axis=-1) / gdp

    def _domestic_step(self, designated: np.ndarray) -> None:
        before = self.previous_intensity
        trade_change = np.divide(self.trade_intensity, before, out=np.ones_like(before), where=before > 0) - 1
        self.domestic.grow(self.streams.growth[:, self.t], trade_change, self.strategies.capacity,
                           self.corridors.transit_gain(), designated)
        hits, severity = self.domestic.draw_unrest(self.streams.unrest_hit[:, self.t], self.streams.unrest_severity[:, self.t])
        if hits.any():
            self._unrest(hits, severity)
        self.domestic.update_regime_security(self.protection())
        self.domestic.update_cohesion(self.arena.c5_attendance(), self.alignment[:, :, DIPLOMACY])

    def protection(self) -> np.ndarray:
        """``[R, state]`` security ties to powers that protect incumbents: security alignment · regime support."""
        return (self.alignment[:, :, SECURITY] * self.tables.powers.regime_support[:, None, :]).sum(axis=-1)

    # ------------------------------------------------------------- recording

    @cached_property
    def outcome_structure(self) -> Structure:
        """What the derived outcomes need of the scenario (``model.outcomes.DERIVED``)."""
        return Structure(tuple(int(b) for b in self.bloc_of), self.russia, self.target, tuple(bool(s) for s in self.senders))

    def _record(self) -> None:
        """Record this quarter's outcomes, refusing any NaN or infinite value the model does not intend.

        Raises:
            NonFiniteOutcomeError: Naming the first non-finite outcome (in :data:`OUTCOMES` order),
                run and quarter. Values NaN by definition (:data:`INTENDED_NAN`) are kept.
        """
        a = self.alignment
        traded = self.base_trade > 0
        base = np.maximum(self.base_trade, DIVISION_FLOOR)
        s = self.sanctions
        stored = {
            "alignment": a,
            "influence": influence(a, self.gdp_weight),
            "capacity": self.strategies.capacity,
            "commitment": self.strategies.commitment,
            "threat": self.threat(),
            "trade": self.trade_level,
            "trade_index": np.where(traded, self.trade_level / base, np.nan),
            "circumvention": self.reexport_bn,
            "designations": s.designations,
            "secondary_cost": s.expected_cost(),
            "pressure": self.pressure_now,
            "bank_compliance": s.bank_compliance,
            "formal_adherence": s.adherence.astype(float),
            "sanctions_intensity": s.intensity,
            "enforcement": s.enforcement,
            "enforcement_stage": s.stage.astype(float),
            "corridor_share": self.corridors.shares,
            "corridor_flow": self.corridors.flow,
            "corridor_capacity": self.corridors.capacity,
            "formats_active": np.full(self.runs, float(self.arena.active.sum())),
            "summit_formats": self.arena.summit_count.astype(float),
            "fragmentation": self.arena.fragmentation(),
            "leverage": 1.0 + self.leverage_now,
            "cohesion": self.domestic.cohesion,
            "regime_security": self.domestic.regime_security,
            "unrest": self.unrest_now,
            "unrest_risk": self.domestic.unrest_risk,
            "interventions": self.interventions_now,
            "growth": self.domestic.growth,
            "gdp_index": self.domestic.gdp_index,
            "foreign_bases": (a[:, :, SECURITY] >= self.tables.behaviour.basing_threshold[:, None, None]).sum(axis=-2).astype(float),
        }
        recorded = {**stored, **derive(tuple(DERIVED), stored, self.outcome_structure)}
        for name, values in recorded.items():  # one check per outcome and quarter: cheap next to the step
            if not np.isfinite(values).all():
                self._refuse_non_finite(name, values, traded)
        self.recorder.write(self.t, recorded)

    def _refuse_non_finite(self, name: str, values: np.ndarray, traded: np.ndarray) -> None:
        """Raise :class:`NonFiniteOutcomeError` for the first unintended non-finite value of an outcome."""
        bad = ~np.isfinite(values)
        if name == "trade_index":
            bad &= traded  # NaN by definition where there was no 2021 trade
        if not bad.any():
            return
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        labels = {"state": self.state_codes, "power": self.power_codes, "domain": DOMAINS, "bloc": BLOCS,
                  "corridor": self.corridors.ids}
        dims = OUTCOMES[name].dims
        element = ", ".join(f"{dim}={labels[dim][i]}" for dim, i in zip(dims, index[1:], strict=True))
        raise NonFiniteOutcomeError(self.params.name, index[0], self.quarters[self.t], name, element,
                                    float(values[index]))


def initial_alignment(tables: Tables) -> np.ndarray:
    """``[R, state, domain, power]`` the 2021 alignment the states' ties imply.

    Economy: the mean of trade and investment shares. Security and diplomacy:
    the scenario's ties. Unassigned weight is spread evenly, then each row is
    normalised, so every power starts with a small presence.
    """
    states = tables.states

    def row(shares: np.ndarray) -> np.ndarray:
        rest = np.maximum(0.0, 1.0 - shares.sum(axis=-1, keepdims=True))
        return normalise(shares + rest / shares.shape[-1])

    economy = (states.trade_shares + states.investment_shares) / 2
    rows = {"security": states.security_ties, "economy": economy, "diplomacy": states.diplomatic_ties}
    return np.stack([row(rows[d]) for d in DOMAINS], axis=-2)
