"""What a government weighs: a played run set beside the model's-rule run, one state, quarter by quarter played.

The model's own utility (``SeminarModel.utilities``) is what the decision rule
maximises, so scoring a player by it makes the rule win by construction. A
scorecard instead lists the outcomes a government itself weighs, each on its own
scale, for the played run and for the run in which the state follows the model's
rule on the same scenario, seed and levers:

* **autonomy** — the hedging index (normalised entropy of the alignment, 0 = one
  partner only, 1 = even spread), mean over domains and over the quarters played;
* **regime security** (0–1, mean over the quarters played) and the unrest events
  over them;
* **growth** — the GDP index at the last quarter played (2021Q1 = 1) and the mean
  annualised growth over the quarters played (%/yr);
* **exposure to secondary sanctions** — firms designated by the last quarter played,
  and the expected secondary-sanctions cost, mean over the quarters played (utility units);
* **each power's goodwill** — the state's alignment share with the power, mean over
  the three domains, at the last quarter played, as a multiple of the same mean in
  2021. The model has no goodwill variable of its own; this is the quantity the
  powers themselves react to: a power reads its ground in a state as the state's
  alignment with it averaged over domains (``model.powers.influence`` and
  ``rival_lead``), and raises its commitment when it loses ground relative to 2021.
  A ratio to 2021 makes a small partner's gain as visible as a large one's.

Each row says which direction a government prefers. There is no overall winner
and no weighted total: the trade-offs are the point of the discussion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from multivector.analysis.seminar.play import SeminarModel, rerun

Better = Literal["higher", "lower"]
"""Which direction of a row a government prefers, all else equal."""

def N_(message: str) -> str:
    """Mark a message for the page's translation catalogue."""
    return message


GOODWILL = N_("Goodwill of {power}: the state's alignment share with it, mean over domains, at the last quarter played")
"""A goodwill row's label, for each power."""

EVEN_TOLERANCE = 1e-9
"""Relative difference below which a row's two values count as even (floating-point noise)."""


@dataclass(frozen=True)
class Row:
    """One outcome for the played run and the model's-rule run.

    Attributes:
        group: What a government weighs (``"Autonomy"``, ``"Growth"``, ``"Goodwill"``…).
        label: The outcome, in plain words.
        unit: Its unit.
        played: The value in the played run.
        model: The value in the run where the state follows the model's rule.
        better: Which direction a government prefers.
        template: For a row about one power, the label with ``{power}`` in place of its name (what the page translates).
        subject: That power's name.
    """

    group: str
    label: str
    unit: str
    played: float
    model: float
    better: Better
    template: str = ""
    subject: str = ""

    def text(self, _: Callable[[str], str]) -> str:
        """The label in a page's language: the template translated, then filled with the subject's translated name."""
        return _(self.template).format(power=_(self.subject)) if self.template else _(self.label)

    @property
    def ahead(self) -> Literal["played", "model", "even"]:
        """Which run does better on this row alone, by :attr:`better` (``"even"`` within :data:`EVEN_TOLERANCE`)."""
        scale = max(abs(self.played), abs(self.model), 1.0)
        if abs(self.played - self.model) <= EVEN_TOLERANCE * scale:
            return "even"
        return "played" if (self.played > self.model) == (self.better == "higher") else "model"


@dataclass(frozen=True)
class Scorecard:
    """A state's outcomes in a played run beside the model's-rule run.

    Attributes:
        state: The state's code.
        state_name: Its name in words.
        first: The first quarter compared (the scenario's start).
        last: The last quarter played.
        rows: The outcomes, autonomy first and the powers' goodwill last.
    """

    state: str
    state_name: str
    first: str
    last: str
    rows: tuple[Row, ...]


def reference_run(played: SeminarModel, state: str) -> SeminarModel:
    """The model's-rule run for one state: same scenario, seed and levers, the state under the model's rule.

    Every other player's recorded moves are replayed, so that in a shared game the
    difference is the state's own choices; with one player this is the run without players.

    Args:
        played: The played run.
        state: The state's code.
    """
    return rerun(played, without={state})


