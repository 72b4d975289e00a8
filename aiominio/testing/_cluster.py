"""A SeaweedFS cluster on loopback: a master, volume servers, a filer and the S3 gateway, each a
process of its own with its own data directory and ports, so that single nodes can be killed and
brought back while the S3 endpoint keeps serving.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiominio.errors import InvalidArgument
from aiominio.testing._servers import (
    RUNNING,
    LocalServer,
    find_binary,
    find_free_port,
    server_environment,
    signed_request,
    stop_process,
    wait_ready,
    write_identities,
)

__all__ = ["LocalCluster", "seaweedfs_cluster"]

_REPLICATION = re.compile(r"[0-9]{3}")


class _Node:
    """One ``weed`` process of the cluster: started again with the same command line (same data
    directory, same ports) after it was killed."""

    def __init__(self, name: str, cmd: list[str], workdir: Path) -> None:
        self.name = name
        self.cmd = cmd
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        #: Started, and not killed on purpose since: if it is down, it died on its own.
        self.should_run = False

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError(f"{self.name} is already running")
        # Appended to: the log of a restarted node keeps what the killed one said.
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=self.workdir,
                env=server_environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        RUNNING.add(self.proc)
        self.should_run = True

    def kill(self) -> None:
        """SIGKILL, no grace: the node dies as in a power cut."""
        self.should_run = False
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        RUNNING.discard(self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=0.5)

    def check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            code = None if self.proc is None else self.proc.returncode
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"SeaweedFS {self.name} exited with {code}:\n{tail}")


class _Nodes:
    """The processes of one cluster and the readiness checks between them."""

    def __init__(self, master_url: str, master: _Node, volumes: list[_Node], filer: _Node) -> None:
        self.master_url = master_url
        self.master = master
        self.volumes = volumes
        self.filer = filer
        self.s3: _Node | None = None

    def all(self) -> list[_Node]:
        return [n for n in (self.s3, self.filer, *self.volumes, self.master) if n is not None]

    def live_volume_servers(self) -> int:
        """How many volume servers the master counts (0 when it does not answer)."""
        try:
            with urllib.request.urlopen(self.master_url + "/dir/status", timeout=2) as resp:
                status = json.loads(resp.read())
        except (OSError, ValueError):
            return 0
        topology = status.get("Topology") or {}
        return sum(
            len(rack.get("DataNodes") or [])
            for dc in topology.get("DataCenters") or []
            for rack in dc.get("Racks") or []
        )

    def volumes_on(self, index: int, collection: str | None) -> tuple[int, int]:
        """How many volume files (of ``collection``, or of any) volume server ``index`` keeps
        in its data directory, and how many bytes they hold. Read from the disk: the master's
        figures lag behind by a heartbeat."""
        folder = Path(next(a for a in self.volumes[index].cmd if a.startswith("-dir="))[5:])
        pattern = f"{collection}_*.dat" if collection else "*.dat"
        files = list(folder.glob(pattern))
        # Every volume file starts with an 8-byte superblock.
        return len(files), sum(max(0, f.stat().st_size - 8) for f in files)

    def wait_volume_servers(self, count: int, deadline: float) -> None:
        while self.live_volume_servers() != count:
            # A node that died on its own will not be counted: say why at once.
            for node in (self.master, *self.volumes):
                if node is self.master or node.should_run:
                    node.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the SeaweedFS master did not count {count} volume servers in time"
                )
            time.sleep(0.1)

    @staticmethod
    def wait_http(node: _Node, url: str, deadline: float) -> None:
        """Until ``url`` answers at all (any HTTP status)."""
        while True:
            node.check_alive()
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS {node.name} did not answer at {url} in time")
            time.sleep(0.1)


@dataclass(frozen=True)
class LocalCluster(LocalServer):
    """A running SeaweedFS cluster; a :class:`LocalServer` for its S3 gateway (``name`` is
    ``"seaweedfs"``: it is the same server software), with control over its nodes.

    Attributes:
        volume_servers: how many volume servers it has.
        replication: the master's default replication (``"001"``: one more copy on another
            server of the same rack).
        nodes: its processes, which the methods below control.
    """

    volume_servers: int = 3
    replication: str = "001"
    nodes: _Nodes | None = field(default=None, repr=False, compare=False)

    def _nodes(self) -> _Nodes:
        if self.nodes is None:
            raise RuntimeError("this cluster has no nodes to control")
        return self.nodes

    def live_volume_servers(self) -> int:
        """How many volume servers the master counts now."""
        return self._nodes().live_volume_servers()

    def volumes_on(self, index: int, bucket: str | None = None) -> tuple[int, int]:
        """How many volumes volume server ``index`` keeps (of ``bucket``'s collection, or all),
        and how many bytes of data they hold."""
        return self._nodes().volumes_on(index, bucket)

    def kill_volume(self, index: int) -> None:
        """Kill volume server ``index`` with SIGKILL and wait until the master no longer counts
        it (the master notices at once: the node's heartbeat stream breaks)."""
        nodes = self._nodes()
        nodes.volumes[index].kill()
        nodes.wait_volume_servers(sum(v.should_run for v in nodes.volumes), time.monotonic() + 30)

    def start_volume(self, index: int, *, timeout: float = 30.0) -> None:
        """Start volume server ``index`` again, with its data directory and ports, and wait until
        the master counts it."""
        nodes = self._nodes()
        nodes.volumes[index].start()
        nodes.wait_volume_servers(
            sum(v.should_run for v in nodes.volumes), time.monotonic() + timeout
        )

    def restart_filer(self, *, timeout: float = 30.0) -> None:
        """Kill the filer with SIGKILL, start it again on its store and ports, and wait until the
        S3 gateway serves a signed request through it again."""
        nodes = self._nodes()
        nodes.filer.kill()
        nodes.filer.start()
        deadline = time.monotonic() + timeout
        while True:
            nodes.filer.check_alive()
            try:
                answer = signed_request("GET", self.endpoint, "/", self.access_key, self.secret_key)
                if answer == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the S3 gateway did not serve again after the filer restart")
            time.sleep(0.1)

    def running_nodes(self) -> list[_Node]:
        """Every node that was started: the S3 gateway, the filer, the volume servers, the
        master (a killed one included)."""
        return [n for n in self._nodes().all() if n.proc is not None]

    def log_tail(self, chars: int = 4000) -> str:
        """The end of every node's log, for a failure message."""
        out = []
        for node in self._nodes().all():
            text = node.log.read_text(errors="replace") if node.log.exists() else ""
            out.append(f"--- {node.name}\n{text[-chars:]}")
        return "\n".join(out)


@contextlib.contextmanager
def seaweedfs_cluster(
    volume_servers: int = 3,
    replication: str = "001",
    *,
    access_key: str = "aiominio-test",
    secret_key: str | None = None,
    identities: list[tuple[str, str]] | None = None,
    timeout: float = 60.0,
) -> Iterator[LocalCluster]:
    """Run a SeaweedFS cluster on loopback: one ``weed master``, ``volume_servers`` ``weed
    volume`` servers, one ``weed filer`` and the S3 gateway (``weed s3``), each a separate
    process with its own data directory and ports.

    Args:
        volume_servers: how many volume servers (at least 1; replication ``"001"`` needs 2).
        replication: the master's default replication, SeaweedFS's three digits (copies in
            other data centres, other racks, other servers of the same rack).
        access_key: the access key of the S3 gateway's first identity.
        secret_key: its secret (random when not given).
        identities: further key pairs, all with every permission.
        timeout: seconds to wait for the whole cluster to serve.

    Raises:
        InvalidArgument: a server count out of 1..16, or a replication this cluster (one data
            centre, one rack, ``volume_servers`` servers) cannot satisfy; before anything starts.
        RuntimeError: ``weed`` is not installed, or the cluster did not start.
    """
    if not 1 <= volume_servers <= 16:
        raise InvalidArgument("volume_servers must be between 1 and 16")
    if not _REPLICATION.fullmatch(replication):
        raise InvalidArgument(f"replication must be three digits, not {replication!r}")
    if replication[:2] != "00":
        # Every node runs in one data centre and one rack.
        raise InvalidArgument(f"replication {replication} needs other data centres or racks")
    if 1 + int(replication[2]) > volume_servers:
        raise InvalidArgument(f"replication {replication} needs more than {volume_servers} servers")
    weed = find_binary("weed")
    secret_key = secret_key or secrets.token_urlsafe(24)
    workdir = Path(tempfile.mkdtemp(prefix="aiominio-seaweedfs-cluster-"))
    try:
        config = write_identities(workdir, [(access_key, secret_key), *(identities or [])])
        for attempt in range(1, 4):
            nodes, server = _launch(
                weed, workdir, config, volume_servers, replication, access_key, secret_key
            )
            try:
                _wait_cluster(nodes, server, volume_servers, time.monotonic() + timeout)
                break
            except BaseException as exc:
                logs = " ".join(
                    n.log.read_text(errors="replace") for n in nodes.all() if n.log.exists()
                )
                for node in nodes.all():
                    node.stop()
                taken = "address already in use" in logs.lower()
                if not (isinstance(exc, RuntimeError) and taken and attempt < 3):
                    raise
                for node in nodes.all():
                    node.log.unlink(missing_ok=True)
                shutil.rmtree(workdir / "data", ignore_errors=True)
        try:
            yield server
        finally:
            for node in nodes.all():
                node.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _launch(
    weed: str,
    workdir: Path,
    config: Path,
    volume_servers: int,
    replication: str,
    access_key: str,
    secret_key: str,
) -> tuple[_Nodes, LocalCluster]:
    """The nodes' command lines (on fresh ports) and the cluster they will make; the master is
    started, the rest by :func:`_wait_cluster` in order."""
    data = workdir / "data"
    taken: set[int] = set()
    master_port, filer_port, s3_port = (find_free_port(with_grpc=True, taken=taken) for _ in "mfs")
    loopback = ["-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    master_addr = f"127.0.0.1:{master_port}"

    def folder(name: str) -> str:
        path = data / name
        path.mkdir(parents=True, exist_ok=True)
        return str(path)

    master = _Node(
        "master",
        [
            weed,
            "master",
            *loopback,
            f"-port={master_port}",
            f"-mdir={folder('master')}",
            f"-defaultReplication={replication}",
            # Every bucket is a collection with volumes of its own; small volumes keep many
            # buckets within the volume servers' slots.
            "-volumeSizeLimitMB=64",
            "-telemetry=false",
        ],
        workdir,
    )
    volumes = []
    for i in range(volume_servers):
        port = find_free_port(with_grpc=True, taken=taken)
        volumes.append(
            _Node(
                f"volume{i}",
                [
                    weed,
                    "volume",
                    *loopback,
                    f"-port={port}",
                    f"-dir={folder(f'volume{i}')}",
                    f"-master={master_addr}",
                    "-max=300",
                    "-preStopSeconds=0",
                ],
                workdir,
            )
        )
    filer = _Node(
        "filer",
        [
            weed,
            "filer",
            *loopback,
            f"-port={filer_port}",
            f"-master={master_addr}",
            f"-defaultStoreDir={folder('filer')}",
        ],
        workdir,
    )
    nodes = _Nodes(f"http://{master_addr}", master, volumes, filer)
    nodes.s3 = _Node(
        "s3",
        [
            weed,
            "s3",
            "-ip.bind=127.0.0.1",
            f"-port={s3_port}",
            f"-filer=127.0.0.1:{filer_port}",
            f"-config={config}",
            # Side services with fixed default ports would collide between two instances.
            "-port.iceberg=0",
            "-port.lance=0",
        ],
        workdir,
    )
    server = LocalCluster(
        "seaweedfs",
        f"http://127.0.0.1:{s3_port}",
        access_key,
        secret_key,
        True,
        workdir,
        volume_servers=volume_servers,
        replication=replication,
        nodes=nodes,
    )
    return nodes, server


def _wait_cluster(
    nodes: _Nodes, server: LocalCluster, volume_servers: int, deadline: float
) -> None:
    """Start the nodes in order, each once the one it needs serves: the master, the volume
    servers (until the master counts them all), the filer, the S3 gateway (until a signed request
    makes and removes a bucket)."""
    nodes.master.start()
    nodes.wait_http(nodes.master, nodes.master_url + "/cluster/status", deadline)
    for volume in nodes.volumes:
        volume.start()
    nodes.wait_volume_servers(volume_servers, deadline)
    nodes.filer.start()
    filer_port = next(a for a in nodes.filer.cmd if a.startswith("-port="))[len("-port=") :]
    nodes.wait_http(nodes.filer, f"http://127.0.0.1:{filer_port}/", deadline)
    assert nodes.s3 is not None
    nodes.s3.start()
    assert nodes.s3.proc is not None
    wait_ready(nodes.s3.proc, server, deadline, nodes.s3.log)
