"""Request handlers, one module per resource; each ``operationId`` names ``<module>.<function>``.

Handlers are version-agnostic: they receive the ``Api`` of the called version as first argument,
build latest-shaped JSON through ``mockserver.packs.webknossos.views`` and let ``api.adapter`` rewrite it.
"""
