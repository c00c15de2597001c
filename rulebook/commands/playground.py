"""Serve the playground on this machine: edit a policy, see its advice as a picture.

Listens on 127.0.0.1 (a free port unless --port says which), prints the address, and
opens a browser only with --open. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys

from .common import listen


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--open", action="store_true", help="open the page in a web browser")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..playground import create_app
    except ImportError as exc:
        print(f"rulebook playground needs FastAPI and uvicorn ({exc}): "
              "pip install 'rulebook[serve]'", file=sys.stderr)
        return 1

    sock, address = listen(args.host, args.port)
    url = f"http://{address}/playground/"
    print(f"rulebook playground: {url}  (Ctrl-C stops it)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning", access_log=False))
    server.run(sockets=[sock])
    sys.stdout.flush()
    return 0
