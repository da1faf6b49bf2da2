"""The Multivector model: Central Asian states balancing among external powers."""

from __future__ import annotations

from typing import Any, NamedTuple

import mesa
import numpy as np

from model.agents import CentralAsianState, ExternalPower
from model.calendar import quarter_ordinal, quarter_range
from model.corridors import CorridorNetwork
from model.decision_rules import DecisionContext, RuleTerms, get_rule, hold_losses, revealed_ties
from model.domestic import DomesticDynamics
from model.institutions import FormatArena
from model.outcomes import Recorder, summarise
from model.params import BLOCS, DOMAINS, Event, Scenario
from model.powers import PowerStrategies, influence
from model.sanctions import REFERENCE_VOLUME, SanctionsRegime
from model.simplex import hedging_index, project_to_simplex
from model.tables import Tables

SECURITY, ECONOMY, DIPLOMACY = (DOMAINS.index(d) for d in ("security", "economy", "diplomacy"))

TRADE_ALIGNMENT_ELASTICITY = 0.5
"""Assumption: trade with a power scales with (economic alignment / 2021 alignment)^0.5."""

SENTIMENT_WEIGHT = 0.5
"""Assumption: a fully warm (+1) or hostile (−1) public raises or lowers the value of a power's offers by half (SU23-15, DE22-36)."""


class RandomStreams(NamedTuple):
    """One generator per source of randomness, spawned from the run's generator.

    Keeping them apart keeps runs paired across scenarios: a scenario with one
    more format draws one more upgrade number, but the same alignment noise,
    growth shocks and unrest draws as its reference on the same seed.
    """

    alignment: np.random.Generator
    domestic: np.random.Generator
    formats: np.random.Generator
    designations: np.random.Generator


def _resolve(scenario: Scenario | str | None, overrides: dict[str, Any]) -> Scenario:
    """The scenario to run: as given, or read by the scenario package (which owns YAML)."""
    if isinstance(scenario, Scenario) and not overrides:
        return scenario
    from scenarios import load_scenario

    if isinstance(scenario, Scenario):
        raise TypeError("keyword overrides need a scenario name or path, not a resolved Scenario")
    return load_scenario(scenario or "baseline", overrides=overrides)


