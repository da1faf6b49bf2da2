"""The one exception the scenario package raises, with a one-line message.

Every problem found in a scenario file, an override or the claims registry is
reported as ``<file>:<line>: <key.path>: <problem>; got <value>, expected <what>``
so that editors and terminals can jump to the offending line.
"""

from __future__ import annotations

from typing import Any

from multivector.model.errors import InputError

_MAX_REPR = 80


class _Missing:
    """Marker for a value that is absent (shown as ``nothing``)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "nothing"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Stands for an absent value in :class:`ScenarioError` messages."""


class Described:
    """A value described in words instead of shown, e.g. of a file whose content must not be echoed.

    Args:
        text: The description, shown as is after ``got``.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Described) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def show(value: Any) -> str:
    """A short, single-line ``repr`` of a value for error messages (described when it has none that fits)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer of thousands of digits, a value nested thousands deep
        text = f"<{type(value).__name__} too large to show>"
    text = text.replace("\n", "\\n")
    if len(text) > _MAX_REPR:  # keep both ends: a long path still shows its file name
        head = (_MAX_REPR - 3) // 2
        text = text[:head] + "..." + text[len(text) - (_MAX_REPR - 3 - head):]
    return text


def dotted(path: tuple[Any, ...]) -> str:
    """Render a key path such as ``("claims_off", 2)`` as ``claims_off[2]`` (a key's control characters escaped)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)
            if not text.isprintable():
                text = text.encode("unicode_escape").decode("ascii")
            out += f".{text}" if out else text
    return out or "<document>"


class ScenarioError(InputError):
    """A problem in a scenario, an override or the claims registry.

    ``str(error)`` is one line:
    ``<file>:<line>: <key.path>: <problem>; got <value>, expected <what>``
    (``:<line>`` is left out when there is no line, as for overrides).

    Attributes:
        file: The file as the caller named it (``<override>`` for overrides).
        line: 1-based line number, or ``None``.
        key_path: Dotted key path of the offending value (``<document>`` for the whole file).
        problem: What is wrong.
        value: The offending value (:data:`MISSING` when absent).
        expected: What would have been accepted.
    """

    def __init__(
        self, file: str, line: int | None, key_path: str, problem: str, value: Any = MISSING, expected: str = "",
    ) -> None:
        self.file = str(file)
        self.line = line
        self.key_path = key_path or "<document>"
        self.problem = problem
        self.value = value
        self.expected = expected
        where = f"{self.file}:{line}" if line is not None else self.file
        message = f"{where}: {self.key_path}: {problem}; got {show(value)}"
        if expected:
            message += f", expected {expected}"
        super().__init__(" ".join(message.splitlines()))  # one line, whatever line breaks a value or name holds

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.file, self.line, self.key_path, self.problem, self.value, self.expected))
