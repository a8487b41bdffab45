"""The datastore document (``spec/webknossos/datastore``): valid, resolvable, routes in a working order."""

from __future__ import annotations

import inspect

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.packs.webknossos import HANDLERS
from mockserver.resolver import handler_for
from mockserver.specs import SpecLoader, spec_path

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


def test_datastore_spec_is_valid_openapi() -> None:
    document, base_uri = read_from_filename(str(spec_path("webknossos", "datastore")))
    validate(document, base_uri=base_uri)


def test_every_operation_resolves_and_is_described() -> None:
    document = SpecLoader().load(spec_path("webknossos", "datastore"))
    operations = [item[m] for item in document["paths"].values() for m in METHODS if m in item]
    assert len(operations) == 9
    for operation in operations:
        assert inspect.iscoroutinefunction(handler_for(HANDLERS, operation["operationId"]))
        assert operation["summary"] and operation["description"] and "403" in operation["responses"]


def test_fixed_file_names_come_before_the_templates_they_would_match() -> None:
    """Connexion matches paths in document order, so ``…/.zgroup`` must precede ``…/{dataLayerName}``."""
    paths = list(SpecLoader().load(spec_path("webknossos", "datastore"))["paths"])
    for index, path in enumerate(paths):
        if path.rsplit("/", 1)[-1].startswith("{"):
            prefix = path.rsplit("/", 1)[0]
            fixed = [p for p in paths if p.rsplit("/", 1)[0] == prefix and not p.rsplit("/", 1)[-1].startswith("{")]
            assert all(paths.index(p) < index for p in fixed), path
