"""The seminar page's state and words, without a browser: the tab's session, the levers, the event log, the map.

What a lecturer relies on: the model on screen is always the one the controls
describe; each scenario offers its own levers in words, and each lever moves
the model the way its claims say; every log entry names the claims behind it.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from multivector.analysis.seminar.levers import defaults_of, lever_key, levers_of, scenario_with
from multivector.analysis.seminar.narrative import event_log, shares
from multivector.analysis.seminar.play import SeminarModel
from multivector.analysis.seminar.regionmap import region_svg
from multivector.analysis.seminar.session import ExploreSession
from multivector.scenarios import list_scenarios, load_registry

CODES = re.compile(r"\b(KAZ|UZB|KGZ|TJK|TKM|RUS|CHN|USA|GBR)\b")
"""State and power codes: the page shows names instead."""


def test_reset_keeps_the_scenario_seed_and_levers_and_restarts_the_run():
    session = ExploreSession("sanctions_escalation", seed=5)
    key = next(k for k in session.values if "@" in k)
    session.set_lever(key, 0.8)
    session.step(6)
    assert session.model.t == 6
    session.reset()
    assert (session.name, session.seed, session.values[key], session.model.t) == ("sanctions_escalation", 5, 0.8, 0)
    session.run_to_end()
    rerun = SeminarModel(scenario_with("sanctions_escalation", session.values), seed=5)
    while rerun.running:
        rerun.step()
    np.testing.assert_array_equal(session.model.outcomes["alignment"], rerun.outcomes["alignment"])


def test_choosing_a_scenario_loads_its_own_levers_at_its_own_values():
    session = ExploreSession()
    version = session.version
    session.choose_scenario("russia_decline")
    assert session.version > version and session.model.t == 0
    assert session.values == defaults_of("russia_decline")
    assert session.model.params.name == "russia_decline"
    with pytest.raises(KeyError, match="is not a lever of russia_decline"):
        session.set_lever("powers.USA.capacity", 1.0)


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenarios_levers_are_in_words_with_unit_range_and_claims(name):
    registry = load_registry()
    levers = levers_of(name)
    assert 4 <= len(levers) <= 6
    for lever in levers:
        assert lever.owner and lever.quantity and not CODES.search(lever.owner), lever
        assert "." not in lever.quantity and "_" not in lever.quantity, lever
        assert lever.low <= lever.value <= lever.high and lever.low < lever.high, lever
        assert all(note.id in registry for note in lever.claims), lever


def test_a_scenario_shows_what_sets_it_apart():
    """russia_decline's 2025 trend, middle_corridor_stalls' investment, us_china_competition's US push."""
    def titles(name: str) -> set[tuple[str, str, str]]:
        return {(lever.owner, lever.quantity, lever.since) for lever in levers_of(name)}

    assert ("Russia", "capacity growth", "2025Q1") in titles("russia_decline")
    assert ("Middle Corridor (Trans-Caspian)", "investment", "") in titles("middle_corridor_stalls")
    assert ("United States", "capacity growth", "") in titles("us_china_competition")


def test_the_dated_trend_lever_moves_russias_influence_the_way_its_claims_say():
    """SU23-22, ZE23-25: a faster erosion of Russia's capacity from 2025 leaves it less influence by 2030."""
    key = next(lever_key(lever) for lever in levers_of("russia_decline") if lever.since == "2025Q1" and lever.field == "set")

    def influence(trend: float) -> np.ndarray:
        runs = []
        for seed in (1, 2, 3):
            model = SeminarModel(scenario_with("russia_decline", {**defaults_of("russia_decline"), key: trend}), seed=seed)
            while model.running:
                model.step()
            runs.append(model.outcomes["influence"][-8:, model.power_codes.index("RUS")].mean())
        return np.array(runs)

    assert np.all(influence(-6.0) < influence(2.0)), "paired seeds: a steeper decline, less influence"


def test_a_lever_outside_its_range_is_refused_in_one_line():
    key = next(lever_key(lever) for lever in levers_of("russia_decline") if lever.event)
    with pytest.raises(ValueError, match=r"outside the lever's range"):
        scenario_with("russia_decline", {key: 99.0})


def test_every_log_entry_names_the_claims_behind_it():
    model = SeminarModel("baseline", seed=1)
    while model.running:
        model.step()
    entries = event_log(model)
    registry = load_registry()
    scheduled = {event.id: event for event in model.params.timeline}
    assert entries and all(entry.claims for entry in entries), [e.text for e in entries if not e.claims][:5]
    assert all(claim in registry for entry in entries for claim in entry.claims)
    package = next(e for e in entries if e.text == "sanctions package on Russia (intensity 0.7)")
    assert set(package.claims) == set(scheduled["sanctions-2022-feb"].claims)
    assert not any(CODES.search(entry.text) for entry in entries)


def test_a_small_change_is_never_shown_as_no_change():
    assert shares(0.3201, 0.3249) == "0.320 → 0.325"
    assert shares(0.30, 0.45) == "0.30 → 0.45"


def test_the_map_names_states_and_routes_in_words():
    model = SeminarModel("baseline", seed=1)
    for _ in range(8):
        model.step()
    svg = region_svg(model)
    for name in ("Kazakhstan", "Turkmenistan", "Russia", "China", "Middle Corridor (Trans-Caspian)"):
        assert name in svg, name
    shown = [int(s) for s in re.findall(r"(\d+)% of the region", svg)]
    assert len(shown) == 5 and abs(sum(shown) - 100) <= 3, shown
    assert not CODES.search(re.sub(r"<[^>]+>", " ", svg))
