"""Values that change mid-run: dated parameter events, easing enforcement, formats downgraded or ended."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from multivector import MultivectorModel
from multivector.model.events import EVENT_TYPES, PARAMETER_CHANGES, ParameterChange, TimelineEvent
from multivector.scenarios import ScenarioError, resolve

SEED = 3


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "changed.yaml"
    path.write_text(f"format: 1\nname: changed\nextends: baseline\n{body}", encoding="utf-8")
    return path


def _run(path: Path | str) -> tuple[MultivectorModel, dict[str, np.ndarray]]:
    model = MultivectorModel(resolve(path).scenario, rng=SEED, collect=False)
    return model, model.run()


def test_a_parameter_set_mid_run_applies_from_its_quarter_on(tmp_path):
    path = _scenario(tmp_path, """timeline:
  - {id: cost-dropped, at: 2026Q1, type: parameter, path: sanctions.secondary_cost, set: 0.0, assumption: "test"}
""")
    model, changed = _run(path)
    _, base = _run("baseline")
    at = model.quarters.index("2026Q1")
    np.testing.assert_array_equal(changed["secondary_cost"][:at], base["secondary_cost"][:at])
    assert base["secondary_cost"][at:].sum() > 0 and changed["secondary_cost"][at:].sum() == 0


def test_a_trend_scaled_mid_run_changes_the_path_from_then_on(tmp_path):
    path = _scenario(tmp_path, """timeline:
  - {id: decline-halts, at: 2025Q1, type: parameter, path: powers.RUS.capacity_growth, scale: 0.0, assumption: "test"}
""")
    model, changed = _run(path)
    russia, at = model.power_codes.index("RUS"), model.quarters.index("2025Q1")
    capacity = changed["capacity"][:, russia]
    assert capacity[at - 1] < capacity[at - 2], "Russia's capacity declines before the change"
    assert np.allclose(capacity[at:], capacity[at - 1]), "and holds once its trend is set to zero"


def test_enforcement_eases_and_a_format_is_downgraded_and_ended(tmp_path):
    path = _scenario(tmp_path, """formats:
  g7_c5:
    end: {value: 2026Q4, assumption: "test: the G7 format lapses"}
timeline:
  - {id: eased, at: 2026Q1, type: ease_enforcement, level: 0.1, stage: outreach, assumption: "test"}
  - {id: us-downgraded, at: 2026Q1, type: parameter, path: formats.us_c5.level, set: ministerial, assumption: "test"}
