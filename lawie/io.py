"""Reading reports from disk: encodings detected, HTML kept as markup (cleaning strips it
with offsets into the decoded text), clear errors for what cannot be read.

How ``decode`` decides, in order:

1. known binary formats (PNG, JPEG, PDF, ZIP/DOCX, gzip, ELF, OLE2 .doc …) by their
   magic bytes: ``InputError`` naming the format;
2. a byte-order mark (UTF-8, UTF-16, UTF-32);
3. UTF-16 without a BOM when NUL bytes fall on every other byte (ASCII in UTF-16);
4. UTF-8; UTF-8 with a few invalid bytes (at most 1 in 10 of the non-ASCII bytes) is read
   with each bad sequence replaced by U+FFFD, so the good text stays readable;
5. the charset an HTML/XML page declares, then GB18030 (GBK, GB2312), Big5 (cp950) and
   UTF-16 LE/BE scored by how common the decoded characters are: real Chinese text is
   made of GB2312 level-1 and Big5 level-1 characters, random bytes and mis-decodings
   are not; the most common decoding wins, GB18030 first on a tie.

A file cut in the middle of a multi-byte character keeps its text, the cut character
read as U+FFFD. Every decoding must also pass a control-character check (binary data).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

SUFFIXES = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Binary formats met among scraped reports, by their first bytes.
_MAGIC: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.S), name)
    for pattern, name in (
        (rb"\x89PNG\r\n\x1a\n", "a PNG image"),
        (rb"\xff\xd8\xff", "a JPEG image"),
        (rb"GIF8[79]a", "a GIF image"),
        (rb"BM.{4}\x00\x00\x00\x00", "a BMP image"),
        (rb"II\*\x00|MM\x00\*", "a TIFF image"),
        (rb"RIFF.{4}(?:WEBP|WAVE|AVI )", "a RIFF (WebP/WAV/AVI) file"),
        (rb".{4}ftyp", "an MP4/MOV video"),
        (rb"%PDF-", "a PDF document (convert it to text first)"),
        (rb"\{\\rtf", "an RTF document (convert it to text first)"),
        (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file such as .doc/.xls (convert it to text first)"),
        (rb"PK(?:\x03\x04|\x05\x06|\x07\x08)", "a ZIP archive (or a .docx/.xlsx)"),
        (rb"\x1f\x8b", "gzip-compressed data"),
        (rb"BZh[1-9]1AY&SY", "bzip2-compressed data"),
        (rb"\xfd7zXZ\x00", "xz-compressed data"),
        (rb"\x28\xb5\x2f\xfd", "zstd-compressed data"),
        (rb"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (rb"Rar!\x1a\x07", "a RAR archive"),
        (rb"\x7fELF", "an ELF executable"),
        (rb"MZ.{0,62}\x00", "a Windows executable"),
        (rb"\xca\xfe\xba\xbe|\xcf\xfa\xed\xfe|\xce\xfa\xed\xfe", "a Mach-O executable or Java class"),
        (rb"\x00asm", "a WebAssembly module"),
        (rb"SQLite format 3\x00", "an SQLite database"),
        (rb"ID3[\x02-\x04]|OggS|fLaC", "an audio file"),
    )
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_ASCII = bytes(range(0x80))
# Encodings tried when the bytes are not UTF-8, in order of preference on a tie.
_LEGACY = ("gb18030", "big5", "cp950", "utf-16-le", "utf-16-be")
_DECLARED = re.compile(rb"""<(?:meta\b[^>]*?charset|\?xml\b[^>]*?encoding)\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_SAMPLE = 20_000  # characters scored; bytes sampled are four times as many


class InputError(Exception):
    """A file that cannot be read as a report; the message says why."""


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The decoded text of one report file (UTF-8/16/32 with or without BOM, GB18030/GBK, Big5)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError("is a folder, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size} bytes, over the limit of {max_bytes}")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}") from err
    return decode(data)


