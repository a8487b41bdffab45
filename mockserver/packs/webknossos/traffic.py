"""Recorded WEBKNOSSOS traffic → a scenario (``mockserver import-world --api webknossos``).

What the answers of the latest version (at ``/api`` and ``/api/<latest>``) last showed of teams, users, projects,
tasks and annotations becomes scenario steps: ``put_team``, ``put_user`` and ``put_project`` by name or email
(loading the scenario again changes nothing), then ``add_task`` per task and ``add_annotation`` per annotation of a
mapped task or an explorational one. The arranger makes ids of its own, so ids are not kept: steps refer to names,
emails and ``as`` references; tasks name their task type by summary and their dataset by name, which the world the
scenario is loaded into must have (the seeded worlds have theirs). Not mapped: datasets, task types, scripts,
tracings, logged time, answers of older versions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from mockserver.har import Entry
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.traffic_world import Exchange, Imported, NotMapped, Routes

KEPT_STATES = ("Active", "Finished")
"""Annotation states ``add_annotation`` makes (a cancelled one gives its instance back: nothing to add)."""


@dataclasses.dataclass
class View:
    """What the traffic showed so far, by WEBKNOSSOS id."""

    teams: dict[str, str] = dataclasses.field(default_factory=dict)
    users: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    annotations: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    deleted: int = 0

    # readers of one shown thing -------------------------------------------------------------------

    def user(self, item: Any) -> None:
        user = _object(item, "user")
        known = self.users.setdefault(_id(user), {})
        fields = {"email": "email", "first_name": "firstName", "last_name": "lastName", "admin": "isAdmin",
                  "active": "isActive", "experiences": "experiences"}
        known.update({key: user[wire] for key, wire in fields.items() if wire in user})
        teams = user.get("teams")
        if isinstance(teams, list) and teams:
            for team in teams:
                self.team(team)
            known.update(team=teams[0].get("name"), team_manager=bool(teams[0].get("isTeamManager")))

    def team(self, item: Any) -> None:
        team = _object(item, "team")
        if isinstance(team.get("name"), str):
            self.teams[_id(team)] = team["name"]

    def project(self, item: Any) -> None:
        project = _object(item, "project")
        owner = project.get("owner")
        if isinstance(owner, dict):
            self.user(owner)
        if isinstance(project.get("team"), str) and isinstance(project.get("teamName"), str):
            self.teams[project["team"]] = project["teamName"]
        self.projects[_id(project)] = {
            "name": project.get("name"), "team": project.get("teamName"),
            "owner": owner.get("email") if isinstance(owner, dict) else None, "priority": project.get("priority"),
            "paused": project.get("paused"), "expected_time": project.get("expectedTime")}

    def task(self, item: Any) -> None:
        task = _object(item, "task")
        status, needed, kind = task.get("status") or {}, task.get("neededExperience") or {}, task.get("type") or {}
        try:
            self.tasks[_id(task)] = {
                "project": task["projectId"], "task_type": kind.get("summary"), "dataset": task["dataSet"],
                "domain": needed.get("domain"), "experience": needed.get("value"),
                "instances": status["pending"] + status["active"] + status["finished"],
                "started": status["active"] + status["finished"]}
        except (KeyError, TypeError, AttributeError):
            raise NotMapped("tasks without their fields") from None

    def annotation(self, item: Any) -> None:
        annotation = _object(item, "annotation")
        owner = annotation.get("owner") or annotation.get("user")
        if isinstance(annotation.get("task"), dict):
            self.task(annotation["task"])
        self.annotations[_id(annotation)] = {
            "owner": owner.get("id") if isinstance(owner, dict) else None, "state": annotation.get("state"),
            "typ": annotation.get("typ"), "name": annotation.get("name") or "",
            "task": annotation["task"].get("id") if isinstance(annotation.get("task"), dict) else None,
            "dataset": annotation.get("dataSetName")}

    # routes --------------------------------------------------------------------------------------

    def routes(self) -> Routes:
        one = {"user": self.user, "team": self.team, "project": self.project, "task": self.task,
               "annotation": self.annotation}
        shown = {
            "GET /user": "user", "GET /users/{id}": "user", "PUT /users/{id}": "user", "POST /teams": "team",
            "GET /projects/{id}": "project", "GET /projects/byName/{name}": "project", "POST /projects": "project",
            "PUT /projects/{id}": "project", "PATCH /projects/{id}/pause": "project",
            "PATCH /projects/{id}/resume": "project", "GET /tasks/{id}": "task", "PUT /tasks/{id}": "task",
            "GET /annotations/{typ}/{id}/info": "annotation", "GET /annotations/{id}/info": "annotation",
            "PATCH /annotations/{typ}/{id}/finish": "annotation", "PATCH /annotations/{typ}/{id}/reopen": "annotation"}
        listed = {
            "GET /users": "user", "GET /teams": "team", "GET /projects": "project",
            "GET /projects/withStatus": "project",
            "GET /projects/{id}/tasks": "task", "POST /tasks/list": "task", "GET /tasks/{id}/annotations": "annotation",
            "GET /user/tasks": "annotation", "GET /user/annotations": "annotation",
            "GET /users/{id}/tasks": "annotation", "GET /users/{id}/annotations": "annotation",
            "GET /annotations/readable": "annotation"}
        routes: dict[str, Any] = {}
        for prefix in ("/api", f"/api/{tuple(ADAPTERS)[-1]}"):
            for key, kind in shown.items():
                routes[_at(prefix, key)] = _reading(one[kind])
            for key, kind in listed.items():
                routes[_at(prefix, key)] = _listing(one[kind])
            routes[_at(prefix, "DELETE /projects/{id}")] = self.project_deleted
            routes[_at(prefix, "DELETE /tasks/{id}")] = self.task_deleted
            routes[_at(prefix, "DELETE /teams/{id}")] = self.team_deleted
        return Routes(routes)

    def project_deleted(self, exchange: Exchange) -> None:
        project = exchange.params["id"]
        self.projects.pop(project, None)
        for task in [key for key, task in self.tasks.items() if task["project"] == project]:
            self._drop_task(task)
        self.deleted += 1

    def task_deleted(self, exchange: Exchange) -> None:
        self._drop_task(exchange.params["id"])
        self.deleted += 1

    def _drop_task(self, task: str) -> None:
        self.tasks.pop(task, None)
        for annotation in [key for key, a in self.annotations.items() if a["task"] == task]:
            del self.annotations[annotation]

    def team_deleted(self, exchange: Exchange) -> None:
        self.teams.pop(exchange.params["id"], None)
        self.deleted += 1

    # the scenario ---------------------------------------------------------------------------------

    def imported_world(self, entries: Sequence[Entry]) -> Imported:
        unmapped = self.routes().replay(entries)
        users = {key: user for key, user in self.users.items() if isinstance(user.get("email"), str)}
        projects = {key: p for key, p in self.projects.items() if p["name"] and p["team"] in self.teams.values()}
        steps: list[tuple[str, dict[str, Any]]] = [("put_team", {"name": name}) for name in self.teams.values()]
        steps += [("put_user", _given(user)) for user in users.values()]
        steps += [("put_project", _given({**p, "owner": p["owner"] or "manager"})) for p in projects.values()]
        refs: dict[str, str] = {}
        for key, task in self.tasks.items():
            if task["project"] in projects:
                refs[key] = f"task_{len(refs) + 1}"
                steps.append(("add_task", _given({
                    "project": projects[task["project"]]["name"], "instances": task["instances"],
                    "task_type": task["task_type"], "dataset": task["dataset"], "domain": task["domain"],
                    "experience": task["experience"], "as": refs[key]})))
        annotations = self._annotations(refs, users)
        steps += annotations
        started = sum(task["started"] for key, task in self.tasks.items() if key in refs)
        unseen = started - sum(1 for _, params in annotations if "task" in params)
        notes = [f"{self.deleted} deleted (projects, tasks, teams)"] if self.deleted else []
        if unseen > 0:
            notes.append(f"{unseen} started task instance{'s' if unseen != 1 else ''} without their annotation left "
                         "open")
        if len(self.tasks) > len(refs):
            notes.append(f"{len(self.tasks) - len(refs)} tasks of projects not seen left out")
        return Imported(
            description=f"The WEBKNOSSOS teams, users, projects, tasks and annotations {len(entries)} recorded "
                        "exchanges last showed (ids are new; task types and datasets by name).",
            steps=tuple(steps),
            mapped=(("teams", len(self.teams)), ("users", len(users)), ("projects", len(projects)),
                    ("tasks", len(refs)), ("annotations", len(annotations))),
            unmapped=unmapped, notes=tuple(notes))

    def _annotations(self, refs: dict[str, str], users: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        steps = []
        for annotation in self.annotations.values():
            owner = users.get(annotation["owner"] or "")
            if owner is None or annotation["state"] not in KEPT_STATES:
                continue
            if annotation["typ"] == "Task" and annotation["task"] in refs:
                where = {"task": f"${refs[annotation['task']]}"}
            elif annotation["typ"] == "Explorational" and annotation["dataset"]:
                where = {"dataset": annotation["dataset"]}
            else:
                continue
            steps.append(("add_annotation", {"user": owner["email"], **where, "state": annotation["state"],
                                             "name": annotation["name"]}))
        return steps


def _at(prefix: str, key: str) -> str:
    method, path = key.split(" ", 1)
    return f"{method} {prefix}{path}"


def _reading(read: Any) -> Any:
    return lambda exchange: read(exchange.answer())


def _listing(read: Any) -> Any:
    def each(exchange: Exchange) -> None:
        items = exchange.answer()
        if not isinstance(items, list):
            raise NotMapped("lists that are not lists")
        for item in items:
            read(item)

    return each


def _given(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NotMapped(f"{what} answers that are not objects")
    return value


def _id(item: dict[str, Any]) -> str:
    if not isinstance(item.get("id"), str):
        raise NotMapped("answers without an id")
    return str(item["id"])


def world_from_traffic(entries: Sequence[Entry]) -> Imported:
    """``Pack.world_from_traffic``: teams, users, projects, tasks and annotations the traffic shows."""
    return View().imported_world(entries)
