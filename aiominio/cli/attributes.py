"""The options that choose what cp, mv and mirror take and how they store it: ``--include`` /
``--exclude`` globs, ``--dry-run``, and the attributes of what they upload or copy
(``--content-type``, ``--metadata``, ``--tags``, ``--storage-class``, ``--sse``,
``--cache-control``), all checked before any request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import click

from aiominio.core.headers import DEFAULT_CONTENT_TYPE, upload_headers
from aiominio.core.sse import Sse, SseKms, SseS3
from aiominio.core.sync import EVERYTHING, Selection, selection
from aiominio.errors import InvalidArgument

_Command = TypeVar("_Command", bound=Callable[..., object])


@dataclass(frozen=True, slots=True)
class Attributes:
    """What an upload or a copy stores with each object; ``None`` leaves each to its default
    (the content type guessed from the file's name, a copy keeping its source's)."""

    content_type: str | None = None
    metadata: Mapping[str, str] | None = None
    tags: Mapping[str, str] | None = None
    storage_class: str | None = None
    cache_control: str | None = None
    sse: Sse | None = None

    @property
    def given(self) -> bool:
        """Whether any attribute was given."""
        return self != NO_ATTRIBUTES


NO_ATTRIBUTES = Attributes()


def pairs(option: str, values: tuple[str, ...], *, separator: str | None = None) -> dict[str, str]:
    """``KEY=VALUE`` texts as a dict (``separator`` also splits one text into several pairs, as
    ``&`` does in ``--tags 'a=1&b=2'``).

    Raises:
        click.BadParameter: a pair without ``=`` or with an empty key, or a key given twice.
    """
    found: dict[str, str] = {}
    for text in values:
        for pair in text.split(separator) if separator else [text]:
            name, sep, value = pair.partition("=")
            if not sep or not name:
                raise click.BadParameter(f"expected KEY=VALUE: {pair!r}", param_hint=option)
            if name in found:
                raise click.BadParameter(f"{name!r} given twice", param_hint=option)
            found[name] = value
    return found


def encryption(sse: str | None, kms_key_id: str | None) -> Sse | None:
    """``--sse AES256`` (SSE-S3) or ``--sse aws:kms --sse-kms-key-id ID`` (SSE-KMS).

    Raises:
        click.BadParameter: a KMS key without ``--sse aws:kms``, or ``aws:kms`` without a key,
            or a key a header cannot carry.
    """
    if kms_key_id is not None and sse != "aws:kms":
        raise click.BadParameter("goes with --sse aws:kms", param_hint="--sse-kms-key-id")
    if sse is None:
        return None
    if sse == "AES256":
        return SseS3()
    if kms_key_id is None:
        raise click.BadParameter("aws:kms needs --sse-kms-key-id", param_hint="--sse")
    try:
        return SseKms(kms_key_id)
    except InvalidArgument as exc:
        raise click.BadParameter(str(exc), param_hint="--sse-kms-key-id") from None


def attributes_of(params: Mapping[str, object]) -> Attributes:
    """The :class:`Attributes` of a command's parsed options (see :func:`attribute_options`)."""

    def text(name: str) -> str | None:
        value = params.get(name)
        return value if isinstance(value, str) else None

    def texts(name: str) -> tuple[str, ...]:
        value = params.get(name)
        return tuple(value) if isinstance(value, tuple) else ()

    metadata = pairs("--metadata", texts("metadata"))
    tags = pairs("--tags", texts("tags"), separator="&")
    given = Attributes(
        content_type=text("content_type"),
        metadata=metadata or None,
        tags=tags or None,
        storage_class=text("storage_class"),
        cache_control=text("cache_control"),
        sse=encryption(text("sse"), text("sse_kms_key_id")),
    )
    try:  # what the library would refuse, refused here as a usage error
        upload_headers(
            given.content_type or DEFAULT_CONTENT_TYPE,
            given.metadata,
            tags=given.tags,
            cache_control=given.cache_control,
            storage_class=given.storage_class,
        )
    except (InvalidArgument, TypeError) as exc:
        raise click.BadParameter(str(exc)) from None
    return given


def attribute_options(f: _Command) -> _Command:
    """The options of what an upload or copy stores with each object."""
    options = [
        click.option("--content-type", metavar="TYPE", help="Instead of the one guessed."),
        click.option(
            "--metadata",
            multiple=True,
            metavar="KEY=VALUE",
            help="User metadata (x-amz-meta-KEY); repeat for more.",
        ),
        click.option(
            "--tags", multiple=True, metavar="KEY=VALUE", help="Tags (repeat, or a=1&b=2)."
        ),
        click.option("--storage-class", metavar="CLASS", help="STANDARD, STANDARD_IA, ..."),
        click.option("--cache-control", metavar="VALUE", help="The Cache-Control to serve."),
        click.option(
            "--sse",
            type=click.Choice(["AES256", "aws:kms"]),
            help="Server-side encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS).",
        ),
        click.option("--sse-kms-key-id", metavar="ID", help="The KMS key of --sse aws:kms."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def filter_options(f: _Command) -> _Command:
    """``--include`` and ``--exclude`` globs."""
    f = click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Leave out what matches (after --include); repeat for more.",
    )(f)
    return click.option(
        "--include",
        multiple=True,
        metavar="GLOB",
        help="Only what matches, by the path below SOURCE ('*.jpg' at any depth, "
        "'2024/**/*.jpg' from the top; * stops at /, ** crosses it); repeat for more.",
    )(f)


def selection_of(include: tuple[str, ...], exclude: tuple[str, ...]) -> Selection:
    """The globs of ``--include`` and ``--exclude``, checked.

    Raises:
        click.BadParameter: an empty or malformed glob.
    """
    if not include and not exclude:
        return EVERYTHING
    try:
        return selection(include, exclude)
    except InvalidArgument as exc:
        raise click.BadParameter(str(exc), param_hint="--include/--exclude") from None
