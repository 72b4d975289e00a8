"""The client's object removals: one object or version, many in batches, and the incomplete
multipart uploads of a key."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable

from aiominio.core.conditions import check_version_id, write_conditions
from aiominio.core.objectlock import check_flag
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import DeleteError
from aiominio.ops import objects
from aiominio.ops.objects import ToDelete
from aiominio.transfer import multipart


class RemovalMethods(MethodsBase):
    """Remove objects, versions and incomplete uploads."""

    async def remove_object(
        self,
        bucket: str,
        key: str,
        *,
        version_id: str | None = None,
        bypass_governance: bool = False,
        if_match: str | None = None,
    ) -> None:
        """Remove an object. Removing a key that does not exist is not an error (S3 semantics).

        ``if_match=etag`` removes it only while it still has that ETag, else
        :class:`~aiominio.PreconditionFailed` (``If-Match``, where the server supports it: AWS
        S3 since 2024; S3 answers a missing key with success here too).

        In a versioned bucket, removing without ``version_id`` adds a delete marker (the versions
        stay, see :meth:`list_object_versions`); with ``version_id`` that version (or delete
        marker) is removed for good. A version under a ``GOVERNANCE`` retention can be removed
        only with ``bypass_governance=True`` (and the permission for it); one under a
        ``COMPLIANCE`` retention or a legal hold cannot be (``AccessDenied``).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        check_flag("bypass_governance", bypass_governance)
        conditions = write_conditions(if_match=if_match)
        await objects.remove_object(
            self.requester,
            bucket,
            key,
            version_id=version_id,
            bypass_governance=bypass_governance,
            conditions=conditions,
        )

    async def remove_objects(
        self, bucket: str, keys: Iterable[ToDelete] | AsyncIterable[ToDelete]
    ) -> list[DeleteError]:
        """Remove many objects with multi-object deletes of up to 1,000 keys per request.

        Returns the keys the server could not delete, each with its error code and message (an
        empty list when all went). Keys may come from an iterable or an async iterable (such as
        :meth:`list_objects`... ``(o.key async for o in client.list_objects(b, recursive=True))``).
        Each item is a key (its latest version), a ``(key, version_id)`` pair or an
        :class:`~aiominio.ObjectVersion` from :meth:`list_object_versions` (that version or
        delete marker). Each is checked as it comes, so a bad one fails the call after the
        batches before it.
        """
        check_bucket_name(bucket)
        return await objects.remove_objects(self.requester, bucket, keys=keys)

    async def remove_incomplete_upload(self, bucket: str, key: str) -> None:
        """Abort every incomplete multipart upload of ``key`` (its parts are deleted)."""
        check_bucket_name(bucket)
        check_object_key(key)
        await multipart.remove_incomplete_upload(self.requester, bucket, key)
