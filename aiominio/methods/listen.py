"""The client's MinIO extension: listening to a bucket's events as they happen."""

from __future__ import annotations

from collections.abc import Iterable

from aiominio.core.listen import DEFAULT_EVENTS, check_events, check_filter, listen_query
from aiominio.core.validation import check_bucket_name
from aiominio.methods.base import MethodsBase
from aiominio.ops.listen import BucketEventStream


class ListenMethods(MethodsBase):
    """MinIO's ListenBucketNotification (a MinIO extension: S3, SeaweedFS and moto lack it)."""

    def listen_bucket_notification(
        self,
        bucket: str,
        prefix: str = "",
        suffix: str = "",
        events: Iterable[str] = DEFAULT_EVENTS,
    ) -> BucketEventStream:
        """Listen to the bucket's events (objects created and removed, by default) as they
        happen; use the result with ``async with`` and iterate it for
        :class:`~aiominio.BucketEvent` s.

        Example::

            async with client.listen_bucket_notification(
                "photos", prefix="2024/", suffix=".jpg", events=["s3:ObjectCreated:*"]
            ) as stream:
                async for event in stream:
                    print(event.event_name, event.key, event.size)

        No notification target needs configuring. A dropped connection is opened again within
        the retry policy; leaving the block closes it (see :class:`~aiominio.BucketEventStream`).

        Args:
            bucket: the bucket.
            prefix: only keys starting with this.
            suffix: only keys ending with this.
            events: the event names (``s3:ObjectCreated:*``, ``s3:ObjectRemoved:Delete``,
                ``s3:ObjectAccessed:*``, ...; see :mod:`aiominio.notification`).

        Raises:
            TypeError, InvalidArgument: a bad bucket, filter or event name (on the call).
            S3Error: the server does not speak it (on entering the block; SeaweedFS and S3
                answer with an error of their own).
        """
        check_bucket_name(bucket)
        query = listen_query(
            check_filter("prefix", prefix), check_filter("suffix", suffix), check_events(events)
        )
        return BucketEventStream(self.requester, bucket, query)
