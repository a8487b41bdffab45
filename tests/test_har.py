"""``mockserver.har``: entries written and read back as they were (text and binary bodies, truncation marks, the
comment and times), credential headers redacted, and every way a file can be bad one ``ConfigurationError``."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from mockserver import har
from mockserver.errors import ConfigurationError

STARTED = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.UTC)
BINARY = bytes(range(256)) * 3


def entries() -> list[har.Entry]:
    json_type = (("Content-Type", "application/json"),)
    text = har.Entry(har.Request("POST", "http://deployment/api/tasks?page=2&x=", json_type,
                                 '{"name": "Zoë"}'.encode()),
                     har.Response(201, (("Content-Type", "application/json"), ("Location", "/api/tasks/7")),
                                  b'{"id": 7}'), STARTED, 12.5, "create a task")
    binary = har.Entry(har.Request("PUT", "http://deployment/upload", (("Content-Type", "image/png"),), BINARY),
                       har.Response(200, (("Content-Type", "application/zip"),), BINARY[::-1]), STARTED, 3.0)
    cut = har.Entry(har.Request("GET", "http://deployment/big"),
                    har.Response(200, (("Content-Type", "text/plain"),), b"first bytes", truncated=True), STARTED)
    return [text, binary, cut]


def test_entries_are_read_back_as_they_were_written(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "traffic.har"
    har.write(path, entries(), ("mockserver", "1.0"))
    assert har.read(path) == entries()
    assert not path.with_name("traffic.har.partial").exists()


def test_the_file_is_har_1_2_with_text_as_text_and_binary_as_base64(tmp_path: Path) -> None:
    path = tmp_path / "traffic.har"
    har.write(path, entries(), ("mockserver", "1.0"))
    log = json.loads(path.read_text())["log"]
    assert (log["version"], log["creator"]) == ("1.2", {"name": "mockserver", "version": "1.0"})
    text, binary, cut = log["entries"]
    assert text["request"]["postData"]["text"] == '{"name": "Zoë"}' and "_encoding" not in text["request"]["postData"]
    assert text["request"]["queryString"] == [{"name": "page", "value": "2"}, {"name": "x", "value": ""}]
    assert text["response"]["redirectURL"] == "/api/tasks/7" and text["startedDateTime"] == "2026-01-02T03:04:05.678Z"
    assert binary["response"]["content"]["encoding"] == "base64"
    assert binary["request"]["postData"]["_encoding"] == "base64"
    assert cut["response"]["content"]["_truncated"] is True and "postData" not in cut["request"]


def test_credential_headers_and_the_packs_own_are_redacted() -> None:
    headers = (("Authorization", "Basic abc"), ("Cookie", "session=1"), ("Set-Cookie", "session=2"),
               ("X-Auth-Token", "t"), ("Private-Token", "p"), ("Accept", "application/json"))
    assert har.redacted(headers, ["private-token"]) == (
        ("Authorization", har.REDACTED), ("Cookie", har.REDACTED), ("Set-Cookie", har.REDACTED),
        ("X-Auth-Token", har.REDACTED), ("Private-Token", har.REDACTED), ("Accept", "application/json"))


@pytest.mark.parametrize(("content", "expected"), [
    (None, "cannot read"),
    (b"\xff\xfe not text", "is not a HAR file (not JSON"),
    (b"{not json", "is not a HAR file (not JSON"),
    (b"[]", "no log.entries list"),
    (b'{"log": {"entries": {}}}', "no log.entries list"),
    (b'{"log": {"entries": [{"request": {}}]}}', "entry 1 is not a HAR entry (KeyError"),
    (b'{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": "x"}}]}}',
     "entry 1 is not a HAR entry (ValueError"),
    (b'{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 200, '
     b'"content": {"text": "%%%", "encoding": "base64"}}}]}}', "entry 1 is not a HAR entry"),
    (b'{"log": {"entries": [{"request": {"method": "GET", "url": "/", "headers": [1]}, "response": {"status": 200}}]}}',
     "entry 1 is not a HAR entry (TypeError"),
    (b'{"log": {"entries": [{"request": {"method": "GET", "url": "/"}, "response": {"status": 200}, '
     b'"startedDateTime": "yesterday"}]}}', "entry 1 is not a HAR entry (ValueError"),
])
def test_a_bad_file_is_one_configuration_error(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "bad.har"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigurationError, match=r"bad\.har") as raised:
        har.read(path)
    assert expected in str(raised.value)
