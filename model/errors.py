"""The one base of the project's errors about what a user gave.

Every package raises a subclass of :class:`InputError` (or :class:`InputError`
itself) for a bad value, name, file or folder; the command line prints the
message on one line and exits with code 2. Any other exception is a bug and
keeps its traceback.
"""

from __future__ import annotations


class InputError(ValueError):
    """A problem with the input — a value, a name, a file, a folder — whose message says, in one line, what was expected."""
