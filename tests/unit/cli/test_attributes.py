"""The options that choose what cp, mv, mirror and rm take and what uploads store: parsed and
checked before any request."""

from __future__ import annotations

import click
import pytest

from aiominio.cli.attributes import (
    NO_ATTRIBUTES,
    Attributes,
    attributes_of,
    encryption,
    pairs,
    selection_of,
)
from aiominio.core.sse import SseKms, SseS3
from aiominio.core.sync import EVERYTHING


def test_pairs_split_on_the_first_equals_sign_and_on_the_separator() -> None:
    assert pairs("--metadata", ("a=1", "b=x=y", "c=")) == {"a": "1", "b": "x=y", "c": ""}
    assert pairs("--tags", ("a=1&b=2", "c=3"), separator="&") == {"a": "1", "b": "2", "c": "3"}
    assert pairs("--metadata", ("a=1&b=2",)) == {"a": "1&b=2"}  # no separator: one value


@pytest.mark.parametrize(
    ("values", "message"),
    [(("novalue",), "KEY=VALUE"), (("=v",), "KEY=VALUE"), (("a=1", "a=2"), "given twice")],
)
def test_bad_pairs_are_refused(values: tuple[str, ...], message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        pairs("--metadata", values)


def test_encryption_choices() -> None:
    assert encryption(None, None) is None
    assert encryption("AES256", None) == SseS3()
    kms = encryption("aws:kms", "key-1")
    assert isinstance(kms, SseKms)
    assert kms.headers()["x-amz-server-side-encryption-aws-kms-key-id"] == "key-1"
    with pytest.raises(click.BadParameter, match="needs --sse-kms-key-id"):
        encryption("aws:kms", None)
    with pytest.raises(click.BadParameter, match="goes with --sse aws:kms"):
        encryption("AES256", "key-1")
    with pytest.raises(click.BadParameter):
        encryption("aws:kms", "bad\nkey")


def test_attributes_of_parsed_options() -> None:
    assert attributes_of({}) == NO_ATTRIBUTES and not NO_ATTRIBUTES.given
    got = attributes_of(
        {
            "content_type": "text/x-given",
            "metadata": ("owner=ada",),
            "tags": ("a=1&b=2",),
            "storage_class": "STANDARD_IA",
            "cache_control": "no-cache",
            "sse": "AES256",
            "sse_kms_key_id": None,
        }
    )
    assert got == Attributes(
        content_type="text/x-given",
        metadata={"owner": "ada"},
        tags={"a": "1", "b": "2"},
        storage_class="STANDARD_IA",
        cache_control="no-cache",
        sse=SseS3(),
    )
    assert got.given and Attributes(cache_control="x").given


@pytest.mark.parametrize(
    "options",
    [
        {"metadata": ("bad name=v",)},
        {"metadata": ("k=\u00e9",)},
        {"content_type": "text/\u00e9"},
        {"cache_control": "a\r\nb"},
        {"tags": ("k=" + "v" * 300,)},
    ],
)
def test_what_the_library_would_refuse_is_a_usage_error(options: dict[str, object]) -> None:
    with pytest.raises(click.BadParameter):
        attributes_of(options)


def test_selection_of_globs() -> None:
    assert selection_of((), ()) is EVERYTHING
    chosen = selection_of(("*.jpg",), ("raw/**",))
    assert chosen.selects("a/b.jpg") and not chosen.selects("raw/c.jpg")
    assert not chosen.selects("a/b.png")
    with pytest.raises(click.BadParameter, match="glob must not be empty"):
        selection_of(("",), ())
