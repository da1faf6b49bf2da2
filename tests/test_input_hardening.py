"""Bounded, safe input: every malformed, hostile or meaningless input ends in one line, never a traceback or a hang.

Each case is a distinct kind of mistake, checked by the message it must give:
``<file>:<line>: <key path>: <problem>; got <value>, expected <what>`` (a
:class:`~scenarios.ScenarioError`), or, on the command line, that line on
standard error and exit code 2. The corpus here adds to the one in
``tests/test_scenario_format.py``, ``tests/test_security.py`` and
``tests/test_parameter_events.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from scenarios import ScenarioError, resolve
from scenarios.source import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, read_yaml

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"
MINIMAL_TEXT = MINIMAL.read_text(encoding="utf-8")
HEAD = "format: 1\nname: x\n"

Doc = dict[str, Any]


def write(folder: Path, text: str, stem: str = "bad") -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    """The minimal scenario with one text replacement (so line numbers stay meaningful)."""
    assert old in MINIMAL_TEXT, old
    return MINIMAL_TEXT.replace(old, new, 1)


def nested(depth: int) -> list[Any]:
    """``[[[…]]]``, ``depth`` lists deep."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def refused(path: Path | str, match: str, overrides: dict[str, Any] | None = None, seconds: float = 1.0) -> ScenarioError:
    """Assert that resolving gives one ScenarioError line matching ``match``, within ``seconds``."""
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match=match) as info:
        resolve(path, overrides)
    elapsed = time.perf_counter() - start
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, message
    assert elapsed < seconds, f"{elapsed:.2f} s: {message}"
    return info.value


# ------------------------------------------------------------ 1. bounded reading

BILLION_LAUGHS = HEAD + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))

BOUNDS: list[Any] = [
    pytest.param(BILLION_LAUGHS, rf"bad\.yaml:\d+: a\d.*: aliases expand to too many values; got more than {MAX_NODES}, "
                 rf"expected at most {MAX_NODES} keys and values per file, aliases expanded$", id="billion_laughs"),
    pytest.param(HEAD + "a: &a [*a]\n", rf"bad\.yaml:3: a\[0\]\[0\].*: nesting too deep \(recursive alias\?\); got more "
                 rf"than {MAX_DEPTH} levels", id="recursive_alias"),
    pytest.param(HEAD + "l: " + "[" * 600 + "]" * 600 + "\n",
                 rf"bad\.yaml:3: l\[0\]\[0\].*\({MAX_DEPTH + 1} levels\): nesting too deep; got more than {MAX_DEPTH} "
                 rf"levels, expected mappings and lists nested at most {MAX_DEPTH} deep$", id="nested_flow_lists"),
    pytest.param(HEAD + "m: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
                 r"bad\.yaml:3: m\.a\.a\.a.*: nesting too deep; got more than", id="nested_flow_mappings"),
    pytest.param(HEAD + "m:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(80)) + "  " * 81 + "1\n",
                 r"bad\.yaml:\d+: m\.k0\.k1\.k2.*: nesting too deep", id="nested_block_mappings"),
    pytest.param(HEAD + "a: &a 1\nl: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n",
                 rf"bad\.yaml:4: l\[{MAX_ALIASES}\]: too many aliases; got more than {MAX_ALIASES}, expected at most "
                 rf"{MAX_ALIASES} aliases \(\*name\) per file$", id="too_many_aliases"),
    pytest.param(HEAD + "l: [" + ",".join(["1"] * MAX_NODES) + "]\n",
                 rf"bad\.yaml:3: l\[\d+\]: too many values; got more than {MAX_NODES}, expected at most {MAX_NODES} keys "
                 r"and values per file$", id="too_many_values"),
    pytest.param(HEAD + "a: *nowhere\n", r"bad\.yaml:3: <yaml>: YAML syntax error \(found undefined alias 'nowhere'\)",
                 id="undefined_alias"),
    pytest.param(HEAD + "a: &x 1\nb: &x 2\n", r"bad\.yaml:4: <yaml>: YAML syntax error \(second occurrence\)",
                 id="duplicate_anchor"),
    pytest.param(HEAD + "---\nformat: 1\n", r"bad\.yaml:3: <yaml>: YAML syntax error \(but found another document\); got .---.", id="two_documents"),
    pytest.param(HEAD + "description: \"a\x00b\"\n", r"bad\.yaml: <yaml>: YAML error \(unacceptable character #x0000",
                 id="nul_character"),
]


