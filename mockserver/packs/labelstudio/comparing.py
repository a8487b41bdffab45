"""What legitimately differs between two Label Studio 0.8 servers (the real one and the mock, or two deployments)
for ``mockserver compare``: ``PROFILE``. Accepted differences of the mock: ``fixtures/labelstudio/compare/
accepted.yaml``."""

from __future__ import annotations

from mockserver.pack import CompareProfile

PROJECT_FILES = r"(?=\\?/(?:config\.json|config\.xml|tasks\.json|completions)\b)"

PROFILE = CompareProfile(
    typed_keys=frozenset({
        "created_at",  # a completion's time: the server's clock, UTC epoch seconds
        "duration",  # how long an import took
        "port",  # the port the server was started on (config.port)
        "traceback",  # a 500's Python traceback
        "project_name",  # the project directory (single-project mode) each server was started in
    }),
    substitutions=(
        (r"(?:\\?/[^/\\\s\"'<>]+)+" + PROJECT_FILES, "<project dir>"),  # config_path, input_path, output_dir …
        (r"http:(?:\\?/){2}(?:localhost|127\.0\.0\.1):\d+(\\?/)data\\?/upload\\?/", "<host>/data/upload/"),
        (r"/tmp/htx_[^/'\"]+/", "<temp dir>/"),  # where an uploaded archive is extracted
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "<local time>"),  # completed_at, export names: the local clock
    ),
    sorted_lists=(
        # lists the real server prints from a Python set: their order follows the process's string hashing
        r"(?:contain only keys: |created for \\?\"[^\"\\]*\\?\":(?:\\n|\n))(?P<list>\[[^\]]*\])",
    ),
    headers=(),  # Allow's order varies per process; Set-Cookie, Server, Date say nothing: the media type only
)
