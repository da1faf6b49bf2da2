"""Pluggable decision rules of the Central Asian states, named after their theory.

Each rule turns the net value a state sees in leaning on each power, per domain,
into a target alignment. All rules share one utility (concept §3):

    U(a) = Σ_p a_p · u_p − λ · Σ_p a_p²,      u_p = L·B_p − C_p

whose maximiser on the simplex is the projection of ``u / (2λ)``. The quadratic
term is λ times the Herfindahl index of the alignment: the cost of depending on
one partner (SU23-04, SU23-14). The rules differ in how λ and u are formed:

* ``multivector_hedging`` (default; SU23-04, SU23-14, ZE23-18): λ rises with the
  pressure to choose sides, so pressure spreads alignment more evenly — the
  "dynamic balance" between one- and multi-directional balancing.
* ``bandwagoning`` (structural realism's alternative): λ is near zero, so the
  state follows the best offer.
* ``balancing_threat`` (Walt's balance of threat): every power is penalised in
  proportion to its threat — capacity × proximity — so the state leans away from
  the most threatening.
* ``positive_neutrality`` (Turkmenistan; SU23-62, YA24-08): a large λ and
  discounted offers keep every partner at arm's length.

Register new rules with :func:`register`; a scenario chooses one per state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.simplex import project_to_simplex

MIN_AVERSION = 0.02
"""Floor on λ so the projection stays defined (utility units)."""

NEUTRALITY_AVERSION_FACTOR = 4.0
"""Assumption: a neutral state weighs dependence four times as heavily as a hedger."""

NEUTRALITY_OFFER_DISCOUNT = 0.5
"""Assumption: a neutral state values offers at half, to keep distance from all."""


@dataclass(frozen=True)
class DecisionContext:
    """What a state knows when it decides, for every domain at once.

    Attributes:
        net_value: ``u[d, p]`` = leverage × offers − costs (utility units).
        aversion: The state's dependence aversion λ.
        pressure: Pressure to choose sides this quarter (≥ 0).
        pressure_sensitivity: How strongly pressure raises λ.
        threat: Threat posed by each power, ``[p]`` in [0, 1].
        threat_weight: Weight of threat for ``balancing_threat``.
    """

    net_value: np.ndarray
    aversion: float
    pressure: float
    pressure_sensitivity: float
    threat: np.ndarray
    threat_weight: float


DecisionRule = Callable[[DecisionContext], np.ndarray]
"""A rule maps a context to a target alignment ``[d, p]`` on the simplex."""

_RULES: dict[str, DecisionRule] = {}


def register(name: str) -> Callable[[DecisionRule], DecisionRule]:
    """Decorator that makes a rule available to scenarios under ``name``."""

    def add(rule: DecisionRule) -> DecisionRule:
        _RULES[name] = rule
        return rule

    return add


def get_rule(name: str) -> DecisionRule:
    """The rule registered as ``name``.

    Raises:
        KeyError: If no rule has that name; the message lists the known rules.
    """
    try:
        return _RULES[name]
    except KeyError:
        raise KeyError(f"unknown decision rule {name!r}; known: {', '.join(sorted(_RULES))}") from None


def rule_names() -> tuple[str, ...]:
    """Names of all registered rules."""
    return tuple(sorted(_RULES))


def optimal_alignment(net_value: np.ndarray, aversion: float) -> np.ndarray:
    """Maximiser of ``a·u − λ·Σa²`` on the simplex, row by row."""
    return project_to_simplex(net_value / (2.0 * max(aversion, MIN_AVERSION)))


@register("multivector_hedging")
def multivector_hedging(ctx: DecisionContext) -> np.ndarray:
    """Hedge: dependence aversion grows with pressure to pick a side (SU23-04)."""
    aversion = ctx.aversion * (1.0 + ctx.pressure_sensitivity * ctx.pressure)
    return optimal_alignment(ctx.net_value, aversion)


@register("bandwagoning")
def bandwagoning(ctx: DecisionContext) -> np.ndarray:
    """Bandwagon: follow the best offer, ignoring the cost of dependence."""
    return optimal_alignment(ctx.net_value, MIN_AVERSION)


@register("balancing_threat")
def balancing_threat(ctx: DecisionContext) -> np.ndarray:
    """Balance against threat: penalise powers by capacity × proximity."""
    return optimal_alignment(ctx.net_value - ctx.threat_weight * ctx.threat[None, :], ctx.aversion)


@register("positive_neutrality")
def positive_neutrality(ctx: DecisionContext) -> np.ndarray:
    """Positive neutrality: keep all powers at arm's length (SU23-62)."""
    aversion = ctx.aversion * NEUTRALITY_AVERSION_FACTOR * (1.0 + ctx.pressure_sensitivity * ctx.pressure)
    return optimal_alignment(NEUTRALITY_OFFER_DISCOUNT * ctx.net_value, aversion)
