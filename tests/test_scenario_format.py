"""Tests of the scenario format v1: loading, inheritance, claim toggles, overrides and errors."""

from __future__ import annotations

import copy
import json
import pickle
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from multivector.model.events import Unrest
from multivector.model.params import CorridorParams, FormatParams, PowerParams, Scenario, StateParams
from multivector.model.specs import SpecKind
from multivector.scenarios import (
    SCENARIO_DIR,
    Claim,
    Registry,
    Resolved,
    ScenarioError,
    citations,
    list_scenarios,
    load_registry,
    load_scenario,
    resolve,
    scenario_path,
)
from multivector.scenarios.quantities import KIND_CHECKS

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "minimal.yaml"

Doc = dict[str, Any]


def minimal() -> Doc:
    """A fresh copy of the minimal scenario as plain data."""
    return yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))


def write(folder: Path, name: str, doc: Doc | str) -> Path:
    """Write a document (data or raw text) as ``folder/name.yaml``."""
    path = folder / f"{name}.yaml"
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def mutated(folder: Path, change: Callable[[Doc], Any]) -> Path:
    """The minimal scenario changed by ``change`` (which edits the dict in place)."""
    doc = minimal()
    change(doc)
    return write(folder, "bad", doc)


def text_mutated(folder: Path, old: str, new: str) -> Path:
    """The minimal scenario with one text replacement (keeps line numbers meaningful)."""
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    return write(folder, "bad", text.replace(old, new, 1))


def child(folder: Path, **doc: Any) -> Path:
    """Copy the minimal scenario as ``parent.yaml`` and write a child extending it."""
    write(folder, "parent", MINIMAL.read_text(encoding="utf-8"))
    return write(folder, "child", {"format": 1, "name": "child", "extends": "parent", **doc})


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line of a file containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise LookupError(needle)


# ---------------------------------------------------------------- loading


def test_minimal_loads_with_correct_types() -> None:
    """The minimal file resolves into a typed Scenario."""
    scenario = load_scenario(MINIMAL)
    assert isinstance(scenario, Scenario)
    assert (scenario.name, scenario.start, scenario.end) == ("minimal", "2021Q1", "2024Q4")
    assert scenario.state_codes == ("KAZ", "UZB")
    assert scenario.power_codes == ("RUS", "CHN", "USA")
    kaz = scenario.states["KAZ"]
    assert isinstance(kaz, StateParams)
    assert type(kaz.gdp_bn) is float and kaz.gdp_bn == 197.0
    assert type(kaz.trade_shares) is dict and kaz.trade_shares["RUS"] == pytest.approx(0.24)
    assert kaz.neutrality is False and kaz.name == "Kazakhstan"
    assert scenario.states["UZB"].sentiment == {}  # optional field → dataclass default
    assert isinstance(scenario.powers["RUS"], PowerParams)
    assert list(scenario.powers["CHN"].advantage) == ["security", "economy", "diplomacy"]
    fmt = scenario.formats["china_c5"]
    assert isinstance(fmt, FormatParams)
    assert fmt.members == ("KAZ", "UZB") and fmt.domains == ("economy", "diplomacy")
    assert fmt.summit_from == "2022Q1" and scenario.formats["us_c5"].summit_from is None
    corridor = scenario.corridors["middle_corridor"]
    assert isinstance(corridor, CorridorParams)
    assert type(corridor.lag) is int and corridor.lag == 8
    assert scenario.corridors["northern"].lag == 8 and scenario.corridors["northern"].investment == 0.0
    assert scenario.sanctions.senders == ("USA",) and scenario.sanctions.target == "RUS"
    assert scenario.sanctions.bank_compliance_floor == {"KAZ": 0.2, "UZB": 0.1}
    assert [e.id for e in scenario.timeline] == ["sanctions-2022", "kaz-unrest-2022", "kaz-designations-2023"]
    unrest = scenario.timeline[1]
    assert isinstance(unrest, Unrest)
    assert unrest.payload == {"state": "KAZ", "severity": 0.9} and unrest.claims == ("ZE23-14",)
    assert scenario.description.startswith("Two states")


def test_resolved_data_is_plain_recorded_and_stable(tmp_path: Path) -> None:
    """The resolved dict is JSON-serialisable, keeps provenance, and reloads to the same digest."""
    resolved = resolve(MINIMAL)
    assert isinstance(resolved, Resolved) and resolved.source == MINIMAL
    data = resolved.data
    json.dumps(data)
    assert "extends" not in data and data["horizon"] == {"start": "2021Q1", "end": "2024Q4"}
    assert data["states"]["KAZ"]["dependence_aversion"]["claims"] == ["SU23-04"]
    assert isinstance(data["timeline"], list) and data["timeline"][0]["id"] == "sanctions-2022"
    assert re.fullmatch(r"[0-9a-f]{64}", resolved.digest)
    assert resolve(MINIMAL).digest == resolved.digest
    again = resolve(write(tmp_path, "again", data))
    assert again.digest == resolved.digest and again.scenario == resolved.scenario


