"""The web app: every page as HTML and as JSON under ``/api/``, an OpenAPI description,
static files, all behind the read-only :class:`~archive.web.security.Guard`.

Usage::

    pool = ReaderPool(lambda: open_archive("newsarchive-data"))
    app = create_app(pool, replay_port=8081)      # an ASGI app: run it with uvicorn
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import Archive
from ..errors import ArchiveError, RecordNotFoundError
from .pages import Args, Loader, Page, openapi
from .readers import ReaderPool
from .security import ASGIApp, Guard, replay_key
from .views import all_pages
from .views.record import replay_link

HERE = Path(__file__).resolve().parent
VERSION = "1"
MENU = (("search", "Search"), ("sources", "Sources"), ("trace", "Trace"), ("sites", "Sites"),
        ("crawls", "Crawls"), ("api", "API"))


def templates() -> Environment:
    """The Jinja environment: every value escaped unless marked safe by our code."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["urlencode_args"] = lambda d: urlencode(d)
    env.filters["day"] = lambda s: (s or "")[:10]
    env.filters["when"] = lambda s: (s or "").replace("T", " ")[:19]
    env.filters["pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2)
    env.filters["is_web_url"] = _is_web_url
    return env


def _bound(load: Loader, args: Args) -> Callable[[Archive], dict[str, Any]]:
    return lambda arc: load(arc, args)


def _is_web_url(url: object) -> bool:
    return isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https")


def _replay_base(request: Request, replay_port: int, token: str | None) -> str:
    host = request.url.hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    base = f"{request.url.scheme}://{host}:{replay_port}"
    return base + (f"/k/{replay_key(token)}" if token else "")


def create_app(pool: ReaderPool, *, replay_port: int, token: str | None = None,
               loopback_only: bool = True, title: str = "newsarchive") -> ASGIApp:
    """The app over the archives ``pool`` reads.

    Args:
        pool: reader threads with the archive open.
        replay_port: where :func:`archive.web.replay.create_replay_app` listens (same
            host); snapshots are framed from there.
        token: required on every request when set.
        loopback_only: refuse requests naming a host other than loopback.
        title: shown in every page's header (the archive's location).
    """
    env = templates()
    pages = all_pages()
    spec = openapi(pages, version=VERSION)

    def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        html = env.get_template(template).render(
            request=request, menu=MENU, archive_title=title, active=context.pop("active", ""),
            replay_base=_replay_base(request, replay_port, token), replay_link=replay_link,
            **context)
        return HTMLResponse(html, status_code=status)

    def error(request: Request, exc: Exception, as_json: bool) -> Response:
        status = 404 if isinstance(exc, RecordNotFoundError) else 400
        if as_json:
            return JSONResponse({"error": str(exc)}, status_code=status)
        return render(request, "error.html", status=status, message=str(exc))

    def endpoint(page: Page, as_json: bool) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            values = {**request.query_params, **{k: str(v) for k, v in
                                                 request.path_params.items()}}
            args = Args(values, page.params)
            try:
                parts = await asyncio.gather(*(pool.run(_bound(load, args))
                                               for load in (page.load, *page.parallel)))
            except ArchiveError as exc:
                return error(request, exc, as_json)
            data = parts[0]
            for part in parts[1:]:
                data.update(part)
            if as_json:
                return JSONResponse(data)
            extra = page.extra(data, args) if page.extra else {}
            return render(request, page.template, data=data, args=args.as_dict(),
                          active=page.name, **extra)
        return handle

    async def home(request: Request) -> Response:
        return RedirectResponse("/search", status_code=307)

    async def screenshot_png(request: Request) -> Response:
        capture_id = int(request.path_params["id"])
        png = await pool.run(lambda arc: arc.screenshot(capture_id))
        if png is None:
            return render(request, "error.html", status=404,
                          message=f"no screenshot archived for capture {capture_id}")
        return Response(png, media_type="image/png")  # nosniff: never read as markup

    async def api_spec(request: Request) -> Response:
        return JSONResponse(spec)

    async def api_index(request: Request) -> Response:
        return render(request, "api.html", spec=spec, active="api")

    routes: list[Route | Mount] = [Route("/", home), Route("/api", api_index, name="api"),
                                   Route("/api/openapi.json", api_spec),
                                   Route("/screenshot/{id:int}", screenshot_png)]
    for page in pages:
        routes.append(Route(page.path, endpoint(page, as_json=False), name=page.name))
        if page.api:
            routes.append(Route("/api" + page.path, endpoint(page, as_json=True),
                                name="api-" + page.name))
    routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))
    app = Starlette(routes=routes)
    frame = f"http://*:{replay_port} https://*:{replay_port}"
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        f"frame-src {frame}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin",
    }
    return Guard(app, token=token, loopback_only=loopback_only, headers=headers)
