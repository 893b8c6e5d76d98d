"""The one way a command fails: a :class:`CommandError`, printed and numbered by :func:`fail`.

Each command used to print and number its own errors (``_fail`` in one module, ``print(…,
file=sys.stderr); return 2`` in the next), so the wording and the exit codes drifted apart
(«nessun ente …» here, «… non trovato» there). Now a handler raises, and main() alone writes
the message on stderr and returns its code.
"""

import sys

USAGE_ERROR = 2  # as argparse's own usage errors: the command line, not the data, was wrong


class CommandError(Exception):
    """An Italian message for the person at the terminal, raised anywhere below a handler.

    ``file`` names the file the message is about: «errore in «piano.ods»: …». ``sep`` is what
    follows it, «, » when the message goes on with the place inside the file («riga 3, …»).
    """

    def __init__(self, message: str, code: int = USAGE_ERROR, *, file: object = None,
                 sep: str = ": ") -> None:
        super().__init__(message)
        self.code = code
        self.file = file
        self.sep = sep


def fail(error: CommandError) -> int:
    """Print the error as «errore: …» on stderr; its exit code."""
    where = "" if error.file is None else f" in «{error.file}»"
    print(f"errore{where}{error.sep}{error}", file=sys.stderr)
    return error.code


def exit_code(exc: SystemExit) -> int:
    """The exit status a SystemExit stands for (None means success, a message means 1).

    argparse and Django's commands end with SystemExit, having already printed their errors;
    a SystemExit that carries a message instead is printed here, as the interpreter would.
    """
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1