def test_citations_map_claims_to_paths() -> None:
    """citations() lists, per claim ID, the values and events citing it."""
    cited = citations(resolve(MINIMAL).data)
    assert "states.KAZ.dependence_aversion" in cited["SU23-04"]
    assert cited["ZE23-14"][-1] == "timeline.kaz-unrest-2022"
    assert "timeline.kaz-designations-2023" in cited["CH25-41"]


def test_library_helpers() -> None:
    """Library names map to files in the scenarios folder; paths pass through."""
    assert Path(__file__).resolve().parents[1] / "scenarios" == SCENARIO_DIR
    assert scenario_path("baseline") == SCENARIO_DIR / "baseline.yaml"
    assert scenario_path("tests/data/minimal.yaml") == Path("tests/data/minimal.yaml")
    assert scenario_path(MINIMAL) == MINIMAL
    names = list_scenarios()
    assert names == sorted(names)
    assert all((SCENARIO_DIR / f"{n}.yaml").is_file() for n in names)


def test_registry_reads_and_caches() -> None:
    """The project registry parses, and the default one is read only once."""
    registry = load_registry()
    assert isinstance(registry, Registry) and load_registry() is registry
    claim = registry.get("CH25-41")
    assert isinstance(claim, Claim) and claim.contested and claim.article == "CH25"
    assert isinstance(claim.elements, tuple) and registry.get("XX99-99") is None
    assert "SU23-04" in registry and registry.articles["SU23"].year == 2023


# ------------------------------------------------------------ inheritance


def test_extends_overrides_and_timeline_edits(tmp_path: Path) -> None:
    """A child adds items, replaces fields and quantities, and replaces/removes events."""
    path = child(
        tmp_path,
        horizon={"end": "2026Q4"},
        states={"KAZ": {"dependence_aversion": {"value": 4.0, "assumption": "child"}},
                "TJK": {**minimal()["states"]["UZB"], "name": "Tajikistan"}},
        sanctions={"wedge": {"value": 0.9, "claims": ["CH25-26"]}},
        timeline=[
            {"id": "kaz-unrest-2022", "at": "2022Q2", "type": "unrest", "state": "TJK", "severity": 0.4,
             "assumption": "moved"},
            {"id": "sanctions-2022", "remove": True},
            {"id": "late-shock", "at": "2026Q1", "type": "capacity_shock", "power": "RUS", "factor": 0.8,
             "assumption": "new"},
        ],
    )
    resolved = resolve(path)
    scenario = resolved.scenario
    assert scenario.name == "child" and (scenario.start, scenario.end) == ("2021Q1", "2026Q4")
    assert scenario.state_codes == ("KAZ", "UZB", "TJK")
    assert scenario.states["KAZ"].dependence_aversion == 4.0
    assert scenario.states["KAZ"].gdp_bn == 197.0  # inherited field
    assert resolved.data["states"]["KAZ"]["dependence_aversion"] == {"value": 4.0, "assumption": "child"}
    assert resolved.data["sanctions"]["wedge"] == {"value": 0.9, "claims": ["CH25-26"]}  # no parent range left
    assert [e.id for e in scenario.timeline] == ["kaz-unrest-2022", "kaz-designations-2023", "late-shock"]
    assert scenario.timeline[0].payload == {"state": "TJK", "severity": 0.4} and scenario.timeline[0].at == "2022Q2"
    assert resolved.data["title"] == "Minimal test scenario"  # inherited text


def test_extends_by_relative_path_and_claims_off_union(tmp_path: Path) -> None:
    """``extends`` accepts a relative .yaml path; claims_off is unioned down the chain."""
    (tmp_path / "lib").mkdir()
    write(tmp_path / "lib", "base", MINIMAL.read_text(encoding="utf-8"))
    write(tmp_path, "mid", {"format": 1, "name": "mid", "extends": "lib/base.yaml", "claims_off": ["CH25-41"]})
    leaf = write(tmp_path, "leaf", {"format": 1, "name": "leaf", "extends": "mid", "claims_off": ["CH25-41"]})
    resolved = resolve(leaf)
    assert resolved.data["claims_off"] == ["CH25-41"]
    assert "timeline.kaz-designations-2023" in resolved.neutralised


# ---------------------------------------------------------- claim toggles


