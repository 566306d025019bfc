"""Rendered page bodies kept in the cache under the data version: the main pages' repeat views.

A list, an archive or a caseload is read far more often than the data under it changes. A view
that uses ``cached_fragment`` renders its body once per (audience, URL, language, day, data
version); later requests of the same audience get the same bytes without a query of their own.
The page's layout (menu, messages, CSRF tokens of the sign-out and language forms) is rendered
around it on every request.

Contract:
- The key holds everything a body may depend on besides the data: the fragment's name, the full
  path with its query string, the active language, today's date (due and overdue follow-ups) and
  the audience. ``per="session"`` (signed-in pages) keys by the session and the CSRF secret, so a
  body is only ever served back into the session it was rendered for, forms in it included;
  ``per="user"`` (the API: no session, no forms) by the user; ``per="public"`` (anonymous pages)
  shares one body among everyone, so it must not show anything personal nor carry a CSRF token.
- ``core.freshness.token()`` is part of the key: any committed write anywhere replaces it, so a
  body is never served after the data under it changed. Entries also expire after
  ``FRAGMENT_CACHE_SECONDS`` (settings; 0 turns caching off).
- Nothing is read or stored while the request's own connection holds uncommitted writes, or when
  the cache cannot be reached (then the body is simply rendered): caching never changes what a
  page shows, only how often it is computed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from core import freshness

logger = logging.getLogger(__name__)

#: Bodies larger than this are not cached (they would crowd out everything else).
MAX_BYTES = 512 * 1024
AUDIENCES = ("session", "user", "public")


def _audience(request, per: str) -> list[str] | None:
    """The audience part of the key, or ``None`` when this request can't be cached for it."""
    if per == "public":
        return ["public"]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    parts = [f"user:{user.pk}", str(getattr(user, "role", "")), str(getattr(user, "region_id", ""))]
    if per == "session":
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        csrf_secret = request.META.get("CSRF_COOKIE")
        if not session_key or not csrf_secret:
            # Without a CSRF cookie this response sets a new secret: a body cached now would carry
            # tokens of a secret no later request of the session sends.
            return None
        parts += [session_key, csrf_secret]
    return parts


def fragment_key(
    request, name: str, *, per: str = "session", vary: Iterable[Any] = (), url: str | None = None
) -> str | None:
    """The cache key of ``name`` for this request, or ``None`` when it must not be cached.

    ``url`` replaces the request's full path in the key, for a part of a page that depends on
    fewer parameters than the page (a filter panel: the filters, not the page number)."""
    if per not in AUDIENCES:
        raise ValueError(f"per must be one of {AUDIENCES}, not {per!r}")
    if not getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) or not freshness.can_cache():
        return None
    audience = _audience(request, per)
    if audience is None:
        return None
    version = freshness.token()
    if version is None:
        return None
    material = [
        name,
        request.get_full_path() if url is None else url,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        version,
        *audience,
        *(str(v) for v in vary),
    ]
    digest = hashlib.sha256("\x1f".join(material).encode()).hexdigest()
    return f"dsp:frag:{name}:{digest}"


def cached_value(
    request, name: str, compute: Callable[[], Any], *, per: str = "session", vary=(), keep=None, url=None
) -> Any:
    """``compute()``, or the value it gave for the same key before (any picklable value but
    ``None``). ``keep(value)`` false leaves a computed value out of the cache."""
    key = fragment_key(request, name, per=per, vary=vary, url=url)
    if key is None:
        return compute()
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the request
        logger.warning("fragment cache unreachable", exc_info=True)
        return compute()
    if hit is not None:
        return hit
    value = compute()
    if (keep is None or keep(value)) and freshness.can_cache():  # computing must not have written
        try:
            cache.set(key, value, timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("fragment cache unreachable", exc_info=True)
    return value


def cached_fragment(
    request, name: str, render: Callable[[], str], *, per: str = "session", vary=(), url=None
) -> SafeString:
    """The HTML ``render()`` returns, cached as described above (bodies over ``MAX_BYTES`` are
    rendered every time)."""
    html = cached_value(
        request,
        name,
        lambda: str(render()),
        per=per,
        vary=vary,
        url=url,
        keep=lambda v: len(v.encode()) <= MAX_BYTES,
    )
    return mark_safe(html)


def url_with(request, names: Iterable[str]) -> str:
    """The request's path with only the query parameters in ``names`` (sorted): the ``url`` of a
    part of a page that depends on those parameters alone."""
    from urllib.parse import urlencode

    wanted = set(names)
    pairs = sorted((k, v) for k, values in request.GET.lists() if k in wanted for v in values)
    return f"{request.path}?{urlencode(pairs)}"


def render_page(
    request,
    template: str,
    body_template: str,
    build: Callable[[], tuple[dict, dict]],
    *,
    name: str,
    per: str = "session",
    status: int = 200,
):
    """The response of a page whose body is cached: ``template`` (the shell: it extends
    ``base.html`` and puts ``{{ body }}`` in its content block) around ``body_template``.

    ``build()`` runs only on a miss and returns ``(context, shell)``: the body's context, and the
    few small values the shell shows besides the body (a title). Both are cached together, so the
    shell's values must come from the same data as the body (they are, being built together).
    Errors raised by ``build`` (``Http404``, ``PermissionDenied``) propagate and are never cached.
    """
    from django.shortcuts import render
    from django.template.loader import render_to_string

    def compute() -> dict:
        context, shell = build()
        return {**shell, "body": render_to_string(body_template, context, request)}

    value = cached_value(request, name, compute, per=per, keep=lambda v: len(v["body"].encode()) <= MAX_BYTES)
    return render(request, template, {**value, "body": mark_safe(value["body"])}, status=status)
