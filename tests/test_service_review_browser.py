"""The review page as headless Chromium draws it: every kind of grounded field is highlighted in the
article's text with its colour from the template's CSS, and an article carrying a script shows the
script as a line of text and never runs it.

The page is built through the app (ASGI client, fake LLM), written to a file and screenshotted;
the assertions read the PNG's pixels (tests/png.py) and the DOM Chromium dumps after loading.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from tests.chromium import Rendered, render
from tests.fakes import ARTICLE
from tests.png import read_png
from tests.service_fakes import review_page

TEMPLATE = (
    Path(__file__).parent.parent / "extractor" / "service" / "static" / "review.css"
)  # inlined in the page
KINDS = ("evidence", "actor", "place", "date", "claim", "claimant")
#: If it ran, the page would turn red and its title would change.
SCRIPT = "<script>document.body.style.background='rgb(255,0,0)';document.title='script ran'</script>"
TEXT = f"{ARTICLE}\n{SCRIPT}"
TEXT_BOX = (0xFA, 0xFA, 0xFA)  # .text's background in the template
#: Pixels of one colour in the text box: the smallest highlight, a five-letter place name in bold,
#: leaves about 400 of them between its glyphs at 15 px; a stray anti-aliased pixel is a handful.
MIN_HIGHLIGHT_PIXELS = 150

Image = npt.NDArray[np.uint8]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Rendered, Image]:
    work = tmp_path_factory.mktemp("review-browser")
    page, [result] = review_page(work / "service", [{"text": TEXT, "title": "<b>T</b>"}])
    assert result.get("events"), result  # something to highlight
    (work / "review.html").write_text(page, encoding="utf-8")
    shot = render(work / "review.html", work / "chromium")
    return page, shot, read_png(shot.screenshot)[:, :, :3]


def _colours() -> dict[str, tuple[int, int, int]]:
    """Each kind's background colour, read from the template's CSS."""
    css = TEMPLATE.read_text(encoding="utf-8")
    found = dict(re.findall(r"\.k-([a-z]+)\s*\{\s*background:\s*#([0-9a-fA-F]{6})\b", css))
    missing = [kind for kind in KINDS if kind not in found]
    assert not missing, f"{TEMPLATE.name}'s CSS has no background colour for " + ", ".join(
        f".k-{kind}" for kind in missing
    )
    return {
        kind: (int(found[kind][0:2], 16), int(found[kind][2:4], 16), int(found[kind][4:6], 16))
        for kind in KINDS
    }


def _mask(image: Image, rgb: tuple[int, int, int]) -> npt.NDArray[np.bool_]:
    same: npt.NDArray[np.bool_] = np.all(image == np.array(rgb, dtype=np.uint8), axis=2)
    return same


def _text_box(image: Image) -> Image:
    """The first article's text box: the first run of rows that are mostly its background colour."""
    rows = np.flatnonzero(_mask(image, TEXT_BOX).sum(axis=1) > image.shape[1] // 4)
    assert rows.size, "no article text box on the screenshot"
    gaps = np.flatnonzero(np.diff(rows) > 1)
    end = rows[gaps[0]] if gaps.size else rows[-1]
    box = image[rows[0] : end + 1]
    columns = np.flatnonzero(_mask(box, TEXT_BOX).any(axis=0))
    return box[:, columns[0] : columns[-1] + 1]


def _text_lines(box: Image) -> list[tuple[int, int]]:
    """``(first, last)`` column of the dark (text) pixels of each line of text, top to bottom."""
    dark = box.max(axis=2) < 0x60
    inked = np.concatenate([[False], dark.any(axis=1), [False]])
    starts = np.flatnonzero(~inked[:-1] & inked[1:])
    ends = np.flatnonzero(inked[:-1] & ~inked[1:])
    lines = []
    for start, end in zip(starts, ends, strict=True):
        columns = np.flatnonzero(dark[start:end].any(axis=0))
        lines.append((int(columns[0]), int(columns[-1])))
    return lines


def test_chromium_draws_every_kind_of_highlight_inside_the_article_text(
    rendered: tuple[str, Rendered, Image],
) -> None:
    _page, _shot, image = rendered
    assert (image.max(axis=2) < 0x60).sum() > 5000, "the page has next to no text on it"
    box = _text_box(image)
    counts = {kind: int(_mask(box, rgb).sum()) for kind, rgb in _colours().items()}
    scarce = {kind: n for kind, n in counts.items() if n < MIN_HIGHLIGHT_PIXELS}
    assert not scarce, f"kinds (pixels of their colour) missing from the article text: {scarce}"


def test_chromium_shows_an_article_script_as_text_and_never_runs_it(
    rendered: tuple[str, Rendered, Image],
) -> None:
    page, shot, image = rendered
    red = int(_mask(image, (255, 0, 0)).sum())
    assert red < image.shape[0] * image.shape[1] // 100, f"{red} red pixels: the article's script ran"
    assert tuple(image[0, 0]) == (255, 255, 255), "the page's background is not white"
    # The text box holds the article's lines (none wraps at 1200 px), the script's included, as text.
    lines = _text_lines(_text_box(image))
    assert len(lines) == TEXT.count("\n") + 1, lines
    first, last = lines[-1]
    assert last - first > 300, f"the script's line is {last - first} pixels wide"
    # The DOM after load: the title the page was served with, no script element, the script as text.
    [title] = re.findall(r"<title>(.*?)</title>", page)
    assert f"<title>{title}</title>" in shot.dom
    # The one script element is the editor's own, from the server; the article's is text.
    assert re.findall(r"<script[^>]*>", shot.dom) == [
        '<script src="/static/review.js" defer=""></script>'[:-9]
    ]
    assert html.escape(SCRIPT, quote=False) in shot.dom
