"""The command line's entry: parse, run the chosen verb, turn known failures into one line and an exit code.

``run.py`` at the project's root and the installed ``multivector`` command both call :func:`main`.
"""

from __future__ import annotations

import shlex
import sys

from multivector.commands import bench, build_parser
from multivector.commands.common import EXIT_BAD_INPUT, EXIT_OK, CommandError, program_name
from multivector.model.errors import InputError


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen verb; return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark parses its own options
        return bench.run_benchmark(argv[1:])
    args = build_parser().parse_args(argv)
    if args.verb is None:
        args = build_parser().parse_args(["run", "baseline"])
    args.command = shlex.join([program_name(), *argv])
    try:
        return args.handler(args)
    except CommandError as error:
        print(error.line(), file=sys.stderr)
        return error.exit_code
    except (InputError, FileNotFoundError, FloatingPointError) as error:  # bad input; a missing path; a non-finite outcome
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into a pager or head that closed early
        sys.stderr.close()
        return EXIT_OK

