"""An app with the playground alone, for ``rulebook playground``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from .router import router

PREFIX = "/playground"


def create_app() -> FastAPI:
    app = FastAPI(title="rulebook playground", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(router, prefix=PREFIX)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/")

    return app
