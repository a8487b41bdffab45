"""Reference servers for ``python -m benchmarks``, served by uvicorn with ``--factory``.

Both answer ``GET /api/v5/users`` with the bytes in the file named by ``BENCH_BODY_FILE`` (the
mock's own answer, fetched from a running mock), so that only the framework differs.
"""
