"""Attached files: a multipart upload onto a domain object, read back and downloaded (the core has no delete)."""

from __future__ import annotations

import base64
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.domains import checked
from mockserver.packs.cytomine.errors import BadRequest, NotFound
from mockserver.packs.cytomine.handlers.common import ids, listed, query_args
from mockserver.responses import json_response


async def upload_attached_file(cy: Cytomine, user: str | None = None, **form: Any) -> Response:
    """Query ``domainClassName``, ``domainIdent`` (required) and ``filename``; multipart field ``files[]``
    (Connexion hands it over as ``files``, to ``**`` arguments only)."""
    me, query = cy.me(user), query_args()
    idents = ids(query.get("domainIdent"))
    if not query.get("domainClassName") or not idents:
        raise BadRequest("domainClassName and domainIdent are required")
    files = form.get("files")
    parts = [part for part in (files if isinstance(files, list) else [files]) if isinstance(part, UploadFile)]
    if len(parts) != 1:
        raise BadRequest("One file is required (multipart field files[])")
    data = await parts[0].read()
    with cy.store.transaction():
        domain = checked(cy, query["domainClassName"], idents[0], me, write=True)
        name = query.get("filename") or parts[0].filename or "file"
        record = r.AttachedFile(cy.new_id(), domain.class_name, domain.ident, name, base64.b64encode(data).decode(),
                                cy.now())
        cy.store.insert(record)
        return json_response(views.attached_file(cy, record))  # not a command: the object itself


def _attached(cy: Cytomine, file_id: int, me: r.User) -> r.AttachedFile:
    found = cy.store.get(r.AttachedFile, file_id)
    if found is None:
        raise NotFound.of("AttachedFile", file_id)
    checked(cy, found.domain_class, found.domain_ident, me)
    return found


async def read_attached_file(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.attached_file(cy, _attached(cy, id_, cy.me(user))))


async def download_attached_file(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    found = _attached(cy, id_, cy.me(user))
    return Response(base64.b64decode(found.content), media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})


async def list_attached_files(cy: Cytomine, domain_class_name: str, domain_ident: int, user: str | None = None,
                              max_: int | None = None, offset: int | None = None) -> Response:
    domain = checked(cy, domain_class_name, domain_ident, cy.me(user))
    found = cy.store.select(r.AttachedFile, "domain_ident = ?", (domain.ident,), order="id")
    return listed([views.attached_file(cy, f) for f in found], max_, offset)
