"""A Label Studio app per session (default recipe, seed 1) and one on the empty recipe; worlds reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp

IMAGE_CONFIG = ('<View><Image name="image" value="$image"/><Choices name="choice" toName="image">'
                '<Choice value="Cat"/><Choice value="Dog"/></Choices></View>')


def choice(label: str) -> list[dict[str, object]]:
    return [{"from_name": "choice", "to_name": "image", "type": "choices", "value": {"choices": [label]}}]


@pytest.fixture(scope="session")
def ls_app() -> MockApp:
    return create_app(Settings(api="labelstudio", seed=1, recipe="default"))


@pytest.fixture(scope="session")
def empty_app() -> MockApp:
    return create_app(Settings(api="labelstudio", seed=1, recipe="empty"))


@pytest.fixture
def ls(ls_app: MockApp) -> Iterator[TestClient]:
    """A client on the freshly reset default world (20 tasks, 5 done, one of them cancelled, 3 predicted)."""
    ls_app.backend.store.reset()
    with ls_app.test_client() as client:
        yield client


@pytest.fixture
def fresh(empty_app: MockApp) -> Iterator[TestClient]:
    """A client on a fresh project as ``label-studio start --init`` makes it, switched to an image-classification
    config."""
    empty_app.backend.store.reset()
    with empty_app.test_client() as client:
        assert client.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status_code == 201
        yield client
