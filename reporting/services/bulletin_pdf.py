"""The bulletin (通报) as PDF, through the diagnosis report's renderer (``core.pdf``: WeasyPrint,
the CJK font, a URL fetcher that serves packaged assets only) and the shared job mechanism.

Contract
- ``bulletin_html(content)`` → ``(html, css)``: the document of ``bulletin_content`` — title,
  period, text, for each table its ranking sentences and the table as printed, then the charts as
  server-side SVG (``reporting.charts``, from the very data the dashboard's ECharts draw).
- ``bulletin_pdf(bulletin)`` → ``core.pdf.Rendered``: rendered now. For a draft this is the
  preview (marked 草稿, never stored); a published bulletin renders its frozen snapshot, so its PDF
  never changes either.
- ``bulletin_render_run(render_id)`` is the task's work (``reporting.tasks.render_bulletin``):
  claims the ``BulletinRender`` row (a second delivery claims nothing), renders the snapshot,
  stores the file privately and finishes the row in one transaction; failures are retried with
  the job mechanism's back-off, a lost claim removes what it wrote.
- ``bulletin_render_request(bulletin)``: the published bulletin's row, scheduled if missing or
  failed (None for a draft).
- ``bulletin_filename(bulletin)``: ``统计通报-<period>-<title>.pdf``.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import JobLost, JobStatus
from core.pdf import Rendered, page_labels, render_pdf, renderer_version
from reporting.models import Bulletin, BulletinRender
from reporting.services.bulletins import bulletin_content

logger = logging.getLogger(__name__)


def chart_svg(chart: dict) -> str:
    """The server-side SVG of one chart (the shapes of ``reporting.selectors.dashboard``), without
    a title of its own: the page's and the PDF's caption name it."""
    from decimal import Decimal

    from reporting import charts

    def number(text):
        return None if text is None else Decimal(text)

    kind = chart["kind"]
    if kind == "bar":
        return charts.bar_svg([(label, number(v)) for label, v in chart["items"]], unit=chart["unit"])
    if kind == "trend":
        return charts.trend_svg([(label, number(v)) for label, v in chart["points"]], unit=chart["unit"])
    if kind == "levels":
        return charts.levels_svg(
            [(name, [number(v) for v in counts]) for name, counts in chart["series"]],
            labels=chart["labels"],
        )
    if kind == "map":
        return charts.map_svg({code: number(v) for code, v in chart["values"].items()}, unit=chart["unit"])
    raise ValueError(f"unknown chart kind {kind!r}")


def bulletin_html(content: dict, *, draft: bool = False, published_at=None) -> tuple[str, str]:
    charts = [{"title": c["title"], "svg": chart_svg(c)} for c in content.get("charts") or []]
    html = render_to_string(
        "pdf/bulletin.html",
        {
            "content": content,
            "charts": charts,
            "draft": draft,
            "published_at": published_at,
            "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        },
    )
    css = render_to_string("pdf/bulletin.css", page_labels())
    return html, css


def bulletin_pdf(bulletin: Bulletin) -> Rendered:
    draft = bulletin.status != Bulletin.Status.PUBLISHED
    html, css = bulletin_html(
        bulletin_content(bulletin),
        draft=draft,
        published_at=None if draft else timezone.localtime(bulletin.published_at),
    )
    return render_pdf(html, stylesheets=(css,))


def bulletin_filename(bulletin: Bulletin) -> str:
    title = bulletin.title.replace("/", "_").replace("\\", "_")[:60]
    return f"{_('统计通报')}-{bulletin.period}-{title}.pdf"


def bulletin_render_request(bulletin: Bulletin) -> BulletinRender | None:
    """The published bulletin's render row, scheduled when it is missing or failed (a bulletin
    published before PDFs were rendered, a render out of attempts); None for a draft."""
    if bulletin.status != Bulletin.Status.PUBLISHED:
        return None
    with transaction.atomic():
        render, created = BulletinRender.objects.select_for_update().get_or_create(bulletin=bulletin)
        if created or render.status == JobStatus.FAILED:
            render.schedule()
    return render


def bulletin_render_enqueue(render: BulletinRender, *, countdown: float | None = None) -> None:
    """Send the render task (the doorbell ``core.jobs`` rings for BulletinRender)."""
    from reporting import tasks

    tasks.render_bulletin.apply_async(args=[render.pk], countdown=countdown)


def bulletin_render_run(*, render_id: int) -> BulletinRender | None:
    if not BulletinRender.objects.filter(pk=render_id).exists():
        return None
    render = BulletinRender.claim(render_id)
    if render is None:
        return BulletinRender.objects.get(pk=render_id)
    stored = ""
    field = render.file
    try:
        rendered = bulletin_pdf(render.bulletin)
        render.heartbeat()
        name = field.field.generate_filename(render, f"bulletin-{render.bulletin_id}-a{render.attempts}.pdf")
        if field.storage.exists(name):
            field.storage.delete(name)
        stored = field.storage.save(name, ContentFile(rendered.pdf), max_length=field.field.max_length)
        with transaction.atomic():
            if not render.finish(file=stored, pages=rendered.pages, renderer=renderer_version()):
                raise JobLost(render_id)
        return render
    except JobLost:
        if stored:
            field.storage.delete(stored)
        return BulletinRender.objects.get(pk=render_id)
    except Exception as exc:  # noqa: BLE001 - the job records the reason and retries
        if stored:
            field.storage.delete(stored)
        logger.exception("bulletin render %s failed", render_id)
        render.fail(_("生成失败：%(reason)s") % {"reason": exc})
        return render
