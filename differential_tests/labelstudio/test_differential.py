"""The same flows against the real Label Studio 0.8.1 and the mock: status, media type, body and the body's bytes
must agree after normalising what legitimately differs; any other difference must be listed, with its reason, in
``fixtures/labelstudio/compare/accepted.yaml`` (and every listed difference must still occur). What is normalised is
the pack's compare profile (``mockserver compare``), plus the project directory each side was started in."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import httpx
import yaml

from differential_tests.labelstudio.conftest import ROOT, Servers
from differential_tests.labelstudio.flows import AUTH_FLOWS, FLOWS, SCORED_FLOWS, As, Files, Form, Raw
from mockserver.compare import Normaliser
from mockserver.compare.bodies import png_pixels
from mockserver.pack import load_pack

KNOWN = ROOT / "fixtures" / "labelstudio" / "compare" / "accepted.yaml"
MOCK_DIR = "/srv/label-studio/project"
NORMALISER = Normaliser(load_pack("labelstudio").compare)
"""The pack's compare profile: times, ports, durations, tracebacks, paths, upload URLs, set-printed lists."""


def send(client: httpx.Client, base: str, method: str, path: str, body: Any) -> httpx.Response:
    if isinstance(body, As):
        client = httpx.Client(timeout=30, headers={"Authorization": body.authorization} if body.authorization else {})
        with client:
            return send(client, base, method, path, body.body)
    if isinstance(body, Files):
        files = [(field, (name, content, "application/octet-stream")) for field, name, content in body.files]
        return client.request(method, base + path, data=dict(body.fields), files=files)
    if isinstance(body, Form):
        return client.request(method, base + path, data=body.fields)
    if isinstance(body, Raw):
        return client.request(method, base + path, content=body.content, headers={"Content-Type": body.content_type})
    if body is None:
        return client.request(method, base + path)
    return client.request(method, base + path, json=body)


def normalised(value: Any, directory: str) -> Any:
    """Times, paths, ports, durations and tracebacks of one server, made comparable (the pack's profile, after the
    side's project directory)."""
    return NORMALISER.value(_placed(value, directory))


def _placed(value: Any, directory: str) -> Any:
    if isinstance(value, dict):
        return {k: _placed(v, directory) for k, v in value.items()}
    if isinstance(value, list):
        return [_placed(v, directory) for v in value]
    return value.replace(directory, "<project dir>") if isinstance(value, str) else value


