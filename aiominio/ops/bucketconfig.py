"""Bucket configuration: the policy (as a document, or as canned policies per prefix) and the
notification configuration."""

from __future__ import annotations

import contextlib

from aiominio.errors import InvalidArgument, InvalidResponseError, NoSuchBucketPolicy
from aiominio.notification import NotificationConfig
from aiominio.policy import Policy, PolicyDocument, apply_policy, derive_policy
from aiominio.policy import dump_document as dump_policy
from aiominio.policy import parse_document as parse_policy
from aiominio.request import Query, Request
from aiominio.requester import Requester

_POLICY: Query = (("policy", ""),)
_NOTIFICATION: Query = (("notification", ""),)


async def get_policy_json(req: Requester, bucket: str) -> str:
    """GetBucketPolicy, the document as the server returns it."""
    resp = await req.send(Request("GET", bucket, query=_POLICY))
    try:
        return resp.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidResponseError(f"the bucket policy is not UTF-8 ({exc})") from None


async def _put_document(
    req: Requester, bucket: str, *, query: Query, content_type: str, body: bytes
) -> None:
    await req.send(
        Request("PUT", bucket, query=query, headers={"Content-Type": content_type}, body=body)
    )


async def set_policy_json(req: Requester, bucket: str, *, text: str) -> None:
    """PutBucketPolicy with a JSON document."""
    await _put_document(
        req, bucket, query=_POLICY, content_type="application/json", body=text.encode("utf-8")
    )


async def delete_policy(req: Requester, bucket: str) -> None:
    """DeleteBucketPolicy; a bucket without a policy is no error (AWS answers 204 for it,
    SeaweedFS NoSuchBucketPolicy)."""
    with contextlib.suppress(NoSuchBucketPolicy):
        await req.send(Request("DELETE", bucket, query=_POLICY))


async def _policy_document(req: Requester, bucket: str) -> PolicyDocument:
    try:
        text = await get_policy_json(req, bucket)
    except NoSuchBucketPolicy:
        text = ""
    try:
        return parse_policy(text)
    except InvalidArgument as exc:  # the server's document, not the caller's argument
        raise InvalidResponseError(str(exc)) from None


async def get_policy(req: Requester, bucket: str, *, prefix: str) -> Policy:
    """The canned policy of the objects under ``prefix``, derived from the bucket policy."""
    return derive_policy(await _policy_document(req, bucket), bucket, prefix)


async def set_policy(req: Requester, bucket: str, *, prefix: str, policy: Policy) -> None:
    """Merge the statements of a canned policy for ``prefix`` into the bucket policy (deleting
    the policy when no statement is left)."""
    document = apply_policy(await _policy_document(req, bucket), bucket, prefix, policy)
    if document["Statement"]:
        await set_policy_json(req, bucket, text=dump_policy(document))
    else:
        await delete_policy(req, bucket)


async def get_notification(req: Requester, bucket: str) -> NotificationConfig:
    """GetBucketNotificationConfiguration."""
    resp = await req.send(Request("GET", bucket, query=_NOTIFICATION))
    return NotificationConfig.from_xml(resp.body)


async def set_notification(req: Requester, bucket: str, *, config: NotificationConfig) -> None:
    """PutBucketNotificationConfiguration."""
    await _put_document(
        req, bucket, query=_NOTIFICATION, content_type="application/xml", body=config.to_xml()
    )
