"""The client's bucket configuration methods: policy and notifications."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiominio.core.validation import check_bucket_name, check_prefix
from aiominio.errors import InvalidArgument
from aiominio.methods.base import MethodsBase
from aiominio.notification import NotificationConfig
from aiominio.ops import bucketconfig
from aiominio.policy import Policy
from aiominio.policy import parse_document as parse_policy


class BucketConfigMethods(MethodsBase):
    """A bucket's policy (as a document or as canned policies per prefix) and notifications."""

    async def get_bucket_policy_json(self, bucket: str) -> str:
        """The bucket's policy document, as the server returns it.

        Raises:
            NoSuchBucketPolicy: the bucket has no policy.
        """
        check_bucket_name(bucket)
        return await bucketconfig.get_policy_json(self.requester, bucket)

    async def set_bucket_policy_json(self, bucket: str, policy: str | Mapping[str, object]) -> None:
        """Replace the bucket's policy with a document (JSON text or a dict)."""
        check_bucket_name(bucket)
        text = policy if isinstance(policy, str) else json.dumps(policy)
        parse_policy(text)  # a clear error for malformed JSON, before the request
        await bucketconfig.set_policy_json(self.requester, bucket, text=text)

    async def delete_bucket_policy(self, bucket: str) -> None:
        """Remove the bucket's policy (no error when it has none)."""
        check_bucket_name(bucket)
        await bucketconfig.delete_policy(self.requester, bucket)

    async def get_bucket_policy(self, bucket: str, prefix: str = "") -> Policy:
        """The canned anonymous-access policy of the objects under ``prefix``.

        Derived from the statements of the bucket policy that cover ``prefix``: ``Policy.NONE``,
        ``READONLY``, ``WRITEONLY`` or ``READWRITE``.
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        return await bucketconfig.get_policy(self.requester, bucket, prefix=prefix)

    async def set_bucket_policy(self, bucket: str, prefix: str, policy: Policy | str) -> None:
        """Set the canned anonymous-access policy of the objects under ``prefix``.

        The statements for this prefix are merged into the bucket's policy document; statements
        for other prefixes and statements this library did not write are kept. ``Policy.NONE``
        removes this prefix's statements; when nothing is left, the policy is deleted.
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        try:
            wanted = Policy(policy)
        except ValueError:
            raise InvalidArgument(
                f"policy must be one of none, readonly, writeonly, readwrite: {policy!r}"
            ) from None
        await bucketconfig.set_policy(self.requester, bucket, prefix=prefix, policy=wanted)

    async def get_bucket_notification(self, bucket: str) -> NotificationConfig:
        """The bucket's notification configuration (empty when none is set)."""
        check_bucket_name(bucket)
        return await bucketconfig.get_notification(self.requester, bucket)

    async def set_bucket_notification(self, bucket: str, config: NotificationConfig) -> None:
        """Replace the bucket's notification configuration."""
        check_bucket_name(bucket)
        if not isinstance(config, NotificationConfig):
            raise TypeError("config must be a NotificationConfig")
        await bucketconfig.set_notification(self.requester, bucket, config=config)

    async def delete_bucket_notification(self, bucket: str) -> None:
        """Remove every notification of the bucket (sets an empty configuration)."""
        await self.set_bucket_notification(bucket, NotificationConfig())
