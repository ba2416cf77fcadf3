"""PDF rendering with WeasyPrint, limited to our own templates and our own static files.

WeasyPrint fetches file://, http(s)://, ftp:// and data: by default, and <link rel="attachment">
embeds whole files into the PDF (WeasyPrint's "Security" documentation). Our fetcher, a subclass
of weasyprint.urls.URLFetcher, allows data: URLs and file:// URLs inside the report static folder
only; anything else stops the rendering (FatalURLFetchingError), so a reference that slipped into
a template fails closed instead of being fetched. User text only reaches the HTML through Django
templates with autoescape on.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

REPORT_STATIC_DIR = Path(settings.BASE_DIR) / "static" / "compliance" / "reports"


class RefusedFetch(FatalURLFetchingError):
    """A reference the report fetcher does not allow; it aborts the rendering."""


class ReportURLFetcher(URLFetcher):
    """Loads data: URLs and files under the report static folder; refuses everything else."""

    def __init__(self, *, static_dir: Path = REPORT_STATIC_DIR):
        super().__init__(timeout=2, allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True)
        self.static_dir = static_dir.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self._inside_static(url):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise RefusedFetch(f"The report may not load {url[:200]!r}")

    def _inside_static(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return path.is_relative_to(self.static_dir) and path.is_file()


def static_url(name: str) -> str:
    """A file:// URL of a report static file, for templates (the fetcher allows only these)."""
    return (REPORT_STATIC_DIR / name).resolve().as_uri()


# Tagged PDF (PDF/UA-1): a structure tree (headings, paragraphs, tables, figures with their alternative text),
# the document language from <html lang>, the title from <title>, shown by viewers instead of the file name.
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str, *, fetcher: ReportURLFetcher | None = None) -> bytes:
    """Render HTML we produced to a tagged PDF, with the report fetcher and no base URL."""
    document = HTML(string=html, url_fetcher=fetcher or ReportURLFetcher(), base_url=None)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render one of our templates (autoescaped) and turn it into a PDF."""
    html = render_to_string(template_name, {**context, "report_css_url": static_url("report.css")})
    return html_to_pdf(html)
