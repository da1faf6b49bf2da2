"""ABC-SMC over a scenario's uncertainties, fitted to the 2021–2022 targets.

The fit is pyabc's ABC-SMC (sequential Monte Carlo approximate Bayesian
computation; Beaumont et al. 2009, Klinger et al. 2018) with:

* priors uniform over each uncertainty's range (``role: uncertainty``). pyabc
  samples each one on the logit scale of its position in the range, where the
  prior is the standard logistic distribution: the same prior, but with no edge
  that a perturbed particle can cross (with 44 bounded dimensions almost every
  Gaussian perturbation would leave the box and be redrawn);
* the distance of a run to the targets = the largest distance to any fitting
  target, in tolerances (:meth:`calibration.targets.Target.distance`), so
  ``ε = 1`` means every fitting target is met within its tolerance;
* the tolerance schedule: when enough prior runs meet every fitting target
  within ``min_epsilon`` (default 1) for the budget to fill a population by
  rejection (:func:`starts_at_minimum`), the first generation is drawn at
  ``min_epsilon`` directly — plain rejection ABC, exact for that tolerance, every
  particle of equal weight; otherwise pyabc's median-ε schedule runs down to it,
  with its adaptive multivariate normal proposal and importance weights, whose
  effective sample size the report shows (in 44 dimensions the weights of later
  generations can degenerate: that is why the first route is preferred);
* :class:`calibration.sampler.EngineSampler`, so that every batch of proposals
  runs as one engine;
* only the uncertainties that the prior screen finds *influential* (a rank
  correlation of at least ``INFLUENCE`` with some fitting target's distance)
  are perturbed by pyabc's proposal; every other one is drawn from its prior
  inside each simulation and recorded with the particle. The joint posterior
  stays exact — a quantity drawn from its prior inside the simulator is part of
  the simulator's noise, and the accepted particles carry the values it took —
  while the proposal works in a few dimensions instead of 44, where importance
  weights degenerate (a screen that misses an influence costs efficiency, not
  correctness).

Before the fit a prior predictive screen (``PRIOR_RUNS`` runs) measures, for
every fitting target, the share of prior runs within its tolerance. A target
that fewer than ``UNREACHABLE_SHARE`` of them meet is out of the model's reach
whatever the uncertainties (e.g. a rise driven by prices, which the model does
not represent): fitting to it would only push the posterior to the edge of the
prior. Such a target is left out of the distance, recorded as excluded with its
share, and reported with the validation targets as a miss.

Reproducibility: pyabc draws from NumPy's global generator, seeded with the
fit's seed; each simulation's seed comes from the same root
(:func:`calibration.simulator.run_seed`); the engine's results do not depend on
the number of workers. The same seed and settings give the same posterior.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from multivector.calibration.posterior import Parameter, Posterior, latin_unit
from multivector.calibration.simulator import BatchSimulator, run_seed
from multivector.calibration.targets import Target, Targets
from multivector.model.errors import InputError
from multivector.scenarios.designs import Factor, factors_of
from multivector.scenarios.loader import Resolved

PRIOR_RUNS = 1024
"""Runs of the prior predictive screen (a Latin hypercube over the uncertainties)."""

UNREACHABLE_SHARE = 0.005
"""A fitting target met by fewer than this share of prior runs is left out of the fit (see the module docstring)."""

INFLUENCE = 0.15
"""Spearman correlation with a fitting target's distance from which an uncertainty is proposed by pyabc.