def test_claims_off_neutralises_values_and_drops_events(tmp_path: Path) -> None:
    """A switched-off claim sends its values to neutral and drops its events."""
    path = mutated(tmp_path, lambda d: d.update(claims_off=["CH25-41"]))
    resolved = resolve(path)
    assert resolved.scenario.sanctions.bank_compliance_response == 0.0
    assert resolved.scenario.sanctions.bank_compliance_floor == {}
    assert [e.id for e in resolved.scenario.timeline] == ["sanctions-2022", "kaz-unrest-2022"]
    assert resolved.neutralised == (
        "sanctions.bank_compliance_response", "sanctions.bank_compliance_floor", "timeline.kaz-designations-2023",
    )
    assert resolved.data["sanctions"]["bank_compliance_response"]["neutralised"] is True
    assert resolved.digest != resolve(MINIMAL).digest


def test_claims_off_by_override() -> None:
    """``claims_off`` can be added by an override."""
    resolved = resolve(MINIMAL, {"claims_off": ["CH25-41"]})
    assert resolved.scenario.sanctions.bank_compliance_response == 0.0
    assert len(resolved.scenario.timeline) == 2


# --------------------------------------------------------------- overrides


def test_overrides_replace_value_and_provenance() -> None:
    """Dotted and ``__`` keys replace a quantity's value and mark it overridden."""
    resolved = resolve(MINIMAL, {"states.KAZ.dependence_aversion": 7, "sanctions__wedge": 1.5,
                                 "formats.us_c5.members.value": ("KAZ",)})
    assert resolved.scenario.states["KAZ"].dependence_aversion == 7.0
    assert resolved.scenario.sanctions.wedge == 1.5
    assert resolved.scenario.formats["us_c5"].members == ("KAZ",)
    assert resolved.data["states"]["KAZ"]["dependence_aversion"] == {
        "value": 7, "assumption": "override", "overridden": True}
    json.dumps(resolved.data)


@pytest.mark.parametrize(("overrides", "match"), [
    ({"states.KAZ.gdp_bn": -3},
     r"^<override>: states\.KAZ\.gdp_bn\.value: out of range; got -3, expected a real number in \[0\.1, 10000\] "
     r"\(US\$ bn \(2021\)\)$"),
    ({"states.XYZ.gdp_bn": 1}, r"^<override>: states\.XYZ\.gdp_bn: no such entry in states; got 'XYZ', expected "
                               r"one of: KAZ, UZB"),
    ({"states.KAZ.gdp": 1}, r"states\.KAZ\.gdp: unknown StateParams field; got 'gdp', expected one of: .*gdp_bn"),
    ({"states.KAZ.name": "X"}, r"states\.KAZ\.name: not a world quantity; got 'X', expected a dotted path"),
    ({"seed": 3}, r"^<override>: seed: not an overridable key; got 3, expected a dotted path"),
    ({"claims_off": ["ZZ99-01"]}, r"^<override>: claims_off\[0\]: unknown claim ID; got 'ZZ99-01', expected an ID"),
    ({"sanctions.senders": ["USA", "EU"]},
     r"sanctions\.senders\.value\[1\]: unknown code; got 'EU', expected one of: RUS, CHN, USA"),
])
def test_overrides_are_validated(overrides: dict[str, Any], match: str) -> None:
    """Overrides are checked like file input and blamed on ``<override>``."""
    with pytest.raises(ScenarioError, match=match) as info:
        resolve(MINIMAL, overrides)
    assert info.value.file == "<override>" and info.value.line is None


# ------------------------------------------------------------------ errors


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """A mutation setting a dotted path (creating nothing) to ``value``."""
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        target = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return change


def _del(path: str) -> Callable[[Doc], None]:
    """A mutation deleting a dotted path."""
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        target = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]
    return change


