"""The commands other packages add to ``extractor`` through the ``extractor.cli`` entry-point group.

``evals`` adds ``eval`` this way; the library itself never imports them. A plug-in is imported
only when its command is used (or listed by ``--help``); one whose dependencies are not installed
is a stand-in that says which extra to install and exits 2.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from typing import Any

import click
from rich.console import Console

from .cli_params import with_verbose

__all__ = ["PluginGroup"]

_err = Console(stderr=True)


def _unavailable(name: str, error: Exception) -> click.Command:
    """A stand-in for a plug-in command whose dependencies are not installed."""

    @click.command(
        name,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    def stand_in() -> None:
        _err.print(
            f"error: 'extractor {name}' is not available ({error}); install the extra that provides it, "
            f"e.g. pip install 'extractor[{name}s]'",
            markup=False,
            highlight=False,
        )
        sys.exit(2)

    stand_in.short_help = f"(not installed: {error})"
    return stand_in


class PluginGroup(click.Group):
    """A group that also offers the commands registered under the ``extractor.cli`` entry points.

    A plug-in is imported only when its command is used (or listed by ``--help``).
    """

    def _points(self) -> dict[str, Any]:
        return {p.name: p for p in entry_points(group="extractor.cli") if p.name not in self.commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._points()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return with_verbose(command)
        point = self._points().get(cmd_name)
        if point is None:
            return None
        try:
            loaded = point.load()
        except ImportError as exc:
            return _unavailable(cmd_name, exc)
        return with_verbose(loaded) if isinstance(loaded, click.Command) else None
