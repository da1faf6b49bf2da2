"""A function interface for other tools: one run in, outcome values out.

``simulate`` is the model function that exploratory-modelling and sensitivity
tools expect (EMA Workbench's ``Model(function=…)``, a SALib loop): keyword
arguments in, a dict of numbers out. The scenario file is read once and cached;
overrides are validated against the same bounds as scenario files.
``factors`` lists what a scenario lets such tools vary (its uncertainties and
levers) under the keyword names ``simulate`` takes, with their ranges, as EMA
parameters or a SALib problem; ``indicators`` names what ``simulate`` returns.
This module does not import Mesa (whose batch runner switches every
multiprocessing pool to ``spawn`` on import), so a tool's process pool forks.

Example:
    >>> from multivector.ensemble.api import simulate
    >>> out = simulate("baseline", seed=1, sanctions__wedge=0.5)
    >>> round(out["hedging_index"], 3) > 0
    True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from multivector.ensemble.chunks import run_to_end, simulate_chunk
from multivector.ensemble.results import WideLayout, long_frame
from multivector.model.errors import InputError
from multivector.model.outcomes import OUTCOMES, SUMMARY, summarise, summary_names
from multivector.model.params import BLOCS, Scenario


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
        Indicator name → value: the region's (``model.outcomes.SUMMARY``), then each
        state's, named ``<indicator>__<state>`` (``model.outcomes.STATE_SUMMARY``);
        :func:`indicators` lists them for a scenario.

    Raises:
        ScenarioError: On an unknown scenario, key path or out-of-bounds value, or a
            ``claims_off`` that is not claim IDs the scenario cites.
        NonFiniteOutcomeError: If the run comes to a NaN or infinite outcome (``model.engine``).
    """
    params = _scenario(scenario, _claim_ids(claims_off), overrides)
    return summarise(run_to_end(params, seed), params.power_codes, BLOCS, params.state_codes)


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
        raise InputError(f"unknown outcome(s) {', '.join(map(repr, unknown))}; 'run.py outcomes' lists them")
    chunk = simulate_chunk(params, [(k, int(seed), {}) for k, seed in enumerate(seeds)])
    layout = WideLayout.of(params)
    runs, steps = len(chunk.jobs), layout.steps
    keys = pd.DataFrame({"run": np.repeat(chunk.indices, steps), "seed": np.repeat(chunk.seeds, steps),
                         "step": np.tile(np.arange(steps), runs)})
    arrays = {name: chunk.outcomes[name].reshape(runs * steps, *layout.shape(name)) for name in names}
    return long_frame(keys, arrays, layout)


INDICATORS: tuple[str, ...] = tuple(SUMMARY)
"""Names of the regional values :func:`simulate` returns for any scenario; :func:`indicators` adds each state's."""

ROLES: tuple[str, ...] = ("uncertainty", "lever")
"""The roles a scenario gives the quantities a tool may vary."""


def indicators(scenario: str = "baseline", *, claims_off: str | Sequence[str] = ()) -> tuple[str, ...]:
    """Names of every value :func:`simulate` returns for a scenario: :data:`INDICATORS`, then each state's.

    A state's are ``hedging_index__KAZ``, ``largest_share__KAZ``, ``russia_security_share__KAZ``
    and ``china_economy_share__KAZ`` (see ``model.outcomes.STATE_SUMMARY``), for each of the scenario's states.
    """
    return summary_names(_resolved(str(scenario), _claim_ids(claims_off)).scenario.state_codes)


