"""Small routes: build info, health, features, tokens, folder tree, short links."""

from __future__ import annotations

from starlette.responses import Response

from mockserver import __version__
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.errors import NotFound
from mockserver.responses import json_response, text_response

BUILD_INFO = {
    "webknossos": {
        "name": "webknossos",
        "ciTag": "",
        "commitHash": "0000000000000000000000000000000000000000",
        "ciBuild": "mockserver",
        "scalaVersion": "2.12.15",
        "version": f"mockserver-{__version__}",
        "sbtVersion": "1.6.2",
        "datastoreApiVersion": "2.0",
        "commitDate": "Mon Aug 14 13:31:37 2023 +0000",
    },
    "webknossos-wrap": {
        "builtAtMillis": "1640035836569",
        "name": "webknossos-wrap",
        "commitHash": "8b842648702f469a3ffd90dc8a68c4310e64b351",
        "scalaVersion": "2.12.7",
        "version": "1.1.15",
        "sbtVersion": "1.4.1",
        "builtAtString": "2021-12-20 21:30:36.569",
    },
    "schemaVersion": 107,
    "localDataStoreEnabled": True,
    "localTracingStoreEnabled": True,
}
DATASTORE_TOKEN_LIFETIME_MS = 24 * 3600 * 1000
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Max-Age": "600"}
FEATURES = {"isWkorgInstance": False, "taskReopenAllowedInSeconds": 30, "allowDeleteDatasets": True,
            "jobsEnabled": False, "voxelyticsEnabled": False, "exportTiffMaxVolumeMVx": 1024}


async def read_buildinfo(api: Api) -> Response:
    response = json_response(BUILD_INFO)
    del response.headers["Cache-Control"]
    response.headers.update(CORS)
    return response


async def read_health(api: Api) -> Response:
    return text_response("Ok")


async def read_features(api: Api, user: str | None = None) -> Response:
    return json_response(FEATURES)


async def generate_user_token(api: Api, user: str | None = None) -> Response:
    """A datastore token for ``/data/...``, valid for one day; anonymous callers get ``""`` (as the real server)."""
    me = api.principal(user)
    if me is None:
        return json_response({"token": ""})
    record = r.DatastoreToken(api.ids.token(32), me.id, api.now() + DATASTORE_TOKEN_LIFETIME_MS)
    api.store.insert(record)
    return json_response({"token": record.token})


async def read_auth_token(api: Api, user: str | None = None) -> Response:
    return json_response({"token": api.require(user).user.token})


async def delete_auth_token(api: Api, user: str | None = None) -> Response:
    """Revoke the personal token: a new one replaces it, so the old one stops working.

    The real server answers ``{"messages": "Token was deleted"}`` (a string, not the usual list).
    """
    me = api.require(user)
    api.store.update(me.user, token=api.ids.token())
    return json_response({"messages": "Token was deleted"})


async def read_folder_tree(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    folders = api.store.select(r.Folder, "organization_id = ?", (me.organization_id,),
                               order="parent_id IS NOT NULL, id")
    editable = me.is_admin or me.user.is_dataset_manager
    return json_response([{"id": f.id, "name": f.name, "parent": f.parent_id, "isEditable": editable}
                          for f in folders])


async def read_short_link(api: Api, key: str, user: str | None = None) -> Response:
    link = api.store.one(r.ShortLink, "key = ?", (key,))
    if link is None:
        raise NotFound("Short link could not be found")
    return json_response({"_id": link.id, "key": link.key, "longLink": link.long_link})
