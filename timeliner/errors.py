"""Domain errors: each names one condition, and its message is the one line the user sees.

The CLI turns a :class:`TimelinerError` into ``Error: <message>`` and its ``exit_code``; anything
else that escapes is a bug in timeliner (and is reported as one, still without a traceback).
A message says what happened, where (``file:line``) and what to do.
"""

from __future__ import annotations


class TimelinerError(Exception):
    """Base of every error timeliner raises on purpose."""

    exit_code = 1


class UsageError(TimelinerError):
    """The command line or API call is malformed (bad option value, unknown zone, ...)."""

    exit_code = 2


class NoInputError(TimelinerError):
    """No input file was found, or none could be read."""


class NoEventsError(TimelinerError):
    """Inputs were read, but not a single event could be parsed from them.

    ``problems`` holds one line per file that could not be read, shown before the error line.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class StrictRejectsError(TimelinerError):
    """``--strict`` was given and some input lines were rejected, or some files not fully read.

    The outputs were written all the same; ``result`` (the build's result, when there is one) lets
    the CLI report what they hold before the error line.
    """

    def __init__(self, message: str, result: object = None) -> None:
        super().__init__(message)
        self.result = result


class InputFileError(TimelinerError):
    """One input file cannot be read or recognised; the run goes on with the others."""

    def __init__(self, path: str, reason: str, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        self.hint = hint
        super().__init__(f"{path}: {reason}" + (f"; {hint}" if hint else ""))


class UnknownFormatError(InputFileError):
    """No parser recognises the file's content."""


class TimezoneError(UsageError):
    """A zone name given by the user is not an IANA zone (or a zone abbreviation is undefined)."""


class TimezoneAmbiguityError(TimelinerError):
    """A local time or abbreviation has several meanings and nothing says which one."""


class RulesError(UsageError):
    """A rules file (``--rules``) is malformed: names the file, the rule and what is wrong."""


class ConfigError(UsageError):
    """A case configuration file (``timeliner.toml``) is malformed."""


class OutputError(TimelinerError):
    """The output directory cannot be created or written."""
