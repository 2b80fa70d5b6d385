from collections.abc import Iterable, Mapping
from typing import Any
from urllib.request import OpenerDirector

class URLFetcherResponse:
    url: str
    status: int
    def __init__(
        self,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        status: int = 200,
        **kwargs: Any,
    ) -> None: ...

class URLFetcher(OpenerDirector):
    def __init__(
        self,
        timeout: float = 10,
        ssl_context: Any = None,
        http_headers: Mapping[str, str] | None = None,
        allowed_protocols: Iterable[str] | None = None,
        allow_redirects: bool = True,
        fail_on_errors: bool = False,
        **kwargs: Any,
    ) -> None: ...
    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse: ...
