"""Connection settings shared by the examples: the environment the AWS SDKs read, which
``python -m aiominio.testing serve`` (or ``start``) prints.

``aiominio.Client()`` with no endpoint takes AWS_ENDPOINT_URL (else the profile's endpoint,
else Amazon S3), AWS_REGION, and the keys of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
the profile). AWS_CA_BUNDLE names a CA file to trust for an https:// endpoint with a private
certificate, and AIOMINIO_BUCKET the bucket the examples use (default "mybucket").
"""

from __future__ import annotations

import os

import aiominio

BUCKET = os.environ.get("AIOMINIO_BUCKET", "mybucket")


def client() -> aiominio.Client:
    return aiominio.Client(ssl_context=os.environ.get("AWS_CA_BUNDLE"))