@pytest.mark.parametrize(("text", "match"), BOUNDS)
def test_reading_is_bounded(tmp_path: Path, text: str, match: str) -> None:
    refused(write(tmp_path, text), match)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(HEAD.encode())
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse): reading it would take minutes
    refused(path, rf"huge\.yaml: <file>: file too large; got more than {MAX_FILE_BYTES} bytes, expected a YAML file of at "
                  rf"most {MAX_FILE_BYTES} bytes \(512 KiB\)$", seconds=0.5)


def test_a_file_just_under_the_size_limit_is_read(tmp_path: Path) -> None:
    padding = "#" * 99 + "\n"
    text = MINIMAL_TEXT + padding * ((MAX_FILE_BYTES - len(MINIMAL_TEXT.encode())) // len(padding))
    assert len(text.encode()) <= MAX_FILE_BYTES
    assert resolve(write(tmp_path, text, "padded")).scenario.name == "minimal"


def test_a_pipe_or_folder_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    with pytest.raises(ScenarioError, match=r"pipe\.yaml: <file>: not a regular file; got '.*pipe\.yaml', expected a "
                                            r"readable UTF-8 YAML file \(not a folder, device or pipe\)$"):
        read_yaml(fifo)
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(ScenarioError, match=r"folder\.yaml: <file>: not a regular file"):
        read_yaml(tmp_path / "folder.yaml")


def test_a_deep_file_that_is_not_a_scenario_is_described_not_quoted(tmp_path: Path) -> None:
    path = write(tmp_path, "secret_key: " + "[" * 100 + "]" * 100 + "\n")
    error = refused(path, r"bad\.yaml: <document>: nesting too deep; got more than 64 levels")
    assert "secret_key" not in str(error) and error.line is None


def test_the_library_is_well_inside_the_bounds() -> None:
    from scenarios import SCENARIO_DIR

    files = [*SCENARIO_DIR.glob("*.yaml"), *(SCENARIO_DIR / "claims").glob("*.yaml")]
    assert max(f.stat().st_size for f in files) * 5 < MAX_FILE_BYTES
    for file in files:
        read_yaml(file)  # no limit is reached


# ------------------------------------------------------- 2. no tracebacks


TRACEBACKS: list[Any] = [
    pytest.param(edited("type: unrest", "type: [unrest]"),
                 r"bad\.yaml:187: timeline\.kaz-unrest-2022\.type: unknown event type; got \['unrest'\], expected one "
                 r"of: sanctions_package", id="event_type_list"),
    pytest.param(edited("type: unrest", "type: {unrest: 1}"),
                 r"bad\.yaml:187: timeline\.kaz-unrest-2022\.type: unknown event type; got \{'unrest': 1\}", id="event_type_map"),
    pytest.param(edited("severity: 0.9", "severity: 1" + "0" * 400),
                 r"bad\.yaml:189: timeline\.kaz-unrest-2022\.severity: number too large; got 1000.*\.\.\., expected a real "
                 r"number in \[0, 1\]$", id="huge_integer_in_event"),
    pytest.param(edited("gdp_bn: {value: 197,", "gdp_bn: {value: 1" + "0" * 400 + ","),
                 r"bad\.yaml:14: states\.KAZ\.gdp_bn\.value: number too large; got 1000.*, expected a real number in "
                 r"\[0\.1, 10000\]", id="huge_integer_value"),
    pytest.param(edited("range: [0.5, 5]", "range: [0.5, 1" + "0" * 400 + "]"),
                 r"states\.KAZ\.dependence_aversion\.range: malformed range; got \[0\.5, 1000.*expected \[lo, hi\]",
                 id="huge_integer_in_range"),
    pytest.param(edited("firms: 5", "firms: 1" + "0" * 400),
                 r"timeline\.kaz-designations-2023\.firms: number too large; got 1000.*expected a real number in "
                 r"\[0, 1000\]", id="huge_integer_count"),
    pytest.param(edited("severity: 0.9", "severity: 1" + "0" * 5000),
                 r"bad\.yaml:189: timeline\[1\]\.severity: cannot read the value as int; got '1000.*\.\.\., expected "
                 r"text, a number, true/false or null, matching its tag if it has one$",
                 id="integer_too_long_to_convert"),
    pytest.param(edited("severity: 0.9", "severity: 1.0e+400"),
                 r"timeline\.kaz-unrest-2022\.severity: not a real number; got inf", id="float_overflow_literal"),
    pytest.param(edited("severity: 0.9", "severity: .nan"),
                 r"timeline\.kaz-unrest-2022\.severity: not a real number; got nan", id="nan_literal"),
    pytest.param(edited("severity: 0.9", "severity: !!float abc"),
                 r"timeline\[1\]\.severity: cannot read the value as float; got 'abc'", id="float_tag_on_text"),
    pytest.param(edited("severity: 0.9", "severity: !!bool maybe"),
                 r"timeline\[1\]\.severity: cannot read the value as bool; got 'maybe'", id="bool_tag_on_text"),
]


@pytest.mark.parametrize(("text", "match"), TRACEBACKS)
def test_what_once_raised_a_traceback_is_one_line(tmp_path: Path, text: str, match: str) -> None:
    refused(write(tmp_path, text), match)


def test_an_extends_chain_is_bounded(tmp_path: Path) -> None:
    from scenarios.merge import MAX_EXTENDS

    write(tmp_path, MINIMAL_TEXT, "s0")
    for i in range(1, 500):  # 500 files once ended in a RecursionError
        write(tmp_path, f"format: 1\nname: s{i}\nextends: s{i - 1}\n", f"s{i}")
    refused(tmp_path / "s499.yaml", rf"s{499 - MAX_EXTENDS + 1}\.yaml:3: extends: extends chain too long \(s499\.yaml -> … "
                                    rf"-> s{499 - MAX_EXTENDS + 1}\.yaml -> s{499 - MAX_EXTENDS}\.yaml\); got "
                                    rf"'s{499 - MAX_EXTENDS}', expected a chain of at most {MAX_EXTENDS} files, the "
                                    r"requested one included$")
    assert resolve(tmp_path / f"s{MAX_EXTENDS - 1}.yaml").scenario.name == f"s{MAX_EXTENDS - 1}"


def test_claims_off_in_the_python_interface_is_one_claim_or_a_list_of_claim_ids() -> None:
    from ensemble.api import _claim_ids, simulate

    assert _claim_ids("CH25-41") == ("CH25-41",), "one string is one claim, not its characters"
    assert _claim_ids(["CH25-41", "SU23-05"]) == ("CH25-41", "SU23-05") == _claim_ids(("CH25-41", "SU23-05"))
    one = simulate("baseline", seed=1, claims_off="CH25-41")
    assert one == simulate("baseline", seed=1, claims_off=["CH25-41"]) != simulate("baseline", seed=1)
    for bad, match in (([["x"]], r"^<override>: claims_off\[0\]: not a claim ID; got \['x'\], expected a claim ID such as "
                                 r"'CH25-41', or a list of them$"),
                       (5, r"^<override>: claims_off: not a claim ID or a list of them; got 5"),
                       ({"CH25-41": 1}, r"^<override>: claims_off: not a claim ID or a list of them; got \{'CH25-41': 1\}"),
                       ("CH25-99", r"^<override>: claims_off\[0\]: unknown claim ID; got 'CH25-99'")):
        with pytest.raises(ScenarioError, match=match):
            simulate("baseline", claims_off=bad)


@pytest.mark.parametrize(("overrides", "match"), [
    pytest.param({"states__KAZ__gdp_bn": 10 ** 5000},
                 r"^<override>: states\.KAZ\.gdp_bn: number too large; got <int too large to show>, expected a real number",
                 id="override_integer_too_long_to_show"),
    pytest.param({"states__KAZ__gdp_bn": 10 ** 400}, r"^<override>: states\.KAZ\.gdp_bn: number too large; got 1000",
                 id="override_huge_integer"),
    pytest.param({"states__KAZ__trade_shares": nested(300)},
                 r"^<override>: states\.KAZ\.trade_shares: value nested too deep; got more than 64 levels",
                 id="override_nested_too_deep"),
    pytest.param({"sanctions__wedge": float("nan")}, r"^<override>: sanctions\.wedge: not a real number; got nan",
                 id="override_nan"),
])
def test_overrides_in_the_python_interface_are_one_line(overrides: dict[str, Any], match: str) -> None:
    from ensemble.api import simulate

    with pytest.raises(ScenarioError, match=match) as info:
        simulate("baseline", **overrides)
    assert "\n" not in str(info.value)
