from __future__ import annotations


def pytest_configure(config: object) -> None:
    """Keep the suite hermetic: no credentials of the machine's user leak into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "MINIO_")) and name != "AWS_CA_BUNDLE":
            del os.environ[name]
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aiominio/credentials"
    os.environ["AWS_CONFIG_FILE"] = "/nonexistent/aiominio/config"