FIELD_ERRORS: list[tuple[str, Callable[[Doc], Any], str]] = [
    ("unknown_top_key", _set("seed", 1), r"seed: unknown key; got 'seed', expected one of: format, name"),
    ("unsupported_format", _set("format", 2), r"format: unsupported format version; got 2, expected 1"),
    ("missing_name", _del("name"), r"name: missing name; got nothing, expected an identifier: a letter or _, then "
                                   r"letters, digits or _, at most 64 characters"),
    ("name_with_space", _set("name", "my scenario"), r"name: name is not an identifier; got 'my scenario', expected an "
                                                     r"identifier"),
    ("missing_section", _del("behaviour"), r"behaviour: missing section 'behaviour'; got nothing, expected a "
                                           r"mapping of "
     r"BehaviourParams fields"),
    ("bad_state_code", lambda d: d["states"].update(kaz=d["states"].pop("UZB")),
     r"states\.kaz: bad key; got 'kaz', expected an upper-case code"),
    ("unknown_field", _set("states.KAZ.gdp", {"value": 1, "assumption": "x"}),
     r"states\.KAZ\.gdp: unknown StateParams field; got 'gdp', expected one of: .*gdp_bn.* \(did you mean "
     r"'gdp_bn'\?\)"),
    ("missing_field", _del("powers.USA.denial"),
     r"powers\.USA\.denial: missing field; got nothing, expected a quantity whose value is a real number in \[0, 3\]"),
    ("plain_world_value", _set("states.KAZ.gdp_bn", 197),
     r"states\.KAZ\.gdp_bn: a world value must be a quantity mapping; got 197, expected a mapping \{value"),
    ("unknown_quantity_key", _set("states.KAZ.gdp_bn.source", "x"),
     r"states\.KAZ\.gdp_bn\.source: unknown quantity key; got 'source', expected one of: assumption, claims"),
    ("missing_value", _del("states.KAZ.gdp_bn.value"),
     r"states\.KAZ\.gdp_bn\.value: missing value; got nothing, expected a real number in \[0\.1, 10000\]"),
    ("missing_provenance", _del("states.KAZ.gdp_bn.assumption"),
     r"states\.KAZ\.gdp_bn: missing provenance; got \['value'\], expected 'claims: \[IDs\]' and/or 'assumption"),
    ("empty_claims", _set("states.KAZ.gdp_bn.claims", []),
     r"states\.KAZ\.gdp_bn\.claims: claims must be a non-empty list; got \[\], expected a list of claim IDs"),
    ("empty_assumption", _set("states.KAZ.gdp_bn.assumption", " "),
     r"states\.KAZ\.gdp_bn\.assumption: empty or non-text assumption; got ' ', expected a non-empty one-line "
     r"rationale"),
    ("unknown_claim", _set("states.KAZ.gdp_bn.claims", ["SU23-4"]),
     r"states\.KAZ\.gdp_bn\.claims\[0\]: unknown claim ID; got 'SU23-4', expected an ID from the claims registry"),
    ("out_of_range", _set("states.KAZ.gdp_bn.value", -3),
     r"states\.KAZ\.gdp_bn\.value: out of range; got -3, expected a real number in \[0\.1, 10000\] \(US\$ bn "
     r"\(2021\)\)"),
    ("not_a_number", _set("states.KAZ.trend_growth.value", "4%"),
     r"states\.KAZ\.trend_growth\.value: not a real number; got '4%', expected a real number in \[-10, 20\] \(%/yr\)"),
    ("bool_is_not_real", _set("domestic.cohesion.value", True),
     r"domestic\.cohesion\.value: not a real number; got True, expected a real number in \[0, 1\]"),
    ("not_an_integer", _set("corridors.middle_corridor.lag.value", 8.5),
     r"corridors\.middle_corridor\.lag\.value: not an integer; got 8\.5, expected an integer in \[0, 40\] "
     r"\(quarters\)"),
    ("not_a_flag", _set("states.KAZ.neutrality.value", "no"),
     r"states\.KAZ\.neutrality\.value: not a flag; got 'no', expected true or false"),
    ("bad_choice", _set("states.KAZ.decision_rule.value", "hedging"),
     r"states\.KAZ\.decision_rule\.value: not an allowed choice; got 'hedging', expected one of: multivector_hedging"),
    ("bad_sponsor", _set("formats.china_c5.sponsor.value", "EU"),
     r"formats\.china_c5\.sponsor\.value: not an allowed choice; got 'EU', expected one of: RUS, CHN, USA, C5$"),
    ("bad_target", _set("sanctions.target.value", "IRN"),
     r"sanctions\.target\.value: not an allowed choice; got 'IRN', expected one of: RUS, CHN, USA$"),
    ("map_unknown_power", _set("states.KAZ.trade_shares.value.TUR", 0.1),
     r"states\.KAZ\.trade_shares\.value\.TUR: unknown key; got 'TUR', expected one of: RUS, CHN, USA"),
    ("map_entry_range", _set("states.KAZ.sentiment.value.RUS", 2),
     r"states\.KAZ\.sentiment\.value\.RUS: out of range; got 2, expected a real number in \[-1, 1\]"),
    ("map_total", _set("states.KAZ.security_ties.value.USA", 0.5),
     r"states\.KAZ\.security_ties\.value: entries sum to more than allowed; got 1\.3, expected a sum of at most "
     r"1\.0001"),
    ("map_not_mapping", _set("states.KAZ.trade_shares.value", [0.2]),
     r"states\.KAZ\.trade_shares\.value: not a mapping; got \[0\.2\], expected a mapping of powers codes \(RUS, "
     r"CHN, USA\)"),
    ("state_map_unknown", _set("sanctions.bank_compliance_floor.value.TKM", 0.1),
     r"sanctions\.bank_compliance_floor\.value\.TKM: unknown key; got 'TKM', expected one of: KAZ, UZB"),
    ("domain_map_missing", _del("powers.RUS.advantage.value.diplomacy"),
     r"powers\.RUS\.advantage\.value\.diplomacy: missing domain; got nothing, expected a mapping with exactly the keys "
     r"security, economy, diplomacy"),
    ("state_list_unknown", _set("formats.us_c5.members.value", ["KAZ", "TKM"]),
     r"formats\.us_c5\.members\.value\[1\]: unknown code; got 'TKM', expected one of: KAZ, UZB"),
    ("list_duplicate", _set("formats.us_c5.domains.value", ["economy", "economy"]),
     r"formats\.us_c5\.domains\.value: code listed twice; got \['economy', 'economy'\], expected each code once"),
    ("bad_quarter", _set("formats.us_c5.start.value", "2015-Q4"),
     r"formats\.us_c5\.start\.value: not a quarter; got '2015-Q4', expected a quarter label such as 2022Q1"),
    ("horizon_reversed", _set("horizon", {"start": "2025Q1", "end": "2024Q4"}),
     r"horizon\.end: horizon ends before it starts; got '2024Q4', expected a quarter not before the start 2025Q1"),
    ("horizon_unknown_key", _set("horizon.stop", "2024Q4"),
     r"horizon\.stop: unknown key; got 'stop', expected one of: start, end"),
    ("format_after_horizon", _set("formats.us_c5.start.value", "2025Q1"),
     r"formats\.us_c5\.start\.value: quarter outside the horizon; got '2025Q1', expected a quarter not after 2024Q4"),
    ("summit_before_start", _set("formats.china_c5.summit_from.value", "2020Q1"),
     r"formats\.china_c5\.summit_from\.value: summit upgrade before the format starts; got '2020Q1', expected a "
     r"quarter not before the format's start 2020Q3"),
    ("role_unknown", _set("states.KAZ.gdp_bn.role", "guess"),
     r"states\.KAZ\.gdp_bn\.role: unknown role; got 'guess', expected one of: constant, uncertainty, lever"),
    ("range_missing", _del("sanctions.wedge.range"),
     r"sanctions\.wedge\.range: a uncertainty needs a range; got nothing, expected \[lo, hi\] inside the bounds "
     r"in \[0, 2\]"),
    ("range_malformed", _set("sanctions.wedge.range", [1.0, 0.2]),
     r"sanctions\.wedge\.range: malformed range; got \[1\.0, 0\.2\], expected \[lo, hi\] with two numbers, lo <= hi"),
    ("range_outside_bounds", _set("sanctions.wedge.range", [0.2, 3]),
     r"sanctions\.wedge\.range: range outside the allowed bounds; got \[0\.2, 3\], expected a range in \[0, 2\]"),
    ("value_outside_range", _set("sanctions.wedge.value", 1.5),
     r"sanctions\.wedge\.value: value outside its own range; got 1\.5, expected a value in \[0\.2, 1\] \(the "
     r"quantity's range\)"),
    ("range_on_choice", _set("states.KAZ.decision_rule.range", [0, 1]),
     r"states\.KAZ\.decision_rule\.range: range is only valid for real and integer values, not choice; got \[0, 1\], "
     r"expected no range"),
    ("contested_needs_neutral", _del("sanctions.bank_compliance_response.neutral"),
     r"sanctions\.bank_compliance_response\.neutral: a value citing contested claim CH25-41 needs a neutral value; "
     r"got nothing, expected 'neutral: "),
    ("neutral_checked", _set("sanctions.bank_compliance_response.neutral", 99),
     r"sanctions\.bank_compliance_response\.neutral: out of range; got 99, expected a real number in \[0, 10\]"),
    ("claims_off_unknown", _set("claims_off", ["CH25-99"]),
     r"claims_off\[0\]: unknown claim ID; got 'CH25-99', expected an ID from the claims registry"),
    ("claims_off_without_neutral", lambda d: d.update(claims_off=["SU23-04"]),
     r"states\.KAZ\.decision_rule\.neutral: claim SU23-04 is switched off \(claims_off\) but this value has no "
     r"neutral; "
     r"got nothing, expected 'neutral: "),
    ("claims_off_not_list", _set("claims_off", "CH25-41"),
     r"claims_off: not a list; got 'CH25-41', expected a list of claim IDs"),
    ("timeline_not_list", _set("timeline", {"a": 1}),
     r"timeline: not a list; got \{'a': 1\}, expected a list of event mappings"),
    ("event_bad_id", _set("timeline.0.id", "Sanctions 2022"),
     r"timeline\[0\]\.id: missing or bad event id; got 'Sanctions 2022', expected a lower-case id"),
    ("event_duplicate_id", _set("timeline.1.id", "sanctions-2022"),
     r"timeline\[1\]\.id: duplicate event id; got 'sanctions-2022', expected each event id once per file"),
    ("event_unknown_type", _set("timeline.1.type", "riot"),
     r"timeline\.kaz-unrest-2022\.type: unknown event type; got 'riot', expected one of: sanctions_package"),
    ("event_missing_payload", _del("timeline.1.severity"),
     r"timeline\.kaz-unrest-2022\.severity: missing payload key for a unrest event; got nothing, expected a real "
     r"number in \[0, 1\]"),
    ("event_unknown_key", _set("timeline.1.power", "RUS"),
     r"timeline\.kaz-unrest-2022\.power: unknown key for a unrest event; got 'power', expected one of: id, at, type"),
    ("event_bad_reference", _set("timeline.1.state", "TJK"),
     r"timeline\.kaz-unrest-2022\.state: not an allowed choice; got 'TJK', expected one of: KAZ, UZB"),
    ("event_outside_horizon", _set("timeline.1.at", "2020Q4"),
     r"timeline\.kaz-unrest-2022\.at: quarter outside the horizon; got '2020Q4', expected a quarter in 2021Q1–2024Q4"),
    ("event_no_provenance", _del("timeline.1.claims"),
     r"timeline\.kaz-unrest-2022: missing provenance; got \[.*\], expected 'claims: \[IDs\]' and/or 'assumption"),
    ("event_not_mapping", _set("timeline.1", "unrest"),
     r"timeline\[1\]: event is not a mapping; got 'unrest', expected a mapping with id, at, type"),
    ("section_not_mapping", _set("transport", [1, 2]),
     r"transport: not a mapping; got \[1, 2\], expected a mapping of TransportParams fields"),
    ("empty_powers", _set("powers", {}), r"powers: empty collection; got \{\}, expected at least one entry in powers"),
]


