"""Reading reports from disk: encodings detected, HTML kept as markup (cleaning strips it
with offsets into the decoded text), clear errors for what cannot be read."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

SUFFIXES = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# What report text is made of: CJK, ASCII, CJK and full-width punctuation, common symbols.
_COMMON = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf\x09-\x0d\x20-\x7e\u3000-\u303f\uff00-\uffef\u2010-\u206f\u00a0-\u00ff\u0100-\u024f\u2160-\u217f\u2460-\u24ff\u25a0-\u25ff]"
)


class InputError(Exception):
    """A file that cannot be read as a report; the message says why."""


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The decoded text of one report file (UTF-8/16/32 with or without BOM, GB18030/GBK, Big5)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size} bytes, over the limit of {max_bytes}")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}") from err
    return decode(data)


def decode(data: bytes) -> str:
    """Bytes → text; raises ``InputError`` for binary data or an unknown encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding)
    try:
        return _plausible(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Without NUL bytes the text is not UTF-16; leaving it out stops short GBK passing for UTF-16.
    candidates = ["gb18030", "big5"] + (["utf_16_le", "utf_16_be"] if b"\x00" in data else [])
    best = from_bytes(data, cp_isolation=candidates).best()
    if best is None:
        raise InputError("not text: no encoding fits (binary file?)")
    encoding = "gb18030" if best.encoding in ("gb2312", "gbk") else best.encoding
    return _strict(data, encoding)


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"invalid {encoding} text at byte {err.start}") from err
    if not encoding.startswith("utf-8") and not _looks_like_chinese_text(text[:20_000]):
        raise InputError(f"not text: decodes as {encoding} into unusual characters (binary file?)")
    return _plausible(text)


def _looks_like_chinese_text(sample: str) -> bool:
    """Real report text is made of common characters: ASCII, punctuation, and CJK that
    GB2312 or Big5 can write. Binary data decoded as UTF-16 or GB18030 is not."""
    if not sample:
        return True
    uncommon = sum(1 for ch in sample if not _COMMON.match(ch) or (ch >= "\u3400" and not _in_legacy_sets(ch)))
    return uncommon <= len(sample) // 10


def _in_legacy_sets(ch: str) -> bool:
    for encoding in ("gb2312", "big5"):
        try:
            ch.encode(encoding)
            return True
        except UnicodeEncodeError:
            continue
    return False


def _plausible(text: str) -> str:
    if len(_CONTROL.findall(text[:100_000])) > max(8, len(text[:100_000]) // 200):
        raise InputError("not text: too many control characters (binary file?)")
    return text


def iter_report_paths(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and report files under folders named (sorted, recursive).

    A named path that does not exist is yielded as is, so the caller reports it.
    """
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path
