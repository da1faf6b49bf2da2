"""Sensitivity indices of a Sobol or Morris batch (through SALib), from its results folder.

The indicator of each design point is its mean over the point's replicate runs
(which share seeds across points), so the indices measure what the parameters
do, not run-to-run noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from multivector.model.errors import InputError

BOOTSTRAP_RESAMPLES = 200
"""SALib's resamples for the confidence intervals of the Sobol indices."""


def point_means(summary: pd.DataFrame, indicator: str, points: int) -> np.ndarray:
    """Mean of one summary indicator per design point (``NaN`` for a point with no finished run)."""
    means = summary.groupby("point")[indicator].mean()
    return means.reindex(range(points)).to_numpy(dtype=float)


def indices(manifest: dict[str, Any], summary: pd.DataFrame, indicator: str, seed: int = 0) -> pd.DataFrame:
    """Sobol (S1, ST with confidence) or Morris (mu_star, sigma with confidence) indices of one indicator.

    Args:
        manifest: The results folder's manifest (its ``design`` holds the factors and points).
        summary: The per-run summary table (with its ``point`` column).
        indicator: A column of the summary (see ``model.outcomes.SUMMARY``).
        seed: Seed of SALib's bootstrap.

    Returns:
        One row per factor, largest total effect first.

    Raises:
        ValueError: If the design is neither Sobol nor Morris, or runs are missing.
    """
    design = manifest["design"]
    problem = {"num_vars": len(design["factors"]), "names": [f["path"] for f in design["factors"]],
               "bounds": [[f["low"], f["high"]] for f in design["factors"]]}
    points = np.array(design["points"], dtype=float)
    y = point_means(summary, indicator, len(points))
    if np.isnan(y).any():
        raise InputError(f"{int(np.isnan(y).sum())} design points have no finished run; resume the batch first")
    if design["kind"] == "sobol":
        from SALib.analyze import sobol

        found = sobol.analyze(problem, y, calc_second_order=False, num_resamples=BOOTSTRAP_RESAMPLES, seed=seed)
        table = pd.DataFrame({"parameter": problem["names"], "S1": found["S1"], "S1_conf": found["S1_conf"],
                              "ST": found["ST"], "ST_conf": found["ST_conf"]})
        return table.sort_values("ST", ascending=False).reset_index(drop=True)
    if design["kind"] == "morris":
        from SALib.analyze import morris

        found = morris.analyze(problem, points, y, num_levels=4, seed=seed)
        table = pd.DataFrame({"parameter": problem["names"], "mu_star": found["mu_star"],
                              "mu_star_conf": found["mu_star_conf"], "sigma": found["sigma"]})
        return table.sort_values("mu_star", ascending=False).reset_index(drop=True)
    raise InputError(f"sensitivity indices need a sobol or morris design, not {design['kind']!r}")


WIDE_SOBOL_INTERVAL = 0.1
"""Half-width of a Sobol index's 95 % interval (a share of the output's variance) beyond which it is too uncertain to rank on."""

NEGATIVE_SOBOL = -0.01
"""A Sobol index below this is negative beyond rounding: impossible for a share of variance, a sign of too small an N."""

WIDE_MORRIS_INTERVAL = 0.5
"""Half-width of the interval of the largest μ*, as a share of that μ*, beyond which the Morris ranking is unsettled."""


def reliability_warning(table: pd.DataFrame, design: dict[str, Any]) -> str | None:
    """A one-sentence warning when the sample is too small for the indices to be read, else None.

    Sobol: some index is negative (a share of variance cannot be), or some 95 % interval is
    wider than ±:data:`WIDE_SOBOL_INTERVAL`. Morris: the interval of the largest μ* is wider
    than :data:`WIDE_MORRIS_INTERVAL` of it.

    Args:
        table: Indices from :func:`indices`.
        design: The manifest's design (its ``kind`` and ``samples``).
    """
    samples = design.get("samples")
    if design.get("kind") == "sobol":
        values = table[["S1", "ST"]].to_numpy(dtype=float)
        negative = int((values < NEGATIVE_SOBOL).sum())
        widest = float(np.nanmax(table[["S1_conf", "ST_conf"]].to_numpy(dtype=float), initial=0.0))
        if not negative and widest <= WIDE_SOBOL_INTERVAL:
            return None
        found = []
        if negative:
            found.append(f"{negative} of {values.size} indices are negative (a share of variance cannot be)")
        if widest > WIDE_SOBOL_INTERVAL:
            found.append(f"95 % intervals reach ±{widest:.2f}")
        return (f"N = {samples} is too small for these Sobol indices: {' and '.join(found)}; "
                f"read them as rough at best and run again with a larger --samples (e.g. {4 * int(samples or 1)})")
    if design.get("kind") == "morris" and "mu_star_conf" in table and len(table):
        top = table.sort_values("mu_star", ascending=False).iloc[0]
        if top["mu_star"] > 0 and top["mu_star_conf"] <= WIDE_MORRIS_INTERVAL * top["mu_star"]:
            return None
        return (f"{samples} trajectories are too few for this Morris screening: the largest μ* is "
                f"{top['mu_star']:.3g} ± {top['mu_star_conf']:.3g}; run again with a larger --samples (e.g. {4 * int(samples or 1)})")
    return None