@pytest.mark.parametrize(("change", "match"), [pytest.param(c, m, id=i) for i, c, m in FIELD_ERRORS])
def test_field_errors(tmp_path: Path, change: Callable[[Doc], Any], match: str) -> None:
    """Each mutation of the minimal file is rejected with its key path and expectation."""
    path = mutated(tmp_path, change)
    with pytest.raises(ScenarioError, match=match) as info:
        resolve(path)
    error = info.value
    assert str(error).startswith(f"{path}:") and "\n" not in str(error)
    assert error.file == str(path) and isinstance(error.line, int)
    assert error.key_path in str(error) and error.expected in str(error)


def test_error_line_numbers_point_at_the_value(tmp_path: Path) -> None:
    """The line number is that of the offending key in the file."""
    path = text_mutated(tmp_path, "gdp_bn: {value: 197,", "gdp_bn: {value: -3,")
    with pytest.raises(ScenarioError) as info:
        resolve(path)
    assert info.value.line == line_of(path, "gdp_bn: {value: -3")
    assert str(info.value) == (
        f"{path}:{info.value.line}: states.KAZ.gdp_bn.value: out of range; got -3, "
        "expected a real number in [0.1, 10000] (US$ bn (2021))"
    )
    assert info.value.value == -3 and info.value.key_path == "states.KAZ.gdp_bn.value"


