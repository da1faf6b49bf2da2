"""Paired comparison of two scenarios run on the same seeds, and claim-ablation rankings.

Run ``i`` of both scenarios shares its seed, so the difference ``b_i − a_i``
removes the noise the two runs have in common. Everything here takes metric
values already computed (arrays of runs × metrics) and returns plain tables;
no model runs inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
"""Resamples behind each interval; enough for stable 95 % percentile bounds."""

CONFIDENCE = 0.95
"""Coverage of the interval of the mean paired difference."""

SAME_SHIFT = 1e-9
"""Paired differences whose SD is below this share of their largest size count as one shift in every run (d_z undefined)."""


@dataclass(frozen=True)
class PairedStats:
    """How one metric differs between scenario B and scenario A over paired runs.

    Attributes:
        metric: The metric's label.
        n: Number of paired runs.
        median_a: Median of A over runs.
        median_b: Median of B over runs.
        mean_diff: Mean of ``b − a``.
        ci_low: Lower bound of the bootstrap interval of the mean difference.
        ci_high: Upper bound of that interval.
        median_diff: Median of ``b − a``.
        p10_diff: 10th percentile of ``b − a`` (spread of run-level effects).
        p90_diff: 90th percentile of ``b − a``.
        effect_size: Cohen's d for paired data (d_z): mean difference / SD of differences;
            NaN (undefined) when every run changes by the same amount, SD 0 (see :func:`effect_text`).
        share_higher: Share of runs in which B is above A.
    """

    metric: str
    n: int
    median_a: float
    median_b: float
    mean_diff: float
    ci_low: float
    ci_high: float
    median_diff: float
    p10_diff: float
    p90_diff: float
    effect_size: float
    share_higher: float

    def direction(self, tolerance: float) -> str:
        """The direction the paired change shows, given the smallest change that counts.

        ``increase``/``decrease`` when the interval excludes 0 and the mean change
        reaches ``tolerance``; ``unchanged`` when the whole interval lies within
        ±tolerance; otherwise ``unclear``.
        """
        if self.ci_low > 0 and self.mean_diff >= tolerance:
            return "increase"
        if self.ci_high < 0 and self.mean_diff <= -tolerance:
            return "decrease"
        if -tolerance <= self.ci_low and self.ci_high <= tolerance:
            return "unchanged"
        return "unclear"

    def as_row(self) -> dict[str, float | int | str]:
        """The statistics as a flat mapping (one table row)."""
        return asdict(self)


def paired_stats(metric: str, a: np.ndarray, b: np.ndarray, seed: int) -> PairedStats:
    """Statistics of the paired differences ``b − a`` of one metric.

    Args:
        metric: Label of the metric.
        a: Values in scenario A, one per run.
        b: Values in scenario B, same runs (same seeds) in the same order.
        seed: Seed of the bootstrap (derive it from the batch's root seed).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    diff = b - a
    low, high = bootstrap_mean_interval(diff, seed)
    spread = diff.std(ddof=1) if diff.size > 1 else 0.0
    if spread <= SAME_SHIFT * max(float(np.abs(diff).max(initial=0.0)), np.finfo(float).tiny):
        spread = 0.0  # the same shift in every run, up to rounding (b − a of floats)
    return PairedStats(
        metric=metric, n=int(diff.size), median_a=float(np.median(a)), median_b=float(np.median(b)),
        mean_diff=float(diff.mean()), ci_low=low, ci_high=high, median_diff=float(np.median(diff)),
        p10_diff=float(np.percentile(diff, 10)), p90_diff=float(np.percentile(diff, 90)),
        effect_size=float(diff.mean() / spread) if spread > 0 else float("nan"),
        share_higher=float((diff > 0).mean()),
    )


def bootstrap_mean_interval(values: np.ndarray, seed: int, resamples: int = BOOTSTRAP_RESAMPLES,
                            confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values``."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, values.size, size=(resamples, values.size))
    means = values[draws].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def compare_runs(labels: Sequence[str], a: np.ndarray, b: np.ndarray, seed: int) -> list[PairedStats]:
    """Paired statistics of every metric (columns of ``a`` and ``b``, runs × metrics)."""
    return [paired_stats(label, a[:, j], b[:, j], seed + j) for j, label in enumerate(labels)]


@dataclass(frozen=True)
class AblationEffect:
    """How switching one claim (or group) off moves one metric.

    Attributes:
        switched_off: The claim ID or group label switched off.
        claims: The claims switched off.
        stats: Paired statistics of (claim off) − (full scenario).
    """

    switched_off: str
    claims: tuple[str, ...]
    stats: PairedStats

    @property
    def weight(self) -> float:
        """How much the claim carries the result: |mean change| of the metric."""
        return abs(self.stats.mean_diff)


def rank_ablation(full: np.ndarray, variants: dict[str, tuple[tuple[str, ...], np.ndarray]], labels: Sequence[str],
                  seed: int, by: int = 0) -> list[list[AblationEffect]]:
    """Rank switched-off claims by how far they move the metrics from the full scenario.

    Args:
        full: Metric values of the full scenario, runs × metrics.
        variants: Label → (claims switched off, metric values runs × metrics on the same seeds).
        labels: Metric labels (columns).
        seed: Seed of the bootstrap intervals.
        by: Column that orders the ranking.

    Returns:
        One list of effects per variant (one effect per metric), largest effect on
        metric ``by`` first.
    """
    rows = [
        [AblationEffect(name, claims, paired_stats(labels[j], full[:, j], values[:, j], seed + j))
         for j in range(len(labels))]
        for name, (claims, values) in variants.items()
    ]
    return sorted(rows, key=lambda row: (-row[by].weight, row[by].switched_off))


def markdown_table(stats: Sequence[PairedStats], units: Sequence[str], a: str, b: str) -> str:
    """A Markdown table of paired statistics (one row per metric)."""
    head = (f"| metric | unit | median {a} | median {b} | mean change {b} − {a} [95 % CI] "
            "| median change [10–90 %] | effect size d_z | runs higher |")
    lines = [head, "|" + "---|" * 8]
    for stat, unit in zip(stats, units, strict=True):
        lines.append(
            f"| `{stat.metric}` | {unit} | {stat.median_a:.4g} | {stat.median_b:.4g} "
            f"| {stat.mean_diff:+.4g} [{stat.ci_low:+.4g}, {stat.ci_high:+.4g}] "
            f"| {stat.median_diff:+.4g} [{stat.p10_diff:+.4g}, {stat.p90_diff:+.4g}] "
            f"| {effect_text(stat)} | {stat.share_higher:.0%} |"
        )
    return "\n".join(lines) + "\n"


def effect_text(stat: PairedStats) -> str:
    """The effect size d_z as text: a number, ``>+100``/``<−100`` when the runs barely differ in noise, or why it is undefined.

    With every run changed by the same amount the SD of the changes is 0 and d_z does not
    exist; the text says so (``all runs shift by +0.05; d_z undefined``, or ``no run changes``).
    """
    value = stat.effect_size
    if np.isnan(value):
        if stat.mean_diff == 0:
            return "no run changes; d_z undefined"
        return f"all runs shift by the same amount ({stat.mean_diff:+.4g}); d_z undefined"
    return f"{value:+.2f}" if abs(value) < 100 else (">+100" if value > 0 else "<−100")
