"""The figures of paired experiments: a comparison of two scenarios and a claim ablation, saved as PNG.

``run.py compare`` and ``run.py ablate`` write them beside their tables; like
every figure of the project they go through :func:`analysis.style.save_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

from multivector.analysis.compare import AblationEffect, PairedStats
from multivector.analysis.plots import ablation_ranking, paired_differences
from multivector.analysis.style import save_figure
from multivector.ensemble.results import package_version
from multivector.scenarios.claims import Registry


def save_comparison_figure(differences: Sequence[np.ndarray], stats: Sequence[PairedStats], units: Sequence[str],
                           names: tuple[str, str], out: Path, runs: int, results: str) -> Path:
    """Draw each metric's paired changes (B − A) into ``<out>/comparison.png``.

    Args:
        differences: Per metric, the paired changes of each run.
        stats: Per metric, the statistics of those changes.
        units: Per metric, its unit.
        names: The scenarios compared, A then B.
        out: The comparison's folder.
        runs: Paired runs per scenario (for the title).
        results: How the stamp names the folder.

    Returns:
        The PNG file written.
    """
    title = f"{names[1]} − {names[0]} ({runs} paired runs)"
    return save_figure(out / "comparison.png", lambda: paired_differences(differences, stats, units, title=title),
                       f"{names[1]} vs {names[0]}", results, package_version())


def save_ablation_figure(ranking: Sequence[Sequence[AblationEffect]], unit: str, registry: Registry, scenario: str,
                         out: Path, runs: int, results: str) -> Path:
    """Draw the ranking of what switching claims off moves (the first metric) into ``<out>/ablation.png``.

    Args:
        ranking: Rows of effects (one per metric), largest first; the figure shows each row's first.
        unit: The first metric's unit.
        registry: The claims registry (contested claims are hatched).
        scenario: The scenario ablated.
        out: The ablation's folder.
        runs: Paired runs per variant (for the title).
        results: How the stamp names the folder.

    Returns:
        The PNG file written.
    """
    effects = [row[0] for row in ranking]
    contested = [any(registry.is_contested(c) for c in e.claims) for e in effects]
    title = f"Which claims carry {effects[0].stats.metric} in {scenario} ({runs} paired runs)"
    return save_figure(out / "ablation.png", lambda: ablation_ranking(effects, unit, contested, title=title).figure,
                       scenario, results, package_version())
