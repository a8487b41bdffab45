"""``POST /api/project/import`` with a form ``url=…`` against the real Label Studio 0.8.1 and the mock: both fetch
the same files from a static file server on 127.0.0.1 (JSON, CSV, a ZIP, an image, a URL with a query, a missing
file, a closed port), compared as in ``test_differential.py``."""

from __future__ import annotations

import functools
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from differential_tests.labelstudio.conftest import Servers
from differential_tests.labelstudio.flows import IMAGE, Form, Step
from differential_tests.labelstudio.test_differential import compare


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static file server on 127.0.0.1 (its base URL)."""
    root = tmp_path_factory.mktemp("served")
    (root / "tasks.json").write_text('[{"image": "u1.jpg"}, {"image": "u2.jpg"}]')
    (root / "tasks.csv").write_text("image\nc1.jpg\nc2.jpg\n")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("inner.json", '{"image": "z1.jpg"}')
    (root / "tasks.zip").write_bytes(archive.getvalue())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def url_flows(base: str) -> dict[str, list[Step]]:
    return {"url imports": [
        ("start over", "DELETE", "/api/tasks", None),
        ("the image config", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("a JSON file", "POST", "/api/project/import", Form({"url": f"{base}/tasks.json"})),
        ("a CSV file", "POST", "/api/project/import", Form({"url": f"{base}/tasks.csv"})),
        ("a ZIP", "POST", "/api/project/import", Form({"url": f"{base}/tasks.zip"})),
        ("an image", "POST", "/api/project/import", Form({"url": f"{base}/photo.jpg"})),
        ("a URL with a query", "POST", "/api/project/import", Form({"url": f"{base}/tasks.json?x=1"})),
        ("the tasks", "GET", "/api/tasks", None),
        ("a missing file", "POST", "/api/project/import", Form({"url": f"{base}/nothing.json"})),
        ("a closed port", "POST", "/api/project/import", Form({"url": "http://127.0.0.1:9/tasks.json"})),
        ("not a URL", "POST", "/api/project/import", Form({"url": "tasks.json"})),
        ("a form without url", "POST", "/api/project/import", Form({"link": f"{base}/tasks.json"})),
        ("nothing more was imported", "GET", "/api/tasks", None),
    ]}


def test_url_imports_as_the_real_server(servers: Servers, files: str, tmp_path: Path) -> None:
    compare(servers, url_flows(files))