BYTE_RULES = [(re.compile(pattern), replacement) for pattern, replacement in (
    (r'"created_at": ?\d+', '"created_at":<epoch seconds>'), (r'"port": ?\d+', '"port":<port>'),
    (r'"duration": ?[0-9.e-]+', '"duration":<seconds>'), (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<local time>"),
    (r'"traceback": ?"(?:[^"\\]|\\.)*"', '"traceback":<traceback>'))]


def normalised_bytes(content: bytes, directory: str) -> str:
    """The body as sent (serialiser spacing, key order, ``\\/`` escapes, trailing newline), normalised as text."""
    text = content.decode("utf-8", "replace").replace(directory, "<project dir>")
    text = text.replace(directory.replace("/", "\\/"), "<project dir>")
    for pattern, replacement in BYTE_RULES:
        text = pattern.sub(replacement, text)
    return NORMALISER.text(text)


def shape(response: httpx.Response, directory: str) -> dict[str, Any]:
    """What is compared: status, Content-Type, the body (parsed JSON when the server says JSON), and the bytes
    of the body (normalised as text)."""
    media_type = response.headers.get("content-type", "")
    if media_type == "application/zip":
        return {"status": response.status_code, "content-type": media_type, **zip_shape(response.content, directory)}
    body: Any = response.text
    if media_type.startswith("application/json") and response.content:
        body = normalised(json.loads(response.content), directory)
    return {"status": response.status_code, "content-type": media_type, "body": body,
            "bytes": normalised_bytes(response.content, directory)}


def zip_shape(content: bytes, directory: str) -> dict[str, Any]:
    """An export: its members, each parsed (JSON lists sorted by id, CSV rows sorted under the header) and as
    sorted lines of text. The real server lists the completions directory in file-system order, so the order of
    records is not compared; everything else is."""
    body, text = {}, {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(archive.namelist()):
            raw = archive.read(name)
            if name.endswith(".png"):  # Pillow's compression is not the mock's: the pixels are compared
                body[name] = text[name] = png_pixels(raw)
                continue
            try:
                member = raw.decode("utf-8")
            except UnicodeDecodeError:  # .npy and other binary files: byte for byte
                body[name] = text[name] = raw.hex()
                continue
            if name.endswith(".json"):
                records = normalised(json.loads(member), directory)
                body[name] = sorted(records, key=lambda r: r.get("id", -1)) if isinstance(records, list) else records
            else:
                lines = member.splitlines()
                body[name] = lines[:1] + sorted(lines[1:])
            text[name] = sorted(normalised_bytes(member.encode(), directory).splitlines())
    return {"body": body, "bytes": json.dumps(text)}


PARTS = ("status", "content-type", "body", "bytes")


def differences(real: dict[str, Any], mock: dict[str, Any]) -> list[str]:
    return [part for part in PARTS if real[part] != mock[part]]


class Comparison:
    """Exchanges of named flows compared one by one; ``finish`` fails on unlisted differences and on listed ones of
    these flows that no longer occur."""

    def __init__(self, flows: list[str]) -> None:
        self.flows = flows
        self.known: dict[str, dict[str, Any]] = {entry["exchange"]: entry
                                                 for entry in yaml.safe_load(KNOWN.read_text()) or []}
        for entry in self.known.values():
            assert entry.get("reason", "").strip() and entry.get("differs"), f"{entry['exchange']}: say what and why"
        self.unexplained: list[str] = []
        self.seen: set[str] = set()
        self.exchanges = 0

    def add(self, exchange: str, request: str, real: dict[str, Any], mock: dict[str, Any]) -> None:
        self.exchanges += 1
        differ = differences(real, mock)
        if not differ:
            return
        listed = self.known.get(exchange)
        if listed is not None and sorted(listed["differs"]) == sorted(differ):
            self.seen.add(exchange)
            return
        self.unexplained.append(f"{exchange} ({request}) differs in {differ}:\n"
                                f"  real: {json.dumps(real)[:1500]}\n  mock: {json.dumps(mock)[:1500]}")

    def finish(self) -> None:
        print(f"{self.exchanges} exchanges in {len(self.flows)} flows, {len(self.seen) + len(self.unexplained)} "
              f"differ: {len(self.seen)} known, {len(self.unexplained)} unexplained")
        stale = sorted(name for name in set(self.known) - self.seen if name.split(": ", 1)[0] in self.flows)
        assert not self.unexplained, "\n".join(self.unexplained)
        assert not stale, f"listed in {KNOWN.name} but no longer different: {stale}"


def compare(servers: Servers, flows: dict[str, list[Any]]) -> None:
    """Send ``flows`` to both servers and compare every exchange (``Comparison``)."""
    comparison = Comparison(list(flows))
    with httpx.Client(timeout=30) as client:
        for flow, steps in flows.items():
            for label, method, path, body in steps:
                real = shape(send(client, servers.real, method, path, body), servers.real_dir)
                mock = shape(send(client, servers.mock, method, path, body), MOCK_DIR)
                comparison.add(f"{flow}: {label}", f"{method} {path}", real, mock)
    comparison.finish()


def test_the_mock_answers_as_the_real_server(servers: Servers) -> None:
    compare(servers, FLOWS)


def test_prediction_score_sampling_as_the_real_server(scored_servers: Servers) -> None:
    compare(scored_servers, SCORED_FLOWS)


def test_basic_auth_as_the_real_server(auth_servers: Servers) -> None:
    compare(auth_servers, AUTH_FLOWS)