class MultivectorModel(mesa.Model):
    """Five Central Asian states pursuing multi-vector balancing among external powers.

    One step is one quarter on the calendar (``2021Q1`` …). Each step fires the
    scenario's dated events, lets the powers set their effort and allocate it,
    runs the sanctions, corridor and institutional submodels, lets each state
    move its per-domain alignment by its decision rule, runs trade and domestic
    dynamics and records every outcome (see ``model.outcomes.OUTCOMES``). The
    2021 alignment is the decision rules' own choice under 2021 conditions
    (``model.decision_rules.revealed_ties``), so every movement has a cause.

    Args:
        scenario: A resolved :class:`~model.params.Scenario`, a library name
            (``"baseline"``) or a path to a YAML file; ``None`` is the baseline.
        rng: Seed or generator for all randomness (Mesa's ``rng``; the model's
            streams are spawned from it, see :class:`RandomStreams`).
        collect: Also feed Mesa's :class:`~mesa.DataCollector` each step (for
            Mesa tools); outcome arrays are recorded either way.
        **overrides: Scenario values to replace, by key path with ``__`` for
            dots (``states__KAZ__dependence_aversion=2.0``), validated like file input.

    Attributes:
        params: The resolved scenario (named so as not to shadow Mesa 3.5's own ``Model.scenario``).
        tables: The live parameter values (``model.tables``); dated parameter events change them.
        quarters: Quarter labels of the horizon.
        t: Index of the next quarter to simulate.
        alignment: ``[state, domain, power]`` alignment now (the agents' views read it).
        alignment_2021: The 2021 alignment.
        ties: ``[state, domain, power]`` value of existing ties revealed by the 2021 alignment.
        outcomes: Outcome name → array ``(steps, …)``; NaN for steps not yet run.
    """

    def __init__(
        self,
        scenario: Scenario | str | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        collect: bool = True,
        **overrides: Any,
    ) -> None:
        """Build agents and submodels from the scenario and reveal the 2021 ties."""
        super().__init__(rng=rng)
        self.streams = RandomStreams(*self.rng.spawn(len(RandomStreams._fields)))
        self.params = _resolve(scenario, overrides)
        sc = self.params
        self.tables = Tables(sc)
        self.quarters = quarter_range(sc.start, sc.end)
        self.first_quarter = quarter_ordinal(sc.start)
        self.t = 0
        self.state_codes, self.power_codes = sc.state_codes, sc.power_codes
        self.states = [CentralAsianState(self, i, c, p) for i, (c, p) in enumerate(sc.states.items())]
        self.powers = [ExternalPower(self, i, c, p) for i, (c, p) in enumerate(sc.powers.items())]
        self.alignment_2021 = np.stack([s.alignment_2021 for s in self.states])
        self.alignment = self.alignment_2021.copy()
        self._build_static_arrays()
        self.strategies = PowerStrategies(self.tables, self.gdp_weight, self.alignment)
        self.sanctions = SanctionsRegime(self.tables)
        self.corridors = CorridorNetwork(self.tables)
        self.arena = FormatArena(self.tables, self.first_quarter)
        self.domestic = DomesticDynamics(self.tables, self.streams.domestic, self.protection())
        self.events_by_step = self._schedule(sc.timeline)
        self.partnerships: list[tuple[int, np.ndarray]] = []
        self.unrest_now = np.zeros(len(self.states))
        self.interventions_now = np.zeros(len(self.powers))
        self.trade_level = self.base_trade.copy()
        self.trade_intensity = self.previous_intensity = self.base_trade.sum(axis=1)
        self.reexport_bn = np.zeros(len(self.states))
        self._reveal_ties()
        self.recorder = Recorder(len(self.quarters), self._sizes())
        self.datacollector = _make_datacollector() if collect else None

    # ------------------------------------------------------------------ set-up

    def _build_static_arrays(self) -> None:
        sc, tables = self.params, self.tables
        self.bloc_of = np.array([BLOCS.index(b) for b in tables.powers.bloc])
        self.senders = np.array([c in sc.sanctions.senders for c in self.power_codes])
        self.target = self.power_codes.index(sc.sanctions.target)
        self.russia = self.power_codes.index("RUS") if "RUS" in self.power_codes else self.target
        gdp = tables.states.gdp_bn
        self.gdp_weight = gdp / gdp.sum()
        shares = tables.states.trade_shares
        self.base_trade = shares * tables.states.trade_bn[:, None]
        total = self.base_trade.sum(axis=1)
        self.target_share_2021 = np.where(total > 0, self.base_trade[:, self.target] / np.maximum(total, 1e-12), 0.0)

    def _schedule(self, timeline: tuple[Event, ...]) -> dict[int, list[Event]]:
        schedule: dict[int, list[Event]] = {}
        for event in timeline:
            schedule.setdefault(quarter_ordinal(event.at) - self.first_quarter, []).append(event)
        return schedule

    def _sizes(self) -> dict[str, int]:
        return {
            "state": len(self.states), "power": len(self.powers), "domain": len(DOMAINS),
            "bloc": len(BLOCS), "corridor": len(self.corridors.ids),
        }

    def _reveal_ties(self) -> None:
        """Set the value of existing ties so that the 2021 alignment is every rule's choice under 2021 conditions."""
        self.arena.remember_2021(self.alignment[:, DIPLOMACY])
        self.arena.step(self.first_quarter, None, self.alignment[:, DIPLOMACY])
        self.effort_2021 = self.strategies.effort.copy()
        self.ties = np.zeros_like(self.alignment)
        value, threat = self.net_value(), self.threat()
        self.pressure_now, self.leverage_now = self.pressure(), self.leverage()
        self.terms = self.rule_terms(self.pressure_now, self.leverage_now)
        for i, terms in enumerate(self.terms):
            self.ties[i] = revealed_ties(terms, value[i], threat, self.alignment[i])

    # -------------------------------------------------------------- the step

    @property
    def quarter(self) -> str:
        """Label of the quarter the next step simulates (the last one once finished)."""
        return self.quarters[min(self.t, len(self.quarters) - 1)]

    @property
    def years(self) -> float:
        """Years since the start of the horizon at the quarter being simulated."""
        return self.t / 4

    def step(self) -> None:
        """Simulate one quarter: events, powers, sanctions, corridors, formats, decisions, trade, domestic, record."""
        if self.t >= len(self.quarters):
            self.running = False
            return
        self.unrest_now = np.zeros(len(self.states))
        self.interventions_now = np.zeros(len(self.powers))
        self.partnerships = [(until, boost) for until, boost in self.partnerships if until > self.t]
        self.sanctions.new_quarter()
        for event in self.events_by_step.get(self.t, []):
            self._apply_event(event)
        if self.t > 0:
            self.strategies.follow_trend()
        self.strategies.respond(self.alignment)
        western = self.alignment[:, DIPLOMACY][:, self.senders].sum(axis=1)
        designated = self.sanctions.step(self.streams.designations, western, self.reexport_bn)
        self.corridors.step(self.t, self.sanctions.intensity, self.sanctions.enforcement)
        self.arena.step(quarter_ordinal(self.quarter), self.streams.formats, self.alignment[:, DIPLOMACY])
        self._states_decide()
        self._trade_step()
        self._domestic_step(designated)
        self._record()
        if self.datacollector is not None:
            self.datacollector.collect(self)
        self.t += 1
        self.running = self.t < len(self.quarters)

    def run(self) -> dict[str, np.ndarray]:
        """Step to the end of the horizon and return the outcome arrays."""
        while self.running:
            self.step()
        return self.outcomes

    def release(self) -> None:
        """Let Mesa forget this model once its run is over.

        Mesa 3.3 keeps every model ever built in a class-level registry of agent
        ids (fixed upstream in 3.4.2), so a worker running thousands of models
        would grow without bound; batch code calls this after each run.
        """
        registry = getattr(mesa.Agent, "_ids", None)
        if isinstance(registry, dict):
            registry.pop(self, None)

    @property
    def outcomes(self) -> dict[str, np.ndarray]:
        """Outcome name → array ``(steps, …)`` (see ``model.outcomes.OUTCOMES``)."""
        return self.recorder.data

    # ----------------------------------------------------------------- events

    def _apply_event(self, event: Event) -> None:
        getattr(self, f"_event_{event.type}")(event.payload)

    def _event_sanctions_package(self, p: dict[str, Any]) -> None:
        self.sanctions.apply_package(p["intensity"])

    def _event_enforcement_step(self, p: dict[str, Any]) -> None:
        self.sanctions.apply_enforcement(p["level"], p["stage"])

    def _event_ease_enforcement(self, p: dict[str, Any]) -> None:
        self.sanctions.ease_enforcement(p["level"], p["stage"])

    def _event_designation(self, p: dict[str, Any]) -> None:
        self.sanctions.designate(self.state_codes.index(p["state"]), p["firms"])

    def _event_unrest(self, p: dict[str, Any]) -> None:
        self._unrest(self.state_codes.index(p["state"]), p["severity"])

    def _event_security_shock(self, p: dict[str, Any]) -> None:
        self.domestic.security_shock([self.state_codes.index(s) for s in p["states"]], p["threat"])

    def _event_capacity_shock(self, p: dict[str, Any]) -> None:
        self.strategies.shock(self.power_codes.index(p["power"]), p["factor"])

    def _event_corridor_investment(self, p: dict[str, Any]) -> None:
        self.corridors.invest(self.corridors.ids.index(p["corridor"]), p["capacity"], self.t + p["lag"])

    def _event_partnership(self, p: dict[str, Any]) -> None:
        boost = np.zeros_like(self.alignment)
        boost[self.state_codes.index(p["state"]), DOMAINS.index(p["domain"]), self.power_codes.index(p["power"])] = p["boost"]
        self.partnerships.append((self.t + p["quarters"], boost))

    def _event_parameter(self, p: dict[str, Any]) -> None:
        path = tuple(p["path"].split("."))
        value = p["set"] if "set" in p else self.tables.get(path) * p["scale"]
        self.tables.set(path, value)

    def _unrest(self, state: int, severity: float) -> None:
        intervention = self.tables.powers.intervention
        provider = self.domestic.unrest(state, severity, self.alignment[state, SECURITY], intervention)
        self.unrest_now[state] += 1
        if provider is not None:
            self.interventions_now[provider] += 1
            self._intervene(state, provider)

    def _intervene(self, state: int, provider: int) -> None:
        """Shift security alignment toward the intervening power and re-anchor the ties there (ZE23-14).

        The intervention changes what the state's security ties are worth: the
        shift is added to the revealed ties, so it lasts instead of relaxing back.
        """
        boost = self.tables.domestic.intervention_boost
        before = self.alignment[state, SECURITY].copy()
        toward = np.zeros_like(before)
        toward[provider] = 1.0
        self.alignment[state, SECURITY] = (1 - boost) * before + boost * toward
        terms = self.terms[state]
        shift = self.alignment[state, SECURITY] - before
        self.ties[state, SECURITY] += 2.0 * terms.aversion[SECURITY] / terms.value_weight * shift

    # ------------------------------------------------------------- the states

    def reception(self) -> np.ndarray:
        """``[state, power]``: how each state values a unit of each power's offers.

        Warm publics raise it, hostile ones lower it (SU23-15, DE22-36); values
        conditionality lowers it for sovereignty-sensitive states (CH25-45, CH25-46):
        ``(1 + w_s · sentiment) / (1 + sovereignty · conditionality)``.
        """
        states, powers = self.tables.states, self.tables.powers
        warmth = 1.0 + SENTIMENT_WEIGHT * states.sentiment
        return warmth / (1.0 + states.sovereignty_sensitivity[:, None] * powers.conditionality[None, :])

    def standing(self) -> np.ndarray:
        """``[domain, power]`` standing priority π now: its level plus its trend, in [0, 1], in the named domains (SU23-06)."""
        powers = self.tables.powers
        level = np.clip(powers.standing + powers.standing_trend * self.years, 0.0, 1.0)
        return (powers.standing_domains * level[:, None]).T

    def hold(self, target: np.ndarray) -> np.ndarray:
        """``[state, domain, power]`` targets after the standing priority holds part of each power's losses (SU23-06).

        Where a rule's target would give a power with a standing priority π less
        than its 2021 share, the state keeps π of the difference: the held share is
        ``T_p + π (a⁰_p − T_p)``. The other powers share what is left in
        proportion to their targets. A standing priority never raises a power
        above its 2021 share and never holds back its gains ("restrain, not
        de-Russify": a safety distance, not a break).
        """
        return hold_losses(target, self.alignment_2021, self.standing()[None, :, :])

    def net_value(self) -> np.ndarray:
        """``[state, domain, power]`` net value of leaning on each power this quarter (utility units).

        Offers (the powers' allocated effort, sponsors' gains from formats,
        corridor sponsorship, partnership upgrades), valued by each state's reception;
        plus regime protection in security; minus the expected secondary-sanctions
        cost of economic alignment with the target.
        """
        tables = self.tables
        offers = self.strategies.offers() + self.arena.sponsor_gain()
        offers[:, ECONOMY] += tables.transport.sponsor_influence * self.corridors.sponsor_presence()
        for _, boost in self.partnerships:
            offers = offers + boost
        value = self.reception()[:, None, :] * offers
        insecurity = 1 - self.domestic.regime_security
        value[:, SECURITY] += tables.behaviour.regime_weight * insecurity[:, None] * tables.powers.regime_support[None, :]
        value[:, ECONOMY, self.target] -= self.sanctions.expected_cost()
        return value

    def threat(self) -> np.ndarray:
        """``[power]`` threat: proximity × effort relative to the largest 2021 effort."""
        return self.tables.powers.proximity * self.strategies.effort / max(self.effort_2021.max(), 1e-12)

    def pressure(self) -> np.ndarray:
        """``[state]`` pressure to choose sides (SU23-04).

        ``pressure_weight · (s · r_i / r̄⁰ + e · V_i / V_ref) / 2``: the war's demands
        weigh on a state in proportion to its trade with the target (``r_i``,
        re-exports included, relative to the 2021 mean ``r̄⁰``), enforcement in
        proportion to its re-exports ``V_i`` (US$ bn/yr) relative to the volume at
        which designations run at their full rate (``model.sanctions.REFERENCE_VOLUME``).
        """
        s = self.sanctions
        total = self.trade_level.sum(axis=1)
        ties = np.where(total > 0, self.trade_level[:, self.target] / np.maximum(total, 1e-12), 0.0)
        reference = self.target_share_2021.mean()
        trade_term = ties / reference if reference > 0 else np.zeros_like(ties)
        exposure_term = self.reexport_bn / REFERENCE_VOLUME
        return self.tables.behaviour.pressure_weight * (s.intensity * trade_term + s.enforcement * exposure_term) / 2

    def leverage(self) -> np.ndarray:
        """``[state, domain]`` leverage ℓ from formats and cohesion (YA24-01, ZE23-24)."""
        return self.arena.leverage(self.domestic.cohesion)

    def rule_terms(self, pressure: np.ndarray, leverage: np.ndarray) -> list[RuleTerms]:
        """Each state's utility coefficients under its decision rule, given the pressure and leverage on it."""
        states, behaviour = self.tables.states, self.tables.behaviour
        return [
            get_rule(states.decision_rule[i])(DecisionContext(
                float(states.dependence_aversion[i]), float(pressure[i]), float(states.pressure_sensitivity[i]),
                leverage[i], behaviour.threat_weight))
            for i in range(len(self.states))
        ]

    def targets(self) -> np.ndarray:
        """``[state, domain, power]`` the alignment each state's rule chooses this quarter, after the standing priority's hold."""
        value, threat = self.net_value(), self.threat()
        self.pressure_now, self.leverage_now = self.pressure(), self.leverage()
        self.terms = self.rule_terms(self.pressure_now, self.leverage_now)
        chosen = np.stack([terms.target(value[i], self.ties[i], threat) for i, terms in enumerate(self.terms)])
        return self.hold(chosen)

    def utility(self, alignment: np.ndarray | None = None) -> np.ndarray:
        """``[state]`` each state's utility of an alignment (its current one by default) under its own rule."""
        alignment = self.alignment if alignment is None else alignment
        value, threat = self.net_value(), self.threat()
        return np.array([terms.utility(alignment[i], value[i], self.ties[i], threat) for i, terms in enumerate(self.terms)])

    def _states_decide(self) -> None:
        """Each state closes part of the gap to its rule's target, with noise, on the simplex."""
        target = self.targets()
        rate = self.tables.states.adjustment_rate[:, None, None]
        jitter = self.tables.behaviour.noise * self.streams.alignment.normal(0.0, 1.0, size=self.alignment.shape)
        self.alignment = project_to_simplex(self.alignment + rate * (target - self.alignment) + jitter)

    # ---------------------------------------------------------- trade, domestic

    def _trade_step(self) -> None:
        """Trade by partner: 2021 structure × GDP × alignment, plus sanctions effects (SU23-18, SU23-21)."""
        tilt = (self.alignment[:, ECONOMY] / self.alignment_2021[:, ECONOMY]) ** TRADE_ALIGNMENT_ELASTICITY
        gdp = self.domestic.gdp_index
        trade = self.base_trade * gdp[:, None] * tilt
        s = self.sanctions
        openness = self.tables.states.circumvention_openness
        trade[:, self.target] *= 1 + self.tables.sanctions.diversion * s.intensity * openness
        reexport = s.circumvention * trade[:, self.target]
        self.reexport_bn = reexport
        trade[:, self.target] += reexport
        west = self.base_trade[:, self.senders]
        trade[:, self.senders] += reexport[:, None] * west / np.maximum(west.sum(axis=1, keepdims=True), 1e-9)
        self.trade_level = trade
        self.previous_intensity, self.trade_intensity = self.trade_intensity, trade.sum(axis=1) / gdp

    def _domestic_step(self, designated: np.ndarray) -> None:
        before = self.previous_intensity
        trade_change = np.where(before > 0, self.trade_intensity / np.maximum(before, 1e-12) - 1, 0.0)
        self.domestic.grow(trade_change, self.strategies.capacity, self.corridors.transit_gain(), designated)
        for i, severity in self.domestic.draw_unrest():
            self._unrest(i, severity)
        self.domestic.update_regime_security(self.protection())
        self.domestic.update_cohesion(self.arena.c5_attendance(), self.alignment[:, DIPLOMACY])

    def protection(self) -> np.ndarray:
        """``[state]`` security ties to powers that protect incumbents: security alignment · regime support."""
        return self.alignment[:, SECURITY] @ self.tables.powers.regime_support

    # ------------------------------------------------------------- recording

    def _record(self) -> None:
        a = self.alignment
        blocs = np.stack([a[..., self.bloc_of == k].sum(axis=-1) for k in range(len(BLOCS))], axis=-1)
        base = np.maximum(self.base_trade, 1e-9)
        s = self.sanctions
        self.recorder.write(self.t, {
            "alignment": a,
            "hedging_index": hedging_index(a),
            "largest_share": a.max(axis=-1),
            "bloc_share": blocs,
            "russia_share": a[..., self.russia],
            "influence": influence(a, self.gdp_weight),
            "capacity": self.strategies.capacity,
            "commitment": self.strategies.commitment,
            "threat": self.threat(),
            "trade": self.trade_level,
            "trade_index": np.where(self.base_trade > 0, self.trade_level / base, np.nan),
            "exports_to_russia": self.trade_level[:, self.target] / 2 + self.reexport_bn / 2,
            "imports_from_west": self.trade_level[:, self.senders].sum(axis=1) / 2 + self.reexport_bn / 2,
            "circumvention": self.reexport_bn,
            "designations": s.designations,
            "secondary_cost": s.expected_cost(),
            "pressure": self.pressure_now,
            "bank_compliance": s.bank_compliance,
            "formal_adherence": s.adherence.astype(float),
            "sanctions_intensity": s.intensity,
            "enforcement": s.enforcement,
            "enforcement_stage": float(s.stage),
            "corridor_share": self.corridors.shares,
            "corridor_flow": self.corridors.flow,
            "corridor_capacity": self.corridors.capacity,
            "formats_active": float(self.arena.active.sum()),
            "summit_formats": float(self.arena.summit_count),
            "fragmentation": self.arena.fragmentation(),
            "leverage": 1.0 + self.leverage_now,
            "cohesion": self.domestic.cohesion,
            "regime_security": self.domestic.regime_security,
            "unrest": self.unrest_now,
            "unrest_risk": self.domestic.unrest_risk,
            "interventions": self.interventions_now,
            "growth": self.domestic.growth,
            "gdp_index": self.domestic.gdp_index,
            "foreign_bases": (a[:, SECURITY] >= self.tables.behaviour.basing_threshold).sum(axis=0).astype(float),
        })

    def summary(self) -> dict[str, float]:
        """End-of-horizon indicators (see ``model.outcomes.SUMMARY``); call after :meth:`run`."""
        return summarise(self.outcomes, self.power_codes, BLOCS)


def _make_datacollector() -> mesa.DataCollector:
    """Model-level reporters of scalar outcomes, for Mesa's tools."""
    def latest(name: str, reduce: Any = None) -> Any:
        def report(m: MultivectorModel) -> float:
            value = m.outcomes[name][m.t]
            return float(reduce(value) if reduce is not None else value)
        return report

    return mesa.DataCollector(model_reporters={
        "quarter": lambda m: m.quarters[m.t],
        "hedging_index": latest("hedging_index", np.mean),
        "russia_security_share": latest("russia_share", lambda v: v[:, SECURITY].mean()),
        "cohesion": latest("cohesion"),
        "summit_formats": latest("summit_formats"),
        "circumvention_bn": latest("circumvention", np.sum),
        "enforcement": latest("enforcement"),
        "unrest": latest("unrest", np.sum),
    })
