"""Article inputs are checked (empty, binary, encoding, size) and their metadata read before any LLM call."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.inputs import Article, decode_article, load_article, make_article, parse_date

CAP = 1000
BODY = "Rebels attacked an army post near Kidal on Monday.\n"


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\r\n  ", "empty"),
        (b"Rebels\x00attacked", "NUL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
        (b"Caf\xe9 bombing in the capital", "UTF-8"),
        (b"R\x00e\x00b\x00", "byte-order mark"),  # UTF-16 without its mark: the message says so
        ("\ufeffRebels\x00attacked".encode("utf-16-le"), "NUL"),  # NUL once decoded
        (b"\xff\xfeR\x00\x00\xd8", "UTF-16-LE"),  # a lone surrogate: not valid UTF-16
    ],
)
def test_decode_article_refuses_what_cannot_be_an_article(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        decode_article(data, max_chars=CAP, where="in.txt")
    assert str(info.value).startswith("in.txt: ")


def test_invalid_utf8_names_the_offending_byte() -> None:
    with pytest.raises(InputError, match=r"byte 3\b"):
        decode_article(b"Caf\xe9 au lait", max_chars=CAP, where="x")


def test_text_over_the_character_cap_is_refused_naming_the_variable() -> None:
    with pytest.raises(InputError) as info:
        decode_article(b"a" * (CAP + 1), max_chars=CAP, where="big.txt")
    assert "EXTRACTOR_MAX_ARTICLE_CHARS" in str(info.value)
    assert str(CAP) in str(info.value)


def test_text_exactly_at_the_character_cap_is_accepted() -> None:
    assert decode_article(b"a" * CAP, max_chars=CAP) == "a" * CAP


def test_bytes_far_over_the_cap_are_refused_before_decoding() -> None:
    # Invalid UTF-8 too: the size check comes first, so the message is about size.
    with pytest.raises(InputError, match="size limit"):
        decode_article(b"\xff" * (CAP * 4 + 5), max_chars=CAP, where="huge.bin")


def test_multibyte_text_under_the_character_cap_is_accepted() -> None:
    text = "\u0627" * CAP  # 2 bytes per character in UTF-8
    assert decode_article(text.encode("utf-8"), max_chars=CAP) == text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"\n \n", "empty"),
        ("binary.txt", b"GIF89a\x00\x01\x00", "NUL"),
        ("latin1.txt", "Caf\u00e9 bombing".encode("latin-1"), "not valid UTF-8"),
        ("huge.txt", b"a" * (CAP + 1), "over the limit"),
        ("enormous.txt", b"a" * (CAP * 4 + 5), "size limit"),
    ],
)
def test_load_article_refusals_name_the_file(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=CAP)
    assert str(path) in str(info.value)
    assert reason in str(info.value)


def test_a_missing_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(InputError, match="cannot read") as info:
        load_article(path, max_chars=CAP)
    assert str(path) in str(info.value)


def test_front_matter_only_file_is_refused_as_empty(tmp_path: Path) -> None:
    path = _write(tmp_path, "meta-only.txt", "---\npublished: 2020-01-02\n---\n\n  \n")
    with pytest.raises(InputError, match="empty"):
        load_article(path, max_chars=CAP)


# ------------------------------------------------------------------ acceptance and metadata


def test_a_utf8_bom_is_dropped() -> None:
    assert decode_article(b"\xef\xbb\xbf" + BODY.encode(), max_chars=CAP) == BODY


def test_plain_file_uses_its_stem_as_id_and_has_no_metadata(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "kidal-2023.txt", BODY), max_chars=CAP)
    assert article.text == BODY
    assert article.article_id == "kidal-2023"
    assert (article.published, article.title, article.url) == (None, None, None)


def test_front_matter_is_parsed_and_removed_from_the_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "a.txt", "---\npublished: 2020-01-02\ntitle: X\nurl: https://news.example/a\n---\n" + BODY
    )
    article = load_article(path, max_chars=CAP)
    assert article.published == dt.date(2020, 1, 2)
    assert article.title == "X"
    assert article.url == "https://news.example/a"
    assert article.text == BODY
    assert "---" not in article.text


def test_front_matter_after_a_bom_is_still_front_matter(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.txt", b"\xef\xbb\xbf---\npublished: 2020-01-02\n---\n" + BODY.encode())
    article = load_article(path, max_chars=CAP)
    assert article.published == dt.date(2020, 1, 2)
    assert article.text == BODY


def test_front_matter_with_windows_line_endings_is_parsed_and_removed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "crlf.txt",
        b"---\r\npublished: 2020-01-02\r\ntitle: X\r\n---\r\n"
        b"Rebels attacked an army post near Kidal on Monday.\r\n",
    )
    article = load_article(path, max_chars=CAP)
    assert article.published == dt.date(2020, 1, 2)
    assert article.title == "X"
    assert not article.text.startswith("---")
    assert "published:" not in article.text


def test_front_matter_can_set_the_article_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "file-name.txt", "---\narticle_id: kidal-01\n---\n" + BODY)
    assert load_article(path, max_chars=CAP).article_id == "kidal-01"


def test_a_dashed_line_later_in_the_text_is_not_front_matter(tmp_path: Path) -> None:
    text = BODY + "---\npublished: 2020-01-02\n---\n" + BODY
    article = load_article(_write(tmp_path, "rule.txt", text), max_chars=CAP)
    assert article.text == text
    assert article.published is None


def test_a_sidecar_meta_json_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "kidal.txt", BODY)
    _write(
        tmp_path,
        "kidal.meta.json",
        json.dumps(
            {"published": "2023-03-15", "title": "Attack in Kidal", "url": "https://news.example/kidal"}
        ),
    )
    article = load_article(path, max_chars=CAP)
    assert article.published == dt.date(2023, 3, 15)
    assert article.title == "Attack in Kidal"
    assert article.url == "https://news.example/kidal"
    assert article.text == BODY


def test_front_matter_wins_over_the_sidecar(tmp_path: Path) -> None:
    path = _write(tmp_path, "both.txt", "---\npublished: 2020-01-02\n---\n" + BODY)
    _write(tmp_path, "both.meta.json", json.dumps({"published": "2023-03-15", "title": "From sidecar"}))
    article = load_article(path, max_chars=CAP)
    assert article.published == dt.date(2020, 1, 2)
    assert article.title == "From sidecar"  # fields the front matter does not set still come from the sidecar


def test_explicit_published_overrides_front_matter_and_sidecar(tmp_path: Path) -> None:
    explicit = dt.date(2021, 6, 30)
    path = _write(tmp_path, "both.txt", "---\npublished: 2020-01-02\n---\n" + BODY)
    _write(tmp_path, "both.meta.json", json.dumps({"published": "2023-03-15"}))
    assert load_article(path, max_chars=CAP, published=explicit).published == explicit
    side_only = _write(tmp_path, "side.txt", BODY)
    _write(tmp_path, "side.meta.json", json.dumps({"published": "2023-03-15"}))
    assert load_article(side_only, max_chars=CAP, published=explicit).published == explicit


@pytest.mark.parametrize("value", ["not-a-date", "'2020-13-45'", "'02/01/2020'", "2020-13-45", "2020-02-30"])
def test_an_invalid_date_in_front_matter_is_an_input_error(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, "bad-date.txt", f"---\npublished: {value}\n---\n" + BODY)
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=CAP)
    assert str(path) in str(info.value)
    assert "published" in str(info.value)


def test_an_invalid_date_in_the_sidecar_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.txt", BODY)
    _write(tmp_path, "s.meta.json", json.dumps({"published": "yesterday"}))
    with pytest.raises(InputError, match="yesterday"):
        load_article(path, max_chars=CAP)


def test_invalid_yaml_front_matter_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "yaml.txt", "---\npublished: [2020\n---\n" + BODY)
    with pytest.raises(InputError, match="front matter"):
        load_article(path, max_chars=CAP)


def test_front_matter_that_is_not_a_mapping_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.txt", "---\n- a\n- b\n---\n" + BODY)
    with pytest.raises(InputError, match="mapping"):
        load_article(path, max_chars=CAP)


def test_an_invalid_sidecar_is_an_input_error_naming_the_sidecar(tmp_path: Path) -> None:
    path = _write(tmp_path, "j.txt", BODY)
    sidecar = _write(tmp_path, "j.meta.json", "{not json")
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=CAP)
    assert str(sidecar) in str(info.value)


# ------------------------------------------------------------------ parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("2019-12-29", dt.date(2019, 12, 29)),
        (" 2019-12-29 ", dt.date(2019, 12, 29)),
        ("2019-12-29T08:30:00Z", dt.date(2019, 12, 29)),
        (dt.date(2019, 12, 29), dt.date(2019, 12, 29)),
        (dt.datetime(2019, 12, 29, 23, 59), dt.date(2019, 12, 29)),
    ],
)
def test_parse_date_accepts_iso_dates(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["29/12/2019", "Dec 29 2019", "2019-02-30", "2019-13-01"])
def test_parse_date_refuses_anything_else_naming_where(value: object) -> None:
    with pytest.raises(InputError, match=r"^--published: "):
        parse_date(value, where="--published")


# ------------------------------------------------------------------ only regular files, read bounded


@contextlib.contextmanager
def _rescued(fifo: Path) -> Iterator[None]:
    """Were ``fifo`` ever opened for reading, a writer feeds it an article, so that the test ends
    (and fails: no error) instead of hanging."""
    stop = threading.Event()

    def rescue() -> None:
        while not stop.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody has it open for reading
                stop.wait(0.05)
                continue
            os.write(fd, BODY.encode())
            os.close(fd)
            return

    writer = threading.Thread(target=rescue, daemon=True)
    writer.start()
    try:
        yield
    finally:
        stop.set()
        writer.join()


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with _rescued(fifo), pytest.raises(InputError) as info:
        load_article(fifo, max_chars=CAP)
    assert str(info.value) == f"{fifo}: is a FIFO (named pipe), not a regular file"


def test_a_fifo_put_in_place_after_the_stat_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)
    regular = _write(tmp_path, "regular.txt", BODY)
    real_stat = os.stat
    # the stat sees a regular file; by the time of the open it is a FIFO
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: real_stat(regular if Path(p) == fifo else p, *a, **k))
    outcome: list[BaseException | Article] = []

    def load() -> None:
        try:
            outcome.append(load_article(fifo, max_chars=CAP))
        except BaseException as exc:
            outcome.append(exc)

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    loader.join(timeout=30)  # a hang detector: a non-blocking open returns at once
    blocked = loader.is_alive()
    if blocked:  # unblock it with a writer, so that the test ends
        os.close(os.open(fifo, os.O_WRONLY))
        loader.join()
    assert not blocked, "load_article blocked opening a FIFO"
    [error] = outcome
    assert isinstance(error, InputError)
    assert str(error) == f"{fifo}: is a FIFO (named pipe), not a regular file"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused_without_being_read(device: str) -> None:
    with pytest.raises(InputError) as info:
        load_article(Path(device), max_chars=CAP)
    assert str(info.value) == f"{device}: is a character device, not a regular file"


def test_a_directory_is_refused_as_not_a_regular_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError) as info:
        load_article(folder, max_chars=CAP)
    assert str(info.value) == f"{folder}: is a directory, not a regular file"


def test_a_file_over_the_byte_limit_is_refused_from_its_size_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "big.txt", b"a" * (CAP * 4 + 5))
    opened: list[object] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(InputError, match=r"4005 bytes is over the size limit of 4004 bytes"):
        load_article(path, max_chars=CAP)
    assert opened == []


def test_the_read_stops_one_byte_past_the_limit_when_the_size_from_stat_is_wrong() -> None:
    # /proc files say they are empty and are not: the read itself must be bounded.
    path = Path("/proc/self/status")
    assert path.stat().st_size == 0 and len(path.read_bytes()) > 4 * 2 + 4 + 1
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=2)
    assert "over the size limit of 12 bytes (stopped reading at 13)" in str(info.value)


def test_a_sidecar_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.txt", BODY)
    os.mkfifo(tmp_path / "s.meta.json")
    with pytest.raises(InputError, match=r"s\.meta\.json: is a FIFO"):
        load_article(path, max_chars=CAP)


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_text_with_a_byte_order_mark_is_decoded_front_matter_included(tmp_path: Path, codec: str) -> None:
    text = "Caf\u00e9 bombing in Kidal \u2014 \u201cthree\u201d killed.\n"
    data = ("\ufeff---\ntitle: Caf\u00e9\n---\n" + text).encode(codec)
    article = load_article(_write(tmp_path, "marked.txt", data), max_chars=CAP)
    assert article.text == text
    assert article.title == "Caf\u00e9"


def test_a_legacy_encoding_is_refused_with_what_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "cp1252.txt", "\u201cRebels\u201d attacked".encode("cp1252"))
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=CAP)
    message = str(info.value)
    assert "is not valid UTF-8 (byte 0)" in message
    assert "UTF-16 or UTF-32 with a byte-order mark" in message


def test_utf32_at_the_character_cap_fits_the_byte_limit(tmp_path: Path) -> None:
    text = "a" * CAP
    path = _write(tmp_path, "wide.txt", "\ufeff".encode("utf-32-le") + text.encode("utf-32-le"))
    assert load_article(path, max_chars=CAP).text == text


# ------------------------------------------------------------------ metadata types and ids


@pytest.mark.parametrize(
    ("meta", "field"),
    [
        ({"title": 5}, "title must be a string, got int"),
        ({"title": ["a", "b"]}, "title must be a string, got list"),
        ({"url": {"href": "https://x"}}, "url must be a string, got dict"),
        ({"title": "t" * 1001}, "title has 1001 characters, over the limit of 1000"),
        ({"url": "u" * 2049}, "url has 2049 characters, over the limit of 2048"),
        ({"published": 20200101}, "published: 20200101 is not an ISO date"),
        ({"article_id": 7}, "article_id must be a string, got int"),
        ({"article_id": "../etc/passwd"}, "article_id '../etc/passwd' is not a safe id"),
        ({"article_id": "a/b"}, "article_id 'a/b' is not a safe id"),
        ({"article_id": "two words"}, "article_id 'two words' is not a safe id"),
        ({"article_id": "x" * 129}, "is not a safe id"),
    ],
)
def test_sidecar_metadata_is_checked_at_load_naming_the_sidecar_and_field(
    tmp_path: Path, meta: dict[str, object], field: str
) -> None:
    path = _write(tmp_path, "a.txt", BODY)
    sidecar = _write(tmp_path, "a.meta.json", json.dumps(meta))
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=CAP)
    assert str(info.value).startswith(f"{sidecar}: ")
    assert field in str(info.value)


@pytest.mark.parametrize(
    ("front", "field"),
    [
        ("title: [a, b]", "title must be a string, got list"),
        ("title:\n  - a", "title must be a string, got list"),
        ("url: {href: x}", "url must be a string, got dict"),
        ("article_id: a/b", "article_id 'a/b' is not a safe id"),
        ("article_id: ..\\\\x", "is not a safe id"),
        ("article_id: has space", "article_id 'has space' is not a safe id"),
        ("published: [2020-01-02]", "published: ['2020-01-02'] is not an ISO date"),
    ],
)
def test_front_matter_metadata_is_checked_at_load_naming_the_file_and_field(
    tmp_path: Path, front: str, field: str
) -> None:
    path = _write(tmp_path, "f.txt", f"---\n{front}\n---\n" + BODY)
    with pytest.raises(InputError) as info:
        load_article(path, max_chars=CAP)
    assert str(info.value).startswith(f"{path}: front matter: ")
    assert field in str(info.value)


def test_safe_ids_and_unknown_sidecar_keys_are_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", BODY)
    longest = "K" + "x" * 127
    _write(tmp_path, "a.meta.json", json.dumps({"article_id": longest, "published_source": "a note"}))
    assert load_article(path, max_chars=CAP).article_id == longest
    dotted = _write(tmp_path, "b.txt", "---\narticle_id: kidal.2023_01-a\n---\n" + BODY)
    assert load_article(dotted, max_chars=CAP).article_id == "kidal.2023_01-a"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Kidal attack (1).txt", "Kidal-attack-1"), ("__draft [old].txt", "draft-old"), ("x.y.txt", "x.y")],
)
def test_an_id_from_a_file_name_keeps_only_safe_characters(tmp_path: Path, name: str, expected: str) -> None:
    assert load_article(_write(tmp_path, name, BODY), max_chars=CAP).article_id == expected


def test_a_file_name_with_no_safe_character_gets_an_id_from_its_text(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "\u041a\u0438\u0435\u0432.txt", BODY), max_chars=CAP)
    assert article.article_id == make_article(BODY).article_id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": 5}, "title must be a string"),
        ({"url": ["https://x"]}, "url must be a string"),
        ({"article_id": 5}, "article_id must be a string"),
        ({"article_id": "a/b"}, "is not a safe id"),
        ({"article_id": ""}, "is not a safe id"),
        ({"title": "t" * 1001}, "over the limit of 1000"),
    ],
)
def test_make_article_refuses_metadata_of_the_wrong_type_or_an_unsafe_id(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError, match=field):
        make_article(BODY, **changes)  # type: ignore[arg-type]


def test_an_article_built_directly_is_checked_too() -> None:
    with pytest.raises(InputError, match="is not a safe id"):
        Article(text=BODY, article_id="../outside")
    with pytest.raises(InputError, match="published must be a date"):
        Article(text=BODY, article_id="a", published="2020-01-02")  # type: ignore[arg-type]
