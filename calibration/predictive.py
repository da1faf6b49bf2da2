"""Predictive checks: the prior and the posterior run forward against every target.

Draws from the prior (a Latin hypercube over the uncertainties) and from the
posterior (resampled by weight) are run to the last quarter any target reads
(2024Q4), on seeds of their own, and each target's statistic is read off every
run. For each target and each side this gives the 80 % predictive interval
(10th–90th percentile) and the share of runs that meet the target within its
tolerance. A target is *covered* by the posterior when

* for a figure (``observed``): the figure lies inside the 80 % interval;
* for a direction (``above``/``below``): at least 80 % of the runs meet it within
  its tolerance.

Coverage of the held-back 2023–2024 targets is the honest test of the fit: the
fit never saw them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from multivector.calibration.posterior import Posterior, latin_unit
from multivector.calibration.simulator import BatchSimulator, run_seed
from multivector.calibration.targets import Target, Targets
from multivector.scenarios.designs import Factor, factors_of
from multivector.scenarios.loader import Resolved

PREDICTIVE_RUNS = 1000
"""Runs per side (prior, posterior) of the predictive checks."""

INTERVAL = (0.1, 0.9)
"""The predictive interval reported and used for coverage: the central 80 %."""

COVERED_SHARE = 0.8
"""Share of runs that must meet a direction target for the posterior to cover it."""


@dataclass(frozen=True)
class TargetCheck:
    """One target against the prior and the posterior predictive runs.

    Attributes:
        target: The target.
        prior: Its statistic in each prior run.
        posterior: Its statistic in each posterior run.
    """

    target: Target
    prior: np.ndarray
    posterior: np.ndarray

    def interval(self, side: str = "posterior") -> tuple[float, float]:
        """The 80 % predictive interval of one side."""
        low, high = np.quantile(getattr(self, side), INTERVAL)
        return float(low), float(high)

    def met(self, side: str = "posterior") -> float:
        """Share of one side's runs within the target's tolerance."""
        return float(np.mean(self.target.distance(getattr(self, side)) <= 1.0))

    @property
    def covered(self) -> bool:
        """Whether the posterior covers the target (see the module docstring)."""
        if self.target.kind == "value":
            low, high = self.interval()
            return low <= self.target.observed <= high
        return self.met() >= COVERED_SHARE


def predictive_checks(resolved: Resolved, targets: Targets, posterior: Posterior, *, runs: int = PREDICTIVE_RUNS,
                      seed: int = 0, workers: int = 1) -> list[TargetCheck]:
    """Run the prior and the posterior forward and read every target off every run."""
    factors = factors_of(resolved, "uncertainty")
    simulator = BatchSimulator(resolved, factors, targets.targets, workers=workers)
    prior_values = _from_units(factors, latin_unit(len(factors), runs, seed))
    posterior_values = _from_units(factors, posterior.unit_points([f.name for f in factors], runs, seed))
    prior = simulator(prior_values, [run_seed(seed, k, stream=2) for k in range(runs)])
    after = simulator(posterior_values, [run_seed(seed, k, stream=3) for k in range(runs)])
    return [TargetCheck(t, prior[:, k], after[:, k]) for k, t in enumerate(targets.targets)]


def _from_units(factors: list[Factor], unit: np.ndarray) -> np.ndarray:
    low = np.array([f.low for f in factors])
    high = np.array([f.high for f in factors])
    return low + unit * (high - low)


def write_checks(checks: list[TargetCheck], path: Path) -> Path:
    """Every predictive run's statistic, one row per (side, run, target): ``side,run,target,value``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["side", "run", "target", "value"])
        for check in checks:
            for side in ("prior", "posterior"):
                for k, value in enumerate(getattr(check, side)):
                    writer.writerow([side, k, check.target.id, repr(float(value))])
    return path


def read_checks(path: Path, targets: Targets) -> list[TargetCheck]:
    """The checks :func:`write_checks` wrote, for the targets of a targets file."""
    values: dict[tuple[str, str], list[float]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values.setdefault((row["side"], row["target"]), []).append(float(row["value"]))
    return [TargetCheck(t, np.array(values[("prior", t.id)]), np.array(values[("posterior", t.id)]))
            for t in targets.targets if ("prior", t.id) in values]
