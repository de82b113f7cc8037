"""What the PDF renderer may read: ``data:`` URLs and briefgen's own template files.

WeasyPrint fetches every URL a document names (images, stylesheets, fonts).
A brief must never read a local file or the network because of a fact, a
source or a template, so :class:`PackageFetcher` refuses every other URL and
remembers it; the renderer reports the refusals.

Importing this module imports WeasyPrint.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

ALLOWED_SCHEMES = ("data",)


def package_file(url: str, root: Path) -> Path | None:
    """The file a ``file:`` URL names, if it is a file inside ``root``; else None.

    The path is resolved first, so ``..`` and symbolic links cannot lead out
    of ``root``.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path


class PackageFetcher(URLFetcher):
    """A WeasyPrint URL fetcher reading only ``data:`` URLs and files under ``root``."""

    def __init__(self, root: Path, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=ALLOWED_SCHEMES, allow_redirects=False, **kwargs)
        self.root = root
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = package_file(url, self.root)
        if path is None:
            self.refused.append(url)
            raise PermissionError(f"briefgen reads only its own template files, not {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
