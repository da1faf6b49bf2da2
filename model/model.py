"""The Multivector model: Central Asian states balancing among external powers."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from model.agents import CentralAsianState, ExternalPower
from model.calendar import quarter_ordinal, quarter_range
from model.corridors import CorridorNetwork
from model.domestic import DomesticDynamics
from model.institutions import FormatArena
from model.outcomes import Recorder, summarise
from model.params import BLOCS, DOMAINS, Event, Scenario
from model.sanctions import SanctionsRegime
from model.simplex import hedging_index

SECURITY, ECONOMY, DIPLOMACY = (DOMAINS.index(d) for d in ("security", "economy", "diplomacy"))

TRADE_ALIGNMENT_ELASTICITY = 0.5
"""Assumption: trade with a power scales with (economic alignment / 2021 alignment)^0.5."""

SENTIMENT_WEIGHT = 0.5
"""Assumption: utility units per unit of public sentiment toward a power (SU23-15, DE22-36)."""


def _baseline() -> Scenario:
    """The library's baseline scenario (read by the scenario package, which owns YAML)."""
    from scenarios import load_scenario

    return load_scenario("baseline")


def _resolve(scenario: Scenario | str | None, overrides: dict[str, Any]) -> Scenario:
    if isinstance(scenario, Scenario) and not overrides:
        return scenario
    from scenarios import load_scenario

    if isinstance(scenario, Scenario):
        raise TypeError("keyword overrides need a scenario name or path, not a resolved Scenario")
    return load_scenario(scenario or "baseline", overrides=overrides)


