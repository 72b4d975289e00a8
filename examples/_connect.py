"""Connection settings shared by the examples: the environment the AWS SDKs read, which
``python -m aiominio.testing serve`` (or ``start``) prints.

``aiominio.Client()`` with no endpoint takes AWS_ENDPOINT_URL (else the profile's endpoint,
else Amazon S3), AWS_REGION, and the keys of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
the profile). AWS_CA_BUNDLE names a CA file to trust for an https:// endpoint with a private
certificate, and AIOMINIO_BUCKET the bucket the examples use (default "mybucket").

The examples create and remove buckets and objects: they refuse to run without an endpoint in
the environment rather than go to Amazon S3 with the profile's keys.
"""

from __future__ import annotations

import os

import aiominio
from aiominio.awsconfig import configured

BUCKET = os.environ.get("AIOMINIO_BUCKET", "mybucket")


def require_endpoint() -> None:
    """Exit, saying why, unless the environment (or the profile) names the server to use, as
    ``aiominio.Client()`` finds it."""
    if configured().endpoint is None:
        raise SystemExit(
            "set AWS_ENDPOINT_URL (and the keys) to the server to use: the examples create and "
            "remove buckets and objects (python -m aiominio.testing serve prints a local one's)"
        )


def client() -> aiominio.Client:
    require_endpoint()
    return aiominio.Client(ssl_context=os.environ.get("AWS_CA_BUNDLE"))
