"""The model's agents: Central Asian states and external powers, as Mesa agents.

The model keeps its state in arrays (one row per state or power) and steps
them all at once; each agent is a view of its row, so Mesa users, SolaraViz
and ``mesa.batch_run`` see ordinary agents whose attributes are always current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.params import DOMAINS, PowerParams, StateParams
from model.simplex import normalise

if TYPE_CHECKING:
    from model.model import MultivectorModel


class ExternalPower(mesa.Agent):
    """A great or regional power competing for influence in Central Asia.

    Attributes:
        code: Short code such as ``"RUS"``.
        index: Position in the model's power arrays.
        params: The scenario's parameters for this power.
    """

    def __init__(self, model: MultivectorModel, index: int, code: str, params: PowerParams) -> None:
        """Register the power with the model."""
        super().__init__(model)
        self.code, self.index, self.params = code, index, params

    @property
    def capacity(self) -> float:
        """Capacity now (index, China 2021 = 1), after trend and shocks."""
        return float(self.model.strategies.capacity[self.index])

    @property
    def effort(self) -> float:
        """Capacity × commitment: what the power devotes to the region now."""
        return float(self.model.strategies.effort[self.index])

    @property
    def allocation(self) -> np.ndarray:
        """Share of its effort given to each state (sums to 1)."""
        return self.model.strategies.allocation[self.index]


class CentralAsianState(mesa.Agent):
    """One of the five states, spreading its engagement across the powers per domain (ZE23-18).

    Attributes:
        code: Short code such as ``"KAZ"``.
        index: Position in the model's state arrays.
        params: The scenario's parameters for this state.
        alignment_2021: The 2021 alignment ``[domain, power]`` its ties imply.
    """

    def __init__(self, model: MultivectorModel, index: int, code: str, params: StateParams) -> None:
        """Register the state with the model."""
        super().__init__(model)
        self.code, self.index, self.params = code, index, params
        self.alignment_2021 = initial_alignment(params, model.power_codes)

    @property
    def alignment(self) -> np.ndarray:
        """``[domain, power]`` shares now, each row on the simplex (a view of the model's array)."""
        return self.model.alignment[self.index]

    @alignment.setter
    def alignment(self, value: np.ndarray) -> None:
        self.model.alignment[self.index] = value

    @property
    def regime_security(self) -> float:
        """Security of the incumbent regime, in [0, 1]."""
        return float(self.model.domestic.regime_security[self.index])

    @property
    def growth(self) -> float:
        """Annualised growth this quarter (%/yr)."""
        return float(self.model.domestic.growth[self.index])

    @property
    def gdp_index(self) -> float:
        """Real GDP relative to the start."""
        return float(self.model.domestic.gdp_index[self.index])


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