With the screen's 1,024 runs a correlation's standard error is about 0.03, so 0.15 is about five standard errors."""

DEFAULT_POPULATION = 2000
DEFAULT_MAX_RUNS = 100_000
DEFAULT_GENERATIONS = 12
DEFAULT_MIN_EPSILON = 1.0
MIN_ACCEPTANCE = 0.01
"""pyabc stops when a generation accepts fewer than this share of its proposals (the fit has stalled)."""


@dataclass(frozen=True)
class FitSettings:
    """How a fit runs.

    Attributes:
        population: Particles per generation.
        max_runs: Simulations after which no new generation starts (pyabc's budget; the prior screen counts).
        generations: Most generations.
        min_epsilon: Stop when the generation's tolerance reaches this (in target tolerances).
        seed: Root seed.
        workers: Worker processes for the engine.
    """

    population: int = DEFAULT_POPULATION
    max_runs: int = DEFAULT_MAX_RUNS
    generations: int = DEFAULT_GENERATIONS
    min_epsilon: float = DEFAULT_MIN_EPSILON
    seed: int = 0
    workers: int = 1


@dataclass(frozen=True)
class Screen:
    """The prior predictive screen of the fitting targets.

    Attributes:
        shares: Target id → share of prior runs within its tolerance.
        all_met: Share of prior runs within ``min_epsilon`` of every fitted target at once.
        fitted: The targets the fit uses.
        excluded: Target id → why it was left out.
        influence: Per uncertainty, its largest absolute Spearman correlation with a fitted target's distance.
    """

    shares: dict[str, float]
    all_met: float
    fitted: tuple[Target, ...]
    excluded: dict[str, str]
    influence: np.ndarray


def screen_targets(resolved: Resolved, targets: Targets, settings: FitSettings) -> Screen:
    """Run the prior predictive screen and split the fitting targets into fitted and excluded."""
    factors = factors_of(resolved, "uncertainty")
    chosen = targets.of("fit")
    simulator = BatchSimulator(resolved, factors, chosen, workers=settings.workers)
    low, high = (np.array([getattr(f, end) for f in factors]) for end in ("low", "high"))
    values = low + latin_unit(len(factors), PRIOR_RUNS, settings.seed) * (high - low)
    stats = simulator(values, [run_seed(settings.seed, k, stream=1) for k in range(PRIOR_RUNS)])
    shares = {t.id: float(np.mean(t.distance(stats[:, k]) <= 1.0)) for k, t in enumerate(chosen)}
    excluded = {t.id: f"met by {shares[t.id]:.2%} of {PRIOR_RUNS} prior runs (fewer than {UNREACHABLE_SHARE:.1%}): "
                      "out of the model's reach" for t in chosen if shares[t.id] < UNREACHABLE_SHARE}
    kept = [k for k, t in enumerate(chosen) if t.id not in excluded]
    distances = np.max([chosen[k].distance(stats[:, k]) for k in kept], axis=0) if kept else np.full(PRIOR_RUNS, np.inf)
    all_met = float(np.mean(distances <= settings.min_epsilon))
    influence = np.zeros(len(factors))
    for k in kept:
        influence = np.maximum(influence, np.abs(_spearman(values, chosen[k].distance(stats[:, k]))))
    return Screen(shares, all_met, tuple(chosen[k] for k in kept), excluded, influence)


def _spearman(values: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Spearman correlation of each column of ``values`` with ``outcome`` (0 where the outcome does not vary)."""
    ranks = np.argsort(np.argsort(values, axis=0), axis=0).astype(float)
    target = np.argsort(np.argsort(outcome, kind="stable"), kind="stable").astype(float)
    ranks -= ranks.mean(axis=0)
    target -= target.mean()
    scale = np.sqrt((ranks**2).sum(axis=0) * (target**2).sum())
    return np.divide(ranks.T @ target, scale, out=np.zeros(values.shape[1]), where=scale > 0)


def starts_at_minimum(screen: Screen, settings: FitSettings) -> bool:
    """Whether rejection at ``min_epsilon`` fills a population within the budget (with a margin of 2)."""
    expected_runs = settings.population / max(screen.all_met, 1e-12)
    return 2 * expected_runs <= settings.max_runs - PRIOR_RUNS


class _Simulation:
    """The simulator pyabc's model calls: proposed uncertainties from logits, the rest drawn from their prior.

    Every simulated parameter set is kept (by its logits) so that the accepted particles
    can be given back with the values the drawn uncertainties took.
    """

    def __init__(self, simulator: BatchSimulator, proposed: list[int], seed: int) -> None:
        factors = simulator.factors
        self.simulator, self.proposed, self.seed = simulator, proposed, seed
        self.drawn = [j for j in range(len(factors)) if j not in proposed]
        self.low, self.high = np.array([f.low for f in factors]), np.array([f.high for f in factors])
        self.carried: dict[tuple[float, ...], np.ndarray] = {}

    def __call__(self, logits: np.ndarray, first: int) -> np.ndarray:
        """Statistics of the batch whose first simulation is the fit's ``first``-th."""
        low, high, proposed, drawn = self.low, self.high, self.proposed, self.drawn
        full = np.empty((len(logits), len(low)))
        full[:, proposed] = low[proposed] + (high[proposed] - low[proposed]) / (1.0 + np.exp(-logits))
        uniform = np.random.default_rng([self.seed, 4, first]).random((len(logits), len(drawn)))
        full[:, drawn] = low[drawn] + uniform * (high[drawn] - low[drawn])
        self.carried.update((tuple(row), values) for row, values in zip(logits, full, strict=True))
        return self.simulator(full, [run_seed(self.seed, first + k) for k in range(len(logits))])

    def values_of(self, logits: np.ndarray) -> np.ndarray:
        """Every uncertainty's value ``(particles, factors)`` of the parameter sets simulated with these logits."""
        return np.array([self.carried[tuple(row)] for row in logits])


def fit(resolved: Resolved, targets: Targets, settings: FitSettings, history_db: Path | None = None,
        on_runs: Callable[[int, int, int], None] | None = None) -> Posterior:
    """Fit the scenario's uncertainties to the targets by ABC-SMC.

    Args:
        resolved: The scenario.
        targets: The targets file (only ``use: fit`` targets are simulated or seen).
        settings: Population, budget, stopping rule, seed, workers.
        history_db: pyabc's SQLite history (every generation as it finishes); a temporary file if omitted.
        on_runs: Called after each batch with (runs, accepted in this generation, generation).

    Returns:
        The final generation as a posterior, with the screen, the generations and the settings in ``info``.

    Raises:
        ValueError: If the scenario has no uncertainty with a range, or no fitting target is within reach.
    """
    import pyabc  # here, not at the top: it takes seconds to import and only a fit needs it

    from multivector.calibration.sampler import BatchModel, EngineSampler

    factors = factors_of(resolved, "uncertainty")
    if not factors:
        raise InputError(f"{resolved.source}: the scenario has no quantity with 'role: uncertainty' and a range to fit")
    screen = screen_targets(resolved, targets, settings)
    if not screen.fitted:
        raise InputError(f"{targets.name}: no fitting target is within the model's reach ({', '.join(screen.excluded)})")
    logging.getLogger("ABC").setLevel(logging.WARNING)
    simulation = _Simulation(BatchSimulator(resolved, factors, screen.fitted, workers=settings.workers),
                             _proposed(screen.influence), settings.seed)
    model = BatchModel([factors[j].name for j in simulation.proposed], [t.id for t in screen.fitted])
    sampler = EngineSampler(model, simulation, on_batch=on_runs)
    prior = pyabc.Distribution(**{name: pyabc.RV("logistic", 0.0, 1.0) for name in model.names})
    fitted = screen.fitted

    def distance(x: dict[str, float], x0: dict[str, float]) -> float:
        return max(float(t.distance(np.array(x[t.id]))) for t in fitted)

    np.random.seed(settings.seed % 2**32)
    direct = starts_at_minimum(screen, settings)
    schedule = pyabc.MedianEpsilon(initial_epsilon=settings.min_epsilon) if direct else pyabc.MedianEpsilon()
    abc = pyabc.ABCSMC(model, prior, distance, population_size=settings.population, sampler=sampler, eps=schedule)
    with tempfile.TemporaryDirectory() as scratch:
        abc.new(f"sqlite:///{history_db or Path(scratch) / 'history.db'}", {t.id: t.observed for t in fitted})
        history = abc.run(minimum_epsilon=settings.min_epsilon, max_nr_populations=settings.generations,
                          max_total_nr_simulations=settings.max_runs - PRIOR_RUNS, min_acceptance_rate=MIN_ACCEPTANCE)
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        generations = _generations(history)
    info = {"settings": _settings_record(settings, direct), "prior_screen": _screen_record(screen, factors),
            "proposed": list(model.names), "excluded": screen.excluded, "generations": generations,
            "simulations": PRIOR_RUNS + sampler.simulations, "final_epsilon": generations[-1]["epsilon"],
            "reached_min_epsilon": bool(generations[-1]["epsilon"] <= settings.min_epsilon)}
    return Posterior(resolved.scenario.name, tuple(Parameter(f.name, f.low, f.high, f.integer) for f in factors),
                     simulation.values_of(frame[list(model.names)].to_numpy(dtype=float)),
                     np.asarray(weights, dtype=float) / np.sum(weights), tuple(t.to_json() for t in targets.targets),
                     tuple(t.id for t in fitted), {"name": "pyabc", "version": pyabc.__version__}, settings.seed, info)


def _settings_record(settings: FitSettings, direct: bool) -> dict[str, Any]:
    """The fit's settings as the posterior file records them."""
    return {"population": settings.population, "max_runs": settings.max_runs, "generations": settings.generations,
            "min_epsilon": settings.min_epsilon, "workers": settings.workers, "min_acceptance_rate": MIN_ACCEPTANCE,
            "distance": "largest distance to a fitting target, in tolerances",
            "epsilon": f"pyabc.MedianEpsilon, {'starting at min_epsilon (rejection)' if direct else 'median schedule'}",
            "transition": "pyabc.MultivariateNormalTransition (default)", "sampler": "calibration.sampler.EngineSampler"}


def _screen_record(screen: Screen, factors: list[Factor]) -> dict[str, Any]:
    """The prior screen as the posterior file records it."""
    return {"runs": PRIOR_RUNS, "threshold": UNREACHABLE_SHARE, "shares": screen.shares, "all_met": screen.all_met,
            "influence_threshold": INFLUENCE, "influence": {f.name: float(v) for f, v in zip(factors, screen.influence, strict=True)}}


def _proposed(influence: np.ndarray) -> list[int]:
    """The uncertainties pyabc's proposal perturbs: the influential ones (at least the most influential)."""
    chosen = [j for j in range(len(influence)) if influence[j] >= INFLUENCE]
    return chosen or [int(np.argmax(influence))]


def _generations(history: Any) -> list[dict[str, Any]]:
    rows = []
    populations = history.get_all_populations()
    for row in populations.itertuples():
        if row.t < 0:  # pyabc's pre-calibration row
            continue
        _, weights = history.get_distribution(m=0, t=int(row.t))
        w = np.asarray(weights, dtype=float) / np.sum(weights)
        rows.append({"t": int(row.t), "epsilon": float(row.epsilon), "judged": int(row.samples),
                     "ess": float(1.0 / np.sum(w**2))})
    return rows
