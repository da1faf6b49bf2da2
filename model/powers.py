"""The external powers' strategies: capacity, regional effort, allocation across states, offers.

Each power *p* has, in every run (ODD §7.2):

* a **capacity** ``K_p`` that follows its trend (``capacity_growth``, %/yr) and
  dated shocks (CH25-42, SU23-22);
* a **commitment** ``m_p`` (1 in 2021): the multiple of its 2021 effort it now
  devotes to the region. It rises as the power loses influence, in proportion
  to its denial motive (YA24-39, ZE23-01), and falls back as it regains it:
  ``m* = clip(1 + effort_response · denial_p · (I⁰_p − I_p) / I⁰_p, 1, max_effort)``;
  ``m`` closes ``allocation_rate`` of the gap each quarter. A power ahead of its
  2021 influence keeps its 2021 commitment: it has no rival gain to deny, and
  the region's more even spread hands small powers influence they did not
  work for (assumption). Its **effort** is ``E_p = K_p · m_p``;
* an **allocation** of that effort across the states, moving toward
  ``value_i · (1 + denial_p · lead_ip)``, normalised, where ``lead`` is how far the
  best rival's mean alignment in state *i* exceeds the power's own. The 2021
  allocation is this target under the 2021 alignment, so nothing moves until
  alignments do;
* **offers** ``B[i, d, p] = offer_scale · E_p · (n · alloc_pi) · advantage_pd``:
  effort × attention relative to an even spread × comparative advantage
  in the domain (YA24-42).

Every array has a leading run axis ``R``.
"""

from __future__ import annotations

import numpy as np

from multivector.model.simplex import normalise
from multivector.model.tables import Tables


def influence(alignment: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``[R, power]`` regional influence: alignment ``[R, state, domain, power]`` averaged over domains, weighted by ``weight`` ``[R, state]``."""
    return (weight[..., None] * alignment.mean(axis=-2)).sum(axis=-2)


def rival_lead(mean_alignment: np.ndarray) -> np.ndarray:
    """``[..., state, power]``: how far the best rival's share exceeds the power's own (0 where the power leads)."""
    order = np.argsort(mean_alignment, axis=-1)
    best = np.take_along_axis(mean_alignment, order[..., -1:], axis=-1)
    second = np.take_along_axis(mean_alignment, order[..., -2:-1], axis=-1) if mean_alignment.shape[-1] > 1 else best
    leader = np.arange(mean_alignment.shape[-1]) == order[..., -1:]
    return np.maximum(np.where(leader, second, best) - mean_alignment, 0.0)


class PowerStrategies:
    """Capacity, commitment, effort and allocation of every power in every run.

    Args:
        tables: The runs' live parameters (``powers``, ``behaviour``).
        state_weight: ``[R, state]`` each state's economic weight (sums to 1): what a state is
            worth to a power and how influence is weighted.
        alignment: The 2021 alignment ``[R, state, domain, power]``.

    Attributes:
        capacity: ``K_p``, ``[R, power]`` (index, China 2021 = 1).
        commitment: ``m_p``, ``[R, power]``, multiple of the 2021 effort (1 in 2021).
        allocation: ``[R, power, state]`` share of each power's effort given to each state.
        influence_2021: ``I⁰_p``, ``[R, power]``.
    """

    def __init__(self, tables: Tables, state_weight: np.ndarray, alignment: np.ndarray) -> None:
        self.tables = tables
        self.state_weight = state_weight
        self.state_value = np.sqrt(state_weight)
        self.capacity = tables.powers.capacity.copy()
        self.commitment = np.ones_like(self.capacity)
        self.allocation = self.allocation_target(alignment)
        self.influence_2021 = influence(alignment, state_weight)

    @property
    def effort(self) -> np.ndarray:
        """``E_p = K_p · m_p``, ``[R, power]``: what each power devotes to the region now (capacity index)."""
        return self.capacity * self.commitment

    def follow_trend(self) -> None:
        """One quarter of each power's capacity trend."""
        self.capacity *= (1 + self.tables.powers.capacity_growth / 100) ** 0.25

    def shock(self, power: int, factor: float) -> None:
        """Multiply a power's capacity by ``factor`` from now on, in every run (a dated shock)."""
        self.capacity[:, power] *= factor

    def respond(self, alignment: np.ndarray) -> None:
        """Adjust commitment to ground gained or lost, and allocation toward contested states."""
        behaviour, denial = self.tables.behaviour, self.tables.powers.denial
        rate = behaviour.allocation_rate[:, None]
        now = influence(alignment, self.state_weight)
        start = self.influence_2021
        lost = np.where(start > 0, (start - now) / np.maximum(start, 1e-12), 0.0)
        target = np.clip(1 + behaviour.effort_response[:, None] * denial * lost, 1.0, behaviour.max_effort[:, None])
        self.commitment += rate * (target - self.commitment)
        self.allocation += rate[..., None] * (self.allocation_target(alignment) - self.allocation)

    def allocation_target(self, alignment: np.ndarray) -> np.ndarray:
        """``[R, power, state]``: value of each state × (1 + denial × rival lead), normalised per power."""
        lead = rival_lead(alignment.mean(axis=-2))  # [R, state, power]
        return normalise(self.state_value[:, None, :] * (1 + self.tables.powers.denial[..., None] * np.swapaxes(lead, -1, -2)))

    def offers(self) -> np.ndarray:
        """``[R, state, domain, power]`` offers (utility units) before the states' reception."""
        n_states = self.allocation.shape[-1]
        attention = self.effort[..., None] * self.allocation * n_states  # [R, power, state]
        advantage = self.tables.powers.advantage  # [R, power, domain]
        scale = self.tables.behaviour.offer_scale[:, None, None, None]
        return scale * np.swapaxes(attention, -1, -2)[:, :, None, :] * np.swapaxes(advantage, -1, -2)[:, None, :, :]
