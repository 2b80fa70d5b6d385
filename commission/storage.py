"""Where uploaded files are kept, behind one small interface.

The default keeps files in a folder (``STORAGE_PATH``, ``instance/files`` unless
set). Files are stored under their SHA-256 checksum, so the same file uploaded
twice is stored once and a stored file is never overwritten with other content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app


@dataclass(frozen=True)
class StoredFile:
    key: str
    checksum: str
    size: int


class Storage(Protocol):
    def save(self, data: bytes) -> StoredFile: ...

    def read(self, key: str) -> bytes: ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key outside the storage folder")
        return path

    def save(self, data: bytes) -> StoredFile:
        checksum = hashlib.sha256(data).hexdigest()
        key = f"{checksum[:2]}/{checksum}"
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".partial")
            temporary.write_bytes(data)
            temporary.replace(path)
        return StoredFile(key=key, checksum=checksum, size=len(data))

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()


def init_app(app: Flask) -> None:
    root = Path(app.config["STORAGE_PATH"])
    app.extensions["storage"] = LocalStorage(root)


def storage() -> Storage:
    backend: Storage = current_app.extensions["storage"]
    return backend
