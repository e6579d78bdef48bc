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


FIGNEWS_COLUMNS = ("Batch", "Source Language", "ID", "Type", "Text", "English MT", "Arabic MT")


def iter_fignews() -> Iterator[dict]:
    """FIGNEWS-2024 IAA posts as ``{doc_id, batch, language, text}``; ``text`` is the Arabic column.

    The Arabic column is the original post for Arabic rows and machine translation for the others.
    Rows are tab-separated with no quoting (a csv reader would merge rows at stray quotes).
    """
    path = shared_file("fignews_2024", "FIGNEWS-2024-TEXT-IAA.tsv")
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        col = {name: header.index(name) for name in FIGNEWS_COLUMNS}
        for line in fh:
            row = line.rstrip("\n").split("\t")
            if len(row) != len(header):
                continue
            batch, lang, ident = row[col["Batch"]], row[col["Source Language"]], row[col["ID"]]
            yield {"doc_id": f"{batch}/{lang}/{ident}", "batch": batch, "language": lang,
                   "text": row[col["Arabic MT"]]}
