"""Reading YAML into plain data while remembering the line of every key.

Only :class:`yaml.SafeLoader` is used, and only to *compose* the node graph;
plain Python values are then built here from the nodes, so no tag can ever
construct an arbitrary object. Keys are always taken as written (``NO`` stays
the string ``"NO"``), duplicate keys are errors, and only text, numbers,
booleans and null are accepted as scalar values.

A scenario is read with ``scenario=True``: until the file is known to be a
scenario — a mapping with a top-level ``format`` number — errors describe it
without quoting it, so that pointing the loader at some other file does not
print that file's content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scenarios.errors import MISSING, Described, ScenarioError, dotted

Path_ = tuple[Any, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_MAX_DEPTH = 64
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
VERSION_KEY = "format"
"""The top-level key that marks a YAML file as a scenario (its format version)."""
_DECLARES_VERSION = re.compile(rf"^{VERSION_KEY}[ \t]*:[ \t]*[0-9]", re.MULTILINE)
NOT_A_SCENARIO = "not a Multivector scenario"
SCENARIO_SHAPE = f"a YAML mapping with '{VERSION_KEY}: 1', a name and the scenario's sections"


@dataclass(frozen=True)
class Source:
    """One YAML document turned into plain data, with key-path line numbers.

    Attributes:
        name: The file as it is shown in messages.
        path: The file on disk (``None`` for in-memory sources such as overrides).
        data: The plain data (dicts, lists, str, int, float, bool, None).
        lines: Key path → 1-based line of that key (or list item).
    """

    name: str
    path: Path | None
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest known key on ``path`` (``None`` if unknown)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def error(self, path: Path_, problem: str, value: Any, expected: str) -> ScenarioError:
        """A :class:`ScenarioError` located at ``path`` in this source."""
        return ScenarioError(self.name, self.line_of(path), dotted(path), problem, value, expected)


def display_name(path: Path) -> str:
    """How a file is named in messages: as given if relative, else relative to the cwd when inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_yaml(path: Path, name: str | None = None, *, scenario: bool = False) -> Source:
    """Read one YAML file into a :class:`Source`.

    Args:
        path: The file to read.
        name: How to show the file in messages (defaults to ``str(path)``).
        scenario: Require a scenario: a mapping with a top-level ``format``
            number. A file without one is refused as ``not a Multivector
            scenario`` without quoting any of it, and a YAML syntax error is
            shown with its line only when the file has a ``format: <number>``
            line.

    Returns:
        The parsed source; ``data`` is ``None`` for an empty document.

    Raises:
        ScenarioError: If the file cannot be read, is not valid YAML, repeats a
            key or holds an unsupported value (or, with ``scenario``, is not one).
    """
    name = str(path) if name is None else name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(name, None, "<file>", f"cannot read file ({exc.__class__.__name__})", str(path),
                            "a readable UTF-8 YAML file") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        if scenario and not _DECLARES_VERSION.search(text):
            raise ScenarioError(name, None, "<document>", NOT_A_SCENARIO,
                                Described(f"a file that is not valid YAML and has no '{VERSION_KEY}:' line"),
                                SCENARIO_SHAPE) from None
        if isinstance(exc, yaml.MarkedYAMLError):
            raise _syntax_error(name, text, exc) from None
        raise ScenarioError(name, None, "<yaml>", f"YAML error ({exc})", MISSING, "valid YAML") from None
    lines: dict[Path_, int] = {}
    if root is None:
        return Source(name, path, None, lines)
    if scenario:
        _require_scenario(name, root)
    builder = _Builder(name, lines)
    lines[()] = root.start_mark.line + 1
    return Source(name, path, builder.build(root, ()), lines)


def _require_scenario(name: str, root: yaml.Node) -> None:
    """Refuse a document that is not a mapping with a top-level ``format`` number, describing it only."""
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise ScenarioError(name, None, "<document>", NOT_A_SCENARIO, Described(f"{kind} at the top level"), SCENARIO_SHAPE)
    version = next((value for key, value in root.value
                    if isinstance(key, yaml.ScalarNode) and key.value == VERSION_KEY), None)
    if version is None:
        raise ScenarioError(name, None, "<document>", NOT_A_SCENARIO,
                            Described(f"a mapping without a '{VERSION_KEY}' key"), SCENARIO_SHAPE)
    if not isinstance(version, yaml.ScalarNode) or version.tag not in _NUMBER_TAGS:
        raise ScenarioError(name, None, "<document>", NOT_A_SCENARIO,
                            Described(f"a mapping whose '{VERSION_KEY}' is not a version number"), SCENARIO_SHAPE)


def _syntax_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
    source_lines = text.splitlines()
    snippet = source_lines[line - 1].strip() if line is not None and 0 < line <= len(source_lines) else ""
    return ScenarioError(name, line, "<yaml>", f"YAML syntax error ({problem})", snippet, "valid YAML")


class _Builder:
    """Turns a composed node graph into plain data, recording key lines."""

    def __init__(self, name: str, lines: dict[Path_, int]) -> None:
        self.name = name
        self.lines = lines
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, path: Path_, problem: str, value: Any, expected: str) -> ScenarioError:
        return ScenarioError(self.name, node.start_mark.line + 1, dotted(path), problem, value, expected)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if len(path) > _MAX_DEPTH:
            raise self.fail(node, path, "nesting too deep (recursive alias?)", "...", f"at most {_MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self._item(child, (*path, i), i) for i, child in enumerate(node.value)]
        return self._scalar(node, path)

    def _item(self, node: yaml.Node, path: Path_, index: int) -> Any:
        self.lines[path] = node.start_mark.line + 1
        return self.build(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, path, "unsupported mapping key", _node_text(key_node),
                                "plain text keys (no complex keys or '<<' merges)")
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in out:
                raise self.fail(key_node, (*path, key), "duplicate key", key,
                                f"each key once per mapping (first at line {first_line[key]})")
            first_line[key] = line
            self.lines[(*path, key)] = line
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.Node, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            kind = node.tag.removeprefix("tag:yaml.org,2002:")
            raise self.fail(node, path, f"unsupported YAML value ({kind})", _node_text(node),
                            "text, a number, true/false or null (quote dates and tagged values)")
        return self.constructor.construct_object(node, deep=True)


def _node_text(node: yaml.Node) -> Any:
    return node.value if isinstance(node, yaml.ScalarNode) else f"<{type(node).__name__}>"
