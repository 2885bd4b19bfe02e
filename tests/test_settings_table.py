"""The one table of environment variables: every variable is read through it, its defaults are the
code's defaults, and the settings docstring and docs/configuration.md are what it renders."""

from __future__ import annotations

import dataclasses
import operator
import re
from pathlib import Path

import pytest

import extractor.settings
from extractor.errors import ConfigurationError
from extractor.settings import VARIABLES, Settings, Variable
from extractor.settings.composed import FIELD_CONCERN
from extractor.settings.doc import DOCS_PAGE, PACKAGE_INIT, committed_docstring, render_docstring, render_page

ROOT = Path(__file__).parent.parent
HOME_ONLY = {"HOME": str(Path.home())}  # no XDG_* folders: the documented defaults apply


def test_the_settings_docstring_is_the_rendered_table() -> None:
    assert committed_docstring(PACKAGE_INIT.read_text(encoding="utf-8")) == render_docstring(), (
        "the settings docstring is stale: run `make settings-doc`"
    )
    assert extractor.settings.__doc__ == render_docstring()


def test_docs_configuration_is_the_rendered_table() -> None:
    assert DOCS_PAGE.read_text(encoding="utf-8") == render_page(), (
        "docs/configuration.md is stale: run `make settings-doc`"
    )


@pytest.mark.parametrize("variable", VARIABLES, ids=lambda v: v.name)
def test_every_variable_is_in_both_renderings(variable: Variable) -> None:
    assert f"``{variable.name}``" in render_docstring()
    assert f"`{variable.name}` | `{variable.field}`" in render_page()


@pytest.mark.parametrize("variable", [v for v in VARIABLES if v.default], ids=lambda v: v.name)
def test_each_documented_default_is_the_default_of_the_code(variable: Variable) -> None:
    """Setting a variable to its documented default changes nothing."""
    assert Settings.from_env({variable.name: variable.default}) == Settings.from_env({})
    read = operator.attrgetter(variable.field)
    assert read(Settings.from_env({variable.name: variable.default})) == read(Settings())


@pytest.mark.parametrize("variable", [v for v in VARIABLES if not v.default], ids=lambda v: v.name)
def test_a_variable_documented_as_unset_by_default_has_an_empty_default(variable: Variable) -> None:
    value = operator.attrgetter(variable.field)(Settings())
    assert value is None or not value
    assert "unset" in variable.description


def test_the_adjudicate_default_is_auto() -> None:
    (adjudicate,) = [v for v in VARIABLES if v.name == "EXTRACTOR_ADJUDICATE"]
    assert adjudicate.default == "auto"
    assert Settings().extraction.adjudicate is None


def test_each_variable_names_a_field_of_its_concern_once() -> None:
    names = [v.name for v in VARIABLES]
    fields = [v.field for v in VARIABLES]
    assert len(set(names)) == len(names)
    assert len(set(fields)) == len(fields)
    for variable in VARIABLES:
        assert FIELD_CONCERN[variable.keyword] == variable.concern


def test_every_settings_field_read_from_the_environment_is_in_the_table() -> None:
    """The fields that no variable sets are deliberate (set in code only)."""
    code_only = {"seed", "backoff_initial_s", "backoff_max_s"}
    assert set(FIELD_CONCERN) - {v.keyword for v in VARIABLES} == code_only


@pytest.mark.parametrize(
    "variable", [v for v in VARIABLES if v.parse.__name__ in {"integer", "decimal"}], ids=lambda v: v.name
)
def test_a_bad_number_is_a_configuration_error_naming_the_variable(variable: Variable) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(variable.name)):
        Settings.from_env({variable.name: "not-a-number"})


def test_only_the_settings_package_reads_extractor_variables() -> None:
    readers = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        if "settings" in path.relative_to(ROOT / "extractor").parts:
            continue
        source = path.read_text(encoding="utf-8")
        if (
            re.search(r"environ(?:\.get)?\s*[\[(]\s*[\"']EXTRACTOR_", source)
            or 'getenv("EXTRACTOR_' in source
        ):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_the_xdg_folders_move_the_defaults(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d")}
    settings = Settings.from_env(env)
    assert settings.cache.cache_dir == tmp_path / "c" / "extractor"
    assert settings.service.data_dir == tmp_path / "d" / "extractor"
    assert dataclasses.replace(settings.cache, use_cache=False).cache_dir == tmp_path / "c" / "extractor"
