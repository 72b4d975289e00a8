"""The client's bucket and listing methods."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiominio.core.objectlock import check_flag
from aiominio.core.validation import (
    MAX_KEYS,
    check_bucket_name,
    check_int,
    check_page_size,
    check_prefix,
    check_region,
)
from aiominio.errors import InvalidArgument
from aiominio.methods.base import MethodsBase
from aiominio.models import Bucket, ObjectInfo, Upload
from aiominio.ops import buckets, listing

#: The most buckets one ListBuckets page may ask for (``max-buckets``).
MAX_BUCKETS_PAGE = 10_000


class BucketMethods(MethodsBase):
    """Create, list, probe and remove buckets; list objects and incomplete uploads."""

    async def make_bucket(
        self, bucket: str, region: str | None = None, *, object_lock: bool = False
    ) -> None:
        """Create a bucket.

        Args:
            bucket: the name, checked against the S3 naming rules before any request.
            region: where to create it; defaults to the client's region, else us-east-1.
                A region other than us-east-1 is sent as the LocationConstraint.
            object_lock: create it with object lock enabled
                (``x-amz-bucket-object-lock-enabled``), which enables versioning too; see
                :meth:`set_object_lock_config`. It cannot be turned on later.

        Raises:
            InvalidArgument: the name or region is invalid, or contradicts the client's region.
            BucketAlreadyOwnedByYou: you already have this bucket.
            BucketAlreadyExists: someone else has a bucket of this name.
        """
        check_bucket_name(bucket)
        if region is not None:
            check_region(region)
        check_flag("object_lock", object_lock)
        await buckets.make_bucket(self.requester, bucket, region=region, object_lock=object_lock)

    async def list_buckets(
        self,
        *,
        prefix: str | None = None,
        max_buckets: int | None = None,
        region: str | None = None,
    ) -> list[Bucket]:
        """List the buckets the credentials own, with their creation dates (and regions, where
        the server names them).

        Args:
            prefix: only buckets whose name starts with this (filtered here too, for servers
                that ignore it).
            max_buckets: buckets per request (1 to 10,000, ``max-buckets``): the listing pages
                with continuation tokens where the server does (AWS S3, SeaweedFS) and all of
                it is returned. Without it, the server decides (AWS S3 then answers in one page).
            region: only the buckets in this region (``bucket-region``, where the server
                supports it).
        """
        if prefix is not None:
            check_prefix(prefix)
        if max_buckets is not None:
            check_int("max_buckets", max_buckets, minimum=1)
            if max_buckets > MAX_BUCKETS_PAGE:
                raise InvalidArgument(f"max_buckets must be at most {MAX_BUCKETS_PAGE:,}")
        if region is not None:
            check_region(region)
        return await buckets.list_buckets(
            self.requester, prefix=prefix, page_size=max_buckets, region=region
        )

    async def bucket_exists(self, bucket: str) -> bool:
        """Whether the bucket exists (and is visible to these credentials).

        Raises:
            AccessDenied: the bucket exists but these credentials may not see it.
        """
        check_bucket_name(bucket)
        return await buckets.bucket_exists(self.requester, bucket)

    async def remove_bucket(self, bucket: str) -> None:
        """Remove an (empty) bucket.

        Raises:
            NoSuchBucket: there is no such bucket.
            BucketNotEmpty: it still holds objects (servers that check).
        """
        check_bucket_name(bucket)
        await buckets.remove_bucket(self.requester, bucket)

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        recursive: bool = False,
        *,
        marker: str | None = None,
        page_size: int = MAX_KEYS,
    ) -> AsyncIterator[ObjectInfo]:
        """List objects lazily (ListObjects v1), paging with markers.

        Non-recursive listings (delimiter ``/``) also yield the common prefixes, in key order with
        the objects, as entries with ``is_dir=True`` whose key is the prefix. Keys come back
        exactly as stored (the listing is requested URL-encoded and decoded).

        Args:
            bucket: the bucket.
            prefix: only keys starting with this.
            recursive: list everything under ``prefix`` instead of one level.
            marker: start after this key.
            page_size: keys per request (1 to 1,000).

        Example::

            async for obj in client.list_objects("photos", "2024/", recursive=True):
                print(obj.key, obj.size)
        """
        return self._list_objects(bucket, prefix, recursive, marker, page_size, v2=False)

    def list_objects_v2(
        self,
        bucket: str,
        prefix: str = "",
        recursive: bool = False,
        *,
        start_after: str | None = None,
        page_size: int = MAX_KEYS,
        fetch_owner: bool = False,
        include_user_meta: bool = False,
    ) -> AsyncIterator[ObjectInfo]:
        """List objects lazily (ListObjects v2), paging with continuation tokens.

        Same entries as :meth:`list_objects`; ``start_after`` starts the listing after that key.

        Args:
            fetch_owner: name each object's :class:`~aiominio.Owner` (``fetch-owner``; where
                the server names none, ``owner`` stays ``None``).
            include_user_meta: fill each object's ``metadata`` and ``content_type`` (and
                ``tags`` where the server sends them), as minio-js
                ``listObjectsV2WithMetadata`` does: MinIO answers them in the listing
                (``metadata=true``); from other servers each object of a page is read with a
                HEAD pinned to its listed ETag, 8 at a time (one request per object). An object
                removed or rewritten meanwhile keeps ``metadata=None``.
        """
        check_flag("fetch_owner", fetch_owner)
        check_flag("include_user_meta", include_user_meta)
        return self._list_objects(
            bucket,
            prefix,
            recursive,
            start_after,
            page_size,
            v2=True,
            fetch_owner=fetch_owner,
            metadata=include_user_meta,
        )

    def _list_objects(
        self,
        bucket: str,
        prefix: str,
        recursive: bool,
        start: str | None,
        page_size: int,
        *,
        v2: bool,
        fetch_owner: bool = False,
        metadata: bool = False,
    ) -> AsyncIterator[ObjectInfo]:
        check_bucket_name(bucket)
        check_prefix(prefix)
        if start is not None:
            check_prefix(start, "start_after" if v2 else "marker")
        check_page_size(page_size)
        return listing.list_objects(
            self.requester,
            bucket,
            prefix=prefix,
            recursive=recursive,
            start=start,
            page_size=page_size,
            v2=v2,
            fetch_owner=fetch_owner,
            metadata=metadata,
        )

    def list_incomplete_uploads(
        self, bucket: str, prefix: str = "", recursive: bool = False
    ) -> AsyncIterator[Upload]:
        """List incomplete multipart uploads lazily.

        Each :class:`Upload` carries ``size``, the sum of the parts uploaded so far.
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        return listing.list_uploads(self.requester, bucket, prefix=prefix, recursive=recursive)
