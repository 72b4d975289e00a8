"""A user's program, checked with ``mypy --strict`` by tests/integration/test_user_types.py.

Never run.

It calls every public method of :class:`aiominio.Client` and the public helpers with correct
types and states what each returns through annotated assignments: if a signature loses a
precise type (an ``Any``, a wrong result type), mypy --strict rejects this file.
"""

from __future__ import annotations

import io
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiofiles

import aiominio
from aiominio import (
    Bucket,
    Client,
    ComposeSource,
    CopyResult,
    CorsConfig,
    CorsRule,
    Credentials,
    DeleteError,
    EnvironmentProvider,
    Expiration,
    LifecycleConfig,
    LifecycleFilter,
    LifecycleRule,
    NoSuchKey,
    NotificationConfig,
    ObjectAttributes,
    ObjectInfo,
    ObjectReader,
    ObjectStat,
    ObjectVersion,
    Policy,
    PostPolicy,
    PutResult,
    QueueConfig,
    ReplicationConfig,
    ReplicationRule,
    RetryPolicy,
    S3Error,
    S3Prefix,
    SseConfig,
    SseCustomerKey,
    SseKms,
    SseS3,
    StaticProvider,
    Timeouts,
    TreeProgress,
    TreeResult,
    Upload,
    Versioning,
    new_arn,
)
from aiominio.credentials import AssumeRoleProvider, CredentialsProvider, FetchResponse
from aiominio.presign import expiry_seconds, presign_post_policy, presign_url
from aiominio.testing import LocalServer, moto, seaweedfs
from aiominio.transfer.sources import AsyncReadable, Data, Progress


class ReadOnlyFile:
    """An async reader of the user's own: ``read`` is all :class:`AsyncReadable` asks."""

    async def read(self, size: int, /) -> bytes:
        return b""


async def chunks() -> AsyncIterator[bytes]:
    yield b"part one"
    yield b"part two"


def report(done: int, total: int | None) -> None:
    print(done, total)


async def report_async(done: int, total: int | None) -> None:
    print(done, total)


class Bar:
    """A progress bar whose ``update`` returns something, as tqdm's does."""

    def update(self, n: int) -> bool | None:
        return None


class Answer:
    status = 200
    body = b""


async def fake_fetch(
    method: str,
    url: str,
    /,
    *,
    headers: object = None,
    body: bytes | None = None,
    timeout: float = 5.0,
) -> FetchResponse:
    return Answer()


