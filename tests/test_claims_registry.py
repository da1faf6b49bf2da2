"""The claims registry is complete and agrees with the scenarios and the model's mechanisms."""

from __future__ import annotations

import importlib
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from multivector.model.mechanisms import MECHANISMS
from multivector.scenarios import ScenarioError, load_registry
from multivector.scenarios.coverage import Use, claim_uses, coverage_problems


@pytest.fixture(scope="module")
def uses():
    return claim_uses()


def test_registry_and_library_agree_on_every_claims_status(uses):
    problems = coverage_problems(uses)
    assert not problems, "\n".join(problems)


def test_every_claim_has_a_status_and_left_out_claims_say_why():
    registry = load_registry()
    assert len(registry.claims) == 241
    for claim in registry.claims.values():
        assert claim.status in ("encoded", "not-represented")
        assert (claim.status == "not-represented") == bool(claim.reason.strip()), claim.id


def test_the_model_elements_of_the_digest_are_mostly_encoded():
    """Sanctions, corridors and institutions are the model's subject: most of their claims must be carried."""
    registry = load_registry()
    for element in ("sanctions", "corridor", "institution"):
        tagged = [c for c in registry.claims.values() if element in c.elements]
        encoded = [c for c in tagged if c.status == "encoded"]
        assert len(encoded) >= 0.6 * len(tagged), f"{element}: {len(encoded)} of {len(tagged)} encoded"


def test_every_mechanism_names_real_code_and_real_claims():
    registry = load_registry()
    for name, mechanism in MECHANISMS.items():
        parts = mechanism.where.split(".")
        package = parts[0] if parts[0] == "multivector" else f"multivector.{parts[0]}"  # the folder model/ installs as multivector.model
        module = importlib.import_module(f"{package}.{parts[1]}")
        target = module
        for attribute in parts[2:]:
            target = getattr(target, attribute)
        assert callable(target), f"{name}: {mechanism.where} is not a function or class"
        unknown = [c for c in mechanism.claims if c not in registry]
        assert not unknown, f"{name} cites unknown claims {unknown}"


def test_the_odd_lists_every_mechanism_as_the_code_defines_it():
    """The ODD's section 9 table names each mechanism's implementing code, claims and summary exactly as ``MECHANISMS``."""
    odd = (Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text(encoding="utf-8")
    text = odd[odd.index("## 9. Claims behind the mechanisms"):odd.index("## References")]
    rows = {m["name"]: m for m in re.finditer(r"^\| `(?P<name>\w+)` \| `(?P<where>[\w.]+)` \| (?P<claims>[^|]+) \| (?P<summary>[^|]+) \|",
                                                 text, flags=re.MULTILINE)}
    assert set(rows) == set(MECHANISMS), f"in the ODD only: {set(rows) - set(MECHANISMS)}; in the code only: {set(MECHANISMS) - set(rows)}"
    for name, mechanism in MECHANISMS.items():
        row = rows[name]
        assert row["where"] == mechanism.where, f"{name}: the ODD says {row['where']}, the code {mechanism.where}"
        assert row["claims"].strip() == ", ".join(mechanism.claims), f"{name}: claims differ"
        assert row["summary"].strip() == mechanism.summary, f"{name}: summary differs"


def test_every_discrepancy_flagged_in_a_claim_note_is_recorded_with_a_choice():
    registry = load_registry()
    recorded = {claim for item in registry.discrepancies for claim in item.claims}
    flagged = [c.id for c in registry.claims.values() if c.note.startswith("Δ")]
    assert flagged, "the registry flags discrepancies in claim notes"
    assert not set(flagged) - recorded
    assert all(len(item.choice) > 40 for item in registry.discrepancies), "each choice is explained"
    assert {"X-02", "X-03", "X-04", "X-07", "X-09", "X-10", "X-11", "X-12", "X-14", "X-15"} <= {
        item.id for item in registry.discrepancies}


def _copy_registry(tmp_path):
    target = tmp_path / "claims"
    shutil.copytree(load_registry().directory, target)
    return target


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_left_out_claim_without_a_reason_is_rejected(tmp_path):
    folder = _copy_registry(tmp_path)
    _edit(folder / "CH25.yaml", "status: encoded", "status: not-represented")
    with pytest.raises(ScenarioError, match=r"CH25.yaml:\d+: claims\[\d+\]\.reason: a claim left out of the model needs a reason"):
        load_registry(folder)


def test_an_unknown_status_is_rejected(tmp_path):
    folder = _copy_registry(tmp_path)
    _edit(folder / "SU23.yaml", "status: encoded", "status: partly")
    with pytest.raises(ScenarioError, match=r"claims\[\d+\]\.status: unknown status; got 'partly', expected one of: encoded"):
        load_registry(folder)


def test_a_discrepancy_citing_an_unknown_claim_is_rejected(tmp_path):
    folder = _copy_registry(tmp_path)
    _edit(folder / "discrepancies.yaml", "claims: [CH25-38]", "claims: [CH25-99]")
    with pytest.raises(ScenarioError, match=r"discrepancies.yaml:\d+: .*unknown claim ID; got 'CH25-99'"):
        load_registry(folder)


def _with_status(registry, claim_id, status, reason):
    claims = dict(registry.claims)
    claims[claim_id] = replace(claims[claim_id], status=status, reason=reason)
    return replace(registry, claims=claims)


def test_coverage_flags_each_kind_of_disagreement(uses):
    registry = load_registry()
    left_out = next(c.id for c in registry.claims.values() if c.status == "not-represented")
    assert coverage_problems(uses, registry) == []
    assert coverage_problems(uses, _with_status(registry, left_out, "encoded", "")) == [
        f"{left_out}: marked encoded but no scenario value, event or mechanism cites it"]
    problems = coverage_problems(uses, _with_status(registry, "SU23-04", "not-represented", "a test"))
    assert len(problems) == 1 and problems[0].startswith("SU23-04: marked not-represented (a test) but cited by")
    phantom = {**uses, "SU23-99": [Use("value", "baseline", "states.KAZ.gdp_bn")]}
    assert coverage_problems(phantom, registry) == [
        "SU23-99: cited by baseline: states.KAZ.gdp_bn but missing from the registry"]
