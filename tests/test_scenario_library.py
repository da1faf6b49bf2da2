"""Every scenario file in the library loads, validates and runs."""

from __future__ import annotations

import pytest

from multivector import MultivectorModel
from multivector.scenarios import citations, list_scenarios, load_registry, resolve


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenario_loads_and_runs_a_few_steps(name):
    model = MultivectorModel(name, rng=0)
    for _ in range(4):
        model.step()
    assert model.t == 4


@pytest.mark.parametrize("name", list_scenarios())
def test_every_cited_claim_is_in_the_registry(name):
    registry = load_registry()
    cited = citations(resolve(name).data)
    missing = sorted(set(cited) - set(registry.claims))
    assert not missing, f"{name} cites claims missing from the registry: {missing}"


def test_registry_holds_every_article_and_flags_contested_claims():
    registry = load_registry()
    assert set(registry.articles) == {"CH25", "SU23", "ZE23", "YA24", "DE22"}
    assert len(registry.claims) == 241, "every claim of the five articles is registered"
    assert registry.claims["CH25-41"].contested, "CH25-41 (joined financial sanctions) is contested"
    assert not registry.claims["SU23-04"].contested


def test_contested_claims_cited_by_the_baseline_can_be_switched_off():
    registry = load_registry()
    resolved = resolve("baseline", overrides={"claims_off": ["CH25-41"]})
    assert resolved.scenario.sanctions.bank_compliance_floor == {}, "CH25-41 off: no bank-compliance floor"
    contested = {c for c in citations(resolve("baseline").data) if registry.claims[c].contested}
    for claim in sorted(contested):
        resolve("baseline", overrides={"claims_off": [claim]})  # must not raise: each has a neutral value
