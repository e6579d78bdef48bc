"""Where the real public corpora live (``../shared/data``), and reading them without copying them."""

from __future__ import annotations

import json
import lzma
import os
from pathlib import Path
from typing import Iterator


class SharedDataMissing(FileNotFoundError):
    """The real corpora are not on this machine; callers skip with this message as the reason."""


def shared_dir() -> Path:
    """``$RASD_SHARED`` if set, else ``../shared`` next to the repository (the working directory)."""
    return Path(os.environ.get("RASD_SHARED", Path.cwd().parent / "shared")).resolve()


def shared_file(*parts: str) -> Path:
    path = shared_dir().joinpath("data", *parts)
    if not path.exists():
        raise SharedDataMissing(
            f"{path} not found: the real corpora live in ../shared/data beside the repository "
            "(set RASD_SHARED to point elsewhere)"
        )
    return path


def iter_saudinewsnet() -> Iterator[dict]:
    """SaudiNewsNet articles, streamed from the xz file (about 99 MB uncompressed)."""
    with lzma.open(shared_file("saudinewsnet", "saudinewsnet.jsonl.xz"), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
