"""The playground's HTTP side: one page and a few JSON endpoints, as a FastAPI router.

``rulebook serve`` mounts :data:`router` at ``/playground``; ``rulebook playground``
serves it alone. The page and its script and style ship inside the package and load
nothing from the network (the Content-Security-Policy header says so to the browser).
Every endpoint answers ``{"problems": [...]}`` with located problems for bad input, the
same ones the command line prints.
"""

from __future__ import annotations

from importlib import resources
from typing import Optional

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..problems import InvalidInput, Problem
from ..source import MAX_BYTES
from . import handlers

router = APIRouter(tags=["playground"])

ASSETS = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'")
# one character over the limit reaches the loader, which reports it as the CLI does
Text = Field(default="", max_length=MAX_BYTES + 1)
Moment = Field(default=None, max_length=64)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyIn(_In):
    policy: str = Text


class PictureIn(_In):
    policy: str = Text
    events: str = Text
    start: Optional[str] = Moment
    end: Optional[str] = Moment
    at: Optional[str] = Moment
    compare: Optional[str] = Field(default=None, max_length=64)


class EventIn(_In):
    events: str = Text
    type: str = Field(max_length=64)
    at: str = Field(max_length=64)
    person: str = Field(default="", max_length=200)


def _problem(p: Problem) -> dict:
    return {"file": p.file, "line": p.line, "col": p.col, "message": p.message,
            "hint": p.hint, "severity": p.severity, "text": str(p)}


def _invalid(exc: InvalidInput) -> JSONResponse:
    return JSONResponse({"problems": [_problem(p) for p in exc.problems]}, status_code=422)


def _asset(name: str) -> bytes:
    return resources.files("rulebook.playground").joinpath("static", name).read_bytes()


@router.get("/", include_in_schema=False)
def page() -> Response:
    return Response(_asset("index.html"), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})


@router.get("/static/{name}", include_in_schema=False)
def asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such asset")
    return Response(_asset(name), media_type=ASSETS[name], headers={"Cache-Control": "no-store"})


@router.get("/api/policies")
def policies() -> dict:
    """The shipped policies' names, to start from."""
    return {"policies": handlers.shipped_policies()}


@router.get("/api/policies/{name}")
def policy_text(name: str):
    try:
        return {"name": name, "text": handlers.shipped_policy_text(name)}
    except InvalidInput as exc:
        return _invalid(exc)


@router.get("/api/examples")
def examples() -> dict:
    """Example timelines by name."""
    return {"examples": handlers.examples()}


@router.post("/api/check")
def check(body: PolicyIn) -> dict:
    """Every problem of the policy text, as ``rulebook check`` gives them."""
    return {"problems": [_problem(p) for p in handlers.check_policy(body.policy)]}


@router.post("/api/picture")
def picture(body: PictureIn):
    """The picture of the policy on the timeline over the period, as SVG text."""
    try:
        return handlers.draw(body.policy, body.events, body.start, body.end, body.at,
                             body.compare or None)
    except InvalidInput as exc:
        return _invalid(exc)


@router.post("/api/format")
def fmt(body: PolicyIn):
    """The policy in the canonical layout, comments kept, and a file name to save it as."""
    try:
        return handlers.formatted(body.policy)
    except InvalidInput as exc:
        return _invalid(exc)


@router.post("/api/scenario")
def scenario(body: PictureIn):
    """A scenario file of what is on screen: the events and the advice at "now"."""
    try:
        return handlers.scenario(body.policy, body.events, body.start, body.end, body.at)
    except InvalidInput as exc:
        return _invalid(exc)


@router.post("/api/events/add")
def add_event(body: EventIn):
    """The timeline text with one more event (from the page's small form)."""
    try:
        return {"events": handlers.add_event(body.events, body.type, body.at, body.person)}
    except InvalidInput as exc:
        return _invalid(exc)
