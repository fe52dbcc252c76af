"""What feed's commands share: a usage error in one line, the name the user ran, exit codes.

``feed-produce``, ``feed-writer`` and ``feed-bench`` (and their ``python -m`` forms) exit 0
when done, 2 for a bad command line and 1 when they cannot go on, and say why in one line on
stderr, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

USAGE, FAILURE = 2, 1  # exit statuses, as argparse and most tools use them


class CommandParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the usage itself is in ``--help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: error: {message} (see --help)\n")


def program_name(module: str, command: str) -> str:
    """The name the user ran: the installed ``command``, else ``python -m module``."""
    return command if Path(sys.argv[0]).stem == command else f"python -m {module}"


def fail(parser: argparse.ArgumentParser, error: BaseException | str, status: int) -> int:
    """Say ``error`` in one line on stderr, as argparse says a usage error; ``status``."""
    print(f"{parser.prog}: error: {' '.join(str(error).split())}", file=sys.stderr, flush=True)
    return status
