from typing import Any

class Page:
    anchors: dict[str, tuple[float, float]]

class Document:
    pages: list[Page]
    def write_pdf(
        self, target: Any = None, zoom: float = 1, finisher: Any = None, **options: Any
    ) -> bytes: ...
