"""Article inputs are checked (empty, binary, encoding, size) and their metadata read before any LLM call."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.inputs import decode_article, load_article, parse_date

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
        (b"\xff\xfeR\x00e\x00", "NUL"),  # UTF-16 with a BOM: binary as far as we are concerned
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
        decode_article(b"\xff" * (CAP * 4 + 1), max_chars=CAP, where="huge.bin")


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
        ("enormous.txt", b"a" * (CAP * 4 + 1), "size limit"),
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
