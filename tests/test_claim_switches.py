"""Every encoded claim can be switched off.

Each value citing a claim has a ``neutral`` that removes the claim's effect
(docs/scenarios.md, "Choosing neutrals"); switching any claim the baseline
cites off changes the resolved scenario, and for a sample spanning every
collection and section it changes what the model records.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import multivector.scenarios.loader as loader
from multivector.ensemble.api import simulate_steps
from multivector.model.mechanisms import MECHANISMS
from multivector.model.params import COLLECTIONS, SECTIONS
from multivector.scenarios.claims import load_registry
from multivector.scenarios.coverage import claim_uses
from multivector.scenarios.errors import ScenarioError
from multivector.scenarios.loader import SCENARIO_DIR, Resolved, citations, list_scenarios, quantities, resolve
from multivector.scenarios.merge import Merged, read_scenario
from multivector.scenarios.source import display_name, read_yaml

FIXED_NEUTRALS: dict[str, Any] = {"level": "ministerial", "domains": ["diplomacy"], "kind": "dialogue"}
"""Format fields whose neutral is fixed by the rules: a value that already equals it needs no note."""

SAMPLE: dict[str, str] = {
    "SU23-04": "states: the states balance (decision rule, dependence aversion)",
    "CH25-31": "states: trend growth",
    "SU23-61": "states: Tajikistan's remittances and Afghan exposure; domestic: remittance elasticity",
    "YA24-42": "powers: blocs, advantages, proximity",
    "ZE23-02": "powers: China's capacity and advantage",
    "YA24-28": "formats: India–Central Asia",
    "DE22-20": "formats: China+C5",
    "CH25-10": "corridors: the Middle Corridor's cost and exposure",
    "ZE23-35": "corridors: the China–Kyrgyzstan–Uzbekistan railway; states: trade shares",
    "CH25-26": "sanctions: secondary enforcement",
    "SU23-05": "sanctions: formal adherence",
    "YA24-32": "institutions: summit weight",
    "YA24-41": "institutions: fragmentation",
    "SU23-40": "domestic: rivalry",
    "CH25-28": "transport: demand growth",
    "ZE23-18": "behaviour: regime weight",
}
"""Claims switched off in a model run, each with where the baseline cites it."""


@pytest.fixture(scope="module", autouse=True)
def parsed_once() -> Iterator[None]:
    """Parse each scenario file once: resolving then works on a fresh copy of the parsed document.

    The YAML parser dominates resolving; everything after it (overrides,
    validation, claim toggles, cross-checks, building) runs as usual.
    """
    cache: dict[tuple[Path, str], Merged] = {}

    def read_cached(path: Path, name: str, chain: tuple[Path, ...] = ()) -> Merged:
        key = (Path(path).resolve(), name)
        if key not in cache:
            cache[key] = read_scenario(path, name, chain)
        merged = cache[key]
        return Merged(data=copy.deepcopy(merged.data), origins=dict(merged.origins), files=list(merged.files))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "read_scenario", read_cached)
        yield


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def baseline(registry) -> Resolved:
    return resolve("baseline", registry=registry)


def own_quantities() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(file, key path, quantity) of every claim-citing value written in a library scenario file."""
    for name in list_scenarios():
        path = SCENARIO_DIR / f"{name}.yaml"
        data = read_yaml(path, display_name(path)).data
        for key_path, quantity in quantities(data):
            if quantity.get("claims"):
                yield f"{name}.yaml", ".".join(key_path), quantity


def changes(full: Resolved, off: Resolved) -> bool:
    """Whether a variant differs from the full scenario: some value differs or an event is dropped."""
    if len(off.data["timeline"]) < len(full.data["timeline"]):
        return True
    values = {path: quantity["value"] for path, quantity in quantities(full.data)}
    return any(quantity["value"] != values[path] for path, quantity in quantities(off.data))


