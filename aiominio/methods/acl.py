"""The client's object ACL and archive methods: a canned ACL read and set, an archived object
restored."""

from __future__ import annotations

from aiominio.core.acl import check_canned_acl, check_restore
from aiominio.core.conditions import check_version_id
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import ObjectAcl
from aiominio.ops import acl as ops


class AclMethods(MethodsBase):
    """Read and set an object's ACL; restore an archived object."""

    async def get_object_acl(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> ObjectAcl:
        """The object's ACL (GetObjectAcl): its owner, its grants and the canned ACL they amount
        to (``acl.canned``, ``None`` when the grants are not exactly a canned one).

        Raises:
            NoSuchKey: there is no such object (or version).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        return await ops.get_object_acl(self.requester, bucket, key, version_id=version_id)

    async def set_object_acl(
        self, bucket: str, key: str, acl: str, *, version_id: str | None = None
    ) -> None:
        """Replace the object's ACL with a canned one (PutObjectAcl, ``x-amz-acl``):
        ``private``, ``public-read``, ``public-read-write``, ``authenticated-read``,
        ``aws-exec-read``, ``bucket-owner-read`` or ``bucket-owner-full-control``.

        A bucket whose object ownership is ``BucketOwnerEnforced`` (the AWS default since
        2023) refuses ACLs: ``AccessControlListNotSupported``.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_canned_acl(acl)
        check_version_id(version_id)
        await ops.set_object_acl(self.requester, bucket, key, acl=acl, version_id=version_id)

    async def restore_object(
        self,
        bucket: str,
        key: str,
        *,
        days: int | None = 1,
        tier: str | None = None,
        version_id: str | None = None,
    ) -> bool:
        """Restore an archived object (``GLACIER``, ``DEEP_ARCHIVE``, ...) for ``days`` days
        (RestoreObject). The restore runs on the server, for minutes to hours by ``tier``
        (``Expedited``, ``Standard``, ``Bulk``; the server's default when ``None``): follow
        it with :meth:`stat_object`, whose ``restore`` tells whether it is ``ongoing`` and
        when the copy ``expiry`` comes. ``days=None`` sends no days, as S3 Intelligent-Tiering's
        archive tiers require (their objects move back rather than being copied).

        Returns:
            True when a restore started, False when the object was restored already (its
            copy is then kept for ``days`` from now).

        Raises:
            S3Error: code ``InvalidObjectState`` for an object that is not archived (nothing
                to restore), ``RestoreAlreadyInProgress`` while a restore is under way.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        days, tier = check_restore(days, tier)
        check_version_id(version_id)
        return await ops.restore_object(
            self.requester, bucket, key, days=days, tier=tier, version_id=version_id
        )
