"""The ``glassnet`` command line (also ``python -m glassnet``)."""

from __future__ import annotations

import argparse
import os
import sys

from . import datasets as datasets_command
from . import draw as draw_command
from . import evaluate as evaluate_command
from . import predict as predict_command
from . import train as train_command


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"glassnet: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="glassnet", description="Neural networks from scratch on NumPy, behind the Keras API.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    train_command.add_parser(commands)
    evaluate_command.add_parsers(commands)
    predict_command.add_parser(commands)
    datasets_command.add_parser(commands)
    draw_command.add_parser(commands)
    return parser


def _silence_stdout() -> None:
    """Point stdout at devnull, so the interpreter's flush at exit finds no closed pipe to
    complain about (the recipe in the Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation: stdout is not a file here
        pass


def main(argv=None) -> int:
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
            return args.run(args)
        finally:
            sys.stdout.flush()  # so a closed pipe shows here (even after --help), not at interpreter exit
    except BrokenPipeError:  # the reader went away (glassnet ... | head): stop quietly
        _silence_stdout()
        return 1
    except (OSError, ValueError) as error:  # a user's mistake (a missing or unreadable file, a bad value): one line
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else type(error).__name__
        print(f"glassnet: error: {first_line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