def scorecard(played: SeminarModel, state: str, reference: SeminarModel | None = None) -> Scorecard:
    """Compare what a government weighs in a played run and in the model's-rule run, over the quarters played.

    Args:
        played: The played run, stepped at least one quarter.
        state: Code of the state scored (``"KAZ"``).
        reference: The model's-rule run on the same scenario, seed and levers, stepped at least as
            far; by default :func:`reference_run`.

    Returns:
        The scorecard; every average is over the quarters ``played`` has run.

    Raises:
        ValueError: On an unknown state, a run not yet stepped, or a reference on another
            scenario, seed or levers, or not stepped as far.
    """
    if state not in played.state_codes:
        raise ValueError(f"unknown state {state!r}; one of: {', '.join(played.state_codes)}")
    steps = played.t
    if steps < 1:
        raise ValueError("the played run has not run a quarter yet: step it at least once")
    if reference is None:
        reference = reference_run(played, state)
    same = (reference.scenario_name, reference.seed, reference.overrides) == (played.scenario_name, played.seed, played.overrides)
    if not same:
        raise ValueError("the reference run must have the played run's scenario, seed and levers "
                         f"({played.scenario_name!r}, seed {played.seed}, {played.overrides})")
    if reference.t < steps:
        raise ValueError(f"the reference run has run {reference.t} quarters; it needs the {steps} played")
    i = played.state_codes.index(state)
    params = played.params
    played_rows, model_rows = (_values(run, i, steps) for run in (played, reference))
    rows = [Row(group, label, unit, played_rows[k], model_rows[k], better)
            for k, (group, label, unit, better) in enumerate(_ROWS)]
    rows += [Row("Goodwill", GOODWILL.format(power=params.powers[code].name or code), "multiple of 2021", float(played_value),
                 float(model_value), "higher", GOODWILL, params.powers[code].name or code)
             for code, played_value, model_value in zip(played.power_codes, _goodwill(played, i, steps),
                                                        _goodwill(reference, i, steps), strict=True)]
    return Scorecard(state, params.states[state].name or state, played.quarters[0], played.quarters[steps - 1], tuple(rows))


_ROWS: tuple[tuple[str, str, str, Better], ...] = (
    ("Autonomy", "Hedging index (spread of partners), mean over domains and quarters played", "0–1", "higher"),
    ("Regime security", "Security of the incumbent regime, mean over quarters played", "0–1", "higher"),
    ("Regime security", "Unrest events over the quarters played", "events", "lower"),
    ("Growth", "Real GDP at the last quarter played", "2021Q1 = 1", "higher"),
    ("Growth", "Real growth, mean over quarters played", "%/yr", "higher"),
    ("Sanctions exposure", "Firms designated under secondary sanctions by the last quarter played", "firms", "lower"),
    ("Sanctions exposure", "Expected cost of secondary sanctions, mean over quarters played", "utility units", "lower"),
)
"""Group, label, unit and preferred direction of the rows before the powers' goodwill, in the order :func:`_values` gives."""


def _values(run: SeminarModel, i: int, steps: int) -> tuple[float, ...]:
    """The :data:`_ROWS` values of state ``i`` over the first ``steps`` quarters of a run."""
    o = {name: values[:steps] for name, values in run.outcomes.items()}
    return (float(o["hedging_index"][:, i].mean()), float(o["regime_security"][:, i].mean()), float(np.nansum(o["unrest"][:, i])),
            float(o["gdp_index"][-1, i]), float(o["growth"][:, i].mean()),
            float(o["designations"][-1, i]), float(o["secondary_cost"][:, i].mean()))


def _goodwill(run: SeminarModel, i: int, steps: int) -> np.ndarray:
    """``[power]`` state ``i``'s alignment share with each power, mean over domains, at quarter ``steps``, over its 2021 mean."""
    return run.outcomes["alignment"][steps - 1, i].mean(axis=0) / run.alignment_2021[i].mean(axis=0)
