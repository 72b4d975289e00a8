"""The test servers themselves: a port taken between our check and the server's bind is retried;
the cluster's nodes are separate processes that can be killed and brought back."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

import aiominio
from aiominio import testing
from aiominio.testing import _servers


def test_a_port_taken_before_the_server_binds_it_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        real = testing.find_free_port
        handed: list[int] = []

        def first_one_taken(**kwargs: object) -> int:
            port = taken if not handed else real(**kwargs)  # type: ignore[arg-type]
            handed.append(port)
            return port

        # The servers look the function up in the module that defines them.
        monkeypatch.setattr(_servers, "find_free_port", first_one_taken)
        with testing.moto() as server:
            assert handed[0] == taken and len(handed) == 2
            assert server.endpoint.endswith(f":{handed[1]}")
            with urllib.request.urlopen(server.endpoint + "/moto-api/", timeout=10) as resp:
                assert resp.status == 200


@pytest.mark.parametrize(
    ("volume_servers", "replication"),
    [(0, "000"), (17, "000"), (3, "01"), (3, "0x1"), (2, "002"), (3, "010"), (3, "100")],
)
def test_the_cluster_arguments_are_checked_before_anything_starts(
    volume_servers: int, replication: str
) -> None:
    with (
        pytest.raises(aiominio.InvalidArgument, match=r"volume_servers|replication"),
        testing.seaweedfs_cluster(volume_servers, replication),
    ):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.cluster
async def test_the_cluster_nodes_are_processes_that_die_and_come_back() -> None:
    with testing.seaweedfs_cluster(volume_servers=2, replication="001") as cluster:
        assert cluster.nodes is not None
        nodes = cluster.running_nodes()
        assert [n.name for n in nodes] == ["s3", "filer", "volume0", "volume1", "master"]
        pids = {n.proc.pid for n in nodes if n.proc is not None}
        assert len(pids) == 5 and all(_alive(p) for p in pids)
        dirs = [
            a
            for n in nodes
            for a in n.cmd
            if a.startswith(("-dir=", "-mdir=", "-defaultStoreDir="))
        ]
        assert len(set(dirs)) == 4  # master, two volume servers, filer
        async with cluster.client() as client:
            await client.make_bucket("cluster-fixture")
            await client.put_object("cluster-fixture", "k", b"replicated")

            victim = cluster.nodes.volumes[0].proc
            assert victim is not None
            cluster.kill_volume(0)
            assert not _alive(victim.pid)
            assert cluster.live_volume_servers() == 1
            # The other copy serves the object.
            async with client.get_object("cluster-fixture", "k") as reader:
                assert await reader.read() == b"replicated"
            cluster.start_volume(0)
            assert cluster.live_volume_servers() == 2

            old_filer = cluster.nodes.filer.proc
            assert old_filer is not None
            cluster.restart_filer()
            assert cluster.nodes.filer.proc is not None
            assert cluster.nodes.filer.proc.pid != old_filer.pid and not _alive(old_filer.pid)
            async with client.get_object("cluster-fixture", "k") as reader:
                assert await reader.read() == b"replicated"
        workdir = cluster.workdir
        procs = [n.proc for n in cluster.running_nodes()]
    assert all(p is not None and p.poll() is not None for p in procs)
    assert workdir is not None and not workdir.exists()


@pytest.mark.cluster
def test_serve_cluster_prints_the_environment_and_stops_on_sigint() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiominio.testing", "serve", "--cluster"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        env = {}
        while len(env) < 4:
            line = proc.stdout.readline()
            assert line, "serve --cluster ended before printing its environment"
            name, _, value = line.removeprefix("export ").strip().partition("=")
            env[name] = value
        status = _servers.signed_request(
            "GET",
            env["AWS_ENDPOINT_URL"],
            "/",
            env["AWS_ACCESS_KEY_ID"],
            env["AWS_SECRET_ACCESS_KEY"],
        )
        assert status == 200
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "a SeaweedFS cluster stopped" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_serve_cluster_takes_no_port() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aiominio.testing", "serve", "--cluster", "--port", "9000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--cluster takes no --port or --dir" in done.stderr


async def test_a_server_starts_with_another_servers_keys_exported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What `eval "$(python -m aiominio.testing serve)"` leaves in a shell: SeaweedFS would take
    # these as an identity of its own, clashing with the new server's key of the same name.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "aiominio-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "another-servers-secret")
    with testing.seaweedfs(timeout=30) as server:
        assert server.secret_key != "another-servers-secret"
        async with server.client() as client:
            await client.make_bucket("exported-keys")
            await client.remove_bucket("exported-keys")
