"""A function interface for other tools: one run in, outcome values out.

``simulate`` is the model function that exploratory-modelling and sensitivity
tools expect (EMA Workbench's ``Model(function=…)``, a SALib loop): keyword
arguments in, a dict of numbers out. The scenario file is read once and cached;
overrides are validated against the same bounds as scenario files.

Example:
    >>> from ensemble.api import simulate
    >>> out = simulate("baseline", seed=1, sanctions__wedge=0.5)
    >>> round(out["hedging_index"], 3) > 0
    True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ensemble.chunks import run_to_end, simulate_chunk
from ensemble.results import WideLayout, long_frame
from model.outcomes import OUTCOMES, SUMMARY, summarise
from model.params import BLOCS, Scenario


def simulate(scenario: str = "baseline", seed: int = 0, *, claims_off: str | Sequence[str] = (),
             **overrides: Any) -> dict[str, float]:
    """Run one model and return its end-of-horizon indicators.

    Args:
        scenario: A library scenario name or a path to a scenario file.
        seed: The run's seed (the same seed gives the same result).
        claims_off: Claims switched off (their values take the neutral): one claim ID
            (``"CH25-41"``) or a list of them, each cited by a value or event of the scenario.
        **overrides: Key paths with ``__`` for dots, e.g. ``states__KAZ__dependence_aversion=3.0``.

    Returns:
        Indicator name → value (see ``model.outcomes.SUMMARY`` for names and units).

    Raises:
        ScenarioError: On an unknown scenario, key path or out-of-bounds value, or a
            ``claims_off`` that is not claim IDs the scenario cites.
        NonFiniteOutcomeError: If the run comes to a NaN or infinite outcome (``model.engine``).
    """
    params = _scenario(scenario, _claim_ids(claims_off), overrides)
    return summarise(run_to_end(params, seed), params.power_codes, BLOCS)


def simulate_steps(scenario: str = "baseline", seed: int = 0, *, claims_off: str | Sequence[str] = (),
                   **overrides: Any) -> dict[str, np.ndarray]:
    """Like :func:`simulate`, but every recorded outcome per quarter (``model.outcomes.OUTCOMES``)."""
    params = _scenario(scenario, _claim_ids(claims_off), overrides)
    return run_to_end(params, seed)


def simulate_table(scenario: str = "baseline", seeds: Sequence[int] = (0,), outcomes: Sequence[str] | None = None, *,
                   claims_off: str | Sequence[str] = (), **overrides: Any) -> pd.DataFrame:
    """Several runs stepped together, as the tidy long table a results folder gives.

    The runs are one engine (as in a batch's chunk), so this is the quick way to
    a table for plotting a handful of runs without writing a results folder.

    Args:
        scenario: A library scenario name or a path to a scenario file.
        seeds: One run per seed; run ``k`` has ``seeds[k]``.
        outcomes: Outcome names (``model.outcomes.OUTCOMES``); all of them if omitted.
        claims_off: Claims switched off (their values take the neutral), as for :func:`simulate`.
        **overrides: Key paths with ``__`` for dots, as for :func:`simulate`.

    Returns:
        Columns ``run, seed, step, quarter, outcome, state, domain, power, bloc,
        corridor, value`` (see ``ensemble.results.ResultsFolder.load_steps``).
    """
    params = _scenario(scenario, _claim_ids(claims_off), overrides)
    names = list(dict.fromkeys(outcomes or OUTCOMES))
    unknown = [name for name in names if name not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome(s) {', '.join(map(repr, unknown))}; 'run.py outcomes' lists them")
    chunk = simulate_chunk(params, [(k, int(seed), {}) for k, seed in enumerate(seeds)])
    layout = WideLayout.of(params)
    runs, steps = len(chunk.jobs), layout.steps
    keys = pd.DataFrame({"run": np.repeat(chunk.indices, steps), "seed": np.repeat(chunk.seeds, steps),
                         "step": np.tile(np.arange(steps), runs)})
    arrays = {name: chunk.outcomes[name].reshape(runs * steps, *layout.shape(name)) for name in names}
    return long_frame(keys, arrays, layout)


INDICATORS: tuple[str, ...] = tuple(SUMMARY)
"""Names of the values :func:`simulate` returns."""


def _claim_ids(claims_off: Any) -> tuple[str, ...]:
    """``claims_off`` as a tuple of IDs: one string is one claim; anything but strings is a one-line error."""
    from scenarios import ScenarioError
    from scenarios.loader import OVERRIDE

    if isinstance(claims_off, str):
        return (claims_off,)
    expected = "a claim ID such as 'CH25-41', or a list of them"
    if not isinstance(claims_off, (list, tuple, set, frozenset)):
        raise ScenarioError(OVERRIDE, None, "claims_off", "not a claim ID or a list of them", claims_off, expected)
    for i, claim in enumerate(claims_off):
        if not isinstance(claim, str):
            raise ScenarioError(OVERRIDE, None, f"claims_off[{i}]", "not a claim ID", claim, expected)
    return tuple(sorted(claims_off) if isinstance(claims_off, (set, frozenset)) else claims_off)


def _scenario(name: str, claims_off: tuple[str, ...], overrides: dict[str, Any]) -> Scenario:
    from scenarios.loader import with_overrides

    resolved = _resolved(str(name), claims_off)
    return with_overrides(resolved, overrides) if overrides else resolved.scenario


@functools.lru_cache(maxsize=16)
def _resolved(name: str, claims_off: tuple[str, ...]) -> Any:
    from scenarios import resolve

    return resolve(name, {"claims_off": list(claims_off)} if claims_off else None)