async def objects(client: Client, bucket: str, tmp: Path) -> None:
    put: PutResult = await client.put_object(bucket, "a.txt", b"bytes", content_type="text/plain")
    put = await client.put_object(bucket, "b", bytearray(b"x"), metadata={"k": "v"})
    put = await client.put_object(bucket, "c", memoryview(b"x"), tags={"t": "1"})
    put = await client.put_object(bucket, "d", "text, sent as UTF-8", progress=report)
    put = await client.put_object(bucket, "e", io.BytesIO(b"sync file"), 9, progress=report_async)
    put = await client.put_object(bucket, "f", chunks(), part_size=5 * 1024 * 1024, concurrency=2)
    put = await client.put_object(bucket, "g", ReadOnlyFile(), 0, sse=SseS3())
    async with aiofiles.open(tmp / "local", "rb") as f:
        put = await client.put_object(bucket, "h", f, if_none_match="*")
    body: Data = b"any upload source"
    put = await client.put_object(bucket, "i", body, expires=datetime.now(timezone.utc))
    readable: AsyncReadable = ReadOnlyFile()
    progress: Progress = report
    put = await client.put_object(bucket, "j", readable, 0, progress=progress)
    bar = Bar()  # a callback's result is ignored: a bar's update that returns one fits
    put = await client.put_object(bucket, "l", b"x", progress=lambda done, total: bar.update(done))
    etag: str = put.etag
    version: str | None = put.version_id

    put = await client.fput_object(bucket, "k", tmp / "local", "text/plain", progress=report)
    stat: ObjectStat = await client.fget_object(bucket, "k", str(tmp / "copy"), verify=True)
    stat = await client.fget_object(
        bucket, "k", str(tmp / "copy"), concurrency=8, part_size=16 * 1024 * 1024, progress=report
    )
    stat = await client.stat_object(bucket, "k", if_none_match=etag)
    size: int = stat.size
    modified: datetime | None = stat.last_modified
    metadata: dict[str, str] = stat.metadata

    reader: ObjectReader
    async with client.get_object(bucket, "k", version_id=version) as reader:
        data: bytes = await reader.read()
        head: bytes = await reader.read(10)
        async for chunk in reader:
            more: bytes = chunk
        streamed: ObjectStat = reader.stat
    async with client.get_partial_object(bucket, "k", 2, 5) as reader:
        data = await reader.read()

    key = SseCustomerKey(b"k" * 32)
    put = await client.put_object(bucket, "secret", b"x", sse=key)
    async with client.get_object(bucket, "secret", sse=key) as reader:
        data = await reader.read()
    put = await client.put_object(bucket, "kms", b"x", sse=SseKms("key-id", {"a": "b"}))

    copied: CopyResult = await client.copy_object(
        bucket, "copy", bucket, "a.txt", metadata={"k": "v"}, source_if_match=etag
    )
    copied = await client.compose_object(
        bucket, "whole", [ComposeSource(bucket, "a.txt"), ComposeSource(bucket, "b", offset=0)]
    )
    attributes: ObjectAttributes = await client.get_object_attributes(bucket, "whole")

    await client.set_object_tags(bucket, "a.txt", {"team": "data"})
    tags: dict[str, str] = await client.get_object_tags(bucket, "a.txt")
    await client.delete_object_tags(bucket, "a.txt")

    info: ObjectInfo
    async for info in client.list_objects(bucket, "prefix/", recursive=True):
        name: str = info.key
    async for info in client.list_objects_v2(bucket, start_after="a"):
        name = info.key
    listed: list[ObjectInfo] = [o async for o in client.list_objects(bucket)]
    versions: list[ObjectVersion] = [v async for v in client.list_object_versions(bucket)]
    uploads: list[Upload] = [u async for u in client.list_incomplete_uploads(bucket)]
    await client.remove_incomplete_upload(bucket, "f")

    await client.remove_object(bucket, "a.txt", version_id=None)
    errors: list[DeleteError] = await client.remove_objects(
        bucket, ["b", ("c", None), *versions, *(o.key for o in listed)]
    )

    try:
        await client.stat_object(bucket, "gone")
    except NoSuchKey as exc:
        code: str = exc.code
        status: int = exc.status
    except S3Error as exc:
        request_id: str | None = exc.request_id
    made: S3Error = S3Error.from_code("NoSuchKey", "gone", status=404, bucket=bucket, key="k")

    print(size, modified, metadata, data, head, more, streamed, copied, attributes, tags, name)
    print(uploads, errors, made)


async def parts_acls_and_restores(client: Client, bucket: str) -> None:
    upload_id: str = await client.initiate_new_multipart_upload(bucket, "big", content_type="a/b")
    first: aiominio.Part = await client.upload_part(bucket, "big", upload_id, 1, b"x" * 5)
    url: str = await client.presigned_upload_part_url(bucket, "big", upload_id, 2, 3600)
    listed: list[aiominio.Part] = [p async for p in client.list_parts(bucket, "big", upload_id)]
    done: PutResult = await client.complete_multipart_upload(
        bucket, "big", upload_id, [first, (2, "etag")]
    )
    await client.abort_multipart_upload(bucket, "big", upload_id)
    checked: PutResult = await client.put_object(bucket, "c", b"x", checksum="CRC64NVME")
    stored: aiominio.Checksum | None = checked.checksum

    acl: aiominio.ObjectAcl = await client.get_object_acl(bucket, "big")
    canned: str | None = acl.canned
    grantees: list[aiominio.Grantee] = [g.grantee for g in acl.grants]
    await client.set_object_acl(bucket, "big", "public-read")
    started: bool = await client.restore_object(bucket, "cold", days=2, tier="Bulk")
    restore: aiominio.RestoreStatus | None = (await client.stat_object(bucket, "cold")).restore

    buckets: list[Bucket] = await client.list_buckets(prefix="a", max_buckets=10)
    owners = [o.owner async for o in client.list_objects_v2(bucket, fetch_owner=True)]
    metadata = [o.metadata async for o in client.list_objects_v2(bucket, include_user_meta=True)]
    print(url, listed, done, stored, canned, grantees, started, restore, buckets, owners, metadata)


