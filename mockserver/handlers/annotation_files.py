"""Placeholder: NML/ZIP download, upload and task creation from files (being written)."""

from __future__ import annotations

from typing import Any

from mockserver.errors import BadRequest


async def download_annotation(*args: Any, **kwargs: Any) -> Any:
    raise BadRequest("not implemented yet")


download_by_id = download_annotation
upload_annotations = download_annotation
create_tasks_from_files = download_annotation
