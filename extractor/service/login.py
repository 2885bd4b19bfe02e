"""Signing in from a browser: ``GET /login`` (a form), ``POST /login`` (the key, once), ``POST /logout``.

An analyst's browser cannot send ``Authorization: Bearer KEY`` when following a link, so the key
can be given once to ``/login`` and is then kept in an HttpOnly, ``SameSite=Strict`` cookie
(``Secure`` over HTTPS) that the ``Guard`` reads when a request carries no key header. A write
authenticated by the cookie must also carry the header ``X-Extractor-Review: 1`` (the review
page's script sends it; a form or link from another site cannot), so the cookie alone never
changes anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .security import COOKIE
from .state import service

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_HERE = Path(__file__).parent
_TEMPLATES = Environment(
    loader=FileSystemLoader(_HERE / "templates"), autoescape=True, undefined=StrictUndefined
)
_CSS: Final = (_HERE / "static" / "review.css").read_text(encoding="utf-8")


def _next(value: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _form(next_path: str, *, failed: bool = False) -> HTMLResponse:
    from .review import CONTENT_SECURITY_POLICY  # noqa: PLC0415  (one policy for every page)

    page = _TEMPLATES.get_template("login.html.j2").render(css=_CSS, next=next_path, failed=failed)
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-store"}
    return HTMLResponse(page, status_code=401 if failed else 200, headers=headers)


@router.get("/login", response_class=HTMLResponse)
async def login_form(next_path: Annotated[str | None, Query(alias="next")] = None) -> HTMLResponse:
    return _form(_next(next_path))


@router.post("/login")
async def login(request: Request) -> Response:
    fields = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    key = (fields.get("key") or [""])[0].strip()
    target = _next((fields.get("next") or [""])[0])
    settings = service(request).settings
    if not settings.service.api_keys.hashes or not key or settings.service.api_keys.hash_for(key) is None:
        return _form(target, failed=bool(settings.service.api_keys.hashes))
    answer = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    answer.set_cookie(COOKIE, key, httponly=True, samesite="strict", secure=secure, path="/")
    return answer


@router.post("/logout")
async def logout() -> Response:
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(COOKIE, path="/")
    return answer
