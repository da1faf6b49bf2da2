"""Which outcome each claim moves most: an ablation of a scenario, cached per model version.

Every claim the scenario cites is switched off in turn (its values take their
neutral, events citing it are dropped) and the scenario is run with and
without it on the same seeds. For each claim the outcome element (an outcome
and its labels, averaged over the horizon) with the largest standardised change
is kept: the change every paired run agrees on (as in ``analysis.inert``) over
the larger of the element's run-to-run spread and a tenth of the outcome's
typical size (its mean absolute value over all its elements, or 1 for an
outcome that is 0 throughout, such as a count nobody reaches), so that such an
element does not win on a vanishing spread. A claim whose switch-off moves
nothing scores 0.

The ablation takes a minute on two cores, so its result is cached in the
results root under a key that changes whenever the model, the scenario or the
claims registry does (:func:`model_version`); ``run.py claims`` reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from multivector.analysis.inert import agreed_change, element_label, flatten, noise_of
from multivector.ensemble.chunks import run_to_end
from multivector.ensemble.executors import pool_context
from multivector.ensemble.results import package_version
from multivector.model.calendar import quarter_range
from multivector.model.outcomes import OUTCOMES, coordinates
from multivector.model.params import Scenario
from multivector.scenarios import citations, resolve
from multivector.scenarios.claims import DEFAULT_DIR

PAIRED_SEEDS: tuple[int, ...] = (0, 1, 2, 3)
"""Seeds on which the scenario runs with and without each claim."""

NOISE_SEEDS: tuple[int, ...] = tuple(range(16))
"""Seeds of the full scenario that estimate each outcome's run-to-run spread."""

CACHE_FOLDER = ".cache"
"""Folder of the results root that holds cached ablations."""

_SOURCES = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ClaimEffect:
    """What switching one claim off moves most.

    Attributes:
        claim: The claim ID.
        outcome: The outcome element moved most, e.g. ``russia_share[KAZ,security]`` (horizon mean).
        change: Its mean paired change (the outcome's unit).
        z: That change, agreed by every paired run, over the outcome's run-to-run spread (0: nothing moved).
    """

    claim: str
    outcome: str
    change: float
    z: float

    def describe(self) -> str:
        """``russia_share[KAZ,security] -0.031 share``, or that nothing moves."""
        if self.z <= 0:
            return "no recorded outcome"
        return f"{self.outcome} {self.change:+.3g} {OUTCOMES[self.outcome.split('[')[0]].unit}"


def model_version(scenario: str = "baseline") -> str:
    """A key that changes with the model's code, the scenario as resolved, the claims registry and the package version."""
    digest = hashlib.sha256()
    for path in sorted((_SOURCES / "model").glob("*.py")) + sorted(DEFAULT_DIR.glob("*.yaml")):
        digest.update(path.read_bytes())
    digest.update(resolve(scenario).digest.encode())
    digest.update(package_version().encode())
    return digest.hexdigest()[:16]


def cache_path(results_root: Path, scenario: str = "baseline") -> Path:
    """Where the ablation of ``scenario`` for the current model version is cached."""
    return Path(results_root) / CACHE_FOLDER / f"claim-effects-{scenario}-{model_version(scenario)}.json"


def load_or_compute(results_root: Path, scenario: str = "baseline", workers: int = 1,
                    on_start: Callable[[int], None] | None = None,
                    on_done: Callable[[], None] | None = None) -> dict[str, ClaimEffect]:
    """The cached ablation of the current model version, computed and cached first if missing.

    Args:
        results_root: The results root (the cache lives in its ``.cache`` folder).
        scenario: A library scenario name.
        workers: Worker processes for the runs.
        on_start: Called with the number of runs before computing (not called on a cache hit).
        on_done: Called once per finished run.
    """
    path = cache_path(results_root, scenario)
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {claim: ClaimEffect(**item) for claim, item in stored["effects"].items()}
    effects = claim_effects(scenario, workers=workers, on_start=on_start, on_done=on_done)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"scenario": scenario, "model_version": model_version(scenario), "paired_seeds": list(PAIRED_SEEDS),
              "noise_seeds": list(NOISE_SEEDS), "effects": {c: asdict(e) for c, e in effects.items()}}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
    return effects