def decode(data: bytes) -> str:
    """Bytes → text; raises ``InputError`` for binary data or an unknown encoding."""
    for magic, name in _MAGIC:
        if magic.match(data, 0, 80):
            raise InputError(f"not text: {name} (binary file)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode_utf8(data) if encoding == "utf-8-sig" else _strict(data, encoding)
            if text is None:
                raise InputError("invalid UTF-8 text: {} of {} non-ASCII bytes are not UTF-8".format(*_bad_utf8(data)))
            return _plausible(text)
    if (utf16 := _utf16_by_nul_bytes(data)) is not None:
        try:
            return _plausible(_scored(data, [utf16]))
        except InputError:
            pass  # NUL bytes on one side only, but not UTF-16 text: try the rest
    text, problem = _decode_utf8(data), None
    if text is not None:
        if not _control_heavy(text):
            return text
        problem = InputError("not text: too many control characters (binary file?)")
    try:
        return _plausible(_scored(data, list(_LEGACY), declared=_declared_charset(data)))
    except InputError as err:
        bad, non_ascii = _bad_utf8(data)
        if problem is None and bad * 2 <= non_ascii and non_ascii - bad >= 6:  # mostly UTF-8: say so
            problem = InputError(f"invalid UTF-8 text: {bad} of {non_ascii} non-ASCII bytes are not UTF-8")
        raise (problem or err) from None


def _decode_utf8(data: bytes, share: float = 0.1) -> str | None:
    """UTF-8 with each invalid sequence replaced by U+FFFD, when at most ``share`` of the
    non-ASCII bytes are invalid; else ``None``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        bad, non_ascii = _bad_utf8(data)
        return data.decode("utf-8-sig", "replace") if bad <= share * non_ascii else None


def _bad_utf8(data: bytes) -> tuple[int, int]:
    """(invalid UTF-8 sequences, bytes ≥ 0x80)."""
    bad = data.decode("utf-8", "replace").count("\ufffd") - data.count("\ufffd".encode())
    return bad, len(data.translate(None, _ASCII))


def _utf16_by_nul_bytes(data: bytes) -> str | None:
    """UTF-16 LE/BE when NUL bytes sit on one parity only (the high bytes of ASCII characters)."""
    if len(data) < 4 or b"\x00" not in data:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    high, low = max(even, odd), min(even, odd)
    if high * 5 >= len(data) // 2 and low * 4 <= high:
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def _strict(data: bytes, encoding: str) -> str:
    """``data`` decoded; a multi-byte character cut off by the end of the file becomes U+FFFD."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(data, final=False)
    except UnicodeDecodeError as err:
        raise InputError(f"invalid {encoding} text at byte {err.start}") from err
    return text + "\ufffd" if decoder.getstate()[0] else text


def _scored(data: bytes, encodings: list[str], declared: str | None = None) -> str:
    """``data`` in the charset a page declares when its sample is plausible, else in the
    plausible one of ``encodings`` with the smallest share of uncommon characters (the
    earlier on a tie)."""
    scores: list[tuple[float, int, str]] = []
    for rank, encoding in enumerate(dict.fromkeys([declared, *encodings] if declared else encodings)):
        try:
            sample = _strict(data[: 4 * _SAMPLE], encoding)
        except (InputError, LookupError):
            continue
        uncommon, non_ascii = _uncommon(sample)
        if uncommon <= 1 + non_ascii // 10 and not _control_heavy(sample):
            share = -1.0 if encoding == declared else uncommon / max(1, non_ascii)
            scores.append((share, rank, encoding))
    errors = []
    for _share, _rank, encoding in sorted(scores):
        try:
            return _strict(data, encoding)
        except InputError as err:  # the sample decoded, a later part does not
            errors.append(err)
    if errors:
        raise errors[0]
    raise InputError("not text: no encoding fits (binary file?)")


def _declared_charset(data: bytes) -> str | None:
    m = _DECLARED.search(data, 0, 4096)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name if not name.startswith("utf") else None  # UTF-8 was tried already
    except LookupError:
        return None


def _uncommon(sample: str) -> tuple[int, int]:
    """(uncommon characters, non-ASCII characters) in ``sample``; a cut-off final character
    does not count."""
    common = _common_characters()
    non_ascii = [ch for ch in sample.removesuffix("\ufffd") if ch >= "\x80"]
    return sum(ch not in common for ch in non_ascii), len(non_ascii)


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    """What Chinese report text is made of: GB2312 punctuation, full-width forms, pinyin and
    level-1 hanzi and their traditional forms; Big5 symbols and level-1 hanzi; the spaces of
    web pages."""
    chars = set("\u00a0\u2002\u2003\u2009\u200b\u200c\u200d\u3000\ufeff")
    for lead in (0xA1, 0xA2, 0xA3, 0xA8, 0xA9, *range(0xB0, 0xD8)):
        trails = range(0xA1, 0xBB) if lead == 0xA8 else range(0xA1, 0xFF)  # pinyin of row 8, not bopomofo
        chars.update(bytes([lead, trail]).decode("gb2312", "ignore") for trail in trails)
    for lead in range(0xA1, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if 0xA140 <= (lead << 8 | trail) <= 0xA3BF or 0xA440 <= (lead << 8 | trail) <= 0xC67E:
                chars.add(bytes([lead, trail]).decode("big5", "ignore"))
    chars.discard("")
    import opencc

    hanzi = "".join(ch for ch in chars if "\u4e00" <= ch <= "\u9fff")
    chars.update(opencc.OpenCC("s2t").convert(hanzi))  # the traditional forms OpenCC writes: 爲, 羣, 衆
    return frozenset(chars)


def _plausible(text: str) -> str:
    if _control_heavy(text):
        raise InputError("not text: too many control characters (binary file?)")
    return text


def _control_heavy(text: str) -> bool:
    """Control characters are more than 1 in 100 (a few NUL or ^Z padding the end not counted)."""
    sample = text[:100_000]
    padding = len(sample) - len(sample.rstrip("\x00\x1a"))
    return len(_CONTROL.findall(sample)) - min(padding, 8) > len(sample) // 100


def iter_report_paths(inputs: Iterable[str | Path], suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """Files named, and files with ``suffixes`` under folders named (sorted, recursive).

    A named path that does not exist is yielded as is, so the caller reports it.
    """
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        else:
            yield path