""")
    model, changed = _run(path)
    _, base = _run("baseline")
    at = model.quarters.index("2026Q1")
    # Recorded after the quarter's own escalation, which adds at most 0.15 × mean circumvention (< 0.02).
    assert changed["enforcement"][at] <= 0.12 < base["enforcement"][at]
    assert changed["enforcement_stage"][at] <= 1 < base["enforcement_stage"][at]
    assert changed["summit_formats"][at] == base["summit_formats"][at] - 1, "the US C5+1 leaves summit level"
    after = model.quarters.index("2027Q1")
    assert changed["formats_active"][after] == base["formats_active"][after] - 1, "the G7 format stops meeting"
    assert changed["formats_active"][after - 1] == base["formats_active"][after - 1]


@pytest.mark.parametrize(("event", "message"), [
    ("{id: e, at: 2026Q1, type: parameter, path: sanctions.no_such, set: 1.0, assumption: x}",
     r"timeline\.e\.path: unknown parameter; got 'sanctions\.no_such'"),
    ("{id: e, at: 2026Q1, type: parameter, path: powers.XXX.denial, set: 1.0, assumption: x}",
     r"timeline\.e\.path: unknown parameter; got 'powers\.XXX\.denial'"),
    ("{id: e, at: 2026Q1, type: parameter, path: powers.RUS.capacity, set: 1.0, assumption: x}",
     r"cannot change mid-run \(read once at set-up\)"),
    ("{id: e, at: 2026Q1, type: parameter, path: states.KAZ.trade_shares, set: 1.0, assumption: x}",
     r"cannot change mid-run \(a power_map field\)"),
    ("{id: e, at: 2026Q1, type: parameter, path: sanctions.wedge, set: 1.0, scale: 2.0, assumption: x}",
     r"timeline\.e: a parameter event needs exactly one of set and scale; got \['set', 'scale'\]"),
    ("{id: e, at: 2026Q1, type: parameter, path: sanctions.wedge, assumption: x}",
     r"timeline\.e: a parameter event needs exactly one of set and scale; got nothing"),
    ("{id: e, at: 2026Q1, type: parameter, path: formats.us_c5.level, scale: 2.0, assumption: x}",
     r"timeline\.e\.scale: only a real parameter can be scaled, not a choice"),
    ("{id: e, at: 2026Q1, type: parameter, path: formats.us_c5.level, set: imperial, assumption: x}",
     r"timeline\.e\.set: not an allowed choice; got 'imperial', expected one of: ministerial, summit"),
    ("{id: e, at: 2026Q1, type: parameter, path: sanctions.wedge, set: 7.0, assumption: x}",
     r"timeline\.e\.set: out of range; got 7\.0, expected a real number in \[0, 2\]"),
    ("{id: e, at: 2026Q1, type: parameter, path: sanctions.wedge, scale: 9.0, assumption: x}",
     r"timeline\.e\.scale: sanctions\.wedge would leave its bounds; got 2\.7, expected a value in \[0, 2\]"),
    ("{id: e, at: 2026Q1, type: ease_enforcement, level: 0.1, stage: never, assumption: x}",
     r"timeline\.e\.stage: not an allowed choice; got 'never'"),
])
def test_bad_parameter_events_get_one_line_errors(tmp_path, event, message):
    path = _scenario(tmp_path, f"timeline:\n  - {event}\n")
    with pytest.raises(ScenarioError, match=message) as caught:
        resolve(path)
    assert "\n" not in str(caught.value) and "changed.yaml:" in str(caught.value)


def test_a_format_cannot_end_before_it_starts(tmp_path):
    path = _scenario(tmp_path, "formats:\n  uk_c5:\n    end: {value: 2023Q1, assumption: test}\n")
    with pytest.raises(ScenarioError, match=r"formats\.uk_c5\.end\.value: format ends before it starts; got '2023Q1'"):
        resolve(path)


def test_each_event_type_is_a_class_with_its_own_payload_and_effect():
    """Every ``type`` a timeline may give names a class that declares its payload and defines its effect."""
    for kind, cls in EVENT_TYPES.items():
        assert issubclass(cls, TimelineEvent) and cls.type == kind
        assert cls.apply is not TimelineEvent.apply, f"{cls.__name__} has no effect of its own"
        assert cls.payload_specs(), f"{cls.__name__} declares no payload"
    assert ParameterChange.payload_specs().keys() == {"path", *PARAMETER_CHANGES}


def test_a_parameter_change_built_in_code_needs_exactly_one_of_set_and_scale():
    with pytest.raises(ValueError, match="give exactly one of set and scale"):
        ParameterChange(id="both", at="2023Q1", path="sanctions.secondary_cost", set=0.5, scale=2.0)
    with pytest.raises(ValueError, match="give exactly one of set and scale"):
        ParameterChange(id="neither", at="2023Q1", path="sanctions.secondary_cost")


def test_an_event_built_in_code_acts_like_the_same_event_read_from_a_file(tmp_path):
    """The loader only types and checks: an event object added in code moves the model as the YAML entry does."""
    path = _scenario(tmp_path, """timeline:
  - {id: cost-dropped, at: 2026Q1, type: parameter, path: sanctions.secondary_cost, set: 0.0, assumption: "test"}
""")
    from_file = resolve(path).scenario
    built = resolve("baseline").scenario
    built = replace(built, timeline=(*built.timeline, ParameterChange(id="cost-dropped", at="2026Q1",
                                                                     path="sanctions.secondary_cost", set=0.0)))
    assert from_file.timeline[-1].payload == built.timeline[-1].payload == {"path": "sanctions.secondary_cost", "set": 0.0}
    ran = [MultivectorModel(s, rng=SEED, collect=False).run()["circumvention"] for s in (from_file, built)]
    np.testing.assert_array_equal(ran[0], ran[1])
