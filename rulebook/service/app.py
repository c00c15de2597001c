"""The HTTP JSON service: recommend, batch, policies, health, and an OpenAPI document.

Bodies are parsed here (not by FastAPI's models) so that a bad request gets the same
located problems as the command line: ``{"problems": [{"file": "<request>", "line",
"col", "message", "hint"}]}`` with a 4xx status, and never a traceback. The models below
only describe the bodies in the OpenAPI document. Evaluation runs in the thread pool
(a ``Rulebook`` is thread-safe); the clock is read here, for a request without ``at``
and for the decision log's time.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Callable, Optional

import orjson
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..advice import Advice
from ..api import as_moment
from ..batch import KEYS, advise_object, problem_list, under
from ..problems import InvalidInput, Problem
from ..source import Document, load_text
from .decisions import DecisionLog, decision
from .store import PolicyStore, Watcher

log = logging.getLogger("rulebook.service")

MAX_BODY = 2_000_000  # bytes of one /v1/recommend request
MAX_BATCH_BODY = 32_000_000  # bytes of one /v1/batch request
MAX_BATCH = 10_000  # applications in one /v1/batch request
REQUEST = "<request>"  # the "file" problems in a request body are located in
RECOMMEND_KEYS = ("id", "policy", "events", "at")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class ProblemOut(BaseModel):
    file: str
    line: int
    col: int
    message: str
    hint: str


class ProblemsOut(BaseModel):
    """A bad request: every problem, located in the request body (or naming the policy)."""

    problems: list[ProblemOut]


class RecommendIn(BaseModel):
    """One application: its events document and the evaluation time."""

    model_config = ConfigDict(extra="forbid")
    policy: str = Field("standard", description="a served policy's name (GET /v1/policies)")
    events: dict = Field(description="an events document, as `rulebook recommend` reads it")
    at: Optional[str] = Field(None, description="ISO 8601 with offset (default: now)")
    id: Any = Field(None, description="the application's id, kept in the decision log")


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Any = None
    events: dict
    at: Optional[str] = None


class BatchIn(BaseModel):
    """Many applications under one policy; ``at`` is the default for those without one."""

    model_config = ConfigDict(extra="forbid")
    policy: str = "standard"
    at: Optional[str] = None
    applications: list[ApplicationIn] = Field(max_length=MAX_BATCH)


class BatchOut(BaseModel):
    """One result per application, in order: ``{"id", "advice"}`` or ``{"id", "error"}``."""

    results: list[dict]


class PolicyOut(BaseModel):
    name: str
    title: str
    digest: str
    file: str


class PoliciesOut(BaseModel):
    policies: list[PolicyOut]


class HealthOut(BaseModel):
    status: str = Field(description="ok, or degraded while a policy file fails its check")
    policies: list[str]
    problems: list[ProblemOut]


class BadRequest(Exception):
    """A request the service refuses, with its status and located problems."""

    def __init__(self, status: int, problems: list[Problem]):
        super().__init__(status)
        self.status, self.problems = status, problems


def _body_schema(model: type[BaseModel]) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


def create_app(policy_dir: Optional[str | Path] = None, decision_log: Optional[str | Path] = None,
               *, reload_interval: float = 1.0, max_body: int = MAX_BODY,
               max_batch_body: int = MAX_BATCH_BODY,
               clock: Optional[Callable[[], dt.datetime]] = None) -> FastAPI:
    """The service's app: policies from ``policy_dir`` (default: the shipped ones), each
    decision appended to ``decision_log`` (a JSON Lines file; None: no log)."""
    store = PolicyStore(policy_dir)
    decisions = DecisionLog(decision_log)
    watcher = Watcher(store, reload_interval)
    now = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        watcher.start()
        try:
            yield
        finally:
            watcher.stop()
            decisions.close()

    app = FastAPI(title="rulebook", version=__version__, lifespan=lifespan,
                  description="Job-interview follow-up advice from declarative policies. "
                              "Every 4xx answer is {\"problems\": [...]}, located.")
    app.state.store = store
    app.state.decisions = decisions

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        return JSONResponse({"problems": problem_list(exc.problems)}, status_code=exc.status,
                            headers={"X-Request-Id": _request_id(request)})

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s: %s: %s", request.url.path, type(exc).__name__, exc)
        return JSONResponse({"problems": [{"file": "", "line": 0, "col": 0,
                                           "message": "internal error", "hint": ""}]},
                            status_code=500)

    @app.post("/v1/recommend", response_class=Response, openapi_extra=_body_schema(RecommendIn),
              responses={200: {"model": Advice, "description": "the advice, exactly as "
                                                               "`rulebook recommend` prints it"},
                         400: {"model": ProblemsOut}, 404: {"model": ProblemsOut},
                         413: {"model": ProblemsOut}, 422: {"model": ProblemsOut}})
    async def recommend(request: Request) -> Response:
        """The advice for one application under one policy."""
        rid = _request_id(request)
        body = await _read(request, max_body)
        obj = _json(body)
        if not isinstance(obj, dict):
            raise BadRequest(422, [Problem(REQUEST, 1, 1, "the body is a JSON object with "
                                           "'policy', 'events' and 'at'")])
        served = _policy(store, obj.get("policy", "standard"), body)
        at = _now(now)
        entry = {k: v for k, v in obj.items() if k != "policy"}

        def work() -> tuple[str, bytes]:
            try:
                advice = advise_object(served.book, entry, at, lambda: _locate(body),
                                       RECOMMEND_KEYS)
            except InvalidInput as exc:
                raise BadRequest(422, exc.problems) from None
            return advice.to_json(), decision(rid, now(), obj.get("id"), obj["events"], advice)

        text, line = await run_in_threadpool(work)
        decisions.write([line])
        return Response(text, media_type="application/json", headers={"X-Request-Id": rid})

    @app.post("/v1/batch", response_class=Response, openapi_extra=_body_schema(BatchIn),
              responses={200: {"model": BatchOut}, 400: {"model": ProblemsOut},
                         404: {"model": ProblemsOut}, 413: {"model": ProblemsOut},
                         422: {"model": ProblemsOut}})
    async def batch(request: Request) -> Response:
        """The advice for many applications, in order; a bad one is an error in its place."""
        rid = _request_id(request)
        body = await _read(request, max_batch_body)
        obj = _json(body)
        if not isinstance(obj, dict) or not isinstance(obj.get("applications"), list):
            raise BadRequest(422, [Problem(REQUEST, 1, 1, "the body is a JSON object with "
                                           "'policy', 'applications' (a list) and 'at'")])
        unknown = [k for k in obj if k not in ("policy", "applications", "at")]
        if unknown:
            doc = _locate(body)
            raise BadRequest(422, [doc.problem((k,), f"unknown key '{k}'", "allowed: 'policy', "
                                               "'applications', 'at'", key=True) for k in unknown])
        apps = obj["applications"]
        if len(apps) > MAX_BATCH:
            raise BadRequest(413, [Problem(REQUEST, 1, 1, f"{len(apps)} applications in one "
                                           f"request; at most {MAX_BATCH}")])
        served = _policy(store, obj.get("policy", "standard"), body)
        at = _now(now)
        if obj.get("at") is not None:
            try:
                at = as_moment(obj["at"])
            except InvalidInput as exc:
                doc = _locate(body)
                raise BadRequest(422, [doc.problem(("at",), p.message, p.hint)
                                       for p in exc.problems]) from None

        def work() -> tuple[bytes, list[bytes]]:
            parts, lines = [], []
            located: list[Document] = []

            def locate(i: int) -> Document:
                if not located:
                    located.append(_locate(body))
                doc = located[0]
                prefix = ("applications", i)
                return Document(file=REQUEST, data=apps[i],
                                positions=under(doc.positions, prefix),
                                key_positions=under(doc.key_positions, prefix))

            for i, app_obj in enumerate(apps):
                ident = app_obj.get("id") if isinstance(app_obj, dict) else None
                try:
                    if not isinstance(app_obj, dict):
                        raise InvalidInput([locate(i).problem((), "an application is an object "
                                                              "with 'id', 'events' and 'at'")])
                    advice = advise_object(served.book, app_obj, at,
                                           lambda i=i: locate(i), KEYS)
                except InvalidInput as exc:
                    parts.append(orjson.dumps({"id": ident, "error": {
                        "kind": "invalid", "problems": problem_list(exc.problems)}}))
                    continue
                parts.append(b"".join((b'{"id":', orjson.dumps(ident), b',"advice":',
                                       advice.model_dump_json().encode(), b"}")))
                lines.append(decision(rid, now(), ident, app_obj["events"], advice))
            return b'{"results":[' + b",".join(parts) + b"]}", lines

        text, lines = await run_in_threadpool(work)
        decisions.write(lines)
        return Response(text, media_type="application/json", headers={"X-Request-Id": rid})

    @app.get("/v1/policies", response_model=PoliciesOut)
    def policies() -> dict:
        """The policies served: name, title, the sha256 of the resolved policy, and file."""
        snapshot = store.snapshot
        return {"policies": [{"name": s.name, "title": s.book.loaded.policy.title,
                              "digest": s.book.digest, "file": Path(s.file).name}
                             for _, s in sorted(snapshot.policies.items())]}

    @app.get("/health", response_model=HealthOut)
    def health() -> dict:
        """ok, or degraded while a policy file fails (the previous version keeps serving)."""
        snapshot = store.snapshot
        problems = [p for ps in snapshot.problems.values() for p in ps]
        return {"status": "degraded" if problems else "ok",
                "policies": sorted(snapshot.policies), "problems": problem_list(problems)}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    from ..playground import router as playground_router

    app.include_router(playground_router, prefix="/playground", include_in_schema=False)
    return app


def _now(clock: Callable[[], dt.datetime]) -> dt.datetime:
    return clock().astimezone(dt.timezone.utc).replace(microsecond=0)


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    if _REQUEST_ID.match(given):
        return given
    rid = getattr(request.state, "request_id", None)
    if rid is None:
        rid = request.state.request_id = uuid.uuid4().hex
    return rid


async def _read(request: Request, limit: int) -> bytes:
    """The body, refused (413) past ``limit`` bytes, whether or not it said its length."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BadRequest(413, [Problem(REQUEST, 0, 0, f"the body has {declared} bytes; "
                                       f"at most {limit}")])
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(413, [Problem(REQUEST, 0, 0, f"the body is over {limit} bytes")])
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(400, [Problem(REQUEST, exc.lineno, exc.colno,
                                       f"not JSON: {exc.msg}")]) from None


def _locate(body: bytes) -> Document:
    """The body parsed again, with the position of every value (only for problems)."""
    try:
        return load_text(body.decode("utf-8"), REQUEST)
    except (InvalidInput, UnicodeDecodeError):
        return Document(file=REQUEST, data=None)


def _policy(store: PolicyStore, name: Any, body: bytes):
    if not isinstance(name, str):
        raise BadRequest(422, [_locate(body).problem(("policy",), "'policy' is a policy's name")])
    try:
        return store.get(name)
    except InvalidInput as exc:
        doc = _locate(body)
        raise BadRequest(404, [doc.problem(("policy",), p.message, p.hint)
                               for p in exc.problems]) from None
