"""S3 Select: :class:`SelectResult`, the records of a SelectObjectContent as they stream."""

from __future__ import annotations

from types import TracebackType

from aiominio.core.select import SelectParser, SelectRequest, SelectStats, build_select
from aiominio.request import Request
from aiominio.requester import Requester
from aiominio.transport import StreamingResponse

_SELECT = (("select", ""), ("select-type", "2"))


class SelectResult:
    """The records of an S3 Select, as chunks of bytes; use it as an async context manager.

    Example::

        async with client.select_object_content("b", "people.csv", request) as result:
            async for chunk in result:
                sink.write(chunk)
        print(result.stats.bytes_scanned, result.stats.bytes_returned)

    Chunks are cut where the server cut its ``Records`` events, not at record boundaries.
    ``stats`` is set once the answer is complete (the ``Stats`` event); ``progress`` holds the
    latest ``Progress`` event when ``request_progress`` was asked for. A corrupted answer or
    one that ends before its ``End`` event raises :class:`~aiominio.InvalidResponseError`, an
    error event an :class:`~aiominio.S3Error` of its code. Leaving the ``async with`` block
    releases the connection, also when the records were not read to the end. Iterating without
    ``async with`` opens the request on the first chunk and releases it at the end (or error).
    The request is retried like any other until its answer starts; a body that breaks off
    after that is not resumed (a select cannot be asked to start from the middle).
    """

    def __init__(self, requester: Requester, bucket: str, key: str, request: SelectRequest) -> None:
        self._requester = requester
        self.bucket = bucket
        self.key = key
        self._body = build_select(request)
        self._parser = SelectParser(bucket=bucket, key=key)
        self._resp: StreamingResponse | None = None
        self._pending: list[bytes] = []
        self._done = False

    @property
    def stats(self) -> SelectStats | None:
        """Bytes scanned, processed and returned, once the answer is complete."""
        return self._parser.stats

    @property
    def progress(self) -> SelectStats | None:
        """The latest progress event (``request_progress=True``), if any arrived."""
        return self._parser.progress

    async def _open(self) -> None:
        if self._resp is not None or self._done:
            raise RuntimeError("this select result is already open")
        headers = {"Content-Type": "application/xml"}
        self._resp = await self._requester.send(
            Request("POST", self.bucket, self.key, query=_SELECT, headers=headers, body=self._body),
            stream=True,
        )

    async def __aenter__(self) -> SelectResult:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._release()

    def _release(self) -> None:
        self._done = True
        if self._resp is not None:
            self._resp.release()
            self._resp = None

    def __aiter__(self) -> SelectResult:
        return self

    async def __anext__(self) -> bytes:
        if self._resp is None and not self._done:
            await self._open()
        try:
            while not self._pending:
                self._parser.raise_error()
                if self._resp is None:
                    raise StopAsyncIteration
                data = await self._resp.read_any()
                if not data:
                    self._parser.close()
                    self._release()
                    raise StopAsyncIteration
                self._pending.extend(self._parser.feed(data))
        except BaseException:
            self._release()
            raise
        return self._pending.pop(0)
