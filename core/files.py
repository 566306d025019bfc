"""Private files and scoped downloads.

``private_storage`` is where uploaded registers, rejects files, visit attachments and diagnosis
reports live. It hands every call to the configured ``storages["private"]`` backend: by default a
directory, ``settings.PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT`` and outside every served path;
with ``S3_BUCKET`` set, an S3-compatible object store (MinIO…) shared by every machine
(``config.settings.base.private_storages``). It has no URL (``url()`` raises), so a file stored there can only reach a
person through a view that has first checked they may see it and then calls ``serve_private``.

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
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header


@deconstructible(path="core.files.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """The default private backend: a ``FileSystemStorage`` rooted at ``PRIVATE_MEDIA_ROOT`` (read
    when first used, so test settings apply), with no base URL: files are only ever served by
    ``serve_private``."""

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


@deconstructible(path="core.files.PrivateStorage")
class PrivateStorage(Storage):
    """What the models' private file fields hold: every call goes to ``storages["private"]``,
    looked up at the time of the call, so the backend is configuration (``settings.STORAGES``; the
    filesystem by default, an S3-compatible object store when ``S3_BUCKET`` is set) and changes
    with it in tests, while migrations keep naming this one class. ``url()`` always refuses: a
    private file has no address, whatever the backend would offer."""

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def __getattr__(self, name):  # the backend's own attributes (``location``, ``bucket_name``…)
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.backend, name)

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def path(self, name):
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)

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