async def directories(client: Client, bucket: str, tmp: Path) -> None:
    def bar(p: TreeProgress) -> None:
        print(p.files_done, p.files_total, p.bytes_done, p.bytes_total, p.item.relative)

    up: TreeResult = await client.upload_dir(bucket, "t", tmp, exclude="*.tmp", progress=bar)
    down: TreeResult = await client.download_dir(
        bucket, "t/", str(tmp / "back"), include=["**/*.txt"], concurrency=16, resume=False
    )
    synced: TreeResult = await client.sync(
        tmp, S3Prefix(bucket, "m"), delete=True, dry_run=True, compare="size"
    )
    synced = await client.sync(f"s3://{bucket}/m", tmp / "back", progress=bar)
    failed: list[Exception] = [f.error for f in synced.failed]
    moved: int = sum(i.size for i in up.uploaded + down.downloaded) + synced.bytes_transferred
    parts: list[bytes] = await client.get_ranges(bucket, "k", [(0, 4), (10, 20)], coalesce=0)
    print(failed, moved, parts, synced.ok, synced.deleted, synced.skipped, synced.ignored)


async def buckets(client: Client, bucket: str) -> None:
    await client.make_bucket(bucket, "us-east-1")
    exists: bool = await client.bucket_exists(bucket)
    all_buckets: list[Bucket] = await client.list_buckets()
    created: datetime | None = all_buckets[0].creation_date

    await client.set_bucket_versioning(bucket, Versioning.ENABLED)
    state: Versioning = await client.get_bucket_versioning(bucket)

    await client.set_bucket_tags(bucket, {"env": "test"})
    tags: dict[str, str] = await client.get_bucket_tags(bucket)
    await client.delete_bucket_tags(bucket)

    await client.set_bucket_policy(bucket, "public/", Policy.READONLY)
    await client.set_bucket_policy(bucket, "", "readwrite")
    policy: Policy = await client.get_bucket_policy(bucket, "public/")
    document: str = await client.get_bucket_policy_json(bucket)
    await client.set_bucket_policy_json(bucket, document)
    await client.set_bucket_policy_json(
        bucket, {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}
    )
    await client.delete_bucket_policy(bucket)

    config = NotificationConfig()
    queue = QueueConfig(new_arn("aws", "sqs", "us-east-1", "1", "queue"), id="q")
    queue.add_event(aiominio.ObjectCreatedAll)
    queue.add_filter_prefix("photos/")
    config.add(queue)
    await client.set_bucket_notification(bucket, config)
    read_back: NotificationConfig = await client.get_bucket_notification(bucket)
    xml: bytes = read_back.to_xml()
    await client.delete_bucket_notification(bucket)

    rule = LifecycleRule(
        id="logs",
        filter=LifecycleFilter(prefix="logs/"),
        expiration=Expiration(days=30),
        abort_incomplete_multipart_upload_days=7,
    )
    await client.set_bucket_lifecycle(bucket, LifecycleConfig(rules=[rule]))
    lifecycle: LifecycleConfig | None = await client.get_bucket_lifecycle(bucket)
    await client.delete_bucket_lifecycle(bucket)
    await client.set_bucket_encryption(bucket, SseConfig.sse_s3())
    encryption: SseConfig | None = await client.get_bucket_encryption(bucket)
    await client.delete_bucket_encryption(bucket)
    cors_rule = CorsRule(allowed_methods=["GET", "PUT"], allowed_origins=["https://example.com"])
    await client.set_bucket_cors(bucket, CorsConfig(rules=[cors_rule]))
    cors: CorsConfig | None = await client.get_bucket_cors(bucket)
    await client.delete_bucket_cors(bucket)
    replication = ReplicationConfig(
        role="arn:aws:iam::123456789012:role/replication",
        rules=[ReplicationRule(destination_bucket="arn:aws:s3:::backup")],
    )
    await client.set_bucket_replication(bucket, replication)
    replicated: ReplicationConfig | None = await client.get_bucket_replication(bucket)
    await client.delete_bucket_replication(bucket)

    await client.remove_bucket(bucket)
    print(exists, created, state, tags, policy, xml, lifecycle, encryption, cors, replicated)