@dataclass(frozen=True)
class NamedFactor:
    """A quantity of a scenario that a tool may vary, under the keyword name :func:`simulate` takes.

    Attributes:
        name: The key path with ``__`` for dots (``states__KAZ__dependence_aversion``): a Python
            identifier, as EMA Workbench requires of parameter names, and a keyword of :func:`simulate`.
        path: The dotted key path (``states.KAZ.dependence_aversion``), as in scenario files and designs.
        role: ``uncertainty`` or ``lever``.
        kind: ``real``, or ``integer`` for a field of whole numbers.
        low: Lower end of its range in the scenario.
        high: Upper end of its range.
        value: Its value in the scenario.
    """

    name: str
    path: str
    role: str
    kind: str
    low: float
    high: float
    value: float

    def to_ema(self) -> Any:
        """The EMA Workbench parameter: ``IntegerParameter`` for an integer field, else ``RealParameter``.

        Scenario files give a range (and so a role) only to real and integer fields, so no
        factor is categorical.
        """
        from ema_workbench import IntegerParameter, RealParameter

        if self.kind == "integer":
            return IntegerParameter(self.name, int(self.low), int(self.high), default=int(self.value))
        return RealParameter(self.name, self.low, self.high, default=self.value)


def factors(scenario: str = "baseline", roles: str | Sequence[str] = ROLES, *,
            claims_off: str | Sequence[str] = ()) -> tuple[NamedFactor, ...]:
    """The scenario's uncertainties and levers with a range, named as :func:`simulate` takes them.

    They are the quantities a scenario file marks ``role: uncertainty`` or
    ``role: lever`` with a ``range`` (the factors of ``run.py run --design``).
    Calling this reads the scenario in this process; worker processes forked
    afterwards (EMA Workbench's ``MultiprocessingEvaluator`` on Linux) inherit
    it, so their first runs do not read it again.

    Args:
        scenario: A library scenario name or a path to a scenario file.
        roles: ``"uncertainty"``, ``"lever"`` or both (the default), in the order wanted.
        claims_off: Claims switched off, as for :func:`simulate`.

    Returns:
        The factors, role by role in the order of ``roles``, each in scenario order.

    Raises:
        ValueError: On a role other than ``uncertainty`` or ``lever``.
        ScenarioError: On an unknown scenario or claims that are not the scenario's.

    Example:
        >>> from multivector.ensemble.api import factors, salib_problem
        >>> levers = factors("baseline", "lever")
        >>> [(f.name, f.low, f.high) for f in levers]
        [('sanctions__secondary_cost', 0.0, 10.0)]
        >>> salib_problem(levers)["names"]
        ['sanctions__secondary_cost']
    """
    from multivector.scenarios.designs import factors_of

    wanted = (roles,) if isinstance(roles, str) else tuple(roles)
    unknown = [role for role in wanted if role not in ROLES]
    if unknown or not wanted:
        raise InputError(f"unknown role(s) {', '.join(map(repr, unknown)) or 'none given'}; expected 'uncertainty' and/or 'lever'")
    resolved = _resolved(str(scenario), _claim_ids(claims_off))
    found = []
    for role in dict.fromkeys(wanted):
        for factor in factors_of(resolved, role):
            quantity: Any = resolved.data
            for key in factor.path:
                quantity = quantity[key]
            whole = int if factor.integer else float
            found.append(NamedFactor("__".join(factor.path), factor.name, role, "integer" if factor.integer else "real",
                                     whole(factor.low), whole(factor.high), quantity["value"]))
    return tuple(found)


def salib_problem(found: Sequence[NamedFactor]) -> dict[str, Any]:
    """A SALib problem over factors (``num_vars``, ``names``, ``bounds``); a sample's row is ``simulate``'s keywords.

    SALib samples real numbers; :func:`simulate` rounds nothing, so round an integer factor's column before running it.
    """
    return {"num_vars": len(found), "names": [f.name for f in found], "bounds": [[f.low, f.high] for f in found]}


def _claim_ids(claims_off: Any) -> tuple[str, ...]:
    """``claims_off`` as a tuple of IDs: one string is one claim; anything but strings is a one-line error."""
    from multivector.scenarios import ScenarioError
    from multivector.scenarios.loader import OVERRIDE

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
    from multivector.scenarios.loader import with_overrides

    resolved = _resolved(str(name), claims_off)
    return with_overrides(resolved, overrides) if overrides else resolved.scenario


@functools.lru_cache(maxsize=16)
def _resolved(name: str, claims_off: tuple[str, ...]) -> Any:
    from multivector.scenarios import resolve

    return resolve(name, {"claims_off": list(claims_off)} if claims_off else None)
