"""A zip archive streamed as it is written: ``zip_stream(entries)`` yields the bytes of a ZIP of
``(name, open_file)`` entries, one chunk at a time, without holding the archive in memory
(``zipfile`` writes data descriptors to an unseekable stream). Entries are stored, not
compressed: PDFs are compressed already."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator


class _Sink:
    """A write-only, unseekable file that hands on what is written."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def zip_stream(entries: Iterable[tuple[str, Callable]]) -> Iterator[bytes]:
    """Yield a ZIP of ``entries``: ``(name in the archive, function returning an open binary file)``."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        seen: set[str] = set()
        for name, opener in entries:
            unique, n = name, 1
            while unique in seen:
                n += 1
                stem, dot, ext = name.rpartition(".")
                unique = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
            seen.add(unique)
            with opener() as source, archive.open(unique, mode="w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, 256 * 1024)
            yield sink.take()
    yield sink.take()
