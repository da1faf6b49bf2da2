"""Operations on alignment vectors, which live on the probability simplex."""

from __future__ import annotations

import numpy as np

DIVISION_FLOOR = 1e-9
"""Smallest denominator the model divides by (in the quantity's own unit): guards a share or ratio of an empty total."""


def project_to_simplex(values: np.ndarray) -> np.ndarray:
    """Euclidean projection of each row of ``values`` onto the simplex.

    The projection is the closed-form maximiser of ``a·u − λ·Σ a²`` over the
    simplex when called with ``u / (2λ)`` (concept §3): it sorts, finds the
    threshold ``τ`` and returns ``max(v − τ, 0)``.

    Args:
        values: Array whose last axis is projected (any leading shape).

    Returns:
        An array of the same shape whose last-axis rows are non-negative and sum to 1.
    """
    v = np.asarray(values, dtype=float)
    n = v.shape[-1]
    ordered = -np.sort(-v, axis=-1)
    cumulative = np.cumsum(ordered, axis=-1) - 1.0
    ranks = np.arange(1, n + 1)
    positive = ordered - cumulative / ranks > 0
    rho = n - 1 - np.argmax(positive[..., ::-1], axis=-1)
    tau = np.take_along_axis(cumulative, rho[..., None], axis=-1) / (rho[..., None] + 1)
    return np.maximum(v - tau, 0.0)


def hedging_index(shares: np.ndarray) -> np.ndarray:
    """Normalised Shannon entropy of the last axis (0 = one partner, 1 = even spread).

    Args:
        shares: Alignment shares; the last axis sums to 1.

    Returns:
        Entropy divided by ``log(n)``, in [0, 1].
    """
    p = np.clip(shares, 1e-12, 1.0)
    n = shares.shape[-1]
    return -(p * np.log(p)).sum(axis=-1) / np.log(n)


def normalise(values: np.ndarray, floor: float = DIVISION_FLOOR) -> np.ndarray:
    """Scale the last axis to sum to 1, treating an all-zero row as uniform."""
    v = np.maximum(np.asarray(values, dtype=float), 0.0) + floor
    return v / v.sum(axis=-1, keepdims=True)
