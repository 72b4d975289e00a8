"""What users get from ``aiominio.testing``: the ``serve`` command, the opt-in pytest plugin, and
the error that names the ``server`` extra when SeaweedFS is not installed. Each runs as a user
would: in a subprocess, the plugin in a project of its own."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import sysconfig
import textwrap
import urllib.request
from pathlib import Path

import pytest

import aiominio
from aiominio.testing import LocalServer, find_free_port

REPO = Path(aiominio.__file__).resolve().parent.parent


def _clean_env() -> dict[str, str]:
    """The environment without a plugin-autoload switch, so the entry point is loaded as it is
    for users (the test for opt-in depends on it)."""
    env = dict(os.environ)
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _processes_with(argument: str) -> list[int]:
    """The ids of running processes with ``argument`` on their command line (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argument.encode() in args:
            found.append(int(entry.name))
    return found


async def test_serve_prints_the_environment_serves_and_stops_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aiominio.testing",
        "serve",
        "--access-key",
        "user-key",
        "--dir",
        str(tmp_path / "data"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_clean_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        env: dict[str, str] = {}
        while len(env) < 4:
            line = (await asyncio.wait_for(proc.stdout.readline(), 120)).decode()
            assert line, (await proc.stderr.read()).decode()
            command, assignment = shlex.split(line)
            assert command == "export"
            name, value = assignment.split("=", 1)
            env[name] = value
        assert set(env) == {
            "AWS_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
        }
        assert env["AWS_ACCESS_KEY_ID"] == "user-key" and env["AWS_REGION"] == "us-east-1"
        port = int(env["AWS_ENDPOINT_URL"].rsplit(":", 1)[1])
        assert _processes_with(f"-s3.port={port}"), "no SeaweedFS process serves that port"

        # Exactly those exports, and nothing else of AWS's (no profile either), are all that
        # Client() with no argument needs.
        for name in list(os.environ):
            if name.startswith(("AWS_", "MINIO_")):
                monkeypatch.delenv(name)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        async with aiominio.Client() as client:
            assert repr(client) == (
                f"Client(endpoint={env['AWS_ENDPOINT_URL']}, region={env['AWS_REGION']!r})"
            )
            await client.make_bucket("served")
            await client.put_object("served", "greeting", b"hello from serve")
            async with client.get_object("served", "greeting") as reader:
                assert await reader.read() == b"hello from serve"
        # The data went to --dir.
        assert any((tmp_path / "data").iterdir())

        proc.send_signal(signal.SIGINT)
        status = await asyncio.wait_for(proc.wait(), 60)
        stderr = (await proc.stderr.read()).decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert status == 0, stderr
    assert "Traceback" not in stderr and "stopped" in stderr
    assert _processes_with(f"-s3.port={port}") == []
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


USER_TESTS = """
import pytest

import aiominio
from aiominio.testing import LocalServer

made: list[str] = []


@pytest.mark.asyncio
async def test_round_trip(s3_client: aiominio.Client, s3_bucket: str) -> None:
    assert [o async for o in s3_client.list_objects(s3_bucket)] == []
    await s3_client.put_object(s3_bucket, "dir/key", b"user data")
    async with s3_client.get_object(s3_bucket, "dir/key") as reader:
        assert await reader.read() == b"user data"
    made.append(s3_bucket)


@pytest.mark.asyncio
async def test_the_last_bucket_was_removed(
    s3_server: LocalServer, s3_client: aiominio.Client, s3_bucket: str
) -> None:
    assert s3_server.name == "seaweedfs"
    assert made and made[0] != s3_bucket
    assert not await s3_client.bucket_exists(made[0])
"""


def _user_project(tmp_path: Path, mode: str) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text(
        textwrap.dedent(f"""\
            [pytest]
            asyncio_mode = {mode}
            asyncio_default_fixture_loop_scope = function
            filterwarnings = error
            """)
    )
    (project / "test_user.py").write_text(USER_TESTS)
    return project


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", *args],
        cwd=project,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("mode", "enable"),
    [
        ("strict", "-p aiominio.testing.plugin"),
        ("auto", "-o aiominio_fixtures=true"),
        ("strict", "conftest"),
    ],
)
def test_the_plugin_gives_user_tests_a_server_client_and_bucket(
    tmp_path: Path, mode: str, enable: str
) -> None:
    project = _user_project(tmp_path, mode)
    if enable == "conftest":
        (project / "conftest.py").write_text('pytest_plugins = ["aiominio.testing.plugin"]\n')
        enable = ""
    result = _pytest(project, *enable.split())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_without_opting_in_the_fixtures_do_not_exist_and_the_error_says_how(
    tmp_path: Path,
) -> None:
    project = _user_project(tmp_path, "strict")
    result = _pytest(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fixture 's3_client' not found" in result.stdout
    assert "2 error" in result.stdout
    # Each error says how to turn the fixtures on and what to install.
    assert result.stdout.count("aiominio_fixtures = true") == 2
    assert "pip install 'aiominio[testing]'" in result.stdout


def test_a_running_server_named_in_the_environment_is_reused(
    tmp_path: Path, seaweedfs_server: LocalServer
) -> None:
    project = _user_project(tmp_path, "auto")
    (project / "test_reused.py").write_text(
        textwrap.dedent("""\
            import os

            def test_the_server_is_the_one_named(s3_server):
                assert s3_server.endpoint == os.environ["AIOMINIO_TEST_SERVER"]
                assert s3_server.workdir is None  # started by no one here
            """)
    )
    server = seaweedfs_server
    env = {
        **_clean_env(),
        "AIOMINIO_TEST_SERVER": server.endpoint,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o"]
    command.append("aiominio_fixtures=true")
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    env["AIOMINIO_TEST_SERVER"] = f"http://127.0.0.1:{find_free_port()}"
    dead = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert dead.returncode == 1
    assert "AIOMINIO_TEST_SERVER=http://127.0.0.1:" in dead.stdout
    assert "is not ready within 5 s" in dead.stdout
    assert server.secret_key not in dead.stdout + dead.stderr


def test_a_kept_server_outlives_the_run_that_started_it_and_stop_ends_it(
    tmp_path: Path,
) -> None:
    project = _user_project(tmp_path, "auto")
    (project / "test_kept.py").write_text(
        textwrap.dedent("""\
            import os, pathlib

            def test_record_the_endpoint(s3_server):
                with pathlib.Path(os.environ["RECORD"]).open("a") as out:
                    out.write(s3_server.endpoint + "\\n")
            """)
    )
    cache, record = tmp_path / "cache", tmp_path / "endpoints"
    env = {
        **_clean_env(),
        "AIOMINIO_TEST_SERVER": "keep",
        "AIOMINIO_CACHE_DIR": str(cache),
        "RECORD": str(record),
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o"]
    command.append("aiominio_fixtures=true")
    testing_cli = [sys.executable, "-m", "aiominio.testing"]
    try:
        for _ in range(2):
            run = subprocess.run(
                command, cwd=project, env=env, capture_output=True, text=True, timeout=300
            )
            assert run.returncode == 0, run.stdout + run.stderr
            assert "3 passed" in run.stdout
        first, second = record.read_text().split()
        assert first == second  # the second run found the server the first one left running
        state = json.loads((cache / "test-server.json").read_text())
        assert state["endpoint"] == first
        assert (cache / "test-server.json").stat().st_mode & 0o077 == 0
        # "start" finds the same server and prints its environment (the keys included).
        started = subprocess.run(
            [*testing_cli, "start"], env=env, capture_output=True, text=True, timeout=120
        )
        assert f"export AWS_ENDPOINT_URL={first}" in started.stdout
        assert "already runs" in started.stderr
    finally:
        stopped = subprocess.run(
            [*testing_cli, "stop"], env=env, capture_output=True, text=True, timeout=60
        )
    assert "stopped the kept SeaweedFS" in stopped.stderr
    assert not (cache / "test-server.json").exists()
    with pytest.raises(OSError):  # nothing answers there any more
        urllib.request.urlopen(first, timeout=5)
    again = subprocess.run(
        [*testing_cli, "stop"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "no kept SeaweedFS runs" in again.stderr


def test_without_weed_the_error_names_the_server_extra(tmp_path: Path) -> None:
    # A Python whose scripts directory and PATH have no weed, with aiominio and its
    # dependencies importable: what a user without the extra has.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = _clean_env()
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"])
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), sysconfig.get_paths()["purelib"]])
    served = subprocess.run(
        [str(python), "-m", "aiominio.testing", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 1
    assert "pip install 'aiominio[server]'" in served.stderr
    assert "Traceback" not in served.stderr

    called = subprocess.run(
        [
            str(python),
            "-c",
            "import aiominio.testing as t\nwith t.seaweedfs():\n    pass",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert called.returncode == 1
    assert "RuntimeError" in called.stderr
    assert "pip install 'aiominio[server]'" in called.stderr
