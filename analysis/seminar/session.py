"""What one browser tab of the seminar page holds: the scenario, seed and lever values, and the model they build.

Every change goes through :class:`ExploreSession`, so the model on screen always
matches the controls: choosing a scenario loads its own levers at its own
values; moving a lever or the seed, or pressing Reset, rebuilds the model from
the start with the scenario, seed and lever values shown. Nothing else builds
a model, so a view can never show one scenario's numbers under another's name.
:attr:`ExploreSession.version` counts changes; the page redraws when it moves.
"""

from __future__ import annotations

from multivector.analysis.seminar.levers import defaults_of, levers_of, scenario_with
from multivector.analysis.seminar.play import SeminarModel

DEFAULT_SCENARIO = "baseline"
"""The scenario a new tab opens with."""

DEFAULT_SEED = 1
"""The seed a new tab opens with."""


class ExploreSession:
    """The explore view's state in one browser tab.

    Args:
        name: A library scenario name.
        seed: The run's seed.

    Attributes:
        name: The scenario shown.
        seed: The run's seed.
        values: Lever key → value (``levers.lever_key``), starting at the scenario's own values.
        model: The model built from them.
        version: Incremented on every change of the model or its quarter.
    """

    def __init__(self, name: str = DEFAULT_SCENARIO, seed: int = DEFAULT_SEED) -> None:
        """Open a scenario at its own lever values."""
        self.name, self.seed = name, int(seed)
        self.values = defaults_of(name)
        self.version = 0
        self.model = self._build()

    def _build(self) -> SeminarModel:
        return SeminarModel(scenario_with(self.name, self.values), seed=self.seed)

    def _changed(self) -> None:
        self.version += 1

    def choose_scenario(self, name: str) -> None:
        """Open another scenario at its own levers and values, on the same seed, from the start."""
        self.name, self.values = name, defaults_of(name)
        self.reset()

    def set_lever(self, key: str, value: float) -> None:
        """Move one lever and restart the run from the start with it."""
        if key not in self.values:
            raise KeyError(f"{key!r} is not a lever of {self.name}; its levers: {', '.join(self.values)}")
        self.values = {**self.values, key: float(value)}
        self.reset()

    def set_seed(self, seed: int) -> None:
        """Change the seed and restart the run."""
        self.seed = int(seed)
        self.reset()

    def reset(self) -> None:
        """Rebuild the model from the start with the scenario, seed and lever values shown."""
        self.model = self._build()
        self._changed()

    def step(self, quarters: int = 1) -> None:  # a year is QUARTERS_PER_YEAR quarters (model.calendar)
        """Simulate up to ``quarters`` more quarters (fewer at the end of the horizon)."""
        for _ in range(quarters):
            if not self.model.running:
                break
            self.model.step()
        self._changed()

    def run_to_end(self) -> None:
        """Simulate every remaining quarter."""
        self.step(len(self.model.quarters))

    @property
    def levers(self) -> tuple:
        """The scenario's levers (``levers.Lever``), in the order shown."""
        return levers_of(self.name)

    @property
    def reached(self) -> str:
        """The last quarter simulated, or ``""`` before the first step."""
        return self.model.quarters[self.model.t - 1] if self.model.t else ""