def test_relative_path_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path is shown relative in messages."""
    text_mutated(tmp_path, "severity: 0.9", "severity: 1.9")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match=r"^bad\.yaml:\d+: timeline\.kaz-unrest-2022\.severity: out of range"):
        resolve("bad.yaml")


@pytest.mark.parametrize(("text", "match"), [
    pytest.param("format: 1\nname: x\nstates: {KAZ: [1, 2}\n",
                 r"^.*bad\.yaml:3: <yaml>: YAML syntax error \(.*\); got 'states: \{KAZ: \[1, 2\}', expected "
                 r"valid YAML$",
                 id="syntax"),
    pytest.param("format: 1\nname: x\nname: y\n",
                 r"bad\.yaml:3: name: duplicate key; got 'name', expected each key once per mapping \(first at "
                 r"line 2\)",
                 id="duplicate_key"),
    pytest.param("# nothing here\n", r"bad\.yaml: <document>: empty file; got None, expected a mapping",
                 id="empty_file"),
    pytest.param("- format: 1\n", r"bad\.yaml: <document>: not a Multivector scenario; got a list at the top level, "
                 r"expected a YAML mapping with 'format: 1'", id="not_mapping"),
    pytest.param("name: x\nstates: {}\n", r"bad\.yaml: <document>: not a Multivector scenario; got a mapping without "
                 r"a 'format' key, expected a YAML mapping with 'format: 1', a name and the scenario's sections$",
                 id="missing_format"),
    pytest.param("format: 1\nname: x\ndescription: 2021-01-01\n",
                 r"bad\.yaml:3: description: unsupported YAML value \(timestamp\); got '2021-01-01', expected text",
                 id="timestamp"),
    pytest.param("format: 1\nname: !!python/object:os.system x\n",
                 r"bad\.yaml:2: name: unsupported YAML value \(python/object:os\.system\)", id="python_tag"),
    pytest.param("format: 1\nname: x\n<<: {a: 1}\n", r"bad\.yaml:3: <document>: unsupported mapping key",
                 id="merge_key"),
])
def test_yaml_level_errors(tmp_path: Path, text: str, match: str) -> None:
    """Syntax errors, duplicates, empty files and unsafe values are one-line errors."""
    path = write(tmp_path, "bad", text)
    with pytest.raises(ScenarioError, match=match) as info:
        resolve(path)
    assert "\n" not in str(info.value)


def test_missing_scenario() -> None:
    """A library name that does not exist lists the library."""
    with pytest.raises(ScenarioError, match=r"<file>: scenario not found; got 'no_such_scenario', expected a library"):
        resolve("no_such_scenario")


def test_missing_extends_target(tmp_path: Path) -> None:
    """A missing parent names the target and the folder searched."""
    path = write(tmp_path, "child", {"format": 1, "name": "child", "extends": "nowhere"})
    with pytest.raises(ScenarioError, match=rf"child\.yaml:3: extends: extends target not found in "
                                            rf"{re.escape(str(tmp_path))} or the library; "
                       rf"got 'nowhere', expected a scenario file nowhere\.yaml in {re.escape(str(tmp_path))} "
                       rf"\(found: child\) or a library name \(afghan_spillover, baseline, "):
        resolve(path)


def test_extends_cycle(tmp_path: Path) -> None:
    """A cycle in the extends chain is named."""
    write(tmp_path, "a", {"format": 1, "name": "a", "extends": "b"})
    write(tmp_path, "b", {"format": 1, "name": "b", "extends": "c.yaml"})
    write(tmp_path, "c", {"format": 1, "name": "c", "extends": "a"})
    with pytest.raises(ScenarioError, match=r"c\.yaml:3: extends: extends cycle a\.yaml -> b\.yaml -> c\.yaml "
                                            r"-> a\.yaml; "
                       r"got 'a', expected a chain"):
        resolve(tmp_path / "a.yaml")


def test_error_in_parent_names_parent_file(tmp_path: Path) -> None:
    """An invalid inherited value is blamed on the parent's file and line."""
    text = MINIMAL.read_text(encoding="utf-8").replace("rivalry: {value: 0.3,", "rivalry: {value: 3,")
    write(tmp_path, "parent", text)
    path = write(tmp_path, "child", {"format": 1, "name": "child", "extends": "parent"})
    with pytest.raises(ScenarioError) as info:
        resolve(path)
    assert info.value.file == str(tmp_path / "parent.yaml")
    assert info.value.line == line_of(tmp_path / "parent.yaml", "rivalry:")
    assert info.value.key_path == "domestic.rivalry.value"


