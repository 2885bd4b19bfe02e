"""Options shared by the ``extractor`` commands: verbosity wherever it is given, and dates.

``settings_from_env`` reads the settings with a command's overrides: a bad value is one usage error.
``-v``/``-vv`` is accepted before the subcommand (``extractor -v extract ...``) and after it
(``extractor extract ... -v``), as click programs usually do: every command gets the option
(``with_verbose``), and the counts add up. ``iso_date`` reads a ``YYYY-MM-DD`` option:
a bad value is one usage error naming the option and the value.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any

import click

from .errors import ExtractorError, InputError
from .inputs import parse_date
from .redact import install_on_handlers
from .settings import Settings

__all__ = [
    "VERBOSE_HELP",
    "add_verbosity",
    "configure_logging",
    "iso_date",
    "settings_from_env",
    "with_verbose",
]

_VERBOSITY = "extractor.verbosity"
VERBOSE_HELP = "-v: one line per LLM request; -vv: debug (before or after the command)."


def settings_from_env(**overrides: Any) -> Settings:
    """``Settings.from_env(**overrides)``; a bad variable or option is a usage error (exit 2)."""
    try:
        return Settings.from_env(**overrides)
    except ExtractorError as exc:
        raise click.UsageError(str(exc)) from None


def configure_logging(verbose: int) -> None:
    """Logging on stderr at WARNING (0), INFO (1) or DEBUG (2+); may be called again to raise it."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(level)
    install_on_handlers(logging.getLogger().handlers)  # httpx/openai/instructor lines too
    quiet = verbose < 2
    for noisy in ("httpx", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING if quiet else logging.NOTSET)
    # instructor logs exhausted re-asks at ERROR; extractor handles them (diagnostics) itself
    logging.getLogger("instructor").setLevel(logging.CRITICAL if quiet else logging.NOTSET)


def add_verbosity(ctx: click.Context, _param: click.Parameter | None, value: int) -> None:
    """Add ``value`` (the times -v was given here) to the run's verbosity and apply it."""
    root = ctx.find_root()
    total = int(root.meta.get(_VERBOSITY, 0)) + value
    root.meta[_VERBOSITY] = total
    if value or ctx is root:
        configure_logging(total)


def _has_verbose(command: click.Command) -> bool:
    return any(param.name == "verbose" or "-v" in getattr(param, "opts", ()) for param in command.params)


def with_verbose(command: click.Command) -> click.Command:
    """``command`` (and, for a group, every command under it) accepting ``-v``/``--verbose``."""
    if not _has_verbose(command):
        command.params.append(
            click.Option(
                ["-v", "--verbose"],
                count=True,
                expose_value=False,
                callback=add_verbosity,
                help=VERBOSE_HELP,
            )
        )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_verbose(sub)
    return command


def iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback: the option's ``YYYY-MM-DD`` value as a date; a bad one is a usage error."""
    try:
        return parse_date(value, where="")
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None
