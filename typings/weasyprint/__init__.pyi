from typing import Any

from weasyprint.document import Document
from weasyprint.urls import URLFetcher

__version__: str
VERSION: str

class HTML:
    def __init__(
        self,
        guess: Any = None,
        filename: str | None = None,
        url: str | None = None,
        file_obj: Any = None,
        string: str | None = None,
        encoding: str | None = None,
        base_url: str | None = None,
        url_fetcher: URLFetcher | None = None,
        media_type: str = "print",
    ) -> None: ...
    def render(self, **options: Any) -> Document: ...
    def write_pdf(
        self,
        target: Any = None,
        zoom: float = 1,
        finisher: Any = None,
        font_config: Any = None,
        counter_style: Any = None,
        color_profiles: Any = None,
        **options: Any,
    ) -> bytes: ...