def test_child_error_names_child_file(tmp_path: Path) -> None:
    """A child's bad override of a parent value is blamed on the child."""
    path = child(tmp_path, states={"KAZ": {"gdp_bn": {"value": 0, "assumption": "x"}}})
    with pytest.raises(ScenarioError, match=r"child\.yaml:\d+: states\.KAZ\.gdp_bn\.value: out of range; got 0"):
        resolve(path)


def test_remove_of_unknown_event(tmp_path: Path) -> None:
    """Removing an event the parent does not have is an error listing the inherited ids."""
    path = child(tmp_path, timeline=[{"id": "no-such-event", "remove": True}])
    with pytest.raises(ScenarioError, match=r"timeline\[0\]\.id: cannot remove an event that is not inherited; "
                       r"got 'no-such-event', expected one of: sanctions-2022, kaz-unrest-2022"):
        resolve(path)


def test_malformed_removal(tmp_path: Path) -> None:
    """A removal entry holds only id and ``remove: true``."""
    path = child(tmp_path, timeline=[{"id": "sanctions-2022", "remove": True, "at": "2022Q1"}])
    with pytest.raises(ScenarioError, match=r"timeline\[0\]\.remove: malformed removal; .* expected exactly \{id: "):
        resolve(path)


def test_error_is_picklable() -> None:
    """Errors survive pickling (for worker processes)."""
    error = ScenarioError("a.yaml", 3, "x.y", "bad", 1, "good")
    clone = pickle.loads(pickle.dumps(error))
    assert str(clone) == str(error) == "a.yaml:3: x.y: bad; got 1, expected good"
    assert (clone.file, clone.line, clone.key_path, clone.value, clone.expected) == ("a.yaml", 3, "x.y", 1, "good")


