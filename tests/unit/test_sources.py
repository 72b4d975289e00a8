"""``aiominio.sources``, the deprecated old place of the upload sources: each name still works,
with a DeprecationWarning that says where it went."""

from __future__ import annotations

import pytest

from aiominio.transfer import sources


def test_a_moved_name_warns_and_is_the_same_object() -> None:
    import aiominio.sources as old

    with pytest.warns(
        DeprecationWarning, match=r"aiominio.sources.make_source moved to aiominio.transfer.sources"
    ):
        assert old.make_source is sources.make_source


def test_a_name_that_never_was_there_is_an_attribute_error() -> None:
    import aiominio.sources as old

    with pytest.raises(AttributeError):
        old.no_such_name  # noqa: B018


# The transfer engine's modules that lived in aiominio.ops: their old names still import.


def test_a_moved_engine_module_imports_from_its_old_place_with_a_warning() -> None:
    import importlib
    import sys

    from aiominio.transfer import reader

    sys.modules.pop("aiominio.ops.reader", None)
    with pytest.warns(DeprecationWarning, match=r"aiominio.ops.reader moved to aiominio.transfer"):
        old = importlib.import_module("aiominio.ops.reader")
    assert old is reader
    assert reader.__spec__ is not None and reader.__spec__.name == "aiominio.transfer.reader"
    from aiominio.ops.reader import ObjectReader  # the spelling the docs once used

    assert ObjectReader is reader.ObjectReader


def test_an_ops_module_that_never_was_there_is_still_not_found() -> None:
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("aiominio.ops.no_such_module")
