"""Serve the advice over HTTP: POST /v1/recommend, POST /v1/batch, GET /v1/policies,
GET /health, the OpenAPI document at /openapi.json (browse it at /docs), and the
playground at /playground.

Policies come from --policies DIR (every *.yaml there, reloaded when a file changes; a
file that fails its check keeps the previous version serving and shows in /health), or
the shipped ones. Each decision is appended to --decision-log as one JSON line, which
`rulebook replay` reads. Listens on 127.0.0.1 unless --host says otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..problems import InvalidInput, Problem
from .common import listen


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policies", metavar="DIR", help="a directory of policy files "
                                                       "(default: the shipped policies)")
    p.add_argument("--decision-log", metavar="FILE", help="append one JSON line per decision")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: a free one)")
    p.add_argument("--reload-interval", type=float, default=1.0, metavar="SECONDS",
                   help="how often to look for changed policy files (0: never)")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..service import create_app
    except ImportError as exc:
        print(f"rulebook serve needs FastAPI and uvicorn ({exc}): pip install 'rulebook[serve]'",
              file=sys.stderr)
        return 1
    if args.policies is not None and not Path(args.policies).is_dir():
        raise InvalidInput([Problem(args.policies, 0, 0, "not a directory of policy files")])
    logging.basicConfig(level=logging.INFO, format="rulebook serve: %(message)s")
    app = create_app(args.policies, args.decision_log, reload_interval=args.reload_interval)
    sock, address = listen(args.host, args.port)
    print(f"rulebook serve: http://{address}/  (Ctrl-C stops it)", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