# ---------------------------------------------------------------- registry

ARTICLE = {"id": "TE24", "authors": "A. Author", "year": 2024, "title": "T", "title_original": "T",
           "perspective": "P"}
CLAIM = {"id": "TE24-01", "section": "1", "kind": "fact", "contested": False, "elements": ["x"], "actors": ["KAZ"],
         "status": "encoded",
         "text": "A claim."}


def registry_dir(folder: Path, claims: list[Any], article: Doc | None = None, stem: str = "TE24") -> Path:
    """A registry folder with one article file."""
    folder.mkdir(exist_ok=True)
    write(folder, stem, {"article": article or ARTICLE, "claims": claims})
    return folder


def test_custom_registry(tmp_path: Path) -> None:
    """A registry directory can be given; scenarios then cite its claims."""
    directory = registry_dir(tmp_path / "reg", [CLAIM, {**CLAIM, "id": "TE24-02", "contested": True, "note": "n"}])
    registry = load_registry(directory)
    assert list(registry.claims) == ["TE24-01", "TE24-02"] and registry.is_contested("TE24-02")
    assert registry.articles["TE24"].venue == ""
    with pytest.raises(ScenarioError, match=r"unknown claim ID; got 'SU23-04'"):
        resolve(MINIMAL, registry=registry)


@pytest.mark.parametrize(("claims", "article", "match"), [
    pytest.param([{**CLAIM, "source": "x"}], None, r"TE24\.yaml:\d+: claims\[0\]\.source: unknown key; got 'source', "
                 r"expected one of: actors, contested", id="unknown_key"),
    pytest.param([{**CLAIM, "kind": "opinion"}], None, r"claims\[0\]\.kind: unknown claim kind; got 'opinion', "
                                                       r"expected "
                 r"one of: fact, causal, prediction, normative", id="bad_kind"),
    pytest.param([CLAIM, CLAIM], None, r"claims\[1\]\.id: duplicate claim ID; got 'TE24-01', expected a new ID",
                 id="duplicate"),
    pytest.param([{**CLAIM, "id": "SU23-01"}], None, r"claims\[0\]\.id: bad claim ID; got 'SU23-01', expected "
                                                     r"TE24-<nn>",
                 id="prefix"),
    pytest.param([{k: v for k, v in CLAIM.items() if k != "text"}], None,
                 r"claims\[0\]\.text: missing key; got nothing, expected a value for 'text'", id="missing_key"),
    pytest.param([{**CLAIM, "contested": "yes"}], None, r"claims\[0\]\.contested: not a flag; got 'yes'", id="flag"),
    pytest.param([CLAIM], {**ARTICLE, "id": "XX24"}, r"article\.id: bad article ID; got 'XX24', expected 'TE24'",
                 id="article_id"),
])
def test_registry_errors(tmp_path: Path, claims: list[Any], article: Doc | None, match: str) -> None:
    """The registry reader validates its files strictly."""
    with pytest.raises(ScenarioError, match=match):
        load_registry(registry_dir(tmp_path / "reg", claims, article))


def test_minimal_is_untouched_by_mutations() -> None:
    """Sanity: the shared data file itself stays valid (mutations work on copies)."""
    before = copy.deepcopy(minimal())
    resolve(MINIMAL, {"states.KAZ.gdp_bn": 5})
    assert minimal() == before


def test_a_resolved_scenario_is_cached_by_the_content_of_every_file_it_read(tmp_path):
    """Asking twice is free; editing the file or a parent it extends is seen at once."""
    import shutil

    from multivector.scenarios import resolve

    shutil.copy(SCENARIO_DIR / "baseline.yaml", tmp_path / "base.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("format: 1\nname: child\nextends: base.yaml\n", encoding="utf-8")
    first = resolve(child)
    assert resolve(child) is first, "same contents: the cached object"
    kaz = first.scenario.states["KAZ"]
    base = tmp_path / "base.yaml"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("dependence_aversion: {value: 2.5", "dependence_aversion: {value: 3.5", 1),
                    encoding="utf-8")
    edited = resolve(child)
    assert edited is not first and edited.scenario.states["KAZ"].dependence_aversion == 3.5 != kaz.dependence_aversion
    assert resolve(child, {"states.KAZ.dependence_aversion": 2.0}).scenario.states["KAZ"].dependence_aversion == 2.0
    base.write_text(text, encoding="utf-8")
    assert resolve(child).scenario == first.scenario, "back to the first contents: the first result again"


def test_every_kind_of_field_has_exactly_one_value_check():
    """``Spec.kind`` is a closed set (``SpecKind``), each kind checked by one function: no kind falls through unchecked."""
    assert set(KIND_CHECKS) == set(typing.get_args(SpecKind))