async def locks_select_and_events(client: Client, bucket: str, path: Path) -> None:
    await client.make_bucket(bucket, object_lock=True)
    await client.set_object_lock_config(
        bucket, aiominio.ObjectLockConfig(aiominio.RetentionMode.GOVERNANCE, days=1)
    )
    lock: aiominio.ObjectLockConfig = await client.get_object_lock_config(bucket)
    until = datetime.now(timezone.utc) + timedelta(days=1)
    retention = aiominio.Retention(aiominio.RetentionMode.COMPLIANCE, until)
    put: PutResult = await client.put_object(
        bucket, "k", b"x", retention=retention, legal_hold=True
    )
    await client.fput_object(bucket, "f", path, retention=retention, legal_hold=False)
    await client.set_object_retention(
        bucket, "k", retention, version_id=put.version_id, bypass_governance=True
    )
    kept: aiominio.Retention | None = await client.get_object_retention(bucket, "k")
    await client.clear_object_retention(bucket, "k", version_id=put.version_id)
    await client.enable_object_legal_hold(bucket, "k", version_id=put.version_id)
    await client.disable_object_legal_hold(bucket, "k")
    held: bool = await client.is_object_legal_hold_enabled(bucket, "k")
    await client.remove_object(bucket, "k", version_id=put.version_id, bypass_governance=True)

    request = aiominio.SelectRequest(
        "SELECT * FROM S3Object",
        aiominio.CSVInput(file_header_info="USE", compression="GZIP"),
        aiominio.JSONOutput(),
        request_progress=True,
    )
    async with client.select_object_content(bucket, "k.csv", request) as result:
        chunks: list[bytes] = [chunk async for chunk in result]
    stats: aiominio.SelectStats | None = result.stats

    async with client.listen_bucket_notification(
        bucket, prefix="p/", events=["s3:ObjectCreated:*"]
    ) as events:
        async for event in events:
            name: str = event.event_name
            size: int | None = event.size
            print(name, size)
            break
    print(lock, kept, held, chunks, stats)


async def presigning(client: Client, bucket: str) -> None:
    get_url: str = await client.presigned_get_object(
        bucket, "k", timedelta(hours=1), response_headers={"response-content-type": "text/plain"}
    )
    put_url: str = await client.presigned_put_object(bucket, "k", 3600, storage_class="STANDARD")
    any_url: str = await client.presigned_url("DELETE", bucket, "k", query={"versionId": "1"})

    post: PostPolicy = client.new_post_policy()
    post = post.set_bucket(bucket).set_key_starts_with("user-42/")
    post.set_expires(datetime.now(timezone.utc) + timedelta(hours=1))
    post.set_content_length_range(1, 10 * 1024 * 1024)
    form_url, fields = await client.presigned_post_policy(post)
    form: dict[str, str] = fields

    creds = Credentials("AKIDEXAMPLE", "secret")
    url: str = presign_url(
        "GET", "https://s3.example.com", bucket, "k", credentials=creds, region="us-east-1"
    )
    pure_url, pure_fields = presign_post_policy(
        post, "https://s3.example.com", credentials=creds, region="us-east-1"
    )
    seconds: int = expiry_seconds(timedelta(minutes=5))
    print(get_url, put_url, any_url, form_url, form, url, pure_url, pure_fields, seconds)


async def lifecycle(server: LocalServer) -> None:
    client: Client = server.client(
        region="us-east-1",
        timeouts=Timeouts(connect=5, read=30),
        retry=RetryPolicy(max_attempts=3),
        max_connections=8,
        integrity="md5",
        addressing_style="path",
        ssl_context=ssl.create_default_context(),
    )
    async with client:
        fast: Client = client.with_options(timeouts=Timeouts(deadline=5))
        retried: int = fast.retries
        closed: bool = client.closed
        threshold: int = client.multipart_threshold
        print(retried, closed, threshold)

    anonymous = server.client(credentials=StaticProvider(None))
    await anonymous.close()
    provider: CredentialsProvider = EnvironmentProvider({"AWS_ACCESS_KEY_ID": "a"})
    async with Client("localhost:9000", credentials=provider, secure=False) as other:
        await other.bucket_exists("b")
    async with Client(
        "https://s3.amazonaws.com", access_key="a", secret_key="s", region="eu-west-1"
    ) as amazon:
        await amazon.list_buckets()
    async with Client(app_info=("photo-sync", "2.3")) as configured:  # the environment's
        await configured.list_buckets()
    sts = AssumeRoleProvider(
        "https://sts.example.com", StaticProvider(Credentials("a", "s")), "arn:x", fetch=fake_fetch
    )
    print(sts)


def servers() -> Iterator[LocalServer]:
    with seaweedfs(port=9000, data_dir="/tmp/s3-data", access_key="k", secret_key="s") as weed:
        endpoint: str = weed.endpoint
        yield weed
    with moto() as fake:
        checks: bool = fake.checks_signatures
        yield fake
    print(endpoint, checks)
