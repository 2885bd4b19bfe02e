"""The documentation runs: its runnable examples pass and its relative links resolve.

Convention (docs/architecture.md, "Runnable examples"): a fenced block whose info string is
``console`` is run, each line starting with ``$ `` as one shell command (a line ending in ``\\``
continues on the next; other lines are the output a reader sees and are not compared). A fenced
``pycon`` block is run as a doctest (its output is compared). Every other block (``sh``,
``python``, ``text``, ...) is shown, never run: commands that need a real endpoint, PostgreSQL, a
browser or minutes of work go there, with a word beside them saying so.

The blocks of one page run in order in one scratch folder (a page's later blocks may read what
its earlier ones wrote), with the repository's virtualenv first on PATH, ``evals`` and
``scripts`` linked into the folder, no endpoint or key from the caller's environment, and
proxies pointing at a closed port so that any HTTP request but one to loopback fails.
``$FAKE_LLM_URL`` names ``scripts/fake_llm.py`` served on loopback for the blocks that show an
endpoint at work.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import stand_in_server

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    line: int
    text: str


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a markdown page, with their language and first line."""
    found: list[Block] = []
    opened: tuple[str, str, int] | None = None
    body: list[str] = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        fence = FENCE.match(line.strip())
        if opened is None:
            if fence:
                opened, body = (fence.group(1), fence.group(2), number), []
        elif fence and fence.group(1).startswith(opened[0]) and not fence.group(2):
            found.append(Block(page, opened[2], opened[1], tuple(body)))
            opened = None
        else:
            body.append(line)
    assert opened is None, f"{page.name}:{opened[2]}: a code block is never closed"
    return found


def commands(block: Block) -> list[Command]:
    """The ``$ `` commands of a console block, continuation lines joined."""
    found: list[Command] = []
    pending: list[str] = []
    start = 0
    for offset, line in enumerate(block.lines, start=1):
        if pending:
            pending.append(line)
        elif line.startswith("$ "):
            start, pending = block.line + offset, [line[2:]]
        else:
            continue
        if not line.endswith("\\"):
            found.append(Command(start, "\n".join(pending)))
            pending = []
    return found


def runnable_pages() -> list[Path]:
    return [p for p in PAGES if any(b.lang in ("console", "pycon") for b in blocks(p))]


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One response and gazetteer cache for every page (the gazetteer index is built once)."""
    return tmp_path_factory.mktemp("docs-cache")


@pytest.fixture(scope="module")
def fake_llm_url() -> Iterator[str]:
    with stand_in_server() as server:
        yield server.base_url


def environment(home: Path, cache_dir: Path, fake_llm_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env[proxy] = "http://127.0.0.1:9"  # nothing listens there: a request off loopback fails
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)
    env["EXTRACTOR_CACHE_DIR"] = str(cache_dir)
    env["EXTRACTOR_DATA_DIR"] = str(home / "data")
    env["FAKE_LLM_URL"] = fake_llm_url
    env.pop("VIRTUAL_ENV", None)
    return env


def scratch(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    for name in ("evals", "scripts"):
        (work / name).symlink_to(ROOT / name)
    return work


def test_every_page_is_found_and_some_examples_run() -> None:
    """The documentation exists, and the runnable examples are not an empty loop."""
    assert ROOT / "README.md" in PAGES and len(PAGES) > 5
    assert sum(len(commands(b)) for p in PAGES for b in blocks(p) if b.lang == "console") >= 10


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; the detail belongs in docs/"


def failure(page: Path, block: Block, work: Path, env: dict[str, str]) -> str | None:
    """Run one runnable block in ``work``; what went wrong, naming the page, line and command."""
    if block.lang == "console":
        for command in commands(block):
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command.text],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                return (
                    f"{_name(page)}:{command.line}: `{command.text}` exited {done.returncode}\n"
                    f"stdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-3000:]}"
                )
    elif block.lang == "pycon":
        script = work / f"example-{block.line}.txt"
        script.write_text("\n".join(block.lines) + "\n", encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "doctest", "-o", "ELLIPSIS", "-o", "NORMALIZE_WHITESPACE", script.name],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            return f"{_name(page)}:{block.line}: the pycon example failed\n{done.stdout[-4000:]}"
    return None


@pytest.mark.timeout(900)
@pytest.mark.parametrize("page", runnable_pages(), ids=_name)
def test_runnable_examples_pass(page: Path, tmp_path: Path, cache_dir: Path, fake_llm_url: str) -> None:
    """Every ``console`` command and ``pycon`` example of ``page`` succeeds, offline."""
    home = tmp_path / "home"
    home.mkdir()
    work = scratch(tmp_path)
    env = environment(home, cache_dir, fake_llm_url)
    for block in blocks(page):
        problem = failure(page, block, work, env)
        assert problem is None, problem


def test_a_failing_example_is_named_by_page_line_and_command(tmp_path: Path) -> None:
    page = ROOT / "docs" / "page.md"  # a name only: the blocks are built here
    env = environment(tmp_path, tmp_path, "http://127.0.0.1:9/v1")
    ok = Block(page, 3, "console", ("$ true", "some output", '$ test -n "$FAKE_LLM_URL"'))
    assert failure(page, ok, tmp_path, env) is None
    bad = Block(page, 7, "console", ("$ true", "$ extractor no-such-command"))
    assert (failure(page, bad, tmp_path, env) or "").startswith(
        "docs/page.md:9: `extractor no-such-command` exited 2"
    )
    offline = Block(
        page,
        1,
        "console",
        ("$ python3 -c 'import urllib.request as u; u.urlopen(\"http://example.com\", timeout=5)'",),
    )
    assert failure(page, offline, tmp_path, env) is not None  # off loopback, nothing answers
    doc = Block(page, 12, "pycon", (">>> 1 + 1", "3"))
    assert (failure(page, doc, tmp_path, env) or "").startswith("docs/page.md:12: the pycon example failed")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    inside: set[int] = set()
    for block in blocks(page):
        inside.update(range(block.line, block.line + len(block.lines) + 2))
    lines = page.read_text(encoding="utf-8").splitlines()
    return {
        github_anchor(line.lstrip("#"))
        for n, line in enumerate(lines, 1)
        if line.startswith("#") and n not in inside
    }


def links(page: Path) -> Iterator[tuple[int, str]]:
    inside: set[int] = set()
    for block in blocks(page):
        inside.update(range(block.line, block.line + len(block.lines) + 2))
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if number not in inside:
            for match in LINK.finditer(line):
                yield number, match.group(1)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_relative_links_point_at_existing_files_and_headings(page: Path) -> None:
    broken: list[str] = []
    for number, target in links(page):
        if re.match(r"^[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{_name(page)}:{number}: {target} (no such file)")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{_name(page)}:{number}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Top\n[ok](#top) [gone](missing.md) [bad](#nowhere)\n```\n[not a link](x.md)\n```\n")
    assert [t for _, t in links(page)] == ["#top", "missing.md", "#nowhere"]
    assert anchors(page) == {"top"}


def test_console_commands_are_read_with_their_continuations(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("text\n```console\n$ echo a \\\n  b\noutput line\n$ true\n```\n```sh\n$ false\n```\n")
    found = blocks(page)
    assert [b.lang for b in found] == ["console", "sh"]
    assert commands(found[0]) == [Command(3, "echo a \\\n  b"), Command(6, "true")]
