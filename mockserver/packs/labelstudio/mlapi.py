"""The HTTP calls Label Studio 0.8.1 makes to an ML backend (``MLApi`` in ``label_studio/utils/models.py``).

Same paths and bodies as the real client. The real one waits without a time limit; these calls give up after
``TIMEOUT``, and a backend that does not answer in time counts as one that cannot be reached (status 0).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urljoin

import httpx

TIMEOUT = httpx.Timeout(5.0, connect=1.0)
HEADERS = {"User-Agent": "label-studio/"}


@dataclasses.dataclass(frozen=True)
class Answer:
    """``MLApiResult``: the parsed JSON answer, or the error text (the answer's body, or the failure's text)."""

    status: int
    body: Any = None
    error: str | None = None

    @property
    def is_error(self) -> bool:
        return self.error is not None


@dataclasses.dataclass(frozen=True)
class MLApi:
    """One backend: its URL and the name it knows the project by (the real ``_create_project_uid``)."""

    url: str
    name: str

    def _url(self, suffix: str) -> str:
        return urljoin(self.url if self.url.endswith("/") else self.url + "/", suffix)

    async def _call(self, method: str, suffix: str, body: Any = None) -> Answer:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT, headers=HEADERS, trust_env=False,
                                         follow_redirects=True) as client:
                response = await client.request(method, self._url(suffix), json=body)
        except (httpx.HTTPError, ValueError) as exc:  # ValueError: a URL httpx cannot request
            return Answer(0, error=str(exc) or type(exc).__name__)
        if response.is_error:
            return Answer(response.status_code, error=response.content.decode("utf-8", "replace"))
        try:
            return Answer(response.status_code, json.loads(response.content))
        except ValueError as exc:
            return Answer(response.status_code, error=str(exc))

    async def health(self) -> Answer:
        return await self._call("GET", "health")

    async def setup(self, label_config_line: str) -> Answer:
        return await self._call("POST", "setup", {"project": self.name, "schema": label_config_line})

    async def predict(self, tasks: list[Any], model_version: Any, label_config_line: str) -> Answer:
        return await self._call("POST", "predict", {
            "tasks": tasks, "model_version": model_version, "project": self.name, "label_config": label_config_line,
            "params": {"force_load": True, "login": "", "password": ""}})

    async def train(self, completions: list[Any], label_config_line: str) -> Answer:
        return await self._call("POST", "train", {
            "completions": completions, "project": self.name, "label_config": label_config_line,
            "params": {"login": "", "password": ""}})

    async def is_training(self) -> Answer:
        return await self._call("GET", f"is_training?project={self.name}")

    async def job_status(self, job: Any) -> Answer:
        return await self._call("POST", "job_status", {"job": job})

    async def delete(self) -> Answer:
        return await self._call("POST", "delete", {"project": self.name})
