"""The request pipeline: every request a client sends is a :class:`Request` that goes through
:meth:`Requester.send`.

A requester owns what all requests share: the endpoint and addressing style, the credentials, the
transport (the connection pool), the retry policy, the cache of bucket regions and the count of
retries. One loop signs each attempt afresh, sends it, checks the answer (an error status, an
error document, a 200 that carries an ``<Error>``, a bucket's region named by a wrong-region
answer) and retries what is transient. Buffered answers, streamed answers and a reader resuming a
body that broke off all go through that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import functools
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Concatenate, Literal, ParamSpec, TypeVar, overload

from aiominio.core import signing, xml
from aiominio.core.endpoint import DEFAULT_REGION, AddressingStyle, Endpoint, build_target
from aiominio.core.headers import USER_AGENT
from aiominio.core.retry import RetryPolicy
from aiominio.core.validation import check_headers, check_region
from aiominio.credentials import Credentials, CredentialsProvider, StaticProvider
from aiominio.errors import (
    ClientClosedError,
    ConnectionLostError,
    NoSuchBucket,
    RequestTimeout,
    S3Error,
)
from aiominio.request import Request as Request  # re-exported: callers import it from here
from aiominio.request import RequestFields, check_answer, stream_error
from aiominio.request import Resume as Resume
from aiominio.transport import BaseTransport, Response, StreamingResponse, Timeouts, traced

if TYPE_CHECKING:  # typing.Unpack from Python 3.11 on; telemetry imports OpenTelemetry
    from typing_extensions import Unpack

    from aiominio.telemetry import Telemetry

#: The deadline (``loop.time()``) the requests of the operation being run share, if any (see
#: :meth:`Requester.operation`).
_operation_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "aiominio_operation_deadline", default=None
)


_P = ParamSpec("_P")
_T = TypeVar("_T")


def one_deadline(
    operation: Callable[Concatenate[Requester, _P], Awaitable[_T]],
) -> Callable[Concatenate[Requester, _P], Awaitable[_T]]:
    """An operation function whose requests share one deadline (see
    :meth:`Requester.operation`)."""

    @functools.wraps(operation)
    async def run(req: Requester, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        with req.operation():
            return await operation(req, *args, **kwargs)

    return run


def outside_operation_deadline() -> None:
    """Free the current task from its operation's deadline: for the clean-up an operation
    runs in a task of its own (an abort must go out even when the deadline has passed); each
    of its requests still has ``Timeouts.deadline`` of its own."""
    _operation_deadline.set(None)


#: What :meth:`Requester.close` runs for an operation it interrupts (an abort of what the
#: operation started), with a requester that may still send.
Cleanup = Callable[["Requester"], Awaitable[None]]
_PAST_DEADLINE = "the request did not end within"
#: Limits of the clean-up requests sent while closing (aborts of interrupted uploads).
_CLEANUP_TIMEOUTS = Timeouts(connect=5.0, read=10.0, attempt=10.0, deadline=20.0)
_CLEANUP_RETRY = RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=1.0, max_retry_time=10.0)


class Requester:
    """Signs, sends, checks and retries requests for one client (see the module docstring).

    Args:
        endpoint: the parsed endpoint.
        transport: the connection pool; :meth:`close` closes it.
        credentials: where the keys come from (``None`` from it means anonymous requests).
        style: path or virtual-host addressing (:func:`~aiominio.core.endpoint.build_target`).
        region: the region to sign every request for; ``None`` discovers each bucket's.
        region_guess: without ``region``, where a bucket is first taken to be (the
            environment's region): no lookup is asked; a server's wrong-region error corrects it.
        retry: the retry policy.
        timeouts: timeouts for every request instead of the transport's.
        user_agent: the User-Agent of every request (:func:`aiominio.core.headers.user_agent`).
        telemetry: records a span and metrics of every request (:mod:`aiominio.telemetry`).
    """

    def __init__(
        self,
        *,
        endpoint: Endpoint,
        transport: BaseTransport,
        credentials: CredentialsProvider,
        style: AddressingStyle = "auto",
        region: str | None = None,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        user_agent: str = USER_AGENT,
        region_guess: str | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._user_agent = user_agent
        self._transport = transport
        # A transport written before transports had a clock is measured on the monotonic one.
        self._clock: Callable[[], float] = getattr(transport, "clock", time.monotonic)
        self._credentials = credentials
        # Static credentials never change: kept here, the usual request is signed with no await.
        self._fixed: tuple[Credentials | None] | None = (
            (credentials.credentials,) if type(credentials) is StaticProvider else None
        )
        self._style: AddressingStyle = style
        self._region = region
        self._guess = None if region else region_guess
        self._retry = retry or RetryPolicy()
        self._timeouts = timeouts
        self._bucket_regions: dict[str, str] = {}
        self._region_lookups: dict[str, asyncio.Future[str]] = {}
        self._refused: set[str] = set()
        self._retries = 0
        self._cleanups: dict[int, Cleanup] = {}
        self._telemetry = telemetry

    def with_options(
        self, *, timeouts: Timeouts | None = None, retry: RetryPolicy | None = None
    ) -> Requester:
        """A requester with other timeouts or retry policy, sharing this one's pool, credentials,
        region cache and refused features (its retry count starts from this one's)."""
        clone = copy.copy(self)
        clone._timeouts = self._timeouts if timeouts is None else timeouts
        clone._retry = self._retry if retry is None else retry
        return clone

    @property
    def endpoint(self) -> Endpoint:
        return self._endpoint

    @property
    def style(self) -> AddressingStyle:
        return self._style

    @property
    def region(self) -> str | None:
        """The region every request is signed for, or ``None`` when discovered per bucket."""
        return self._region

    @property
    def default_region(self) -> str | None:
        """The fixed region, else the environment's (new buckets go there), else ``None``."""
        return self._region or self._guess

    @property
    def retries(self) -> int:
        """How many requests were retried (or bodies resumed) so far."""
        return self._retries

    @property
    def closed(self) -> bool:
        return self._transport.closed

    async def close(self) -> None:
        """Close the connection pool (a session passed in by the caller stays open).

        Every request in flight and every body being read ends with
        :class:`~aiominio.ClientClosedError`; then the clean-ups of the operations this cut off
        (see :meth:`on_close`) run on a short-lived pool of their own, each request of them
        within :data:`_CLEANUP_TIMEOUTS`.
        """
        pending = list(self._cleanups.values())
        self._cleanups.clear()
        await self._transport.close()
        if not pending:
            return
        spare = self._transport.spare(_CLEANUP_TIMEOUTS)
        helper = copy.copy(self)
        helper._transport = spare
        helper._timeouts = None
        helper._retry = _CLEANUP_RETRY
        helper._cleanups = {}
        try:
            await asyncio.gather(*(cleanup(helper) for cleanup in pending), return_exceptions=True)
        finally:
            await spare.close()

    def on_close(self, cleanup: Cleanup) -> Callable[[], None]:
        """Have :meth:`close` run ``cleanup`` if it closes the client before the returned
        function is called (an operation calls it when it ends, however it ends).

        Raises:
            ClientClosedError: the client is closed already (the operation cannot go on).
        """
        if self._transport.closed:
            raise ClientClosedError("this client is closed; create a new one")
        token = id(cleanup)
        self._cleanups[token] = cleanup

        def remove() -> None:
            self._cleanups.pop(token, None)

        return remove

    def refused(self, feature: str) -> bool:
        """Whether the server refused ``feature`` before (see :meth:`remember_refused`)."""
        return feature in self._refused

    def remember_refused(self, feature: str) -> None:
        """Remember, for this client and its clones, that the server refuses ``feature`` (a
        name chosen by the operation that tried it), so it is not tried again."""
        self._refused.add(feature)

    def clock(self) -> float:
        """The transport's clock, on which retry time budgets are measured."""
        return self._clock()

    async def credentials(self) -> Credentials | None:
        """The credentials to sign with now (``None``: anonymous)."""
        return await self._credentials.retrieve()

    # -- regions ---------------------------------------------------------------------------

    def remember_region(self, bucket: str, region: str) -> None:
        self._bucket_regions[bucket] = region

    def forget_region(self, bucket: str) -> None:
        self._bucket_regions.pop(bucket, None)

    async def region_for(self, bucket: str | None) -> str:
        """The region to sign a request for ``bucket`` for (asked once, then cached)."""
        if self._region:
            return self._region
        if bucket is None:
            return self._guess or DEFAULT_REGION
        cached = self._bucket_regions.get(bucket)
        if cached or self._guess:
            return cached or self._guess or DEFAULT_REGION
        # One lookup per bucket however many requests want it at once (a thousand concurrent
        # first requests must not send a thousand GetBucketLocation); shielded, so a caller's
        # cancellation does not cancel it for the others.
        lookup = self._region_lookups.get(bucket)
        if lookup is None:
            lookup = asyncio.ensure_future(self._lookup_region(bucket))
            self._region_lookups[bucket] = lookup
            lookup.add_done_callback(functools.partial(self._lookup_done, bucket))
        return await asyncio.shield(lookup)

    def _lookup_done(self, bucket: str, lookup: asyncio.Future[str]) -> None:
        self._region_lookups.pop(bucket, None)
        if not lookup.cancelled():
            lookup.exception()  # retrieved here too: every waiter may have been cancelled

    async def _lookup_region(self, bucket: str) -> str:
        try:
            resp = await self.send(
                Request("GET", bucket, query=(("location", ""),), region=DEFAULT_REGION)
            )
        except S3Error as exc:
            if exc.status in (400, 403, 501) and not isinstance(exc, NoSuchBucket):
                # Anonymous users and some servers may not ask for the location; the default
                # region is the best guess, and a server that names the right one in its
                # wrong-region error gets asked again (see _learn_region).
                return exc.region or DEFAULT_REGION
            raise
        region = xml.parse_location(resp.body)
        self._bucket_regions[bucket] = region
        return region

    def _learn_region(
        self, exc: Exception, bucket: str | None, forced: str | None, corrected: bool
    ) -> bool:
        """Whether ``exc`` names the bucket's region (AuthorizationHeaderMalformed,
        PermanentRedirect, ...) and the region was guessed: then it is cached for next time."""
        if corrected or forced or self._region or bucket is None:
            return False
        if not isinstance(exc, S3Error) or not exc.region:
            return False
        if exc.region == self._bucket_regions.get(bucket, self._guess or DEFAULT_REGION):
            return False
        try:
            check_region(exc.region)
        except ValueError:
            return False
        self._bucket_regions[bucket] = exc.region
        return True

    # -- the pipeline ----------------------------------------------------------------------

    @overload
    async def send(
        self,
        request: Request,
        *,
        stream: Literal[False] = False,
        sent: Callable[[int], None] | None = None,
        retried: list[BaseException] | None = None,
    ) -> Response: ...

    @overload
    async def send(
        self,
        request: Request,
        *,
        stream: Literal[True],
        sent: Callable[[int], None] | None = None,
        retried: list[BaseException] | None = None,
    ) -> StreamingResponse: ...

    async def send(
        self,
        request: Request,
        *,
        stream: bool = False,
        sent: Callable[[int], None] | None = None,
        retried: list[BaseException] | None = None,
    ) -> Response | StreamingResponse:
        """Sign and send ``request``, retrying transient failures; raise the server's error.

        Args:
            request: what to send.
            stream: return as soon as the headers arrived (a :class:`StreamingResponse` the
                caller releases) instead of the whole answer.
            sent: told, as a large body is written, how many of its bytes the current attempt
                has written (each attempt counts from 0 again).
            retried: the failures that were retried are appended to it.
        """
        body = request.body
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("request bodies are buffered bytes, so that they can be retried")
        first_failure: float | None = None
        resume = request.resume
        deadline = self._deadline(resume)
        if resume is not None:
            first_failure = resume.since
            if not self._may_retry(resume.failure, resume.attempt, first_failure):
                raise resume.failure
            await self._pause(resume.attempt, first_failure, deadline, resume.failure)
        attempt, corrected, stale, method = 1, False, 0, request.method
        transport = traced(self._transport)  # itself, unless aiominio.trace logs DEBUG
        observed = self._telemetry and self._telemetry.observe(request, transport)
        transport = observed or transport  # with telemetry, it sees each attempt
        try:
            while True:
                # One attempt. The usual one (a known region, static credentials, no deadline) is
                # signed and its answer checked synchronously: a small request should not pay
                # for coroutines that have nothing to wait for.
                try:
                    signed = self._signed_now(request, deadline)
                    if signed is None:
                        signed = await self._prepare(request, deadline)
                    url, headers, remaining = signed
                    if stream:
                        streamed = await transport.stream(
                            method, url, headers, body, timeouts=self._timeouts, remaining=remaining
                        )
                        if streamed.status < 300:
                            streamed.deadline = deadline
                            return streamed
                        raise await stream_error(request, streamed)
                    resp = await transport.request(
                        method,
                        url,
                        headers,
                        body,
                        timeouts=self._timeouts,
                        sent=sent,
                        remaining=remaining,
                        limit=request.limit,
                        error_limit=xml.ERROR_DOCUMENT_LIMIT,
                    )
                    check_answer(request, resp)
                    return resp
                except Exception as exc:
                    if observed:
                        observed.attempt_failed(exc)
                    if self._learn_region(exc, request.bucket, request.region, corrected):
                        corrected = True
                        continue  # signed for the wrong region: once more, for the right one
                    if (
                        isinstance(exc, ConnectionLostError)
                        and exc.stale_connection
                        and self._retry.max_attempts > 1
                        and stale <= self._transport.max_connections
                    ):
                        # A pooled connection that had been closed: the request never reached
                        # the server. Every idle one may be as stale (a load balancer's idle
                        # timeout): these resends go at once, cost no attempt and end when the
                        # pool is drained. ``max_attempts=1`` turns them off with the others.
                        stale += 1
                        if retried is not None:
                            retried.append(exc)
                        continue
                    if first_failure is None:
                        first_failure = self._clock()
                    if not self._may_retry(exc, attempt, first_failure):
                        raise
                    if retried is not None:
                        retried.append(exc)
                    await self._pause(attempt, first_failure, deadline, exc)
                    attempt += 1
        except BaseException as exc:
            if observed:
                observed.failed(exc)
            raise
        finally:
            if observed:
                observed.done()

    @overload
    async def execute(
        self,
        method: str,
        bucket: str | None,
        key: str | None = None,
        *,
        stream: Literal[False] = False,
        sent: Callable[[int], None] | None = None,
        retried: list[BaseException] | None = None,
        **fields: Unpack[RequestFields],
    ) -> Response: ...

    @overload
    async def execute(
        self,
        method: str,
        bucket: str | None,
        key: str | None = None,
        *,
        stream: Literal[True],
        sent: Callable[[int], None] | None = None,
        retried: list[BaseException] | None = None,
        **fields: Unpack[RequestFields],
    ) -> StreamingResponse: ...

    async def execute(
        self,
        method: str,
        bucket: str | None,
        key: str | None = None,
        *,
        stream: bool = False,
        sent: Callable[[int], None] | None = None,
        retried: list[BaseException] | None = None,
        **fields: Unpack[RequestFields],
    ) -> Response | StreamingResponse:
        """:meth:`send` of ``Request(method, bucket, key, **fields)``: a request this client
        has no method for, in one call (the fields are those of :class:`Request`)."""
        request = Request(method, bucket, key, **fields)
        if stream:
            return await self.send(request, stream=True, sent=sent, retried=retried)
        return await self.send(request, sent=sent, retried=retried)

    def _may_retry(self, exc: BaseException, attempt: int, first_failure: float) -> bool:
        return self._retry.may_retry(exc, attempt, self._clock() - first_failure)

    async def _pause(
        self, attempt: int, first_failure: float, deadline: float | None, failure: BaseException
    ) -> None:
        delay = self._retry.pause(attempt, self._clock() - first_failure)
        if deadline is not None and asyncio.get_running_loop().time() + delay >= deadline:
            if str(failure).startswith(_PAST_DEADLINE):
                raise failure
            raise self._past_deadline(failure)  # the next attempt could not start in time
        self._retries += 1
        await self._transport.sleep(delay)  # close() ends the pause too

    def _deadline(self, resume: Resume | None) -> float | None:
        """When (``loop.time()``) the request must end: the deadline of the body a resume
        continues, else that of the operation it is part of (:meth:`operation`), else
        ``Timeouts.deadline`` from now."""
        if resume is not None and resume.deadline is not None:
            return resume.deadline
        shared = _operation_deadline.get()
        if shared is not None:
            return shared
        seconds = (self._timeouts or self._transport.timeouts).deadline
        if seconds is None:
            return None
        return asyncio.get_running_loop().time() + seconds

    @contextlib.contextmanager
    def operation(self) -> Iterator[None]:
        """Within the block, every request (those of tasks started in it included) shares one
        deadline, ``Timeouts.deadline`` from now: an operation of several requests (a multipart
        upload, a download in ranges) ends by then as a whole. Nested blocks keep the outer
        deadline; without a deadline the block changes nothing."""
        seconds = (self._timeouts or self._transport.timeouts).deadline
        if seconds is None or _operation_deadline.get() is not None:
            yield
            return
        token = _operation_deadline.set(asyncio.get_running_loop().time() + seconds)
        try:
            yield
        finally:
            _operation_deadline.reset(token)

    def _past_deadline(self, failure: BaseException | None) -> RequestTimeout:
        seconds = (self._timeouts or self._transport.timeouts).deadline
        limit = "its deadline" if seconds is None else f"its deadline of {seconds:g} s"
        message = f"{_PAST_DEADLINE} {limit} (Timeouts.deadline)"
        if failure is not None:
            message += f"; the last attempt failed with {type(failure).__name__}: {failure}"
        return RequestTimeout(message)

    def _signed_now(
        self, request: Request, deadline: float | None
    ) -> tuple[str, dict[str, str], float | None] | None:
        """The URL and signed headers of an attempt when nothing needs awaiting (the region
        known, the credentials fixed, no deadline to keep); else ``None``."""
        fixed = self._fixed
        if fixed is None or deadline is not None:
            return None
        region = request.region or self._region
        if region is None:
            bucket = request.bucket
            if bucket is None or (region := self._bucket_regions.get(bucket)) is None:
                return None
        return (*self._sign(request, region, fixed[0]), None)

    async def _prepare(
        self, request: Request, deadline: float | None
    ) -> tuple[str, dict[str, str], float | None]:
        """The URL and signed headers of an attempt once the region and the credentials are
        known (asked for if need be, within the deadline), and the seconds left of it."""
        preparing = self._resolve_and_sign(request)
        if deadline is None:
            return (*await preparing, None)
        # A region lookup or a credentials refresh counts against the deadline too.
        loop = asyncio.get_running_loop()
        remaining = deadline - loop.time()
        if remaining <= 0:
            preparing.close()
            raise self._past_deadline(None)
        try:
            url, headers = await asyncio.wait_for(preparing, remaining)
        except asyncio.TimeoutError:
            if loop.time() < deadline:
                raise  # a timeout of the preparation's own (a credentials request)
            raise self._past_deadline(None) from None
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise self._past_deadline(None)
        return url, headers, remaining

    async def _resolve_and_sign(self, request: Request) -> tuple[str, dict[str, str]]:
        region = request.region or self._region
        if region is None:
            region = await self.region_for(request.bucket)
        fixed = self._fixed
        creds = fixed[0] if fixed is not None else await self._credentials.retrieve()
        return self._sign(request, region, creds)

    def _sign(
        self, request: Request, region: str, creds: Credentials | None
    ) -> tuple[str, dict[str, str]]:
        """The URL and the signed headers of one attempt."""
        # The first seven fields, in their declared order, at once.
        method, bucket, key, query, headers, body, payload_hash = request[:7]
        target = build_target(self._endpoint, bucket, key, query, style=self._style, region=region)
        all_headers = {"Host": target.host}
        if headers:
            all_headers.update(headers)
        # The last safety net: a value no argument check caught (one copied from an answer,
        # say) is refused here, typed, rather than by aiohttp with a bare ValueError or sent
        # as raw UTF-8. Checked before signing, so no message can hold a signature.
        check_headers(all_headers)
        if creds is not None:
            if payload_hash is None:
                payload_hash = (
                    signing.EMPTY_SHA256 if body is None else hashlib.sha256(body).hexdigest()
                )
            signing.sign_canonical(
                method,
                target.uri,
                target.canonical_query,
                all_headers,
                payload_hash=payload_hash,
                credentials=creds,
                region=region,
                now=datetime.now(timezone.utc),
            )
        # Unsigned, as in botocore: proxies may rewrite it.
        all_headers["User-Agent"] = self._user_agent
        return target.url, all_headers
