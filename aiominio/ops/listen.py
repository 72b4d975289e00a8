"""MinIO's ListenBucketNotification: :class:`BucketEventStream`, events as they happen."""

from __future__ import annotations

from types import TracebackType

from aiominio.core.listen import BucketEvent, EventLineDecoder, Query
from aiominio.errors import ConnectionLostError, TransportError
from aiominio.request import Request, Resume
from aiominio.requester import Requester
from aiominio.transport import StreamingResponse


class BucketEventStream:
    """The events of a bucket as MinIO reports them; use it as an async context manager and
    iterate it::

        async with client.listen_bucket_notification("photos", suffix=".jpg") as events:
            async for event in events:
                print(event.event_name, event.key)

    The stream has no end: leave it with ``break`` (or by cancelling the task). Leaving the
    ``async with`` block, or :meth:`aclose`, closes the connection. A connection that drops
    (or a body that ends) is opened again within the client's retry policy; the budget starts
    afresh once an event arrives on the new connection. Events that happened while it was
    down are not replayed (MinIO does not keep them). A line that is not JSON raises
    :class:`~aiominio.InvalidResponseError` (no reconnection: the server speaks something else).
    """

    def __init__(self, requester: Requester, bucket: str, query: Query) -> None:
        self._requester = requester
        self.bucket = bucket
        self._query = query
        self._resp: StreamingResponse | None = None
        self._decoder = EventLineDecoder()
        self._pending: list[BucketEvent] = []
        self._closed = False
        self._drops = 0
        self._first_drop: float | None = None
        #: How many times the stream was opened again after it dropped.
        self.reconnects = 0

    async def _open(self, resume: Resume | None = None) -> None:
        self._decoder = EventLineDecoder()  # a partial line of a dropped connection is lost
        self._resp = await self._requester.send(
            Request("GET", self.bucket, query=self._query, resume=resume), stream=True
        )

    async def __aenter__(self) -> BucketEventStream:
        if self._resp is not None or self._closed:
            raise RuntimeError("this event stream is already open")
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection; the stream ends."""
        self._closed = True
        if self._resp is not None:
            self._resp.release()
            self._resp = None

    def __aiter__(self) -> BucketEventStream:
        return self

    async def __anext__(self) -> BucketEvent:
        if self._closed:
            raise StopAsyncIteration
        try:
            if self._resp is None:
                await self._open()
            while not self._pending:
                self._pending.extend(await self._read())
        except BaseException:
            await self.aclose()
            raise
        # An event arrived: the connection works, so a later drop gets a fresh budget.
        self._drops = 0
        self._first_drop = None
        return self._pending.pop(0)

    async def _read(self) -> list[BucketEvent]:
        assert self._resp is not None
        self._decoder.raise_error()
        try:
            data = await self._resp.read_any()
            if not data:
                raise ConnectionLostError("the notification stream ended")
        except TransportError as exc:
            await self._reconnect(exc)
            return []
        return self._decoder.feed(data)

    async def _reconnect(self, failure: TransportError) -> None:
        if self._resp is not None:
            self._resp.release()
            self._resp = None
        self._drops += 1
        if self._first_drop is None:
            self._first_drop = self._requester.clock()
        await self._open(Resume(failure, self._drops, self._first_drop))
        self.reconnects += 1