class MultivectorModel(mesa.Model):
    """Five Central Asian states pursuing multi-vector balancing among external powers.

    One step is one quarter on the calendar (``2021Q1`` …). Each step fires the
    scenario's dated events, lets the powers allocate capacity, runs the
    sanctions, corridor and institutional submodels, lets each state move its
    per-domain alignment by its decision rule, runs domestic dynamics and
    records every outcome (see ``model.outcomes.OUTCOMES``).

    Args:
        scenario: A resolved :class:`~model.params.Scenario`, a library name
            (``"baseline"``) or a path to a YAML file; ``None`` is the baseline.
        rng: Seed or generator for all randomness (Mesa's ``rng``).
        collect: Also feed Mesa's :class:`~mesa.DataCollector` each step (for
            Mesa tools); outcome arrays are recorded either way.
        **overrides: Scenario values to replace, by key path with ``__`` for
            dots (``states__KAZ__dependence_aversion=2.0``), validated like file input.

    Attributes:
        params: The resolved scenario (named so as not to shadow Mesa 3.5's own ``Model.scenario``).
        quarters: Quarter labels of the horizon.
        t: Index of the next quarter to simulate.
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
        """Build agents and submodels from the scenario."""
        super().__init__(rng=rng)
        self.params = _baseline() if scenario is None and not overrides else _resolve(scenario, overrides)
        sc = self.params
        self.quarters = quarter_range(sc.start, sc.end)
        self.t = 0
        self.state_codes, self.power_codes = sc.state_codes, sc.power_codes
        self.states = [CentralAsianState(self, c, p, self.power_codes) for c, p in sc.states.items()]
        self.powers = [ExternalPower(self, c, p, len(self.states)) for c, p in sc.powers.items()]
        self._build_static_arrays()
        self.sanctions = SanctionsRegime(sc.sanctions, self.state_codes, self.openness)
        self.corridors = CorridorNetwork(dict(sc.corridors), sc.transport, self.state_codes, self.power_codes)
        self.arena = FormatArena(dict(sc.formats), sc.institutions, self.state_codes, self.power_codes)
        self.domestic = DomesticDynamics(sc.domestic, self.states, self.power_codes, self.rng)
        self.events_by_step = self._schedule(sc.timeline)
        self.partnership_boost: list[tuple[int, np.ndarray]] = []
        self.unrest_now = np.zeros(len(self.states))
        self.interventions_now = np.zeros(len(self.powers))
        self.trade_level = self.base_trade.copy()
        self.recorder = Recorder(len(self.quarters), self._sizes())
        self.datacollector = _make_datacollector() if collect else None

    # ------------------------------------------------------------------ set-up

    def _build_static_arrays(self) -> None:
        sc = self.params
        self.bloc_of = np.array([BLOCS.index(p.params.bloc) for p in self.powers])
        self.senders = np.array([c in sc.sanctions.senders for c in self.power_codes])
        self.target = self.power_codes.index(sc.sanctions.target)
        self.openness = np.array([s.params.circumvention_openness for s in self.states])
        self.gdp_weight = np.array([s.params.gdp_bn for s in self.states])
        self.gdp_weight = self.gdp_weight / self.gdp_weight.sum()
        self.state_value = np.sqrt(self.gdp_weight)
        shares = np.array([[s.params.trade_shares.get(c, 0.0) for c in self.power_codes] for s in self.states])
        self.base_trade = shares * np.array([s.params.trade_bn for s in self.states])[:, None]
        self.anchor = np.stack([s.anchor for s in self.states])
        self.regime_support = np.array([p.params.regime_support for p in self.powers])
        self.conditionality = np.array([p.params.conditionality for p in self.powers])
        self.proximity = np.array([p.params.proximity for p in self.powers])
        self.sovereignty = np.array([s.params.sovereignty_sensitivity for s in self.states])
        self.sentiment = np.array([[s.params.sentiment.get(c, 0.0) for c in self.power_codes] for s in self.states])

    def _schedule(self, timeline: tuple[Event, ...]) -> dict[int, list[Event]]:
        first = quarter_ordinal(self.params.start)
        schedule: dict[int, list[Event]] = {}
        for event in timeline:
            schedule.setdefault(quarter_ordinal(event.at) - first, []).append(event)
        return schedule

    def _sizes(self) -> dict[str, int]:
        return {
            "state": len(self.states), "power": len(self.powers), "domain": len(DOMAINS),
            "bloc": len(BLOCS), "corridor": len(self.corridors.ids),
        }

    # -------------------------------------------------------------- the step

    @property
    def quarter(self) -> str:
        """Label of the quarter the next step simulates (the last one once finished)."""
        return self.quarters[min(self.t, len(self.quarters) - 1)]

    @property
    def alignment(self) -> np.ndarray:
        """``[state, domain, power]`` alignment of all states."""
        return np.stack([s.alignment for s in self.states])

    def step(self) -> None:
        """Simulate one quarter: events, powers, sanctions, corridors, formats, decisions, trade, domestic, record."""
        if self.t >= len(self.quarters):
            self.running = False
            return
        self.unrest_now = np.zeros(len(self.states))
        self.interventions_now = np.zeros(len(self.powers))
        for event in self.events_by_step.get(self.t, []):
            self._apply_event(event)
        alignment = self.alignment
        self._powers_step(alignment)
        designated = self.sanctions.step(self.rng, alignment[:, DIPLOMACY][:, self.senders].sum(axis=1))
        self.corridors.step(self.t, self.sanctions.intensity, self.sanctions.enforcement)
        self.arena.step(quarter_ordinal(self.quarter), self.rng, alignment[:, DIPLOMACY])
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

    def _apply_event(self, event: Event) -> None:
        payload = event.payload
        handlers = {
            "sanctions_package": lambda: self.sanctions.apply_package(payload["intensity"]),
            "enforcement_step": lambda: self.sanctions.apply_enforcement(payload["level"], payload["stage"]),
            "designation": lambda: self._designate(payload["state"], payload["firms"]),
            "unrest": lambda: self._unrest(self.state_codes.index(payload["state"]), payload["severity"]),
            "security_shock": lambda: self.domestic.security_shock(
                [self.state_codes.index(s) for s in payload["states"]], payload["threat"]),
            "capacity_shock": lambda: self._capacity_shock(payload["power"], payload["factor"]),
            "corridor_investment": lambda: self.corridors.invest(
                self.corridors.ids.index(payload["corridor"]), payload["capacity"], self.t + payload["lag"]),
            "partnership": lambda: self._partnership(payload),
        }
        handlers[event.type]()

    def _designate(self, state: str, firms: float) -> None:
        self.sanctions.designations[self.state_codes.index(state)] += firms

    def _capacity_shock(self, power: str, factor: float) -> None:
        self.powers[self.power_codes.index(power)].shock *= factor

    def _partnership(self, payload: dict[str, Any]) -> None:
        boost = np.zeros((len(self.states), len(DOMAINS), len(self.powers)))
        boost[self.state_codes.index(payload["state"]), DOMAINS.index(payload["domain"]),
              self.power_codes.index(payload["power"])] = payload["boost"]
        self.partnership_boost.append((self.t + payload["quarters"], boost))

    def _unrest(self, state: int, severity: float) -> None:
        provider = self.domestic.unrest(state, severity, self.powers)
        self.unrest_now[state] += 1
        if provider is not None:
            self.interventions_now[provider] += 1

    def _powers_step(self, alignment: np.ndarray) -> None:
        years = self.t / 4
        mean_alignment = alignment.mean(axis=1)  # [state, power]
        for p, power in enumerate(self.powers):
            power.update_capacity(years)
            rivals = np.delete(mean_alignment, p, axis=1).max(axis=1)
            power.allocate(self.state_value, np.maximum(rivals - mean_alignment[:, p], 0.0),
                           self.params.behaviour.allocation_rate)

    def net_value(self) -> np.ndarray:
        """``[state, domain, power]`` net value of leaning on each power (utility units).

        Offers (powers' allocations, formats' sponsor bonus, corridor sponsorship
        and partnership upgrades) are multiplied by each state's leverage; then
        come the value of existing ties, regime protection in security, the
        standing priority given to Russia, public sentiment, and the costs of
        values conditionality and of secondary-sanctions exposure.
        """
        b = self.params.behaviour
        offers = np.stack([p.offers(b.offer_scale) for p in self.powers], axis=-1)
        offers *= self._courting_scale()[:, None, None]
        offers[:, DIPLOMACY] += self.arena.sponsor_bonus()
        offers[:, ECONOMY] += self.params.transport.sponsor_influence * self.corridors.sponsor_presence()
        self.partnership_boost = [(until, boost) for until, boost in self.partnership_boost if until > self.t]
        for _, boost in self.partnership_boost:
            offers += boost
        leverage = self.arena.leverage(self.domestic.cohesion, self.params.domestic.cohesion_leverage)
        value = leverage[:, None, None] * offers + b.anchor_weight * self.anchor
        insecurity = 1 - np.array([s.regime_security for s in self.states])
        value[:, SECURITY] += b.regime_weight * insecurity[:, None] * self.regime_support[None, :]
        value[:, :, self.target] += b.russia_priority + b.russia_priority_trend * self.t / 4
        value += SENTIMENT_WEIGHT * self.sentiment[:, None, :]
        value -= self.sovereignty[:, None, None] * self.conditionality[None, None, :]
        exposure = self.params.sanctions.secondary_cost * self.sanctions.enforcement * self.sanctions.intensity
        value[:, ECONOMY, self.target] -= exposure
        return value

    def _courting_scale(self) -> np.ndarray:
        """Per state: rescaling that makes total attention equal to the powers' total capacity.

        A state courted more than others does not see larger offers from every
        power alike; what it gains from being courted is leverage (formats).
        """
        capacity = np.array([p.capacity for p in self.powers])
        attention = np.stack([p.capacity * p.allocation * len(self.states) for p in self.powers], axis=-1).sum(axis=1)
        return capacity.sum() / np.maximum(attention, 1e-9)

    def pressure(self) -> float:
        """Pressure to choose sides: enforcement and the war's demands on loyalty (SU23-04)."""
        return self.params.behaviour.pressure_weight * (self.sanctions.enforcement + self.sanctions.intensity) / 2

    def threat(self) -> np.ndarray:
        """Threat of each power: proximity × capacity relative to the largest, in [0, 1]."""
        capacity = np.array([p.capacity for p in self.powers])
        return self.proximity * capacity / capacity.max()

    def _states_decide(self) -> None:
        b = self.params.behaviour
        value, pressure, threat = self.net_value(), self.pressure(), self.threat()
        for i, state in enumerate(self.states):
            state.decide(value[i], pressure, threat, b.noise, b.threat_weight)

    def _trade_step(self) -> None:
        """Trade by partner: 2021 structure × GDP × alignment, plus sanctions effects (SU23-18, SU23-21)."""
        economy = self.alignment[:, ECONOMY]
        tilt = (economy / self.anchor[:, ECONOMY]) ** TRADE_ALIGNMENT_ELASTICITY
        gdp = np.array([s.gdp_index for s in self.states])
        trade = self.base_trade * gdp[:, None] * tilt
        s = self.sanctions
        trade[:, self.target] *= 1 + self.params.sanctions.diversion * s.intensity
        reexport = s.circumvention * self.base_trade[:, self.target]
        self.reexport_bn = reexport
        trade[:, self.target] += reexport
        west = self.base_trade[:, self.senders]
        trade[:, self.senders] += reexport[:, None] * west / np.maximum(west.sum(axis=1, keepdims=True), 1e-9)
        self.previous_trade, self.trade_level = self.trade_level, trade

    def _domestic_step(self, designated: np.ndarray) -> None:
        capacity = np.array([p.capacity for p in self.powers])
        trade_change = self.trade_level.sum(axis=1) / self.previous_trade.sum(axis=1) - 1
        self.domestic.grow(trade_change, capacity, self.corridors.transit_gain(), designated)
        for i, severity in self.domestic.draw_unrest():
            self._unrest(i, severity)
        self.domestic.update_regime_security(self.alignment[:, SECURITY], self.regime_support)
        self.domestic.update_cohesion(self.arena.c5_attendance(), self.alignment[:, DIPLOMACY])

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
            "russia_share": a[..., self.target],
            "influence": (self.gdp_weight[:, None] * a.mean(axis=1)).sum(axis=0),
            "capacity": np.array([p.capacity for p in self.powers]),
            "trade": self.trade_level,
            "trade_index": np.where(self.base_trade > 0, self.trade_level / base, np.nan),
            "exports_to_russia": self.trade_level[:, self.target] / 2 + self.reexport_bn / 2,
            "imports_from_west": self.trade_level[:, self.senders].sum(axis=1) / 2 + self.reexport_bn / 2,
            "circumvention": self.reexport_bn,
            "designations": s.designations,
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
            "leverage": self.arena.leverage(self.domestic.cohesion, self.params.domestic.cohesion_leverage),
            "cohesion": self.domestic.cohesion,
            "regime_security": np.array([st.regime_security for st in self.states]),
            "unrest": self.unrest_now,
            "interventions": self.interventions_now,
            "growth": np.array([st.growth for st in self.states]),
            "gdp_index": np.array([st.gdp_index for st in self.states]),
            "foreign_bases": (a[:, SECURITY] >= self.params.behaviour.basing_threshold).sum(axis=0).astype(float),
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
