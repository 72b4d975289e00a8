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
