"""Reading YAML into plain data while remembering the line of every key.

Only :class:`yaml.SafeLoader` is used, and only to *compose* the node graph;
plain Python values are then built here from the nodes, so no tag can ever
construct an arbitrary object. Keys are always taken as written (``NO`` stays
the string ``"NO"``), duplicate keys are errors, only text, numbers, booleans
and null are accepted as scalar values, and a tag other than YAML's own for
those, for mappings and for lists (``!!python/object/apply:…``, ``!!set``,
``!custom``) is refused, naming the tag.

Reading is bounded, so that no file can make it hang or exhaust memory: a file
holds at most :data:`MAX_FILE_BYTES` bytes, nests mappings and lists at most
:data:`MAX_DEPTH` deep, uses at most :data:`MAX_ALIASES` aliases (``*name``)
and holds at most :data:`MAX_NODES` values once its aliases are expanded (a
"billion laughs" file stops there). Each limit is refused in one line.

A scenario is read with ``scenario=True``: until the file is known to be a
scenario — a mapping with a top-level ``format`` number — errors describe it
without quoting it, so that pointing the loader at some other file does not
print that file's content.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from multivector.scenarios.errors import MISSING, Described, ScenarioError, dotted

Path_ = tuple[Any, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
VERSION_KEY = "format"
"""The top-level key that marks a YAML file as a scenario (its format version)."""
_DECLARES_VERSION = re.compile(rf"^{VERSION_KEY}[ \t]*:[ \t]*[0-9]", re.MULTILINE)
NOT_A_SCENARIO = "not a Multivector scenario"
SCENARIO_SHAPE = f"a YAML mapping with '{VERSION_KEY}: 1', a name and the scenario's sections"

MAX_FILE_BYTES = 512 * 1024
"""Largest YAML file read, in bytes (512 KiB; the library's largest file, the baseline, is about 52 kB)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists in a file, aliases expanded (the library nests 6 deep)."""
MAX_ALIASES = 1000
"""Most aliases (``*name``) a file may use (the library uses none)."""
MAX_NODES = 20_000
"""Most keys and values a file may hold, aliases expanded (the baseline, the largest, holds about 5,200)."""


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
        ScenarioError: If the file cannot be read, is not a regular file, is
            over a reading limit (:data:`MAX_FILE_BYTES`, :data:`MAX_DEPTH`,
            :data:`MAX_ALIASES`, :data:`MAX_NODES`), is not valid YAML, repeats
            a key or holds an unsupported value or tag (or, with ``scenario``,
            is not one).
    """
    name = str(path) if name is None else name
    text = _read_text(path, name)
    key = (name, str(path), hashlib.sha256(text.encode("utf-8")).digest())
    parsed, checked = _PARSED.get(key, (None, False))
    if parsed is None or (scenario and not checked):
        parsed = _parse(path, name, text, scenario)
        _PARSED[key] = (parsed, scenario)
        while len(_PARSED) > PARSED_CACHE_SIZE:
            _PARSED.pop(next(iter(_PARSED)))
    return Source(parsed.name, parsed.path, _copied(parsed.data), dict(parsed.lines))


def _copied(value: Any) -> Any:
    """A deep copy of plain data (mappings, lists and immutable scalars), several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


PARSED_CACHE_SIZE = 64
"""Parsed files kept in memory: a scenario that ``extends`` the baseline reads the baseline's text again, but parses
it only once per process (library scenarios extend the baseline, 52 kB; resolving all of them parsed it 18 times)."""

_PARSED: dict[tuple[str, str, bytes], tuple[Source, bool]] = {}
"""(name shown, path, SHA-256 of the text) → the source parsed from that text and whether it was checked to be a
scenario, oldest first. Each caller gets its own deep copy of the data, so nothing a caller changes reaches the cache."""


def _parse(path: Path, name: str, text: str, scenario: bool) -> Source:
    """Parse a file's text into a :class:`Source` (the uncached part of :func:`read_yaml`)."""
    try:
        root = _compose(text)
    except _LimitError as exc:
        if scenario and not _DECLARES_VERSION.search(text):  # not known to be a scenario: name no key of it
            raise ScenarioError(name, None, "<document>", exc.problem, exc.value, exc.expected) from None
        raise ScenarioError(name, exc.line, exc.where, exc.problem, exc.value, exc.expected) from None
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


def _read_text(path: Path, name: str) -> str:
    """The text of a regular UTF-8 file of at most :data:`MAX_FILE_BYTES` bytes, read without reading more."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ScenarioError(name, None, "<file>", "not a regular file", str(path),
                                "a readable UTF-8 YAML file (not a folder, device or pipe)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ScenarioError(name, None, "<file>", "file too large", Described(f"more than {MAX_FILE_BYTES} bytes"),
                                f"a YAML file of at most {MAX_FILE_BYTES} bytes ({MAX_FILE_BYTES // 1024} KiB)")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(name, None, "<file>", f"cannot read file ({exc.__class__.__name__})", str(path),
                            "a readable UTF-8 YAML file") from None


class _LimitError(Exception):
    """A document over one of the reading limits, found while composing it."""

    def __init__(self, mark: yaml.Mark | None, path: Path_, problem: str, value: Any, expected: str) -> None:
        super().__init__(problem)
        self.line = mark.line + 1 if mark is not None else None
        self.where = _shown_path(path)
        self.problem, self.value, self.expected = problem, value, expected


def _shown_path(path: Path_) -> str:
    """A key path for messages, cut after its first levels when it is very deep."""
    return dotted(path) if len(path) <= 8 else f"{dotted(path[:8])}… ({len(path)} levels)"


class _BoundedLoader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` that stops composing at :data:`MAX_DEPTH`, :data:`MAX_NODES` and :data:`MAX_ALIASES`.

    PyYAML composes nested nodes by recursion, so a deep document would
    otherwise end in a ``RecursionError``; here the depth is checked first. The
    key path is followed as nodes are composed, so the error can name it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.path: list[Any] = []
        self.nodes = 0
        self.aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        path = tuple(self.path)
        if parent is not None and index is not None:  # a value or an item (a key has no index)
            path += (index if isinstance(index, int) else str(index.value) if isinstance(index, yaml.ScalarNode)
                     else "<key>",)
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _LimitError(event.start_mark, path, "too many aliases", Described(f"more than {MAX_ALIASES}"),
                                  f"at most {MAX_ALIASES} aliases (*name) per file")
            return super().compose_node(parent, index)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _LimitError(event.start_mark, path, "too many values", Described(f"more than {MAX_NODES}"),
                              f"at most {MAX_NODES} keys and values per file")
        if len(path) > MAX_DEPTH:
            raise _LimitError(event.start_mark, path, "nesting too deep", Described(f"more than {MAX_DEPTH} levels"),
                              f"mappings and lists nested at most {MAX_DEPTH} deep")
        saved = self.path
        self.path = list(path)
        try:
            return super().compose_node(parent, index)
        finally:
            self.path = saved


def _compose(text: str) -> yaml.Node | None:
    """The node graph of the single YAML document in ``text`` (``None`` if empty), within the reading limits."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


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
    """Turns a composed node graph into plain data, recording key lines.

    An alias is expanded each time it is used, so the values built are counted
    against :data:`MAX_NODES` and their depth against :data:`MAX_DEPTH`.
    """

    def __init__(self, name: str, lines: dict[Path_, int]) -> None:
        self.name = name
        self.lines = lines
        self.constructor = yaml.constructor.SafeConstructor()
        self.built = 0

    def fail(self, node: yaml.Node, path: Path_, problem: str, value: Any, expected: str) -> ScenarioError:
        return ScenarioError(self.name, node.start_mark.line + 1, _shown_path(path), problem, value, expected)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, "nesting too deep (recursive alias?)", Described(f"more than {MAX_DEPTH} levels"),
                            f"mappings and lists nested at most {MAX_DEPTH} deep")
        self.built += 1
        if self.built > MAX_NODES:
            raise self.fail(node, path, "aliases expand to too many values", Described(f"more than {MAX_NODES}"),
                            f"at most {MAX_NODES} keys and values per file, aliases expanded")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag not in _COLLECTION_TAGS:
            raise self.fail(node, path, f"unsupported YAML tag ({_tag(node)})", _node_text(node),
                            "a plain mapping or list (no tags such as !!python/object, !!set or !custom)")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        return [self._item(child, (*path, i), i) for i, child in enumerate(node.value)]

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
            if key_node.tag not in _SCALAR_TAGS:
                raise self.fail(key_node, path, f"unsupported YAML tag ({_tag(key_node)}) on a key", key_node.value,
                                "plain text keys (no tags)")
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in out:
                raise self.fail(key_node, (*path, key), "duplicate key", key,
                                f"each key once per mapping (first at line {first_line[key]})")
            first_line[key] = line
            self.lines[(*path, key)] = line
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, path, f"unsupported YAML value ({_tag(node)})", _node_text(node),
                            "text, a number, true/false or null (quote dates and tagged values)")
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
            # an explicit tag that does not fit its text (!!int abc, !!bool maybe), or an integer
            # of more digits than Python converts (about 4,300)
            raise self.fail(node, path, f"cannot read the value as {_tag(node)}", _node_text(node),
                            "text, a number, true/false or null, matching its tag if it has one") from None


def _tag(node: yaml.Node) -> str:
    """A node's tag as written in messages: ``python/object:os.system``, ``!custom``."""
    return str(node.tag).removeprefix("tag:yaml.org,2002:")


def _node_text(node: yaml.Node) -> Any:
    return node.value if isinstance(node, yaml.ScalarNode) else f"<{type(node).__name__}>"
