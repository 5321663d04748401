"""The web page: ``GET /`` (index.html) and ``GET /static/{name}`` (built assets, see web/).

The assets in ``api/static`` are built from ``web/`` by ``cd web && npm ci && npm run build``
and committed, so the service needs no Node.js and loads nothing from the internet.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.errors import ApiError

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type=_TYPES[".html"])


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """One built asset by file name (no sub-folders, no path tricks)."""
    path = STATIC_DIR / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise ApiError(404, f"no static file {name!r}")
    media = _TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "no-cache"})
