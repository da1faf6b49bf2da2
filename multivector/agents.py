"""The model's agents: Central Asian states and external powers, as Mesa agents.

The engine keeps the world in arrays (``model.engine``; one row per run, state
or power) and steps them all at once; each agent is a view of its row in the
model's single run, so Mesa users, SolaraViz and ``mesa.batch_run`` see ordinary
agents whose attributes are always current.
"""

from __future__ import annotations

import mesa
import numpy as np

from multivector.model.params import PowerParams, StateParams


class ExternalPower(mesa.Agent):
    """A great or regional power competing for influence in Central Asia.

    Attributes:
        code: Short code such as ``"RUS"``.
        index: Position in the model's power arrays.
        params: The scenario's parameters for this power.
    """

    def __init__(self, model: mesa.Model, index: int, code: str, params: PowerParams) -> None:
        """Register the power with ``model``, a :class:`~multivector.mesa_model.MultivectorModel` (read through its ``engine``)."""
        super().__init__(model)
        self.code, self.index, self.params = code, index, params

    @property
    def capacity(self) -> float:
        """Capacity now (index, China 2021 = 1), after trend and shocks."""
        return float(self.model.engine.strategies.capacity[0, self.index])

    @property
    def effort(self) -> float:
        """Capacity × commitment: what the power devotes to the region now."""
        return float(self.model.engine.strategies.effort[0, self.index])

    @property
    def allocation(self) -> np.ndarray:
        """Share of its effort given to each state (sums to 1)."""
        return self.model.engine.strategies.allocation[0, self.index]


class CentralAsianState(mesa.Agent):
    """One of the five states, spreading its engagement across the powers per domain (ZE23-18).

    Attributes:
        code: Short code such as ``"KAZ"``.
        index: Position in the model's state arrays.
        params: The scenario's parameters for this state.
    """

    def __init__(self, model: mesa.Model, index: int, code: str, params: StateParams) -> None:
        """Register the state with ``model``, a :class:`~multivector.mesa_model.MultivectorModel` (read through its ``engine``)."""
        super().__init__(model)
        self.code, self.index, self.params = code, index, params

    @property
    def alignment_2021(self) -> np.ndarray:
        """The 2021 alignment ``[domain, power]`` its ties imply."""
        return self.model.engine.alignment_2021[0, self.index]

    @property
    def alignment(self) -> np.ndarray:
        """``[domain, power]`` shares now, each row on the simplex (a view of the model's array)."""
        return self.model.engine.alignment[0, self.index]

    @alignment.setter
    def alignment(self, value: np.ndarray) -> None:
        self.model.engine.alignment[0, self.index] = value

    @property
    def regime_security(self) -> float:
        """Security of the incumbent regime, in [0, 1]."""
        return float(self.model.engine.domestic.regime_security[0, self.index])

    @property
    def growth(self) -> float:
        """Annualised growth this quarter (%/yr)."""
        return float(self.model.engine.domestic.growth[0, self.index])

    @property
    def gdp_index(self) -> float:
        """Real GDP relative to the start."""
        return float(self.model.engine.domestic.gdp_index[0, self.index])
