"""The public surface of ``extractor`` is exactly ``__all__``, and the error tree is one tree."""

from __future__ import annotations

import inspect
import re
import types

import extractor
from extractor import errors


def _defined_in_package(obj: object) -> bool:
    module = getattr(obj, "__module__", None)
    return isinstance(module, str) and (module == "extractor" or module.startswith("extractor."))


def _isort_style(name: str) -> tuple[int, str]:
    """ruff RUF022's order: SCREAMING_CASE constants, then CamelCase classes, then everything else."""
    if name.isupper():
        return 0, name
    if name[0].isupper():
        return 1, name
    return 2, name


def test_all_is_sorted_constants_then_classes_then_functions() -> None:
    assert extractor.__all__ == sorted(extractor.__all__, key=_isort_style)


def test_all_has_no_duplicates() -> None:
    duplicates = sorted({name for name in extractor.__all__ if extractor.__all__.count(name) > 1})
    assert duplicates == []


def test_every_name_in_all_resolves() -> None:
    missing = [name for name in extractor.__all__ if not hasattr(extractor, name)]
    assert missing == []


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from extractor import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(extractor.__all__)


def test_every_public_attribute_defined_in_the_package_is_listed_in_all() -> None:
    unlisted = sorted(
        name
        for name, value in vars(extractor).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and _defined_in_package(value)
        and name not in extractor.__all__
    )
    assert unlisted == [], f"public but not in extractor.__all__: {unlisted}"


def test_version_is_a_non_empty_string() -> None:
    assert isinstance(extractor.__version__, str) and extractor.__version__


def _error_classes() -> list[type[BaseException]]:
    return [
        value
        for _, value in inspect.getmembers(errors, inspect.isclass)
        if value.__module__ == errors.__name__ and issubclass(value, BaseException)
    ]


def test_every_error_class_subclasses_extractor_error() -> None:
    classes = _error_classes()
    assert len(classes) >= 2
    outside = [cls.__name__ for cls in classes if not issubclass(cls, errors.ExtractorError)]
    assert outside == []


def test_every_error_class_is_listed_in_errors_all() -> None:
    assert sorted(cls.__name__ for cls in _error_classes()) == sorted(errors.__all__)


def test_every_error_class_is_exported_by_the_package() -> None:
    assert set(errors.__all__) <= set(extractor.__all__)
    for name in errors.__all__:
        assert getattr(extractor, name) is getattr(errors, name)


def test_error_tree_docstring_names_every_error_class() -> None:
    doc = errors.__doc__ or ""
    unnamed = [name for name in errors.__all__ if not re.search(rf"\b{re.escape(name)}\b", doc)]
    assert unnamed == []


def test_error_tree_docstring_draws_each_class_under_its_real_parent() -> None:
    # Each tree line is "<prefix><Name>   <comment>"; the prefix's width gives the depth.
    doc = errors.__doc__ or ""
    stack: list[tuple[int, str]] = []
    checked = 0
    for line in doc.splitlines():
        match = re.match(r"^(?P<prefix>[\s│├└─]*)(?P<name>[A-Z][A-Za-z]+Error)\b", line)
        if match is None or match["name"] not in errors.__all__:
            continue
        depth = len(match["prefix"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        cls = getattr(errors, match["name"])
        if stack:
            parent = getattr(errors, stack[-1][1])
            assert cls.__bases__ == (parent,), f"{cls.__name__} is drawn under {parent.__name__}"
            checked += 1
        stack.append((depth, match["name"]))
    assert checked == len(errors.__all__) - 1  # every class but the root has a drawn parent