def test_every_claim_citing_value_has_a_neutral():
    missing = [f"{file}: {path}" for file, path, quantity in own_quantities() if "neutral" not in quantity]
    assert not missing, "values citing claims without a neutral:\n" + "\n".join(missing)


def test_a_neutral_equal_to_its_value_says_why():
    """A neutral that switches nothing off is a deliberate choice, explained in a note."""
    unexplained = [
        f"{file}: {path}" for file, path, quantity in own_quantities()
        if quantity.get("neutral", object()) == quantity["value"] and "note" not in quantity
        and not (path.startswith("formats.") and FIXED_NEUTRALS.get(path.split(".")[-1]) == quantity["value"])
    ]
    assert not unexplained, "neutral equal to the value without a note:\n" + "\n".join(unexplained)


def test_switching_off_any_claim_of_the_baseline_changes_it(baseline, registry):
    unchanged, refused = [], []
    for claim in citations(baseline.data):
        try:
            off = resolve("baseline", {"claims_off": [claim]}, registry=registry)
        except ScenarioError as exc:
            refused.append(f"{claim}: {exc}")
            continue
        if not changes(baseline, off):
            unchanged.append(claim)
    assert not refused, "claims the baseline cannot switch off:\n" + "\n".join(refused)
    assert not unchanged, f"claims whose switching off changes nothing in the baseline: {unchanged}"


@pytest.mark.parametrize("name", [n for n in list_scenarios() if n != "baseline"])
def test_every_claim_a_library_file_cites_can_be_switched_off_in_it(name, registry):
    path = SCENARIO_DIR / f"{name}.yaml"
    full = resolve(name, registry=registry)
    own = citations(read_yaml(path, display_name(path)).data)
    unchanged = [claim for claim in own if not changes(full, resolve(name, {"claims_off": [claim]}, registry=registry))]
    assert not unchanged, f"{name}: claims whose switching off changes nothing: {unchanged}"


def test_the_sample_spans_every_collection_and_section(baseline):
    cited = citations(baseline.data)
    assert not set(SAMPLE) - set(cited), "every sampled claim is cited by the baseline"
    reached = {path.split(".")[0] for claim in SAMPLE for path in cited[claim]}
    assert reached >= set(COLLECTIONS) | set(SECTIONS), sorted(set(COLLECTIONS) | set(SECTIONS) - reached)


@pytest.fixture(scope="module")
def full_run() -> dict[str, np.ndarray]:
    return simulate_steps("baseline", seed=1)


@pytest.mark.parametrize("claim", list(SAMPLE))
def test_switching_off_a_claim_changes_what_the_model_records(claim, full_run):
    off = simulate_steps("baseline", seed=1, claims_off=(claim,))
    assert any(not np.array_equal(full_run[name], off[name]) for name in full_run), (
        f"{claim} ({SAMPLE[claim]}) off: no recorded outcome changes")


def test_every_encoded_claim_can_be_switched_off_somewhere(baseline, registry):
    """An encoded claim is cited by a library value or event, or by a mechanism whose claim the baseline cites."""
    uses = claim_uses(registry=registry)
    cited = citations(baseline.data)
    by_mechanism = {claim for mechanism in MECHANISMS.values() for claim in mechanism.claims if claim in cited}
    stranded = [claim.id for claim in registry.claims.values() if claim.status == "encoded"
                and not any(use.kind in ("value", "event") for use in uses.get(claim.id, ()))
                and claim.id not in by_mechanism]
    assert not stranded, f"encoded claims nothing can switch off: {stranded}"


def test_every_mechanism_claim_is_cited_on_a_baseline_parameter(baseline):
    """A claim a rule encodes can be switched off in the baseline through a value that controls the rule."""
    cited = citations(baseline.data)
    missing = [f"{name}: {claim}" for name, mechanism in MECHANISMS.items() for claim in mechanism.claims
               if claim not in cited]
    assert not missing, "mechanism claims the baseline does not cite:\n" + "\n".join(missing)
