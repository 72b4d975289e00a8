"""The client's directory methods: upload and download whole trees, sync them, and read many
ranges of one object in few requests."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from aiominio.core import planning
from aiominio.core.coalesce import (
    DEFAULT_COALESCE,
    DEFAULT_MAX_SPAN,
    check_ranges,
    check_span_options,
)
from aiominio.core.conditions import check_version_id, read_conditions
from aiominio.core.headers import DEFAULT_CONTENT_TYPE
from aiominio.core.options import WriteOptions, write_options
from aiominio.core.sse import Sse, SseCustomerKey, check_read_sse
from aiominio.core.sync import (
    COMPARE_MODES,
    S3_SCHEME,
    Compare,
    S3Prefix,
    TreeResult,
    parse_s3,
    selection,
)
from aiominio.core.validation import (
    check_bucket_name,
    check_concurrency,
    check_int,
    check_object_key,
    check_prefix,
)
from aiominio.errors import InvalidArgument
from aiominio.methods.base import MethodsBase
from aiominio.transfer.coalesced import get_ranges
from aiominio.transfer.directories import (
    DEFAULT_TREE_CONCURRENCY,
    MAX_TREE_CONCURRENCY,
    Mode,
    Side,
    TreeOptions,
    TreeProgressCallback,
    transfer_tree,
)

#: A local directory, or a bucket's prefix (``S3Prefix``, or text ``s3://bucket/prefix``).
Location = str | os.PathLike[str] | S3Prefix
#: Globs for ``include`` / ``exclude``: one, or several.
Globs = str | Iterable[str]


class DirectoryMethods(MethodsBase):
    """Whole directories to and from a prefix, syncs, and coalesced ranged reads."""

    async def upload_dir(
        self,
        bucket: str,
        prefix: str,
        local_dir: str | os.PathLike[str],
        *,
        include: Globs | None = None,
        exclude: Globs | None = None,
        concurrency: int | None = None,
        progress: TreeProgressCallback | None = None,
        dry_run: bool = False,
        resume: bool = True,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        cache_control: str | None = None,
        storage_class: str | None = None,
        sse: Sse | None = None,
    ) -> TreeResult:
        """Upload every file under ``local_dir`` to ``prefix`` (``aws s3 cp --recursive``).

        The file ``local_dir/a/b.txt`` goes to the key ``<prefix>/a/b.txt`` (``prefix`` is a
        "directory": ``"photos"`` and ``"photos/"`` are the same; ``""`` is the bucket's top).
        Every regular file is uploaded, changed or not (:meth:`sync` uploads only what
        changed); symbolic links to files are followed, to directories not; anything else (a
        FIFO, socket, device, broken link) is left out and listed in the result's ``ignored``.
        A file whose name makes no valid key (not UTF-8, too long) fails before any request.

        Each file is uploaded as :meth:`fput_object` uploads one (content type guessed from
        its name, verified, resumable), and one that fails does not stop the others: the
        result lists what was uploaded and what failed, with its exception.

        Args:
            bucket: the bucket.
            prefix: the key prefix the tree goes under.
            local_dir: the directory to upload.
            include: a glob or globs; only files whose path below ``local_dir`` matches one
                are taken (all when ``None``). ``*`` and ``?`` stop at ``/``, ``**`` crosses
                it; a glob without ``/`` is matched against the file's name at any depth
                (``"*.jpg"``), one with ``/`` against the whole relative path
                (``"2024/**/*.jpg"``).
            exclude: a glob or globs; files that match one are left out (after ``include``).
            concurrency: requests in flight at once, for all the files together (default 8,
                at most 256): small files take one each, a large file in parts as many as
                its parts and free slots allow. Memory stays about ``concurrency`` parts.
            progress: ``progress(p)``, a function or a coroutine function (awaited, one call
                at a time), given a :class:`~aiominio.TreeProgress`: the files and bytes done
                and the totals (known before the first byte moves), and the file this call is
                about. An exception it raises stops the transfer and is raised.
            dry_run: send nothing; the result lists what would be uploaded.
            resume: a file that fails (or the whole call, cancelled) keeps its incomplete
                multipart upload for the next call to resume, as :meth:`fput_object` does;
                ``False`` aborts it.
            content_type: every file's content type (guessed from each name when ``None``).
            metadata: user metadata stored with every file, as :meth:`put_object` stores it
                (like the next four, checked before any request).
            tags: tags stored with every file.
            cache_control: the Cache-Control stored with every file.
            storage_class: the storage class of every file.
            sse: the server-side encryption of every file.

        With any of these six given, a file is uploaded anew, never by resuming an incomplete
        upload of its key (which would keep the attributes of the attempt that started it),
        and one that fails is aborted rather than kept to resume.

        Raises:
            InvalidArgument: ``local_dir`` is not a directory, or a bad bucket, prefix, glob
                or concurrency, before any request.
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        root = _local_dir("local_dir", local_dir, must_exist=True)
        return await self._tree(
            root,
            S3Prefix(bucket, prefix),
            mode="all",
            include=include,
            exclude=exclude,
            concurrency=concurrency,
            progress=progress,
            dry_run=dry_run,
            resume=resume,
            attributes=self._attributes(
                content_type=content_type,
                metadata=metadata,
                tags=tags,
                cache_control=cache_control,
                storage_class=storage_class,
                sse=sse,
            ),
            content_type=content_type,
        )

    async def download_dir(
        self,
        bucket: str,
        prefix: str,
        local_dir: str | os.PathLike[str],
        *,
        include: Globs | None = None,
        exclude: Globs | None = None,
        concurrency: int | None = None,
        progress: TreeProgressCallback | None = None,
        dry_run: bool = False,
        resume: bool = True,
    ) -> TreeResult:
        """Download every object under ``prefix`` into ``local_dir`` (created as needed).

        The key ``<prefix>/a/b.txt`` goes to ``local_dir/a/b.txt``. Keys are strings, not
        paths: a key whose part below the prefix names no file inside ``local_dir`` (a ``..``
        or ``.`` part, an empty part as in ``a//b`` or a leading ``/``, a NUL; on Windows a
        ``\\`` or ``:``) is refused, never written, and listed in the result's ``failed``
        with an :class:`~aiominio.InvalidArgument`. "Folder" markers (keys ending with ``/``)
        are left out. A listing that names a key outside the prefix fails the whole call with
        :class:`~aiominio.InvalidResponseError` before anything is written.

        Each object is downloaded as :meth:`fget_object` downloads one (written to a partial
        file, verified, renamed into place; large ones in ranges), then given the object's
        modification time, so that a later :meth:`sync` sees it as up to date. ``include``,
        ``exclude`` (globs over the keys' parts below the prefix), ``concurrency``,
        ``progress`` and ``dry_run`` are as for :meth:`upload_dir`; ``resume=False`` removes
        a failed file's partial download instead of keeping it for the next call.

        Raises:
            InvalidArgument: ``local_dir`` exists and is not a directory, or a bad bucket,
                prefix, glob or concurrency, before any request.
            InvalidResponseError: the listing named a key outside ``prefix``.
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        root = _local_dir("local_dir", local_dir, must_exist=False)
        return await self._tree(
            S3Prefix(bucket, prefix),
            root,
            mode="all",
            include=include,
            exclude=exclude,
            concurrency=concurrency,
            progress=progress,
            dry_run=dry_run,
            resume=resume,
        )

    async def sync(
        self,
        source: Location,
        destination: Location,
        *,
        delete: bool = False,
        dry_run: bool = False,
        include: Globs | None = None,
        exclude: Globs | None = None,
        compare: Compare = "size-mtime",
        concurrency: int | None = None,
        progress: TreeProgressCallback | None = None,
        resume: bool = True,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        cache_control: str | None = None,
        storage_class: str | None = None,
        sse: Sse | None = None,
    ) -> TreeResult:
        """Make ``destination`` hold what ``source`` holds, transferring only what changed
        (``aws s3 sync``, ``mc mirror``).

        Each side is a local directory (a path) or a prefix of a bucket: an
        :class:`~aiominio.S3Prefix`, or text ``"s3://bucket/prefix"`` (give a local directory
        named ``s3:`` as a :class:`pathlib.Path`). At least one side is a prefix: a directory
        is uploaded, a prefix downloaded, and a prefix synced to another prefix by server-side
        copies. Both trees are read first (a walk, a listing); a file is then transferred
        when the destination lacks it or, with ``compare="size-mtime"`` (the default), its
        size differs or the source is newer by more than a second (equal ETags of two objects
        vouch for equal content whatever the times); with ``compare="size"``, only when the
        sizes differ. Downloaded files get the object's modification time, so a sync back
        and forth settles.

        With ``delete``, what the destination has and the source has not is removed, after
        the transfers (only files and objects; directories stay). Globs of ``include`` and
        ``exclude`` apply to both sides: what they leave out is neither transferred nor
        deleted. Mapping keys to paths, ``concurrency``, ``progress`` and ``resume`` are as
        for :meth:`upload_dir` and :meth:`download_dir`; so are ``content_type``,
        ``metadata``, ``tags``, ``cache_control``, ``storage_class`` and ``sse``, stored with
        each uploaded file (copies between prefixes keep their source's).

        Returns:
            What was uploaded, downloaded, copied, deleted, left alone (``skipped``) and
            what failed; with ``dry_run``, what would have been (nothing is sent but the
            listings).

        Raises:
            InvalidArgument: neither side is a prefix, the local source is not a directory,
                the local destination is not one, a bad glob or ``compare``, before any
                request.
            InvalidResponseError: a listing named a key outside its prefix (nothing is then
                transferred or deleted).
        """
        src = _side("source", source, must_exist=True)
        dst = _side("destination", destination, must_exist=False)
        if not isinstance(src, S3Prefix) and not isinstance(dst, S3Prefix):
            raise InvalidArgument("one of source and destination must be a bucket's prefix")
        if compare not in COMPARE_MODES:
            raise InvalidArgument(f"compare must be 'size-mtime' or 'size', not {compare!r}")
        _check_flag("delete", delete)
        return await self._tree(
            src,
            dst,
            mode="sync",
            delete=delete,
            compare=compare,
            include=include,
            exclude=exclude,
            concurrency=concurrency,
            progress=progress,
            dry_run=dry_run,
            resume=resume,
            attributes=self._attributes(
                content_type=content_type,
                metadata=metadata,
                tags=tags,
                cache_control=cache_control,
                storage_class=storage_class,
                sse=sse,
            ),
            content_type=content_type,
        )

    def _attributes(
        self,
        *,
        content_type: str | None,
        metadata: Mapping[str, str] | None,
        tags: Mapping[str, str] | None,
        cache_control: str | None,
        storage_class: str | None,
        sse: Sse | None,
    ) -> WriteOptions | None:
        """What every uploaded file of a tree is stored with, checked before any request (the
        Content-Type is each file's own, given or guessed); ``None`` when nothing is given."""
        given = (content_type, metadata, tags, cache_control, storage_class, sse)
        if all(value is None for value in given):
            return None
        return write_options(
            self.requester.endpoint,
            content_type=DEFAULT_CONTENT_TYPE if content_type is None else content_type,
            metadata=metadata,
            tags=tags,
            cache_control=cache_control,
            storage_class=storage_class,
            sse=sse,
        )

    async def _tree(
        self,
        source: Side,
        dest: Side,
        *,
        mode: Mode,
        include: Globs | None,
        exclude: Globs | None,
        concurrency: int | None,
        progress: TreeProgressCallback | None,
        dry_run: bool,
        resume: bool,
        delete: bool = False,
        compare: Compare = "size-mtime",
        attributes: WriteOptions | None = None,
        content_type: str | None = None,
    ) -> TreeResult:
        select = selection(include, exclude)
        conc = DEFAULT_TREE_CONCURRENCY
        if concurrency is not None:
            conc = check_int("concurrency", concurrency, minimum=1)
            if conc > MAX_TREE_CONCURRENCY:
                raise InvalidArgument(f"concurrency must be at most {MAX_TREE_CONCURRENCY}")
        if progress is not None and not callable(progress):
            raise TypeError(
                "progress must be a callable taking a TreeProgress (a function or a coroutine "
                f"function), not {type(progress).__name__}"
            )
        _check_flag("dry_run", dry_run)
        _check_flag("resume", resume)
        options = TreeOptions(
            concurrency=conc,
            resume=resume,
            threshold=self.multipart_threshold,
            integrity=self.integrity,
            progress=progress,
            attributes=attributes,
            content_type=content_type,
        )
        return await transfer_tree(
            self.requester,
            source,
            dest,
            mode=mode,
            delete=delete,
            dry_run=dry_run,
            compare=compare,
            select=select,
            options=options,
        )

    async def get_ranges(
        self,
        bucket: str,
        key: str,
        ranges: Iterable[tuple[int, int]],
        *,
        coalesce: int = DEFAULT_COALESCE,
        max_span: int = DEFAULT_MAX_SPAN,
        concurrency: int | None = None,
        version_id: str | None = None,
        if_match: str | None = None,
        sse: SseCustomerKey | None = None,
    ) -> list[bytes]:
        """The bytes of several ranges of one object, in few requests.

        Each range is ``(start, end)``, ``end`` exclusive, as in ``data[start:end]``; the
        result holds the bytes of each, in the order given (an empty range gives ``b""``,
        without a request). Ranges that overlap or lie at most ``coalesce`` bytes apart
        (default 1 MiB) are fetched by one ranged GET, the bytes between them read and
        dropped; a merged span longer than ``max_span`` (default 16 MiB) is fetched as
        several GETs. The GETs run ``concurrency`` at a time (default 8).

        Every answer must be exactly the span asked for (a 206 with that Content-Range and
        length; see :meth:`get_partial_object`) and all must carry one ETag: an object
        replaced between two GETs raises :class:`~aiominio.InvalidResponseError` (``version_id``
        or ``if_match`` pin the reads to one version). A range cannot be checked against the
        object's checksum; only its length and place are.

        Example::

            header, footer = await client.get_ranges("data", "t.parquet", [(0, 4), (n - 8, n)])

        Raises:
            TypeError / InvalidArgument: a range that is not two ints ``0 <= start <= end``,
                a negative ``coalesce``, a ``max_span`` under 1 KiB, before any request.
            InvalidArgument: a range ends past the end of the object (known once an answer
                gave its size).
            InvalidRange: a range starts past the end of the object.
            PreconditionFailed: ``if_match`` did not hold.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        conditions = read_conditions(if_match=if_match)
        checked = check_ranges(ranges)
        gap, span = check_span_options(coalesce, max_span)
        conc = planning.DEFAULT_DOWNLOAD_CONCURRENCY
        if concurrency is not None:
            conc = check_concurrency(concurrency)
        return await get_ranges(
            self.requester,
            bucket,
            key,
            checked,
            coalesce=gap,
            max_span=span,
            concurrency=conc,
            version_id=version_id,
            conditions=conditions,
            sse=check_read_sse(sse, self.requester.endpoint),
        )


def _check_flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


def _local_dir(name: str, value: object, *, must_exist: bool) -> str:
    """A local directory argument as a path: a source must be a directory, a destination
    must be one or not exist yet."""
    if isinstance(value, S3Prefix) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike), not {type(value).__name__}")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise TypeError(f"{name} must be a str path, not bytes")
    if not path:
        raise InvalidArgument(f"{name} must not be empty")
    if os.path.isdir(path):
        return path
    if must_exist or os.path.lexists(path):
        raise InvalidArgument(f"{name} is not a directory: {path!r}")
    return path


def _side(name: str, value: object, *, must_exist: bool) -> Side:
    """A side of :meth:`DirectoryMethods.sync`: an :class:`S3Prefix`, ``s3://`` text, or a
    local directory."""
    if isinstance(value, S3Prefix):
        return value
    if isinstance(value, str) and value[: len(S3_SCHEME)].lower() == S3_SCHEME:
        return parse_s3(value)
    return _local_dir(name, value, must_exist=must_exist)
