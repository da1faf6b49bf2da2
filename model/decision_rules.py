"""Pluggable decision rules of the Central Asian states, named after their theory.

Every rule scores an alignment ``a`` (a point of the simplex over the powers)
in each domain with one utility form (ODD §7.1):

    U(a) = Σ_p a_p · (α · (u_p + τ_p) − β · θ_p) − λ_eff · Σ_p a_p²

``u`` is the net value of leaning on each power this quarter (offers, regime
protection, minus secondary-sanctions cost), ``τ`` the value of the state's
existing ties, ``θ`` each power's threat (proximity × effort) and the last
term λ_eff times the Herfindahl index: the cost of depending on one partner
(SU23-04, SU23-14). The maximiser is the Euclidean projection of
``(α(u + τ) − βθ) / (2λ_eff)`` onto the simplex, so a rule is fully described by
its three coefficients (:class:`RuleTerms`):

* ``multivector_hedging`` (default; SU23-04, SU23-14, ZE23-18): α = 1, β = the
  threat weight, λ_eff = λ · (1 + s · pressure) · (1 + leverage). Pressure to
  choose sides and the leverage that competing formats and regional cohesion
  give both raise the cost of concentrating, so both spread alignment more
  evenly (YA24-01, YA24-04).
* ``bandwagoning`` (structural realism's alternative): λ_eff near zero and no
  threat term, so the state follows the best offer.
* ``balancing_threat`` (Walt's balance of threat): threat weighs four times as
  much, and pressure does not change how the state spreads itself.
* ``positive_neutrality`` (Turkmenistan; SU23-62, YA24-08): offers count half,
  λ_eff is four times a hedger's, keeping every partner at arm's length.

**Revealed ties.** ``τ`` is not a free parameter: it is set once, from the
state's 2021 alignment ``a⁰`` and the 2021 conditions, so that ``a⁰`` *is* the
rule's optimum then (:func:`revealed_ties`). Because the optimum is a
projection, this is exact: ``τ = (2λ_eff⁰ a⁰ + βθ⁰)/α − u⁰`` (plus any constant,
which the projection ignores). Every later movement therefore has a cause: a
change in offers, protection, exposure, pressure, leverage or threat.

Register new rules with :func:`register`; a scenario chooses one per state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from multivector.model.simplex import project_to_simplex

MIN_AVERSION = 0.02
"""Floor on λ_eff so the projection stays defined (utility units)."""

NEUTRALITY_AVERSION_FACTOR = 4.0
"""Assumption: a neutral state weighs dependence four times as heavily as a hedger."""

NEUTRALITY_OFFER_DISCOUNT = 0.5
"""Assumption: a neutral state values offers at half, to keep distance from all."""

BALANCING_THREAT_FACTOR = 4.0
"""Assumption: a balancer weighs threat four times as heavily as a hedger."""


@dataclass(frozen=True)
class DecisionContext:
    """What shapes the states' rules this quarter, as arrays over any leading axes (runs, states).

    Attributes:
        aversion: Dependence aversion λ (utility units), ``[...]``.
        pressure: Pressure to choose sides (≥ 0; ODD §7.5), ``[...]``.
        pressure_sensitivity: How strongly pressure raises λ (SU23-04), ``[...]``.
        leverage: Leverage per domain (≥ 0; formats and cohesion, YA24-01), ``[..., d]``.
        threat_weight: Weight of threat in the utility, ``[...]``.
    """

    aversion: np.ndarray | float
    pressure: np.ndarray | float
    pressure_sensitivity: np.ndarray | float
    leverage: np.ndarray
    threat_weight: np.ndarray | float


@dataclass(frozen=True)
class RuleTerms:
    """The coefficients of a rule's utility, per state (and run), per domain.

    Attributes:
        value_weight: α, the weight of net value and ties (> 0), ``[...]``.
        threat_weight: β, the weight of threat (≥ 0), ``[...]``.
        aversion: λ_eff per domain, ``[..., d]`` (≥ :data:`MIN_AVERSION`).
    """

    value_weight: np.ndarray | float
    threat_weight: np.ndarray | float
    aversion: np.ndarray

    def scores(self, net_value: np.ndarray, ties: np.ndarray, threat: np.ndarray) -> np.ndarray:
        """``[..., d, p]`` linear scores ``α(u + τ) − βθ``; ``threat`` broadcasts against ``[..., d, p]``."""
        alpha = np.asarray(self.value_weight)[..., None, None]
        beta = np.asarray(self.threat_weight)[..., None, None]
        return alpha * (net_value + ties) - beta * threat

    def target(self, net_value: np.ndarray, ties: np.ndarray, threat: np.ndarray) -> np.ndarray:
        """``[..., d, p]`` the alignment that maximises the utility (the closed-form projection)."""
        return project_to_simplex(self.scores(net_value, ties, threat) / (2.0 * np.asarray(self.aversion)[..., None]))

    def utility(self, alignment: np.ndarray, net_value: np.ndarray, ties: np.ndarray, threat: np.ndarray) -> np.ndarray:
        """The utility of an alignment ``[..., d, p]``, summed over domains and powers (utility units), ``[...]``."""
        linear = (alignment * self.scores(net_value, ties, threat)).sum(axis=(-2, -1))
        return linear - (np.asarray(self.aversion)[..., None] * alignment**2).sum(axis=(-2, -1))

    def select(self, mask: np.ndarray, other: RuleTerms) -> RuleTerms:
        """These terms where ``mask`` (over the leading axes) holds, ``other``'s elsewhere."""
        return RuleTerms(np.where(mask, self.value_weight, other.value_weight),
                         np.where(mask, self.threat_weight, other.threat_weight),
                         np.where(mask[..., None], self.aversion, other.aversion))


