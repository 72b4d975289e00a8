"""The POST policy document itself, decoded from the form and compared whole: its conditions in
order, the expiration to the millisecond in UTC, and the form fields (the ``bucket`` field is in
the policy, never in the form)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

from aiominio import presign
from aiominio.core.endpoint import parse_endpoint
from aiominio.credentials import Credentials

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN = Credentials("ASIAEXAMPLE", "secret", "the+token/=")
ENDPOINT = parse_endpoint("http://127.0.0.1:9000")


def _decode(fields: dict[str, str]) -> object:
    return json.loads(base64.b64decode(fields["policy"], validate=True))


def test_exact_document_and_fields() -> None:
    p = presign.PostPolicy()
    p.set_bucket("uploads")
    p.set_key("photos/cat.png")
    # 04:00:00.987654 at UTC+2: 02:00:00.987 UTC, milliseconds truncated
    p.set_expires(datetime(2026, 1, 2, 4, 0, 0, 987654, tzinfo=timezone(timedelta(hours=2))))
    p.set_content_type_starts_with("image/")
    p.set_content_disposition("attachment")
    p.set_content_length_range(0, 5)
    p.set_user_metadata({"Owner": "alice", "x-amz-meta-Team": "blue"})
    p.set_success_action_status(204)
    url, fields = presign.presign_post_policy(
        p, ENDPOINT, credentials=CREDS, region="eu-west-1", now=NOW
    )
    credential = "AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request"
    assert url == "http://127.0.0.1:9000/uploads"
    assert _decode(fields) == {
        "expiration": "2026-01-02T02:00:00.987Z",
        "conditions": [
            ["eq", "$bucket", "uploads"],
            ["eq", "$key", "photos/cat.png"],
            ["starts-with", "$Content-Type", "image/"],
            ["eq", "$Content-Disposition", "attachment"],
            ["content-length-range", 0, 5],
            ["eq", "$x-amz-meta-owner", "alice"],
            ["eq", "$x-amz-meta-team", "blue"],
            ["eq", "$success_action_status", "204"],
            ["eq", "$x-amz-date", "20260102T030405Z"],
            ["eq", "$x-amz-algorithm", "AWS4-HMAC-SHA256"],
            ["eq", "$x-amz-credential", credential],
        ],
    }
    # the document is compact JSON
    assert b" " not in base64.b64decode(fields["policy"])
    signature = fields.pop("x-amz-signature")
    assert len(signature) == 64 and int(signature, 16) >= 0
    assert fields == {
        "key": "photos/cat.png",
        "Content-Type": "image/",
        "Content-Disposition": "attachment",
        "x-amz-meta-owner": "alice",
        "x-amz-meta-team": "blue",
        "success_action_status": "204",
        "x-amz-date": "20260102T030405Z",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": credential,
        "policy": fields["policy"],
    }


def test_session_token_and_replaced_rules() -> None:
    p = presign.PostPolicy()
    p.set_bucket("first")
    p.set_bucket("uploads")  # replaces the earlier bucket rule
    p.set_key("k")
    p.set_key_starts_with("user/")  # replaces the exact key
    p.set_content_type("text/plain")
    p.set_content_type_starts_with("text/")  # replaces the exact type
    p.set_content_length_range(1, 2)
    p.set_content_length_range(3, 4)  # replaces the earlier range
    p.set_expires(datetime(2026, 1, 2, 4, 0, 0, 999, tzinfo=timezone.utc))
    _, fields = presign.presign_post_policy(
        p, ENDPOINT, credentials=TOKEN, region="us-east-1", now=NOW
    )
    assert _decode(fields) == {
        "expiration": "2026-01-02T04:00:00.000Z",
        "conditions": [
            ["eq", "$bucket", "uploads"],
            ["starts-with", "$key", "user/"],
            ["starts-with", "$Content-Type", "text/"],
            ["content-length-range", 3, 4],
            ["eq", "$x-amz-date", "20260102T030405Z"],
            ["eq", "$x-amz-algorithm", "AWS4-HMAC-SHA256"],
            ["eq", "$x-amz-credential", "ASIAEXAMPLE/20260102/us-east-1/s3/aws4_request"],
            ["eq", "$x-amz-security-token", "the+token/="],
        ],
    }
    assert "bucket" not in fields
    assert fields["key"] == "user/" and fields["Content-Type"] == "text/"
    assert fields["x-amz-security-token"] == "the+token/="
    # the policy object itself is not changed by signing it
    assert ["eq", "$x-amz-date", "20260102T030405Z"] not in p.conditions
    assert p.form_data["bucket"] == "uploads"


def test_a_virtual_host_url_for_aws() -> None:
    p = presign.PostPolicy()
    p.set_bucket("uploads").set_key("k").set_expires(NOW + timedelta(minutes=5))
    url, _ = presign.presign_post_policy(
        p,
        parse_endpoint("https://s3.amazonaws.com"),
        credentials=CREDS,
        region="us-west-2",
        now=NOW,
    )
    assert url == "https://uploads.s3.us-west-2.amazonaws.com/"
    url, _ = presign.presign_post_policy(
        p,
        parse_endpoint("https://s3.amazonaws.com"),
        credentials=CREDS,
        region="us-west-2",
        now=NOW,
        style="path",
    )
    assert url == "https://s3.amazonaws.com/uploads"
    # the endpoint as the client takes it, a string
    url, fields = presign.presign_post_policy(
        p, "localhost:9000", credentials=CREDS, region="us-east-1", now=NOW, style="path"
    )
    assert url == "https://localhost:9000/uploads" and "bucket" not in fields
