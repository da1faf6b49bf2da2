"""The model's agents: Central Asian states and external powers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.decision_rules import DecisionContext, get_rule
from model.params import DOMAINS, PowerParams, StateParams
from model.simplex import normalise, project_to_simplex

if TYPE_CHECKING:
    from model.model import MultivectorModel


class ExternalPower(mesa.Agent):
    """A great or regional power competing for influence in Central Asia.

    Attributes:
        code: Short code such as ``"RUS"``.
        params: The scenario's parameters for this power.
        capacity: Capacity devoted to the region this quarter (index, China 2021 = 1).
        allocation: Share of that capacity given to each state (sums to 1).
    """

    def __init__(self, model: MultivectorModel, code: str, params: PowerParams, n_states: int) -> None:
        """Create the power with an even allocation over the states."""
        super().__init__(model)
        self.code = code
        self.params = params
        self.capacity = params.capacity
        self.shock = 1.0
        self.allocation = np.full(n_states, 1.0 / n_states)
        self.advantage = np.array([params.advantage[d] for d in DOMAINS])

    def update_capacity(self, years: float) -> None:
        """Capacity after ``years`` of trend growth, times any shocks (CH25-42, SU23-22)."""
        self.capacity = self.params.capacity * (1 + self.params.capacity_growth / 100) ** years * self.shock

    def allocate(self, state_value: np.ndarray, rival_lead: np.ndarray, rate: float) -> None:
        """Move the allocation toward states of value where rivals lead.

        The target is proportional to ``value_i · (1 + denial · rival_lead_i)``:
        a power with a denial goal chases the states where rivals are ahead of it.

        Args:
            state_value: Strategic value of each state (relative units).
            rival_lead: How far the best rival's alignment exceeds this power's, per state.
            rate: Share of the gap closed per quarter.
        """
        target = normalise(state_value * (1 + self.params.denial * rival_lead))
        self.allocation += rate * (target - self.allocation)

    def offers(self, offer_scale: float) -> np.ndarray:
        """Raw offer to each state in each domain, ``[state, domain]``.

        Capacity × the state's allocation relative to an even spread × the
        comparative advantage in the domain (YA24-42). The model rescales
        offers per state so that they measure relative, not absolute, courting.
        """
        n_states = self.allocation.size
        return offer_scale * self.capacity * (self.allocation * n_states)[:, None] * self.advantage[None, :]


class CentralAsianState(mesa.Agent):
    """One of the five states, spreading its engagement across the powers per domain.

    Attributes:
        code: Short code such as ``"KAZ"``.
        params: The scenario's parameters for this state.
        alignment: ``[domain, power]`` shares, each row on the simplex.
        anchor: The 2021 alignment the state's existing ties imply.
        regime_security: Security of the incumbent regime, in [0, 1].
        growth: Annualised growth this quarter (%/yr).
        gdp_index: Real GDP relative to the start.
    """

    def __init__(self, model: MultivectorModel, code: str, params: StateParams, power_codes: tuple[str, ...]) -> None:
        """Create the state with its 2021 ties as its alignment."""
        super().__init__(model)
        self.code = code
        self.params = params
        self.rule = get_rule(params.decision_rule)
        self.anchor = initial_alignment(params, power_codes)
        self.alignment = self.anchor.copy()
        self.regime_security = params.regime_security
        self.growth = params.trend_growth
        self.gdp_index = 1.0

    def decide(self, net_value: np.ndarray, pressure: float, threat: np.ndarray, noise: float, threat_weight: float) -> None:
        """Move part way toward the target alignment its decision rule gives, with noise.

        Args:
            net_value: ``[domain, power]`` net value of leaning on each power.
            pressure: Pressure to choose sides this quarter.
            threat: Threat posed by each power, in [0, 1].
            noise: Std. dev. of the alignment noise.
            threat_weight: Weight of threat for rules that use it.
        """
        p = self.params
        context = DecisionContext(net_value, p.dependence_aversion, pressure, p.pressure_sensitivity, threat, threat_weight)
        target = self.rule(context)
        moved = self.alignment + p.adjustment_rate * (target - self.alignment)
        jitter = self.model.rng.normal(0.0, noise, size=moved.shape) if noise > 0 else 0.0
        self.alignment = project_to_simplex(moved + jitter)

    def shift_security(self, power_index: int, boost: float) -> None:
        """Move security alignment toward one power (an intervention, ZE23-14)."""
        row = DOMAINS.index("security")
        toward = np.zeros(self.alignment.shape[1])
        toward[power_index] = 1.0
        self.alignment[row] = (1 - boost) * self.alignment[row] + boost * toward


def initial_alignment(params: StateParams, power_codes: tuple[str, ...]) -> np.ndarray:
    """The 2021 alignment implied by the state's ties.

    Economy: the mean of trade and investment shares. Security and diplomacy:
    the scenario's ties. Unassigned weight is spread evenly, then each row is
    normalised, so every power starts with a small presence.
    """
    def row(shares: dict[str, float]) -> np.ndarray:
        values = np.array([shares.get(code, 0.0) for code in power_codes])
        rest = max(0.0, 1.0 - values.sum())
        return normalise(values + rest / len(power_codes))

    economy = {c: (params.trade_shares.get(c, 0.0) + params.investment_shares.get(c, 0.0)) / 2 for c in power_codes}
    rows = {"security": params.security_ties, "economy": economy, "diplomacy": params.diplomatic_ties}
    return np.stack([row(rows[d]) for d in DOMAINS])
