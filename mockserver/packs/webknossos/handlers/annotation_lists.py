"""Annotation lists of a user: ``/user/tasks``, ``/user/annotations``, ``/users/{id}/…``.

These four routes are overridden by the legacy API versions, so their entries go through the
version adapter. Newest first (annotation id descending), paged with ``limit``/``pageNumber``.
"""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.handlers.common import find_user
from mockserver.packs.webknossos.views import annotations as views
from mockserver.readcache import cached_read
from mockserver.responses import paged_response


def _page(api: Api, user_id: str, typ: str, is_finished: bool | None, limit: int | None, page_number: int | None,
          include_total_count: bool | None) -> tuple[list[r.Annotation], int | None]:
    where = f"user_id = ? AND typ = ? AND {r.STATE_FILTERS[is_finished]}"
    size = 1000 if limit is None else limit
    records = api.store.select(r.Annotation, where, (user_id, typ), order="id DESC", limit=size,
                               offset=size * (page_number or 0))
    total = api.store.count(r.Annotation, where, (user_id, typ)) if include_total_count else None
    return records, total


def _tasks(api: Api, me: Principal, user_id: str, **paging: object) -> Response:
    records, total = _page(api, user_id, "Task", **paging)  # type: ignore[arg-type]
    return paged_response([api.adapter.annotation(views.annotation(api.store, a, me)) for a in records], total)


def _explorationals(api: Api, user_id: str, **paging: object) -> Response:
    records, total = _page(api, user_id, "Explorational", **paging)  # type: ignore[arg-type]
    return paged_response([api.adapter.annotation_compact(views.annotation_compact(api.store, a)) for a in records],
                          total)


@cached_read
async def list_own_tasks(api: Api, user: str | None = None, is_finished: bool | None = None, limit: int | None = None,
                         page_number: int | None = None, include_total_count: bool | None = None) -> Response:
    me = api.require(user)
    return _tasks(api, me, me.id, is_finished=is_finished, limit=limit, page_number=page_number,
                  include_total_count=include_total_count)


@cached_read
async def list_own_annotations(api: Api, user: str | None = None, is_finished: bool | None = None,
                               limit: int | None = None, page_number: int | None = None,
                               include_total_count: bool | None = None) -> Response:
    me = api.require(user)
    return _explorationals(api, me.id, is_finished=is_finished, limit=limit, page_number=page_number,
                           include_total_count=include_total_count)


@cached_read
async def list_user_tasks(api: Api, id_: str, user: str | None = None, is_finished: bool | None = None,
                          limit: int | None = None, page_number: int | None = None,
                          include_total_count: bool | None = None) -> Response:
    me = api.require(user)
    target = find_user(api, me, id_)
    return _tasks(api, me, target.id, is_finished=is_finished, limit=limit, page_number=page_number,
                  include_total_count=include_total_count)


@cached_read
async def list_user_annotations(api: Api, id_: str, user: str | None = None, is_finished: bool | None = None,
                                limit: int | None = None, page_number: int | None = None,
                                include_total_count: bool | None = None) -> Response:
    me = api.require(user)
    target = find_user(api, me, id_)
    return _explorationals(api, target.id, is_finished=is_finished, limit=limit, page_number=page_number,
                           include_total_count=include_total_count)
