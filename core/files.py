"""Private files and scoped downloads.

``private_storage`` keeps files under ``settings.PRIVATE_MEDIA_ROOT``, a directory outside
``MEDIA_ROOT`` and outside every served path: it has no URL (``url()`` raises), so a file stored
there can only reach a person through a view that has first checked they may see it and then
calls ``serve_private``. Uploaded registers, rejects files and (issue 7) visit attachments live
there.

``serve_private(request, fieldfile, filename)`` streams the file as an attachment: the filename is
sent both as a plain ASCII fallback and RFC 5987-encoded (``filename*=utf-8''…``) so browsers
show Chinese names, ``X-Content-Type-Options: nosniff`` stops a browser from sniffing the bytes
into HTML, and a missing file (never stored, or deleted from disk) is a 404, never a 500.
``attachment_response`` does the same for bytes built on the fly (exports, templates).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header


@deconstructible(path="core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A ``FileSystemStorage`` rooted at ``PRIVATE_MEDIA_ROOT`` (read when first used, so test
    settings apply), with no base URL: files are only ever served by ``serve_private``."""

    def __init__(self, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(**kwargs)
        setting_changed.connect(self._private_setting_changed)

    def _private_setting_changed(self, *, setting, **kwargs):
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; serve them with core.files.serve_private.")


private_storage = PrivateStorage()


def _content_type(filename: str) -> str:
    content_type, _encoding = mimetypes.guess_type(filename)
    if content_type and content_type.startswith("text/"):
        return f"{content_type}; charset=utf-8"  # every text file the product writes is UTF-8
    return content_type or "application/octet-stream"


def _harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_private(request: HttpRequest, fieldfile: FieldFile | None, filename: str) -> FileResponse:
    """Stream ``fieldfile`` as an attachment named ``filename``; 404 when there is no file.

    The caller must already have checked that ``request.user`` may see the object that holds the
    file (a selector with ``actor``); this function checks nothing about the person.
    """
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=Path(filename).name, content_type=_content_type(filename)
    )
    return _harden(response)


def attachment_response(content: bytes, filename: str, content_type: str | None = None) -> HttpResponse:
    """``content`` as a download named ``filename`` (RFC 5987 for non-ASCII names), ``nosniff``."""
    response = HttpResponse(content, content_type=content_type or _content_type(filename))
    response["Content-Disposition"] = content_disposition_header(True, Path(filename).name)
    return _harden(response)
