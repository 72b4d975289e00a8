from __future__ import annotations

import pytest


def pytest_configure(config: object) -> None:
    """Keep the suite hermetic: no credentials of the machine's user leak into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "MINIO_")) and name != "AWS_CA_BUNDLE":
            del os.environ[name]
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aiominio/credentials"
    os.environ["AWS_CONFIG_FILE"] = "/nonexistent/aiominio/config"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="also run the tests marked slow (nox -s tests and CI pass it)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (nox -s tests and CI do)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
