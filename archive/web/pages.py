"""One description per page, from which the app makes its HTML route, its JSON twin
under ``/api/`` and its OpenAPI entry — so the UI and scripts read the same data.

A view module lists its :class:`Page` objects; ``load`` reads the archive (on a reader
thread) and returns JSON-ready data; ``extra`` adds what only the HTML needs (charts,
highlighted segments), computed from that data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import Archive
from ..errors import ArchiveError


class BadRequest(ArchiveError):
    """A parameter is missing or malformed (an HTTP 400, with this message)."""


@dataclass(frozen=True, kw_only=True)
class Param:
    """A query or path parameter of a page."""

    name: str
    description: str
    type: str = "string"  # string | integer | number | boolean
    where: str = "query"  # query | path
    required: bool = False
    default: Any = None
    enum: tuple[str, ...] = ()


class Args:
    """A page's parameters as given, read with their declared types."""

    def __init__(self, values: Mapping[str, str], params: tuple[Param, ...]) -> None:
        self._values = {k: v for k, v in values.items() if v != ""}
        self._params = {p.name: p for p in params}

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            param = self._params.get(name)
            default = param.default if param else None
            return None if default is None else str(default)
        param = self._params.get(name)
        if param and param.enum and value not in param.enum:
            raise BadRequest(f"{name} must be one of {', '.join(param.enum)}, not {value!r}")
        return value

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError as exc:
            raise BadRequest(f"{name} must be a whole number, not {value!r}") from exc

    def number(self, name: str) -> float | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError as exc:
            raise BadRequest(f"{name} must be a number, not {value!r}") from exc

    def flag(self, name: str) -> bool:
        return (self.text(name) or "").lower() in ("1", "true", "yes", "on")

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise BadRequest(f"give {name}")
        return value

    def as_dict(self) -> dict[str, str]:
        return dict(self._values)


Loader = Callable[[Archive, Args], dict[str, Any]]
Extra = Callable[[dict[str, Any], Args], dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Page:
    """A page at ``path`` (HTML) and ``/api`` + ``path`` (JSON).

    Attributes:
        path: Starlette route path, e.g. ``/record/{id:int}``.
        name: route name, used for links.
        title: for the OpenAPI summary.
        template: Jinja template rendering the data (HTML only).
        load: reads the archive; returns the JSON data.
        params: query and path parameters (documented in OpenAPI).
        extra: HTML-only context computed from the data.
        parallel: more loaders, run at the same time on other reader threads (their
            own connections), their data merged in: a page's independent reads then
            take as long as the slowest, not their sum.
        api: also served as JSON under ``/api``.
    """

    path: str
    name: str
    title: str
    template: str
    load: Loader
    params: tuple[Param, ...] = ()
    extra: Extra | None = None
    parallel: tuple[Loader, ...] = ()
    api: bool = True
    response: dict[str, Any] = field(default_factory=lambda: {"type": "object"})


def openapi(pages: list[Page], *, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of every page's JSON twin."""
    paths: dict[str, Any] = {}
    for page in pages:
        if not page.api:
            continue
        path = "/api" + page.path.replace(":int", "").replace(":path", "")
        parameters = [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                       "description": p.description,
                       "schema": {"type": p.type, **({"enum": list(p.enum)} if p.enum else {}),
                                  **({"default": p.default} if p.default is not None else {})}}
                      for p in page.params]
        paths[path] = {"get": {
            "summary": page.title, "operationId": page.name, "parameters": parameters,
            "responses": {
                "200": {"description": page.title,
                        "content": {"application/json": {"schema": page.response}}},
                "400": {"description": "a parameter is missing or malformed"},
                "404": {"description": "no such record, page or crawl"}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "newsarchive", "version": version,
                     "description": "Read-only JSON API of an archive served by "
                     "`newsarchive serve`: the same data as each HTML page, and the same "
                     "fields as the CLI's --json."},
            "paths": paths}
