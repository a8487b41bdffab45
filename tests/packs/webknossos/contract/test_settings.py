from __future__ import annotations

from pathlib import Path

import pytest
from schemathesis.config import SchemathesisConfig

from mockserver.contract.options import ContractOptions
from mockserver.contract.runner import operations_of, profile_of, selected_operations
from mockserver.contract.settings import schemathesis_config
from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack
from mockserver.packs.webknossos.contract.discovery import Discovered, Facts
from mockserver.packs.webknossos.contract.operations import SEMANTIC_400


def config_for(**options: object) -> dict[str, object]:
    settings = ContractOptions("http://host:9000/api", **options)  # type: ignore[arg-type]
    facts = Discovered(Facts(organization="org", dataset="ds"))
    return schemathesis_config(settings, profile_of(settings.pack), selected_operations(settings), facts,
                               Path("junit.xml"))


def test_read_only_runs_select_get_only_and_send_no_undeclared_methods() -> None:
    labels = selected_operations(ContractOptions("http://host", version="v3"))
    assert labels and all(label.startswith("GET ") for label in labels)
    assert config_for()["phases"]["coverage"]["unexpected-methods"] == []  # type: ignore[index]


def test_writes_to_existing_resources_run_in_the_stateful_phase_only() -> None:
    config = config_for(allow_writes=True)
    operations = {op["include-name"]: op for op in config["operations"]}  # type: ignore[attr-defined]
    assert operations["PUT /tasks/{id}"]["phases"] == {p: {"enabled": False} for p in ("examples", "coverage",
                                                                                         "fuzzing")}
    assert "PATCH /users/{id}" not in operations and "PATCH /users/{id}" not in selected_operations(
        ContractOptions("http://host", allow_writes=True))
    assert config["phases"]["coverage"]["unexpected-methods"] == ["TRACE"]  # type: ignore[index]


def test_configuration_is_valid_for_schemathesis_and_keeps_the_token_in_headers() -> None:
    config = config_for(token="secret", allow_writes=True, reports=("junit", "html"))
    assert config["headers"] == {"X-Auth-Token": "secret"} and config["base-url"] == "http://host:9000/api/v5"
    assert config["parameters"] == {"organizationName": "org", "dataSetName": "ds"}
    SchemathesisConfig.from_dict(config)


def test_documented_400s_name_existing_operations() -> None:
    labels = {label for version in ("v1", "v5") for label in operations_of(load_pack("webknossos"), version)}
    assert set(SEMANTIC_400) <= labels


@pytest.mark.parametrize("options", [{"version": "v9"}, {"reports": ("pdf",)}, {"phases": ("soak",)}])
def test_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        ContractOptions("http://host", **options)  # type: ignore[arg-type]


def test_api_url_accepts_a_base_url_with_or_without_api() -> None:
    for url in ("http://h:9", "http://h:9/", "http://h:9/api", "http://h:9/api/v2/"):
        assert ContractOptions(url, version="v3").api_url == "http://h:9/api/v3"
