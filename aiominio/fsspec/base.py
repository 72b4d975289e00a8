"""The connection, listings and reads of :class:`~aiominio.fsspec.AiominioFileSystem`.

:class:`FileSystemBase` turns the storage options into a Client per loop and process, lists
(with fsspec's listing cache), answers ``info``/``isdir``/``find`` and reads bytes; the
filesystem adds writing, copying, removing and files on top.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import weakref
from collections.abc import AsyncGenerator, Mapping
from typing import ClassVar, cast

from fsspec.asyn import AsyncFileSystem, get_loop, sync_wrapper

from aiominio.client import Client
from aiominio.errors import InvalidRange, NoSuchBucket, PreconditionFailed
from aiominio.fsspec.clients import ClientPool
from aiominio.fsspec.entries import Info, dir_info, listed, not_found, stat_info, translated
from aiominio.fsspec.options import client_arguments
from aiominio.fsspec.paths import (
    PROTOCOLS,
    dir_prefix,
    directories_between,
    join,
    parent,
    split_path,
    strip_protocol,
)
from aiominio.fsspec.ranges import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_MAX_GAP,
    PIECES_AT_ONCE,
    READ_PIECE,
    SPLIT_READS_FROM,
)
from aiominio.models import ObjectInfo


class FileSystemBase(AsyncFileSystem):  # type: ignore[misc]
    """Connection, listing cache, listings, ``info`` and reads: the base of
    :class:`~aiominio.fsspec.AiominioFileSystem` (see there for the arguments)."""

    protocol: ClassVar[tuple[str, ...]] = PROTOCOLS
    root_marker = ""
    _pid: int
    _loop: asyncio.AbstractEventLoop | None
    default_block_size = DEFAULT_BLOCK_SIZE

    def __init__(
        self,
        *,
        key: str | None = None,
        secret: str | None = None,
        token: str | None = None,
        endpoint_url: str | None = None,
        anon: bool = False,
        client_kwargs: Mapping[str, object] | None = None,
        client: Client | None = None,
        default_block_size: int | None = None,
        default_cache_type: str = "adaptive",
        max_gap: int = DEFAULT_MAX_GAP,
        asynchronous: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        batch_size: int | None = None,
        use_listings_cache: bool = True,
        listings_expiry_time: float | None = None,
        max_paths: int | None = None,
        **options: object,
    ) -> None:
        super().__init__(
            asynchronous=asynchronous,
            loop=loop,
            batch_size=batch_size,
            use_listings_cache=use_listings_cache,
            listings_expiry_time=listings_expiry_time,
            max_paths=max_paths,
        )
        if client is not None and not isinstance(client, Client):
            raise TypeError("client must be an aiominio.Client")
        if client is not None and (
            key or secret or token or endpoint_url or client_kwargs or options
        ):
            raise TypeError("client= takes no other connection options")
        endpoint, arguments = client_arguments(
            key=key,
            secret=secret,
            token=token,
            endpoint_url=endpoint_url,
            anon=anon,
            client_kwargs=client_kwargs,
            options=options,
        )
        self.endpoint_url = endpoint
        self._client_arguments = arguments
        self._pool = ClientPool(self._make_client, given=client)
        if default_block_size is not None:
            self.default_block_size = default_block_size
        self.default_cache_type = default_cache_type
        self.max_gap = max_gap
        # What listings already proved, forgotten with the listings cache: buckets that exist
        # (a put of a tree would otherwise HEAD the bucket once per directory) and directories
        # a recursive listing found files in (a get of a tree would otherwise list each one
        # again to learn it is a directory).
        self._buckets_seen: set[str] = set()
        self._dirs_seen: set[str] = set()
        # A sync filesystem's clients live on fsspec's IO loop: close them when it goes.
        weakref.finalize(self, ClientPool.close_all_nowait, self._pool)

    def _make_client(self) -> Client:
        kwargs = self._client_arguments
        return Client(self.endpoint_url, **kwargs)  # type: ignore[arg-type]

    def __reduce__(self) -> str | tuple[object, ...]:
        if self._pool.given is not None:
            raise TypeError(
                "a filesystem over a Client given as client= cannot be pickled; "
                "create it from storage options (endpoint_url, key, secret, ...) instead"
            )
        return cast("tuple[object, ...]", super().__reduce__())

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop the sync methods run on; in a child after ``fork``, the child's own
        (fsspec starts one per process), never the parent's."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            if not self.asynchronous:
                self._loop = get_loop()
        return self._loop

    def current_client(self) -> Client:
        """The client of the running loop (one per loop and process; made on first use)."""
        return self._pool.get()

    @property
    def client(self) -> Client:
        """:meth:`current_client`: the client for the running loop."""
        return self._pool.get()

    async def _close(self) -> None:
        """Close the client of the running loop (not one given as ``client=``)."""
        await self._pool.close_current()

    close = sync_wrapper(_close)

    @classmethod
    def _strip_protocol(cls, path: object) -> object:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        return strip_protocol(str(path))

    @staticmethod
    def _get_kwargs_from_urls(path: str) -> dict[str, object]:
        return {}

    def split_path(self, path: str) -> tuple[str, str]:
        """``bucket/key`` -> ``(bucket, key)``."""
        return split_path(path)

    def invalidate_cache(self, path: str | None = None) -> None:
        """Forget cached listings: of ``path`` and every directory above it, or all."""
        if path is None:
            self.dircache.clear()
            self._buckets_seen.clear()
            self._dirs_seen.clear()
            return
        path = strip_protocol(path)
        self.dircache.pop(path, None)
        self._dirs_seen.discard(path)
        while path:
            path = parent(path)
            self.dircache.pop(path, None)
            self._dirs_seen.discard(path)

    # -- listing ---------------------------------------------------------------------------

    async def _lsbuckets(self, refresh: bool) -> list[Info]:
        if not refresh and "" in self.dircache:
            return cast(list[Info], self.dircache[""])
        with translated(""):
            buckets = await self.client.list_buckets()
        out = [
            {**dir_info(b.name), "CreationDate": b.creation_date, "StorageClass": "BUCKET"}
            for b in buckets
        ]
        self.dircache[""] = out
        return out

    async def _lsdir(self, path: str, refresh: bool) -> list[Info]:
        """The entries of directory ``path`` (``[]`` when nothing is under it)."""
        if not refresh and path in self.dircache:
            return cast(list[Info], self.dircache[path])
        bucket, key = split_path(path)
        prefix = dir_prefix(key)
        out: list[Info] = []
        with translated(path):
            async for entry in self.client.list_objects_v2(bucket, prefix):
                if entry.key == prefix:
                    continue  # the directory's own marker (or SeaweedFS's empty directory)
                out.append(listed(bucket, entry))
        if out or not key:
            self.dircache[path] = out
        return out

    async def _ls(
        self, path: str, detail: bool = True, refresh: bool = False, **kwargs: object
    ) -> list[Info] | list[str]:
        path = strip_protocol(path)
        if not path:
            entries = await self._lsbuckets(refresh)
        else:
            entries = await self._lsdir(path, refresh)
            bucket, key = split_path(path)
            if not entries and key:
                entries = [await self._head(bucket, key)]  # a file lists as itself
        if detail:
            return entries
        return sorted(cast(str, e["name"]) for e in entries)

    async def _head(self, bucket: str, key: str) -> Info:
        with translated(join(bucket, key)):
            stat = await self.client.stat_object(bucket, key)
        return stat_info(bucket, key, stat)

    async def _has_children(self, bucket: str, key: str) -> bool:
        """Whether any object lies below ``key/`` (its marker counts; SeaweedFS's empty
        directories, listed by no recursive listing, do not)."""
        with translated(join(bucket, key)):
            listing = cast(
                "AsyncGenerator[ObjectInfo, None]",
                self.client.list_objects_v2(bucket, dir_prefix(key), True, page_size=1),
            )
            async with contextlib.aclosing(listing):
                async for _ in listing:
                    return True
        return False

    async def _info(self, path: str, refresh: bool = False, **kwargs: object) -> Info:
        path = strip_protocol(path)
        if not path:
            return dir_info("")
        bucket, key = split_path(path)
        if not refresh:
            for entry in cast(list[Info], self.dircache.get(parent(path), ())):
                if entry["name"] == path:
                    return entry
            if self.dircache.get(path):
                return dir_info(path)
        if not key:
            with translated(path):
                if await self.client.bucket_exists(bucket):
                    return dir_info(bucket)
            not_found(path)
        try:
            return await self._head(bucket, key)
        except FileNotFoundError:
            pass
        if await self._has_children(bucket, key):
            return dir_info(path)
        not_found(path)

    async def _isdir(self, path: str) -> bool:
        path = strip_protocol(path)
        if not path:
            return True
        bucket, key = split_path(path)
        if self.dircache.get(path) or path in self._dirs_seen:
            return True
        listed = cast("list[Info] | None", self.dircache.get(parent(path)))
        if listed is not None:
            return any(e["name"] == path and e["type"] == "directory" for e in listed)
        try:
            if not key:
                return await self._bucket_exists(bucket)
            return await self._has_children(bucket, key)
        except FileNotFoundError:
            return False

    async def _bucket_exists(self, bucket: str) -> bool:
        """Whether ``bucket`` exists; a yes is remembered until the cache is invalidated."""
        if bucket in self._buckets_seen:
            return True
        exists = await self.client.bucket_exists(bucket)
        if exists:
            self._buckets_seen.add(bucket)
        return exists

    async def _exists(self, path: str, **kwargs: object) -> bool:
        try:
            await self._info(path)
        except FileNotFoundError:
            return False
        return True

    async def _find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        prefix: str = "",
        **kwargs: object,
    ) -> list[str] | dict[str, Info]:
        path = strip_protocol(path)
        if maxdepth is not None or not path:
            # Depth-limited (or over every bucket): walk the directory listings.
            found = cast(
                "dict[str, Info]",
                await super()._find(path, maxdepth=maxdepth, withdirs=withdirs, detail=True),
            )
            if prefix:
                start = join(path, prefix) if path else prefix
                found = {n: i for n, i in found.items() if n.startswith(start)}
        else:
            found = await self._findlisted(path, withdirs=withdirs, prefix=prefix)
        names = sorted(found)
        return {n: found[n] for n in names} if detail else names

    async def _findlisted(self, path: str, *, withdirs: bool, prefix: str) -> dict[str, Info]:
        """Everything below ``path``, from one recursive listing."""
        bucket, key = split_path(path)
        out: dict[str, Info] = {}
        try:
            async for entry in self.client.list_objects_v2(bucket, dir_prefix(key) + prefix, True):
                info = listed(bucket, entry)
                name = cast(str, info["name"])
                if info["type"] == "file" and name != path:
                    # This directory, and every one between it and a file, has that file in it.
                    self._dirs_seen.add(path)
                    self._dirs_seen.update(directories_between(path, name))
                if withdirs:
                    for d in directories_between(path, name):
                        out.setdefault(d, dir_info(d))
                if name != path and (withdirs or info["type"] == "file"):
                    out[name] = info
        except NoSuchBucket:
            return {}
        if out and withdirs and not prefix:
            out[path] = dir_info(path)
        if not out and key and not prefix:
            with contextlib.suppress(FileNotFoundError):
                out[path] = await self._head(bucket, key)
        return out

    async def _du(
        self,
        path: str,
        total: bool = True,
        maxdepth: int | None = None,
        withdirs: bool = False,
        **kwargs: object,
    ) -> int | dict[str, int]:
        found = cast(
            "dict[str, Info]",
            await self._find(path, maxdepth=maxdepth, withdirs=withdirs, detail=True),
        )
        sizes = {name: cast(int, info["size"]) for name, info in found.items()}
        return sum(sizes.values()) if total else sizes

    # -- reading ---------------------------------------------------------------------------

    async def _size_of(self, path: str) -> int:
        return cast(int, (await self._info(path))["size"])

    async def _cat_file(
        self,
        path: str,
        start: int | None = None,
        end: int | None = None,
        if_match: str | None = None,
        **kwargs: object,
    ) -> bytes:
        path = strip_protocol(path)
        bucket, key = split_path(path)
        if (start is not None and start < 0) or (end is not None and end < 0):
            size = await self._size_of(path)
            start = max(0, size + start) if start is not None and start < 0 else start
            end = max(0, size + end) if end is not None and end < 0 else end
        start = start or 0
        if end is not None and end <= start:
            return b""
        length = None if end is None else end - start
        try:
            with translated(path):
                if length is not None and length >= SPLIT_READS_FROM:
                    return await self._cat_pieces(bucket, key, start, length, if_match)
                reader = self.client.get_partial_object(
                    bucket, key, start, length, if_match=if_match
                )
                async with reader as body:
                    return await body.read()
        except InvalidRange:
            return b""  # starts at or past the end
        except PreconditionFailed as exc:
            raise OSError(errno.ESTALE, "the object changed while it was read", path) from exc

    async def _cat_pieces(
        self, bucket: str, key: str, start: int, length: int, if_match: str | None
    ) -> bytes:
        """A long range read in pieces of :data:`READ_PIECE` bytes, :data:`PIECES_AT_ONCE`
        at a time: the server works on the next pieces while the first ones arrive.

        The first piece's answer gives the object's size (no piece is asked for past it) and
        its ETag, which pins every other piece (If-Match), so the pieces are of one object.
        """
        client = self.client
        first = client.get_partial_object(
            bucket, key, start, min(READ_PIECE, length), if_match=if_match
        )
        async with first as body:
            total = (body.stat.headers or {}).get("content-range", "").rpartition("/")[2]
            if not total.isdigit():
                # The size is not told ("*"): the rest in one more request, not in pieces.
                head = await body.read()
                pinned = if_match or body.stat.etag or None
                rest = start + len(head), length - len(head)
                if len(head) < min(READ_PIECE, length) or rest[1] <= 0:
                    return head
                reader = client.get_partial_object(bucket, key, *rest, if_match=pinned)
                try:
                    async with reader as tail:
                        return head + await tail.read()
                except InvalidRange:
                    return head
            stop = min(start + length, body.stat.size)
            pinned = if_match or body.stat.etag or None
            slots = asyncio.Semaphore(PIECES_AT_ONCE - 1)

            async def piece(offset: int) -> bytes:
                async with slots:
                    size = min(READ_PIECE, stop - offset)
                    reader = client.get_partial_object(bucket, key, offset, size, if_match=pinned)
                    async with reader as rest:
                        return await rest.read()

            offsets = range(start + READ_PIECE, stop, READ_PIECE)
            tasks = [asyncio.ensure_future(piece(offset)) for offset in offsets]
            try:
                pieces = [await body.read(), *await asyncio.gather(*tasks)]
            except BaseException:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
        return b"".join(pieces)
