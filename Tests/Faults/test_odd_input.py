"""Input that is merely odd, not hostile, works end to end in local mode: POST /upload, the PUT
with exactly the listed headers, and the stored bytes compared — for file names in many scripts,
emoji sequences, 255-byte names, names of only dots or spaces, zero-byte files, a file of exactly
MAX_UPLOAD_BYTES (one byte more is refused at POST), and content types with parameters."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

import pytest
from faults_support import LOCAL_USER, Service, local_settings, put

MAX = 65536

NAMES = {
    "latin_accents": "Ça va, Zoë? Crème brûlée à la carte — naïve façade.pdf",
    "greek": "Αρχείο δοκιμής ελληνικά.txt",
    "cyrillic": "Отчёт за 2026 год (финальный).docx",
    "arabic": "تقرير المبيعات السنوي.xlsx",
    "hebrew_rtl": "דוח שנתי סופי.pdf",
    "devanagari": "वार्षिक रिपोर्ट हिंदी.txt",
    "thai": "รายงานประจำปี ภาษาไทย.txt",
    "cjk": "年度报告 日本語のファイル 한자.txt",
    "hangul": "연간 보고서 최종본.hwp",
    "combining_marks_decomposed": "Cafe\u0301 re\u0301sume\u0301 n\u0303.txt",
    "emoji": "party 🎉🥳 rocket 🚀.png",
    "emoji_zwj_family_and_flags": "👨‍👩‍👧‍👦 family 🏳️‍🌈 🇺🇦🇯🇵🇧🇷 👩🏽‍💻.jpg",
    "mixed_rtl_ltr_digits": "invoice فاتورة 2026 חשבונית.pdf",
    "exactly_255_ascii_bytes": "a" * 251 + ".txt",
    "exactly_255_multibyte_bytes": "é" * 125 + ".txta",
    "exactly_255_bytes_of_4_byte_emoji": "😀" * 63 + "abc",
    "only_dots": "...",
    "only_spaces": "     ",
    "dots_and_spaces": ". . . .",
}


@pytest.fixture(scope="module")
def service(binary, tmp_path_factory):
    data = tmp_path_factory.mktemp("odd-data")
    running = Service(binary, tmp_path_factory.mktemp("odd-run"),
                      **local_settings(data, MAX_UPLOAD_BYTES=str(MAX)))
    running.data = data
    running.token = running.sign_in(LOCAL_USER)
    yield running
    running.stop()


def upload_and_compare(service, filename: str, content_type: str, data: bytes) -> dict:
    status, _, answer = service.ask_upload(service.token, {"filename": filename, "contentType": content_type,
                                                           "size": len(data)})
    assert status == 200, answer
    key = answer["key"]
    assert key.startswith("uploads/") and "/../" not in key and not key.endswith("/")
    last = key.rsplit("/", 1)[1]
    assert 0 < len(last.encode()) <= 255, "the key's last part must fit a file name on local disk"
    assert answer["headers"]["Content-Type"] == content_type
    assert answer["headers"]["Content-Length"] == str(len(data))
    status, body = put(answer, data)
    assert status == 200, body
    stored = Path(service.data) / "uploads" / key
    assert stored.read_bytes() == data
    return answer


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_file_names_in_many_scripts_upload_byte_exact(service, name):
    assert len(name.encode()) <= 255
    data = os.urandom(777) + name.encode()
    answer = upload_and_compare(service, name, "application/octet-stream", data)
    stored_name = answer["key"].rsplit("/", 1)[1].split("-", 2)[2]
    # What README promises: NFC, the path/URL-troublesome ASCII replaced by "_", leading and
    # trailing dots and spaces gone, every script and emoji sequence kept; names over 200 bytes
    # cut, keeping the extension.
    expected = unicodedata.normalize("NFC", name)
    expected = "".join("_" if c in '/\\%#?*:"<>|^`{}[]~' else c for c in expected)
    expected = re.sub(" +", " ", expected.lstrip(". ")).rstrip(". ") or "file"
    if len(expected.encode()) <= 200:
        assert stored_name == expected
    else:
        assert len(stored_name.encode()) <= 200
        stem, dot, extension = expected.rpartition(".")
        if dot and len(extension) < 16:
            assert stored_name.endswith("." + extension)
            assert stem.startswith(stored_name[: -len(extension) - 1])
        else:
            assert expected.startswith(stored_name)

def test_a_name_of_256_bytes_is_refused_at_post_and_255_bytes_is_accepted(service):
    for name, expected in (("b" * 252 + ".txt", 400), ("b" * 251 + ".txt", 200)):
        status, _, answer = service.ask_upload(service.token, {"filename": name, "contentType": "text/plain",
                                                               "size": 1})
        assert status == expected, answer
        if expected == 400:
            assert answer["field"] == "filename"


def test_a_zero_byte_file_uploads_and_is_stored_empty(service):
    answer = upload_and_compare(service, "empty.txt", "text/plain", b"")
    assert answer["headers"]["Content-Length"] == "0"


def test_a_file_of_exactly_max_upload_bytes_uploads_and_one_byte_more_is_413_at_post(service):
    data = hashlib.sha256(b"seed").digest() * (MAX // 32)
    assert len(data) == MAX
    upload_and_compare(service, "exactly-max.bin", "application/octet-stream", data)
    status, _, answer = service.ask_upload(service.token, {"filename": "one-more.bin",
                                                           "contentType": "application/octet-stream",
                                                           "size": MAX + 1})
    assert status == 413 and answer["code"] == "file_too_large", answer


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "text/csv;charset=UTF-8;header=present",
                                          'multipart/mixed; boundary="simple boundary"', "application/vnd.ms-excel"])
def test_content_types_with_parameters_are_signed_and_accepted_by_the_receiver(service, content_type):
    upload_and_compare(service, "table.csv", content_type, "naïve,café\n1,2\n".encode())