DecisionRule = Callable[[DecisionContext], RuleTerms]
"""A rule maps what shapes a state's choice to the coefficients of its utility."""

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
    """Maximiser of ``a·u − λ·Σa²`` on the simplex, row by row (α = 1, no ties, no threat)."""
    return project_to_simplex(net_value / (2.0 * max(aversion, MIN_AVERSION)))


def revealed_ties(terms: RuleTerms, net_value: np.ndarray, threat: np.ndarray, alignment: np.ndarray) -> np.ndarray:
    """``[..., d, p]`` value of existing ties that makes ``alignment`` the rule's optimum under these conditions.

    With ``τ`` so chosen, ``α(u + τ) − βθ = 2λ_eff · a``, whose projection is
    ``a`` itself (``a`` already lies on the simplex). Ties are normalised to
    mean zero per domain, which the projection ignores.
    """
    alpha = np.asarray(terms.value_weight)[..., None, None]
    beta = np.asarray(terms.threat_weight)[..., None, None]
    ties = (2.0 * np.asarray(terms.aversion)[..., None] * alignment + beta * threat) / alpha - net_value
    return ties - ties.mean(axis=-1, keepdims=True)


def hold_losses(target: np.ndarray, reference: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Targets in which each power keeps a share ``keep`` of what it would lose against ``reference``.

    A power whose target share is below its reference share gets
    ``T_p + keep_p (ref_p − T_p)``; the others share what is left in proportion
    to their targets. No power is raised above its reference share, and gains
    are not held back (the standing priority of ODD §7.1).

    Args:
        target: Alignments chosen by a rule, last axis on the simplex.
        reference: The reference alignment (the 2021 one), same shape.
        keep: Share of each loss kept, in [0, 1], broadcast against ``target``.
    """
    kept = keep * np.maximum(reference - target, 0.0)
    held = kept > 0
    if not held.any():
        return target
    free = np.where(held, 0.0, target)
    room = 1.0 - np.where(held, target + kept, 0.0).sum(axis=-1, keepdims=True)
    total = free.sum(axis=-1, keepdims=True)
    scale = np.divide(room, total, out=np.ones_like(room), where=total > 0)
    touched = held.any(axis=-1, keepdims=True)  # rows without a held loss keep their target exactly
    return np.where(touched, np.where(held, target + kept, free * scale), target)


def _hedging_aversion(ctx: DecisionContext) -> np.ndarray:
    scale = 1.0 + np.asarray(ctx.pressure_sensitivity) * np.asarray(ctx.pressure)
    return (np.asarray(ctx.aversion) * scale)[..., None] * (1.0 + np.asarray(ctx.leverage))


def _like(ctx: DecisionContext, value: float) -> np.ndarray:
    """``value`` in the shape of the context's leading axes."""
    return np.full(np.shape(np.asarray(ctx.leverage))[:-1], value)


@register("multivector_hedging")
def multivector_hedging(ctx: DecisionContext) -> RuleTerms:
    """Hedge: pressure to pick a side and leverage both raise the cost of dependence (SU23-04, YA24-01)."""
    return RuleTerms(_like(ctx, 1.0), np.asarray(ctx.threat_weight) * _like(ctx, 1.0),
                     np.maximum(_hedging_aversion(ctx), MIN_AVERSION))


@register("bandwagoning")
def bandwagoning(ctx: DecisionContext) -> RuleTerms:
    """Bandwagon: follow the best offer, ignoring the cost of dependence and threat."""
    return RuleTerms(_like(ctx, 1.0), _like(ctx, 0.0), np.full(np.shape(np.asarray(ctx.leverage)), MIN_AVERSION))


@register("balancing_threat")
def balancing_threat(ctx: DecisionContext) -> RuleTerms:
    """Balance against threat: threat (proximity × effort) weighs four times; pressure changes nothing."""
    aversion = np.asarray(ctx.aversion)[..., None] * (1.0 + np.asarray(ctx.leverage))
    return RuleTerms(_like(ctx, 1.0), BALANCING_THREAT_FACTOR * np.asarray(ctx.threat_weight) * _like(ctx, 1.0),
                     np.maximum(aversion, MIN_AVERSION))


@register("positive_neutrality")
def positive_neutrality(ctx: DecisionContext) -> RuleTerms:
    """Positive neutrality: offers count half and dependence four times (SU23-62)."""
    aversion = NEUTRALITY_AVERSION_FACTOR * _hedging_aversion(ctx)
    return RuleTerms(_like(ctx, NEUTRALITY_OFFER_DISCOUNT), np.asarray(ctx.threat_weight) * _like(ctx, 1.0),
                     np.maximum(aversion, MIN_AVERSION))


def rule_terms(codes: np.ndarray, options: tuple[str, ...], ctx: DecisionContext) -> RuleTerms:
    """Each state's terms under its own rule: ``codes`` index ``options`` (rule names), over the context's leading axes."""
    present = [int(code) for code in np.unique(codes)]
    terms = get_rule(options[present[0]])(ctx)
    for code in present[1:]:
        terms = get_rule(options[code])(ctx).select(codes == code, terms)
    return terms
