"""PDF rendering with WeasyPrint that reads nothing but the product's own packaged assets.

Contract
- ``render_pdf(html, stylesheets=(…))`` renders an HTML string (and CSS strings) to PDF bytes and
  returns ``Rendered(pdf, pages)``. Every URL the document or a stylesheet names goes through
  ``SafeURLFetcher`` — passed to the ``HTML`` *and* to every ``CSS`` (WeasyPrint ≥ 70 loads
  stylesheets with their own fetcher):
  - ``data:`` URIs are decoded;
  - ``asset:<path>`` is read from ``PDF_ASSET_ROOT`` (``static/pdf/``), never outside it (``..``,
    absolute paths and symlinks out are refused);
  - anything else — ``file://``, ``http(s)://``, ``ftp://``, a relative URL, an unknown scheme —
    is refused: the fetcher raises, WeasyPrint leaves the resource out and logs it, and the refusal
    is recorded on the fetcher (``refused``) for tests and logs.
  The document is parsed with no base URL, so a relative URL cannot be resolved against anything.
- Fonts: the CJK font comes from fontconfig (Debian's ``fonts-noto-cjk``), so no font file is
  fetched; WeasyPrint embeds the subset of glyphs used. ``html`` and ``@page`` must both name the
  font: margin boxes do not inherit the body's.
- ``page_labels()``: the "第 x 页 共 y 页" footer's texts for a print stylesheet.
- ``renderer_version()`` names what rendered a file (``WeasyPrint 70.0``), for the artifact record.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings

logger = logging.getLogger(__name__)

ASSET_SCHEME = "asset:"


def asset_root() -> Path:
    return Path(getattr(settings, "PDF_ASSET_ROOT", settings.BASE_DIR / "static" / "pdf")).resolve()


class RefusedURL(ValueError):
    """A URL the PDF renderer may not read."""


def _make_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """Serves ``data:`` and ``asset:`` URLs only (see the module); records what it refused."""

        def __init__(self, **kwargs):
            super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url, headers=None):
            text = str(url)
            lowered = text.strip().lower()
            if lowered.startswith("data:"):
                return self._data(text)
            if lowered.startswith(ASSET_SCHEME):
                return self._asset(text)
            self._refuse(text)

        def _refuse(self, url: str):
            self.refused.append(url)
            logger.warning("PDF renderer refused to fetch %r", url[:200])
            raise RefusedURL(f"refused: {url[:200]}")

        def _data(self, url: str):
            header, sep, payload = url[5:].partition(",")
            if not sep:
                self._refuse(url)
            parts = header.split(";")
            mime = parts[0] or "text/plain"
            try:
                body = (
                    base64.b64decode(payload, validate=False)
                    if "base64" in parts[1:]
                    else unquote(payload).encode()
                )
            except (ValueError, TypeError):
                self._refuse(url)
            self.served.append("data:")
            return URLFetcherResponse(url, body, {"Content-Type": mime})

        def _asset(self, url: str):
            relative = unquote(url[len(ASSET_SCHEME) :]).split("?", 1)[0].split("#", 1)[0].lstrip("/")
            root = asset_root()
            try:
                path = (root / relative).resolve(strict=True)
            except (OSError, RuntimeError):
                self._refuse(url)
            if root not in path.parents or not path.is_file():
                self._refuse(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.served.append(url)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return SafeURLFetcher


_fetcher_class = None


def safe_url_fetcher():
    """A fresh ``SafeURLFetcher`` (a ``weasyprint.urls.URLFetcher`` subclass; see the module)."""
    global _fetcher_class
    if _fetcher_class is None:
        _fetcher_class = _make_fetcher_class()
    return _fetcher_class()


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    refused: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)


def render_pdf(html: str, *, stylesheets: tuple[str, ...] = ()) -> Rendered:
    """``html`` (and CSS strings) as PDF bytes, reading only packaged assets (see the module)."""
    from weasyprint import CSS, HTML

    fetcher = safe_url_fetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=css, base_url=None, url_fetcher=fetcher) for css in stylesheets]
    )
    pdf = document.write_pdf()
    return Rendered(
        pdf=pdf, pages=len(document.pages), refused=list(fetcher.refused), served=list(fetcher.served)
    )


def page_labels() -> dict:
    """The footer's "第 x 页 共 y 页" cut around CSS's page counters, in the active language, as
    ``page_before``, ``page_between``, ``page_after`` for a print stylesheet (constant texts, no
    data; quotes and backslashes are not in them)."""
    from django.utils.translation import gettext as _

    text = _("第 %(page)s 页 共 %(pages)s 页") % {"page": "\x00", "pages": "\x01"}
    before, rest = text.split("\x00", 1)
    between, after = rest.split("\x01", 1)
    return {"page_before": before, "page_between": between, "page_after": after}


def renderer_version() -> str:
    import weasyprint

    return f"WeasyPrint {weasyprint.__version__}"
