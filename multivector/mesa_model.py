"""The Multivector model as Mesa sees it: the engine at one run, behind Mesa's agents."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from multivector.agents import CentralAsianState, ExternalPower
from multivector.model.engine import SECURITY, Engine
from multivector.model.outcomes import summarise
from multivector.model.params import BLOCS, DOMAINS, Scenario

__all__ = ["DOMAINS", "SECURITY", "MultivectorModel"]


def _is_mesa_scenario(value: Any) -> bool:
    """Whether ``value`` is Mesa's own scenario object (Mesa 3.5+), not one of ours.

    Mesa 3.5's SolaraViz rebuilds a model on Reset with ``scenario=`` set to its own
    (empty) scenario object, replacing a ``scenario`` model parameter.
    """
    return any(cls.__module__.startswith("mesa.") and cls.__name__ == "Scenario" for cls in type(value).__mro__)


def _resolve(scenario: Scenario | str | None, overrides: dict[str, Any]) -> Scenario:
    """The scenario to run: as given, or read by the scenario package (which owns YAML).

    Mesa's own scenario object (what Mesa 3.5's SolaraViz passes on Reset) stands for
    the default, the baseline: it carries none of this model's scenario values.
    """
    if _is_mesa_scenario(scenario):
        scenario = None
    if isinstance(scenario, Scenario) and not overrides:
        return scenario
    from multivector.scenarios import load_scenario

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

    The dynamics are those of :class:`model.engine.Engine` at one run: a run of
    this model on seed ``s`` is bitwise the run of seed ``s`` in any chunk of a batch.

    Args:
        scenario: A resolved :class:`~model.params.Scenario`, a library name
            (``"baseline"``) or a path to a YAML file; ``None`` is the baseline.
        rng: Seed or generator for all randomness (Mesa's ``rng``; the run's
            streams are spawned from it, see :class:`model.engine.RunStreams`).
        collect: Also feed Mesa's :class:`~mesa.DataCollector` each step (for
            Mesa tools); outcome arrays are recorded either way.
        **kwargs: Scenario values to replace, by key path with ``__`` for
            dots (``states__KAZ__dependence_aversion=2.0``), validated like file input.
            The catch-all is named ``kwargs`` because Mesa's ``SolaraViz`` (3.3) accepts
            model parameters beyond the named ones only through a ``**kwargs``.

    Attributes:
        params: The resolved scenario (named so as not to shadow Mesa 3.5's own ``Model.scenario``).
        engine: The engine holding this run's arrays.
        tables: The live parameter values (``model.tables``); dated parameter events change them.
        quarters: Quarter labels of the horizon.
        alignment_2021: The 2021 alignment ``[state, domain, power]``.
    """

    def __init__(
        self,
        scenario: Scenario | str | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        collect: bool = True,
        **kwargs: Any,
    ) -> None:
        """Build the engine for one run and the agents that view it."""
        super().__init__(rng=rng)
        self.params = _resolve(scenario, kwargs)
        self.engine = Engine(self.params, [self.rng])
        self.tables = self.engine.tables
        self.quarters = self.engine.quarters
        self.state_codes, self.power_codes = self.params.state_codes, self.params.power_codes
        self.states = [CentralAsianState(self, i, c, p) for i, (c, p) in enumerate(self.params.states.items())]
        self.powers = [ExternalPower(self, i, c, p) for i, (c, p) in enumerate(self.params.powers.items())]
        self.alignment_2021 = self.engine.alignment_2021[0]
        self._outcomes = {name: values[0] for name, values in self.engine.outcomes.items()}
        self.datacollector = _make_datacollector() if collect else None

    # ------------------------------------------------------------- the run

    @property
    def t(self) -> int:
        """Index of the next quarter to simulate."""
        return self.engine.t

    @property
    def quarter(self) -> str:
        """Label of the quarter the next step simulates (the last one once finished)."""
        return self.quarters[min(self.t, len(self.quarters) - 1)]

    @property
    def alignment(self) -> np.ndarray:
        """``[state, domain, power]`` alignment now (a view of the engine's array)."""
        return self.engine.alignment[0]

    @alignment.setter
    def alignment(self, value: np.ndarray) -> None:
        self.engine.alignment[0] = value

    def step(self) -> None:
        """Simulate one quarter: events, powers, sanctions, corridors, formats, decisions, trade, domestic, record."""
        if self.engine.finished:
            self.running = False
            return
        self.engine.step(after_decide=self.after_decide)
        if self.datacollector is not None:
            self.datacollector.collect(self)
        self.running = not self.engine.finished

    def after_decide(self) -> None:
        """Called each quarter once the states have chosen (a seminar player overrides a state's choice here)."""

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
        """Outcome name → array ``(steps, …)`` (see ``model.outcomes.OUTCOMES``); NaN for steps not yet run."""
        return self._outcomes

    def summary(self) -> dict[str, float]:
        """End-of-horizon indicators (see ``model.outcomes.summary_names``); call after :meth:`run`."""
        return summarise(self.outcomes, self.power_codes, BLOCS, self.state_codes)

    # ----------------------------------------------------- what the states see

    @property
    def arena(self) -> Any:
        """The formats (``model.institutions.FormatArena``; arrays with a run axis of one)."""
        return self.engine.arena

    @property
    def events_by_step(self) -> dict[int, list[Any]]:
        """Step index → the timeline events that fire then."""
        return self.engine.events_by_step

    @property
    def bloc_of(self) -> np.ndarray:
        """Bloc index (``model.params.BLOCS``) of each power."""
        return self.engine.bloc_of

    @property
    def senders(self) -> np.ndarray:
        """Per power: imposes the sanctions."""
        return self.engine.senders

    def targets(self) -> np.ndarray:
        """``[state, domain, power]`` the alignment each state's rule chooses this quarter."""
        return self.engine.targets()[0]

    def utility(self, alignment: np.ndarray | None = None) -> np.ndarray:
        """``[state]`` each state's utility of an alignment (its current one by default) under its own rule."""
        return self.engine.utility(None if alignment is None else alignment[None])[0]

    def net_value(self) -> np.ndarray:
        """``[state, domain, power]`` net value of leaning on each power this quarter (utility units)."""
        return self.engine.net_value()[0]

    def pressure(self) -> np.ndarray:
        """``[state]`` pressure to choose sides this quarter."""
        return self.engine.pressure()[0]


def _make_datacollector() -> mesa.DataCollector:
    """Model-level reporters of scalar outcomes, for Mesa's tools."""
    def latest(name: str, reduce: Any = None) -> Any:
        def report(m: MultivectorModel) -> float:
            value = m.outcomes[name][m.t - 1]
            return float(reduce(value) if reduce is not None else value)
        return report

    return mesa.DataCollector(model_reporters={
        "quarter": lambda m: m.quarters[m.t - 1],
        "hedging_index": latest("hedging_index", np.mean),
        "russia_security_share": latest("russia_share", lambda v: v[:, SECURITY].mean()),
        "cohesion": latest("cohesion"),
        "summit_formats": latest("summit_formats"),
        "circumvention_bn": latest("circumvention", np.sum),
        "enforcement": latest("enforcement"),
        "unrest": latest("unrest", np.sum),
    })
