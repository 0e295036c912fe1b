"""Reading report files: a table of good and bad inputs for ``decode`` and ``read_report``.

Good inputs must decode to exactly the text written; bad ones must raise ``InputError``
with a message that names the reason. The real reports (lawie/samples and the govwork
corpus, the same files as ../shared/corpus/govwork) are written in every supported
encoding and must all come back identical. tests/README.md has the table of classes.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import random
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import opencc
import pytest

import lawie
from lawie.io import DEFAULT_MAX_BYTES, InputError, decode, read_report

REPO = Path(__file__).resolve().parents[1]
_GOVWORK = REPO / "data" / "corpus" / "govwork"
GOVWORK = _GOVWORK if _GOVWORK.is_dir() else REPO.parent / "shared" / "corpus" / "govwork"
REPORTS = sorted((REPO / "lawie" / "samples").glob("*.txt")) + sorted(GOVWORK.glob("*.txt"))
TRADITIONAL_SEED = REPO / "lawie" / "samples" / "000_5fbba2febc326272.txt"  # 經(jīng)濟技術(shù)開發(fā)區(qū)…

REPORT = "台州市黄岩区司法局2024年法治政府建设年度报告\n全年共办理法律援助案件920件，比去年同期增加17%。\n"
TRADITIONAL = "臺州市黃巖區司法局2024年法治政府建設年度報告\n全年共辦理法律援助案件920件，比去年同期增加17%。\n"


def _random(size: int, seed: int) -> bytes:
    return random.Random(f"{size}/{seed}").randbytes(size)


def _encodable(text: str, encoding: str) -> str:
    """``text`` without the few characters ``encoding`` cannot write (U+00A0, U+200B in GBK;
    pinyin tone letters in Big5)."""
    return "".join(ch for ch in text if _can_encode(ch, encoding))


def _can_encode(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


# ------------------------------------------------------- every report, every encoding ---
# name → (bytes of a text, the text those bytes hold)
ENCODINGS = {
    "utf-8": lambda t: (t.encode("utf-8"), t),
    "utf-8 BOM": lambda t: (t.encode("utf-8-sig"), t),
    "gb18030": lambda t: (t.encode("gb18030"), t),
    "gbk": lambda t: (_encodable(t, "gbk").encode("gbk"), _encodable(t, "gbk")),
    "big5 (traditional)": lambda t: (_big5(t).encode("big5"), _big5(t)),
    "utf-16 LE BOM": lambda t: (codecs.BOM_UTF16_LE + t.encode("utf-16-le"), t),
    "utf-16 BE BOM": lambda t: (codecs.BOM_UTF16_BE + t.encode("utf-16-be"), t),
    "utf-16 LE": lambda t: (t.encode("utf-16-le"), t),
    "utf-16 BE": lambda t: (t.encode("utf-16-be"), t),
    "utf-32 BOM": lambda t: (t.encode("utf-32"), t),
}
_S2T = opencc.OpenCC("s2t")


def _big5(text: str) -> str:
    """The report in traditional characters (OpenCC s2t; the traditional seed as it is), less
    what Big5 cannot write."""
    return _encodable(text if text.startswith("中共威海市委經") else _S2T.convert(text), "big5")


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:28])
def test_real_reports_decode_identically_in_every_encoding(path, encoding):
    data, text = ENCODINGS[encoding](path.read_text(encoding="utf-8"))
    assert decode(data) == text


def test_the_corpus_is_there():
    assert len(REPORTS) >= 40 and TRADITIONAL_SEED in REPORTS


@pytest.mark.parametrize("encoding", ["gbk", "big5 (traditional)", "utf-16 LE", "utf-16 BE"])
def test_short_lines_decode_identically(encoding):
    """Single lines (titles, headings, one sentence) of 5 characters or more: little text to
    tell the encodings apart by. Shorter lines are ambiguous (e.g. 小 in GBK is valid UTF-8)."""
    checked = 0
    for path in REPORTS:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if len(ln.strip()) >= 5]
        for line in lines[:15]:
            data, text = ENCODINGS[encoding](line)
            if len(text.strip()) >= 5:
                assert decode(data) == text, line
                checked += 1
    assert checked > 500


# ------------------------------------------------------------ the table of cases ---
@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    text: str | None = None  # the decoded text expected, or None when an error is
    error: str | None = None  # what the InputError message must contain


def _html(charset: str, body: str = REPORT) -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{body[:4]}</title></head><body><p>{body}</p></body></html>"
    )


def _zip(entries: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return buf.getvalue()


def _sqlite(tmp: Path) -> bytes:
    path = tmp / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("create table t (x text)")
        db.execute("insert into t values ('受理案件37件')")
    return path.read_bytes()


SHORT_PAGE = '<meta charset="gbk"><p>受理</p>'
XML = '<?xml version="1.0" encoding="GB2312"?><r>受理</r>'
MIXED_SCRIPTS = "受理 案件 Ünïcödé ελληνικά русский 😀 𠀋"

GOOD = [
    Case("utf-8", REPORT.encode(), REPORT),
    Case("utf-8 with BOM", REPORT.encode("utf-8-sig"), REPORT),
    Case("gb18030", REPORT.encode("gb18030"), REPORT),
    Case("gbk", REPORT.encode("gbk"), REPORT),
    Case("gb2312", REPORT.encode("gb2312"), REPORT),
    Case("big5", TRADITIONAL.encode("big5"), TRADITIONAL),
    Case("cp950 (Big5 with 裏)", "裏面受理案件37件，審結25件。".encode("cp950"), "裏面受理案件37件，審結25件。"),
    Case("gbk, traditional text", TRADITIONAL.encode("gbk"), TRADITIONAL),
    Case("utf-16 LE with BOM", REPORT.encode("utf-16"), REPORT),
    Case("utf-16 BE with BOM", codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), REPORT),
    Case("utf-16 LE, no BOM", REPORT.encode("utf-16-le"), REPORT),
    Case("utf-16 BE, no BOM", REPORT.encode("utf-16-be"), REPORT),
    Case("utf-16 LE, no BOM, ASCII only", b"Annual report 2024\n".decode().encode("utf-16-le"), "Annual report 2024\n"),
    Case("utf-32 with BOM", REPORT.encode("utf-32"), REPORT),
    Case("html, utf-8", _html("utf-8").encode(), _html("utf-8")),
    Case("html, <meta charset=gbk>, gbk", _html("gbk").encode("gbk"), _html("gbk")),
    Case("html, <meta charset=gb2312>, gbk", _html("gb2312").encode("gbk"), _html("gb2312")),
    Case("html, <meta charset=big5>, big5", _html("big5", TRADITIONAL).encode("big5"), _html("big5", TRADITIONAL)),
    Case("html, says gbk, is utf-8", _html("gbk").encode(), _html("gbk")),
    Case("html, says big5, is gbk", _html("big5").encode("gbk"), _html("big5")),
    Case("html, short page, says gbk", SHORT_PAGE.encode("gbk"), SHORT_PAGE),
    Case("xml declaration gb2312", XML.encode("gbk"), XML),
    Case("empty file", b"", ""),
    Case("whitespace only", b" \n\t\r\n", " \n\t\r\n"),
    Case("whitespace only, full-width", "\u3000\u3000\n".encode("gbk"), "\u3000\u3000\n"),
    Case("two characters, gbk", "受理".encode("gbk"), "受理"),
    Case("pdftotext page breaks", f"{REPORT}\f{REPORT}".encode("gbk"), f"{REPORT}\f{REPORT}"),
    Case("DOS end-of-file ^Z", REPORT.encode("gbk") + b"\x1a", REPORT + "\x1a"),
    Case("a few NUL padding the end", REPORT.encode() + b"\x00" * 4, REPORT + "\x00" * 4),
    # A file cut in the middle of a character: the text is kept, the cut character is U+FFFD.
    Case("gbk cut mid-character", REPORT.encode("gbk")[:-2], REPORT[:-2] + "\ufffd"),  # 。 is 2 bytes
    Case("big5 cut mid-character", TRADITIONAL.encode("big5")[:-2], TRADITIONAL[:-2] + "\ufffd"),
    Case("utf-8 cut mid-character", REPORT.encode()[:-2], REPORT[:-2] + "\ufffd"),  # 。 is 3 bytes
    Case("utf-16 LE cut mid-unit", REPORT.encode("utf-16")[:-1], REPORT[:-1] + "\ufffd"),
    # Stray bytes inside UTF-8 (at most 1 bad sequence per 10 non-ASCII bytes): each bad
    # sequence becomes U+FFFD, the good text stays readable and offsets are into this text.
    Case("utf-8 with a stray 0xFF", REPORT.encode().replace("。".encode(), b"\xff"), REPORT.replace("。", "\ufffd")),
    Case(
        "utf-8 with bad sequences",
        "受理案件".encode() + b"\xc0\xaf" + "审结25件".encode() + b"\xed\xa0\x80" + REPORT.encode(),
        "受理案件\ufffd\ufffd审结25件\ufffd\ufffd\ufffd" + REPORT,
    ),
    Case("utf-8 mixed scripts", MIXED_SCRIPTS.encode(), MIXED_SCRIPTS),
]

# name, first bytes, what the message says
MAGIC = [
    ("PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    ("JPEG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
    ("GIF", b"GIF89a\x10\x00\x10\x00", "GIF image"),
    ("PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF document"),
    ("ZIP", _zip({"a.txt": REPORT}), "ZIP archive"),
    ("DOCX", _zip({"word/document.xml": f"<w:t>{REPORT}</w:t>", "[Content_Types].xml": "<Types/>"}), ".docx"),
    ("gzip", gzip.compress(REPORT.encode() * 3), "gzip"),
    ("bzip2", bz2.compress(REPORT.encode() * 3), "bzip2"),
    ("xz", lzma.compress(REPORT.encode() * 3), "xz"),
    ("7-Zip", b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip"),
    ("RAR", b"Rar!\x1a\x07\x01\x00", "RAR"),
    ("ELF", b"\x7fELF\x02\x01\x01\x00", "ELF executable"),
    ("Windows .exe", b"MZ\x90\x00\x03\x00\x00\x00", "Windows executable"),
    ("OLE2 (.doc/.xls)", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2"),
    ("MP4", b"\x00\x00\x00\x20ftypisom", "MP4"),
]
MAGIC_CASES = [
    Case(f"{name} header + random tail", header + _random(512, i), error=message)
    for i, (name, header, message) in enumerate(MAGIC)
] + [Case(f"{name}, whole", header, error=message) for name, header, message in MAGIC if len(header) > 40]

RANDOM_CASES = [
    Case(f"random {size} bytes, seed {seed}", _random(size, seed), error="not text")
    for size in (24, 40, 64, 256, 4096, 65536)
    for seed in range(5)
]

BAD = [
    *MAGIC_CASES,
    *RANDOM_CASES,
    Case("all NUL", b"\x00" * 4096, error="control characters"),
    Case("NUL every other byte, random the rest", bytes(b for x in _random(2048, 1) for b in (x, 0)), error="not text"),
    Case("random with 50% NUL", bytes(x if x & 1 else 0 for x in _random(4096, 2)), error="not text"),
    Case("report then 4 KB of NUL", REPORT.encode() + b"\x00" * 4096, error="control characters"),
    Case("bytes 0-255 repeated", bytes(range(256)) * 40, error="not text"),
    Case("half utf-8, half gbk", REPORT.encode() * 3 + REPORT.encode("gbk") * 3, error="invalid UTF-8"),
    Case(
        "utf-8 BOM, then many bad bytes",
        codecs.BOM_UTF8 + b"".join(ch.encode() + b"\xff" for ch in REPORT),
        error="invalid UTF-8",
    ),
]


def _id(case: Case) -> str:
    return case.name


@pytest.mark.parametrize("case", GOOD, ids=_id)
def test_good_input(case):
    assert decode(case.data) == case.text


@pytest.mark.parametrize("case", BAD, ids=_id)
def test_bad_input(case):
    with pytest.raises(InputError, match=case.error):
        decode(case.data)


def test_sqlite_database(tmp_path):
    with pytest.raises(InputError, match="SQLite"):
        decode(_sqlite(tmp_path))


def test_random_bytes_of_every_size_from_24_are_rejected():
    """Shorter random data can read as a couple of plausible characters (4 random bytes are
    two valid GBK characters more often than not); from 24 bytes on none does."""
    for size in range(24, 200, 8):
        for seed in range(20):
            with pytest.raises(InputError):
                decode(_random(size, 100 + seed))


# ------------------------------------------------------------ paths and sizes ---
def test_read_report_reads_files(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(REPORT.encode("gbk"))
    assert read_report(path) == REPORT
    assert read_report(str(path)) == REPORT


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="cannot read: No such file"):
        read_report(tmp_path / "missing.txt")


def test_directory_given_as_a_file(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_report(tmp_path)


def test_unreadable_file_chmod_000(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_bytes(REPORT.encode())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop root reading (see the PermissionError test)")
        with pytest.raises(InputError, match="Permission denied"):
            read_report(path)
    finally:
        path.chmod(0o644)


def test_permission_error_is_an_input_error(tmp_path, monkeypatch):
    """What a file that cannot be opened gives, also where the tests run as root."""
    path = tmp_path / "locked.txt"
    path.write_bytes(REPORT.encode())

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match="cannot read: Permission denied"):
        read_report(path)


def test_over_limit_file_with_a_small_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(("受理案件37件。" * 100).encode())
    size = path.stat().st_size
    with pytest.raises(InputError, match=f"file is {size} bytes, over the limit of 1000"):
        read_report(path, max_bytes=1000)
    assert read_report(path, max_bytes=size) == "受理案件37件。" * 100  # at the limit is fine


def test_default_limit_is_20_mb_and_is_checked_before_reading(tmp_path, monkeypatch):
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: nothing written

    def never(self):
        raise AssertionError("an over-limit file must not be read")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(InputError, match="over the limit of 20971520"):
        read_report(path)


# ------------------------------------------------------------ what extract makes of it ---
@pytest.mark.parametrize("data", [b"", b" \n\t\r\n", "\u3000\n".encode("gbk"), codecs.BOM_UTF8], ids=repr)
def test_empty_and_whitespace_files_give_an_empty_document(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    text = read_report(path)
    for engine in ("rules", None):  # None: the default engine
        doc = lawie.extract(text, engine=engine)
        assert doc.text == text and doc.records == [] and doc.entities == []


@pytest.mark.parametrize("charset, encoding", [("gbk", "gbk"), ("utf-8", "utf-8"), ("big5", "big5")])
def test_html_offsets_are_into_the_decoded_page(charset, encoding):
    body = TRADITIONAL if encoding == "big5" else REPORT
    page = decode(_html(charset, body).encode(encoding))
    doc = lawie.extract(page, engine="rules")
    assert {r.count.text for r in doc.records} == {"920件", "17%"}
    for e in doc.entities:
        assert page[e.start : e.end] == e.text
    assert "<" not in "".join(r.count.text + (r.target.text if r.target else "") for r in doc.records)


def test_replaced_bytes_keep_offsets_exact():
    text = decode(REPORT.encode().replace("，".encode(), b"\xff"))
    doc = lawie.extract(text, engine="rules")
    assert "920件" in {r.count.text for r in doc.records}
    for e in doc.entities:
        assert text[e.start : e.end] == e.text


def test_a_1_mb_document_through_the_rules_keeps_exact_offsets():
    """Bounded memory is measured by bench/memory_long.py; here: a ~1 MB report (real
    reports concatenated) runs through and every offset is exact."""
    texts = [path.read_text(encoding="utf-8") for path in REPORTS]
    parts, size = [], 0
    while size < 1_000_000:
        parts.append(texts[len(parts) % len(texts)])
        size += len(parts[-1].encode()) + 1
    text = "\n".join(parts)
    doc = lawie.extract(text, engine="rules")
    assert len(doc.records) > 2000
    for e in doc.entities:
        assert text[e.start : e.end] == e.text
    for r in doc.records:
        assert r.sentence[0] <= r.count.start < r.count.end <= r.sentence[1]
