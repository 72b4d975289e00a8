"""``AiominioFileSystem``: fsspec's ``AsyncFileSystem`` over :class:`aiominio.Client`.

Every operation is a coroutine on the Client's operations (the sync methods are fsspec's
wrappers around them). Paths are ``bucket/key``; a "directory" is a bucket or a prefix some key
continues with ``/``. S3 has no empty directories: ``mkdir`` of a prefix stores nothing, and
``rm`` clears the empty directories a server such as SeaweedFS keeps once their last object is
gone, so both kinds of server answer alike. Listings are cached (fsspec's ``dircache``) and every
write, copy and remove invalidates what it changed.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import mimetypes
import os
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import cast

from fsspec.asyn import sync_wrapper
from fsspec.callbacks import DEFAULT_CALLBACK, Callback

from aiominio.core.headers import DEFAULT_CONTENT_TYPE
from aiominio.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    InvalidArgument,
    NoSuchBucket,
    NoSuchKey,
    PreconditionFailed,
    S3Error,
)
from aiominio.fsspec.base import FileSystemBase
from aiominio.fsspec.entries import (
    absolute_range,
    not_found,
    parents_in_bucket,
    translated,
)
from aiominio.fsspec.files import AiominioFile, AiominioStreamedFile
from aiominio.fsspec.paths import ghost_candidates, join, split_path, strip_protocol
from aiominio.fsspec.ranges import coalesce
from aiominio.transfer.sources import load_local

#: Files up to this size are read whole by the thread that opens them (a put's one thread job).
_READ_WHOLE = 8 << 20


class AiominioFileSystem(FileSystemBase):
    """S3 (or MinIO, SeaweedFS, ...) as an fsspec filesystem, on :class:`aiominio.Client`.

    ``fsspec.filesystem("aiominio", endpoint_url="http://127.0.0.1:9000", key="...",
    secret="...")``, or ``aiominio://bucket/key`` URLs with the same storage options.

    Args:
        key, secret, token: static credentials (s3fs's names); without them the Client's
            default chain runs (environment, AWS files, web identity).
        endpoint_url: the server (default: ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` /
            the AWS profile's ``endpoint_url``, with the region they come with, as
            :class:`aiominio.Client` finds them; else AWS).
        anon: send requests unsigned.
        client_kwargs: botocore's names: ``region_name``, ``endpoint_url``, ``verify``,
            ``use_ssl``.
        client: an existing :class:`aiominio.Client` to use instead (it stays open; the
            filesystem then does not pickle).
        default_block_size: the read-ahead ceiling and the part size of written files.
        default_cache_type: the cache of files opened for reading (``"adaptive"``).
        max_gap: ``cat_ranges`` merges ranges closer than this into one GET.
        **options: the Client's own keywords (``region``, ``max_connections``, ``timeouts``,
            ``retry``, ``multipart_threshold``, ...) and fsspec's (``asynchronous``, ``loop``,
            ``batch_size``, ``use_listings_cache``, ``listings_expiry_time``,
            ``skip_instance_cache``).
    """

    async def _cat_ranges(
        self,
        paths: list[str],
        starts: int | Sequence[int | None] | None,
        ends: int | Sequence[int | None] | None,
        max_gap: int | None = None,
        batch_size: int | None = None,
        on_error: str = "return",
        **kwargs: object,
    ) -> list[bytes | BaseException]:
        if not isinstance(paths, list):
            raise TypeError("paths must be a list")
        count = len(paths)
        starts_l = list(starts) if isinstance(starts, Sequence) else [starts] * count
        ends_l = list(ends) if isinstance(ends, Sequence) else [ends] * count
        if len(starts_l) != count or len(ends_l) != count:
            raise ValueError("paths, starts and ends must have the same length")
        gap = self.max_gap if max_gap is None else max_gap
        by_path: dict[str, list[int]] = {}
        for i, p in enumerate(paths):
            by_path.setdefault(strip_protocol(p), []).append(i)
        out: list[bytes | BaseException] = [b""] * count
        limit = asyncio.Semaphore(batch_size or self.batch_size or 32)

        async def one_path(path: str, members: list[int]) -> None:
            try:
                size = None
                if any(starts_l[i] is None or ends_l[i] is None for i in members) or any(
                    (starts_l[i] or 0) < 0 or (ends_l[i] or 0) < 0 for i in members
                ):
                    size = await self._size_of(path)
                wanted = [absolute_range(starts_l[i], ends_l[i], size) for i in members]
            except Exception as exc:
                for i in members:
                    out[i] = exc
                return
            spans = coalesce(wanted, max_gap=gap)

            async def one_span(span_start: int, span_stop: int, idx: tuple[int, ...]) -> None:
                async with limit:
                    try:
                        data = await self._cat_file(path, span_start, span_stop)
                    except Exception as exc:
                        for j in idx:
                            out[members[j]] = exc
                        return
                for j in idx:
                    s, e = wanted[j]
                    out[members[j]] = data[s - span_start : e - span_start]

            await asyncio.gather(*(one_span(s.start, s.stop, s.members) for s in spans))

        await asyncio.gather(*(one_path(p, m) for p, m in by_path.items()))
        if on_error != "return":
            for item in out:
                if isinstance(item, BaseException):
                    raise item
        return out

    async def _get_file(
        self, rpath: str, lpath: str, callback: Callback = DEFAULT_CALLBACK, **kwargs: object
    ) -> None:
        rpath = strip_protocol(rpath)
        bucket, key = split_path(rpath)

        def progress(done: int, total: int | None) -> None:
            if total is not None:
                callback.set_size(total)
            callback.absolute_update(done)

        try:
            # fget_object refuses a local directory in the way before any request.
            await self.client.fget_object(bucket, key, lpath, progress=progress)
        except InvalidArgument:
            if not await asyncio.to_thread(os.path.isdir, lpath):
                raise
            if await self._isdir(rpath):
                return  # a directory, made already
            in_the_way = "a local directory is in the way"
            raise IsADirectoryError(errno.EISDIR, in_the_way, lpath) from None
        except (NoSuchKey, NoSuchBucket) as exc:
            if await self._isdir(rpath):
                await asyncio.to_thread(os.makedirs, lpath, exist_ok=True)
                return
            raise FileNotFoundError(errno.ENOENT, "no such object", rpath) from exc

    async def _modified(self, path: str) -> object:
        info = await self._info(path)
        if info["type"] != "file":
            raise IsADirectoryError(path)
        return info.get("LastModified")

    modified = sync_wrapper(_modified)

    async def _checksum(self, path: str) -> int:
        info = await self._info(path)
        token = f"{info['name']}:{info.get('ETag', '')}:{info['size']}:{info['type']}"
        return int(hashlib.sha256(token.encode()).hexdigest()[:32], 16)

    checksum = sync_wrapper(_checksum)

    async def _sign(self, path: str, expiration: int = 100, **kwargs: object) -> str:
        bucket, key = split_path(path)
        return await self.client.presigned_get_object(bucket, key, timedelta(seconds=expiration))

    sign = sync_wrapper(_sign)

    # -- writing ---------------------------------------------------------------------------

    async def _pipe_file(
        self, path: str, value: bytes, mode: str = "overwrite", **kwargs: object
    ) -> None:
        path = strip_protocol(path)
        bucket, key = split_path(path)
        if not key:
            raise IsADirectoryError(path)
        try:
            with translated(path):
                await self.client.put_object(
                    bucket,
                    key,
                    value,
                    content_type=mimetypes.guess_type(key)[0] or DEFAULT_CONTENT_TYPE,
                    if_none_match="*" if mode == "create" else None,
                )
        except PreconditionFailed as exc:
            raise FileExistsError(errno.EEXIST, "exists", path) from exc
        finally:
            self.invalidate_cache(path)

    async def _touch(self, path: str, truncate: bool = True, **kwargs: object) -> None:
        if truncate or not await self._exists(path):
            await self._pipe_file(path, b"")

    touch = sync_wrapper(_touch)

    async def _put_file(
        self,
        lpath: str,
        rpath: str,
        callback: Callback = DEFAULT_CALLBACK,
        mode: str = "overwrite",
        **kwargs: object,
    ) -> None:
        rpath = strip_protocol(rpath)
        bucket, key = split_path(rpath)
        if not key:
            raise IsADirectoryError(rpath)
        try:
            # One thread job: opened (never waiting on a FIFO planted at the name), sized, and
            # a small file read whole.
            body, size = await load_local(lpath, _READ_WHOLE)
        except IsADirectoryError:
            return  # a directory: nothing to store until a file goes in it
        try:

            def progress(done: int, total: int | None) -> None:
                if total is not None:
                    callback.set_size(total)
                callback.absolute_update(done)

            with translated(rpath):
                await self.client.put_object(
                    bucket,
                    key,
                    body,
                    size,
                    content_type=mimetypes.guess_type(lpath)[0] or DEFAULT_CONTENT_TYPE,
                    progress=progress,
                    if_none_match="*" if mode == "create" else None,
                )
        except PreconditionFailed as exc:
            raise FileExistsError(errno.EEXIST, "exists", rpath) from exc
        finally:
            if not isinstance(body, bytes):
                body.close()
            self.invalidate_cache(rpath)

    async def _cp_file(self, path1: str, path2: str, **kwargs: object) -> None:
        path1, path2 = strip_protocol(path1), strip_protocol(path2)
        b1, k1 = split_path(path1)
        b2, k2 = split_path(path2)
        if not k1:
            not_found(path1)  # a bucket: nothing to copy (its contents go one by one)
        try:
            with translated(path1):
                await self.client.copy_object(b2, k2, b1, k1)
        finally:
            self.invalidate_cache(path2)

    async def _rm_file(self, path: str, **kwargs: object) -> None:
        await self._rm(path)

    async def _rm(
        self,
        path: str | list[str],
        recursive: bool = False,
        maxdepth: int | None = None,
        **kwargs: object,
    ) -> None:
        expanded = [
            strip_protocol(p)
            for p in await self._expand_path(path, recursive=recursive, maxdepth=maxdepth)
        ]
        given = [path] if isinstance(path, str) else list(path)
        above = {a for p in expanded for a in parents_in_bucket(p)}
        dirs = {p for p in expanded if p in above}
        if recursive:
            dirs |= {strip_protocol(p) for p in given if "*" not in p and "?" not in p}
        keys: dict[str, list[str]] = {}
        buckets: list[str] = []
        for p in expanded:
            bucket, key = split_path(p)
            if not key:
                buckets.append(bucket)
                continue
            keys.setdefault(bucket, []).append(key)
        for d in dirs:
            bucket, key = split_path(d)
            if key:
                keys.setdefault(bucket, []).append(key + "/")
        try:
            for bucket, names in keys.items():
                # Deepest first: a server that keeps directories removes an emptied one only
                # after what was in it.
                names.sort(key=lambda k: (-k.count("/"), k))
                with translated(bucket):
                    errors = await self.client.remove_objects(bucket, names)
                failed = [e for e in errors if e.code != "NoSuchKey"]
                if failed:
                    raise OSError(errno.EIO, f"could not remove {failed[0].key}: {failed[0].code}")
                await self._clear_emptied(bucket, [join(bucket, k.rstrip("/")) for k in names])
            if recursive:
                for bucket in buckets:
                    with translated(bucket):
                        await self.client.remove_bucket(bucket)
        finally:
            for p in expanded:
                self.invalidate_cache(p)
            if buckets:
                self.invalidate_cache("")

    async def _clear_emptied(self, bucket: str, removed: list[str]) -> None:
        """Remove the empty directories a removal left above what it removed (SeaweedFS keeps
        them; on S3 nothing is there to remove). A directory that still holds an object keeps
        its marker, and so does everything above it."""
        empty: list[str] = []
        keeping: set[str] = set()
        for candidate in ghost_candidates(removed):
            if candidate in keeping:
                continue
            _, key = split_path(candidate)
            if await self._has_children(bucket, key):
                keeping.update(parents_in_bucket(candidate))
                continue
            empty.append(key + "/")
        if empty:
            await self.client.remove_objects(bucket, empty)

    async def _mkdir(self, path: str, create_parents: bool = True, **kwargs: object) -> None:
        path = strip_protocol(path)
        bucket, key = split_path(path)
        if not bucket:
            raise ValueError("mkdir needs a bucket name")
        region = cast("str | None", kwargs.get("region_name"))
        with translated(bucket):
            exists = await self._bucket_exists(bucket)
        if key:
            if exists:
                return  # a prefix: S3 stores nothing for it
            if not create_parents:
                not_found(bucket)
        elif exists:
            # (us-east-1 answers 200 to creating a bucket one already owns)
            raise FileExistsError(errno.EEXIST, "the bucket exists", bucket)
        try:
            await self.client.make_bucket(bucket, region)
        except (BucketAlreadyOwnedByYou, BucketAlreadyExists) as exc:
            raise FileExistsError(errno.EEXIST, "the bucket exists", bucket) from exc
        finally:
            self.invalidate_cache("")

    async def _makedirs(self, path: str, exist_ok: bool = False) -> None:
        try:
            await self._mkdir(path, create_parents=True)
        except FileExistsError:
            if not exist_ok:
                raise

    async def _rmdir(self, path: str) -> None:
        path = strip_protocol(path)
        bucket, key = split_path(path)
        if key:
            return  # prefixes hold nothing of their own
        self._buckets_seen.discard(bucket)
        try:
            with translated(path):
                await self.client.remove_bucket(bucket)
        except S3Error as exc:
            raise OSError(errno.ENOTEMPTY, exc.code or "cannot remove", path) from exc
        finally:
            self.invalidate_cache("")

    rmdir = sync_wrapper(_rmdir)

    # -- files -----------------------------------------------------------------------------

    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_type: str | None = None,
        cache_options: dict[str, object] | None = None,
        **kwargs: object,
    ) -> AiominioFile:
        return AiominioFile(
            self,
            strip_protocol(path),
            mode,
            block_size=block_size or self.default_block_size,
            autocommit=autocommit,
            cache_type=cache_type or self.default_cache_type,
            cache_options=cache_options,
            **kwargs,  # type: ignore[arg-type]
        )

    async def open_async(
        self, path: str, mode: str = "rb", block_size: int | None = None, **kwargs: object
    ) -> AiominioStreamedFile:
        """An async file: ``async with await fs.open_async("b/k", "wb") as f: await
        f.write(data)``; modes ``"rb"``, ``"wb"``, ``"xb"``."""
        path = strip_protocol(path)
        if mode not in ("rb", "wb", "xb"):
            raise ValueError(f"mode {mode!r} is not supported: 'rb', 'wb' or 'xb'")
        size, etag = None, None
        if mode == "rb":
            info = await self._info(path)
            if info["type"] != "file":
                raise IsADirectoryError(path)
            size, etag = cast(int, info["size"]), cast("str | None", info.get("ETag"))
        elif mode == "xb" and await self._exists(path):
            raise FileExistsError(errno.EEXIST, "exists", path)
        return AiominioStreamedFile(
            self, path, mode, size=size, etag=etag, block_size=block_size or self.default_block_size
        )

    async def _iterate(self, path: str) -> AsyncIterator[bytes]:
        bucket, key = split_path(path)
        async with self.client.get_object(bucket, key) as body:
            async for chunk in body:
                yield chunk
