"""Connection settings shared by the examples: read from the environment.

AIOMINIO_ENDPOINT (default http://127.0.0.1:9000), AIOMINIO_ACCESS_KEY, AIOMINIO_SECRET_KEY and
AIOMINIO_BUCKET (default "mybucket"); AIOMINIO_CA_BUNDLE, a CA file to trust for an https://
endpoint with a private certificate.
"""

from __future__ import annotations

import os

import aiominio

BUCKET = os.environ.get("AIOMINIO_BUCKET", "mybucket")


def client() -> aiominio.Client:
    return aiominio.Client(
        os.environ.get("AIOMINIO_ENDPOINT", "http://127.0.0.1:9000"),
        access_key=os.environ.get("AIOMINIO_ACCESS_KEY"),
        secret_key=os.environ.get("AIOMINIO_SECRET_KEY"),
        ssl_context=os.environ.get("AIOMINIO_CA_BUNDLE"),
    )
