"""How ``extractor extract`` runs its files: load and check them all, skip what a resumed output
already has, extract the rest, and write each outcome as soon as it is known.

This is part of the command line, not of the library: ``StopOnSignals`` installs process-wide
signal handlers, which a library must never do.

Stopping. While the command runs, SIGINT, SIGTERM and SIGHUP do not kill the process: the first
one cancels the articles in flight (their requests are abandoned), the session is closed (the
embedded model server, if one was started, is stopped), and the command exits with 128 + the
signal number (130, 143, 129) after one line saying how many results were written and how to
resume. Further signals are ignored while it stops. What was finished is already in the output:
every line is flushed as its article finishes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import signal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from schemas.events_v3 import ArticleResult

from .errors import ExtractorError, InputError
from .input_files import article_files
from .inputs import Article, load_articles
from .output import JsonlOutput
from .pipeline import Extractor

__all__ = ["SIGNALS", "TABLE_MAX_ARTICLES", "ExtractCommand", "Show", "StopOnSignals", "describe_resume"]

#: The signals that stop a run cleanly; the exit code is 128 + the signal number.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Past this many results the table of events is left out (``--table`` prints it anyway): 10,000
#: files made a 110,000-line table. The summary line says it was left out.
TABLE_MAX_ARTICLES = 200


@dataclasses.dataclass(frozen=True)
class Show:
    """What a run prints besides its output lines and failures: the table (``None``: up to
    ``TABLE_MAX_ARTICLES`` results) and, unless ``quiet``, progress and the summary line."""

    table: bool | None = None
    quiet: bool = False

    def wants_table(self, results: int) -> bool:
        if self.quiet:
            return False
        return self.table if self.table is not None else results <= TABLE_MAX_ARTICLES


class StopOnSignals:
    """While active, ``SIGNALS`` stop the run instead of killing the process.

    The first signal is remembered in ``signum`` and cancels the asyncio task given to
    ``attach``; outside the event loop it is only remembered, for the caller to check. The
    previous handlers are restored on exit.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[signal.Signals, Callable[[int, FrameType | None], Any] | int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[object] | None = None

    def __enter__(self) -> StopOnSignals:
        for sig in SIGNALS:
            previous = signal.signal(sig, self._handle)
            self._previous[sig] = signal.SIG_DFL if previous is None else previous  # None: set outside Python
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            return
        self.signum = signum
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            loop.call_soon_threadsafe(task.cancel)

    def attach(self) -> None:
        """A signal from now on cancels the current task (call from inside it)."""
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()

    def detach(self) -> None:
        self._loop = self._task = None

    def message(self, sink: JsonlOutput) -> str:
        name = signal.Signals(self.signum).name if self.signum is not None else "a signal"
        written = f"{sink.results} result(s) and {sink.errors} error line(s)"
        if sink.path is None:
            return (
                f"stopped by {name}: {written} were written to stdout; "
                "write to a file with -o FILE to be able to --resume"
            )
        return (
            f"stopped by {name}: {written} are in {sink.path}; "
            "to continue, run the same command with --resume"
        )


class ExtractCommand:
    """The files of one ``extract`` command: their outcomes go to ``sink`` as they are known."""

    def __init__(self, sink: JsonlOutput, console: Console, *, progress: bool = True) -> None:
        self.sink = sink
        self.console = console
        self.progress = progress
        self.articles: list[tuple[str, Article]] = []
        self.results: list[ArticleResult] = []
        self.failures = 0
        self.skipped = 0

    def fail(self, source: str, article_id: str | None, error: ExtractorError) -> None:
        """One error line in the output, one line on stderr (never wrapped)."""
        self.sink.error(error, source=source, article_id=article_id)
        self.failures += 1
        detail = str(error).removeprefix(f"{source}: ")
        if not isinstance(error, InputError):
            detail = f"{type(error).__name__}: {detail}"
        detail = " ".join(detail.split())  # one line, even for a multi-line message
        line = f"[red]failed:[/red] {escape(source)}: {escape(detail)}"
        self.console.print(line, markup=True, highlight=False, soft_wrap=True)

    def load(self, files: Iterable[Path], *, max_chars: int, published: dt.date | None) -> None:
        """Check every file before any LLM call; a later file with an id already used is an error.

        A folder stands for its ``*.txt`` files; sidecars given beside their articles are left
        out with a note (``extractor.input_files``).
        """
        named = article_files(files)
        note = named.note()
        if note is not None:
            self.console.print(note, markup=False, highlight=False, soft_wrap=True)

        def paths() -> Iterator[Path]:  # a refused path is reported in its turn, between the files
            for entry in named.entries:
                if isinstance(entry, Path):
                    yield entry
                else:
                    self.fail(str(entry.path), None, entry.error)

        for source, loaded in load_articles(paths(), max_chars=max_chars, published=published):
            if isinstance(loaded, ExtractorError):
                self.fail(source, None, loaded)  # a repeated id belongs to the first file's line
            elif loaded.article_id in self.sink.resumed.done:
                self.skipped += 1
            else:
                self.articles.append((source, loaded))

    def run(self, session: Extractor, *, concurrency: int, stop: StopOnSignals) -> None:
        """Extract the loaded articles; each outcome is written as it finishes. Closes ``session``."""
        try:
            quiet = not self.progress or len(self.articles) < 2
            with Progress(console=self.console, transient=True, disable=quiet) as progress:
                task = progress.add_task("extracting", total=len(self.articles))

                def done(index: int, outcome: ArticleResult | ExtractorError) -> None:
                    source, article = self.articles[index]
                    if isinstance(outcome, ExtractorError):
                        self.fail(source, article.article_id, outcome)
                    else:
                        self.sink.result(outcome)
                        self.results.append(outcome)
                    progress.advance(task)

                asyncio.run(self._extract(session, concurrency, done, stop))
        finally:
            session.close()  # stops the embedded server; a signal now is only remembered

    async def _extract(
        self,
        session: Extractor,
        concurrency: int,
        done: Callable[[int, ArticleResult | ExtractorError], None],
        stop: StopOnSignals,
    ) -> None:
        stop.attach()
        try:
            if stop.signum is None:  # a signal that came before attach() is honoured here
                # In a thread, so that a signal can interrupt the wait; asyncio.run waits for the
                # thread to finish before returning, so a server it started is then stopped.
                await asyncio.to_thread(session.start)
                articles = [article for _, article in self.articles]
                await session.aextract_many(articles, concurrency=concurrency, on_done=done)
        except asyncio.CancelledError:
            if stop.signum is None:
                raise
        finally:
            stop.detach()
            await session.aclose()

    def report(self, *, table_left_out: bool = False) -> str:
        """The closing line of a run written to a file: what was written, and what it holds."""
        line = f"wrote {self.sink.results} result(s)"
        if self.sink.errors:
            line += f" and {self.sink.errors} error line(s)"
        line += f" to {self.sink.path}"
        events = sum(len(result.events) for result in self.results)
        empty = sum(1 for result in self.results if not result.events)
        line += f": {events} event(s)"
        if empty:
            line += f", {empty} article(s) with none"
        if self.skipped:
            line += f"; skipped {self.skipped} article(s) it already had"
        if table_left_out and self.results:
            line += f"; no table for more than {TABLE_MAX_ARTICLES} articles (--table prints it)"
        return line


def describe_resume(sink: JsonlOutput) -> str:
    """What resuming did to the output file, in one line."""
    resumed = sink.resumed
    removed = [
        f"{resumed.error_lines} error line(s) (those articles are retried)" if resumed.error_lines else "",
        "a torn last line" if resumed.torn_line else "",
        f"{resumed.duplicates} repeated result(s)" if resumed.duplicates else "",
    ]
    line = f"resuming {sink.path}: {len(resumed.done)} article(s) already done"
    kept = [part for part in removed if part]
    return line + (f"; removed {', '.join(kept)}" if kept else "")