def claim_effects(scenario: str = "baseline", claims: Sequence[str] | None = None, *, workers: int = 1,
                  on_start: Callable[[int], None] | None = None,
                  on_done: Callable[[], None] | None = None) -> dict[str, ClaimEffect]:
    """Switch each claim the scenario cites off in turn and find the outcome it moves most.

    Args:
        scenario: A library scenario name.
        claims: The claims to switch off (every claim the scenario cites by default).
        workers: Worker processes (1 runs in this process).
        on_start: Called with the number of runs before they start.
        on_done: Called once per finished run.
    """
    full = resolve(scenario)
    chosen = list(citations(full.data) if claims is None else claims)
    variants = {claim: resolve(scenario, {"claims_off": [claim]}).scenario for claim in chosen}
    noise_seeds = sorted(set(NOISE_SEEDS) | set(PAIRED_SEEDS))
    jobs = [("", full.scenario, seed) for seed in noise_seeds]
    jobs += [(claim, variant, seed) for claim, variant in variants.items() for seed in PAIRED_SEEDS]
    if on_start is not None:
        on_start(len(jobs))
    flat = _run_all(jobs, workers, on_done)
    noise = noise_of({seed: flat[("", seed)] for seed in noise_seeds}, PAIRED_SEEDS)
    quarters = quarter_range(full.scenario.start, full.scenario.end)
    return {claim: _strongest(claim, noise, np.stack([flat[(claim, s)] for s in PAIRED_SEEDS]), full.scenario, quarters)
            for claim in variants}


TYPICAL_SHARE = 0.1
"""Share of an outcome's typical size below which an element's run-to-run spread is not taken as its scale."""


def outcome_scale(scenario: Scenario, base: np.ndarray) -> np.ndarray:
    """Per horizon-mean element: ``TYPICAL_SHARE`` × the mean absolute value of its outcome's elements in the base runs."""
    coords = coordinates(scenario)
    means = np.abs(np.nanmean(base[:, -1], axis=0))
    scale, start = np.empty_like(means), 0
    for outcome in OUTCOMES.values():
        size = int(np.prod([len(coords[d]) for d in outcome.dims]))
        typical = np.nanmean(means[start:start + size])
        scale[start:start + size] = TYPICAL_SHARE * (typical if typical > 0 else 1.0)
        start += size
    return scale


def _strongest(claim: str, noise, perturbed: np.ndarray, scenario: Scenario, quarters: list[str]) -> ClaimEffect:
    """The horizon-mean element with the largest agreed, standardised change."""
    change = (perturbed - noise.base)[:, -1]  # the row of horizon means
    scale = np.fmax(noise.scale[-1], outcome_scale(scenario, noise.base))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = agreed_change(change) / scale
    z = np.where(np.isfinite(z), z, 0.0)
    column = int(np.argmax(z))
    label = element_label(scenario, quarters, len(quarters), column).removesuffix("@mean")
    return ClaimEffect(claim, label, float(np.nanmean(change[:, column])), float(z[column]))


def _run_all(jobs: list[tuple[str, Scenario, int]], workers: int,
             on_done: Callable[[], None] | None) -> dict[tuple[str, int], np.ndarray]:
    out: dict[tuple[str, int], np.ndarray] = {}

    def keep(key: tuple[str, int], outcomes: dict[str, np.ndarray]) -> None:
        out[key] = flatten(outcomes)
        if on_done is not None:
            on_done()

    if workers <= 1:
        for label, scenario, seed in jobs:
            keep((label, seed), run_to_end(scenario, seed))
        return out
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
        futures = {pool.submit(run_to_end, scenario, seed): (label, seed) for label, scenario, seed in jobs}
        for future, key in futures.items():
            keep(key, future.result())
    return out
