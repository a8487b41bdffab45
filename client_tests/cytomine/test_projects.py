"""Projects, ontologies and terms through the client: save, fetch, update, delete, collections, bulk, members."""

from __future__ import annotations

from collections.abc import Callable

from cytomine import Cytomine
from cytomine.models import (
    CurrentUser,
    Ontology,
    OntologyCollection,
    Project,
    ProjectCollection,
    Term,
    TermCollection,
    User,
    UserCollection,
)
from mockserve import Mock


def test_ontology_term_project_lifecycle(mock: Mock, admin: Cytomine) -> None:
    ontology = Ontology("Demo ontology").save()
    assert ontology and ontology.id and ontology.class_ == "be.cytomine.domain.ontology.Ontology"
    term = Term("Necrosis", ontology.id, "#00FF00").save()
    assert term and term.ontology == ontology.id
    project = Project("Demo project", ontology.id).save()
    assert project and project.ontologyName == "Demo ontology" and project.numberOfImages == 0

    project.name = "Renamed project"
    assert project.update() and Project().fetch(project.id).name == "Renamed project"
    term.color = "#FF00FF"
    assert term.update() and Term().fetch(term.id).color == "#FF00FF"
    ontology.name = "Renamed ontology"
    assert ontology.update() and Project().fetch(project.id).ontologyName == "Renamed ontology"

    assert [t.id for t in TermCollection().fetch_with_filter("ontology", ontology.id)] == [term.id]
    assert [t.id for t in TermCollection().fetch_with_filter("project", project.id)] == [term.id]
    assert [p.id for p in ProjectCollection().fetch_with_filter("ontology", ontology.id)] == [project.id]
    assert [u.id for u in UserCollection().fetch_with_filter("ontology", ontology.id)] == [admin.current_user.id]

    assert ontology.delete() is False  # in use by the project
    assert project.delete() and Project().fetch(project.id) is False
    assert ontology.delete() and Ontology().fetch(ontology.id) is False
    assert Term().fetch(term.id) is False


def test_collections_list_what_the_mock_lists(mock: Mock, admin: Cytomine) -> None:
    assert [p.id for p in ProjectCollection().fetch()] == [p["id"] for p in mock.get("project.json")["collection"]]
    assert len(OntologyCollection().fetch()) == mock.get("ontology.json")["size"] == 1
    assert len(TermCollection().fetch()) == 4


def test_bulk_saves(mock: Mock, admin: Cytomine) -> None:
    ontologies = OntologyCollection()
    ontologies.extend([Ontology(f"Bulk {i}") for i in range(3)])
    assert ontologies.save(n_workers=1)
    names = {o.name for o in OntologyCollection().fetch()}
    assert {"Bulk 0", "Bulk 1", "Bulk 2"} <= names
    ontology = next(o for o in OntologyCollection().fetch() if o.name == "Bulk 0")
    terms = TermCollection()
    terms.extend([Term(f"T{i}", ontology.id, "#000000") for i in range(2)])
    assert terms.save(n_workers=1)
    assert len(TermCollection().fetch_with_filter("ontology", ontology.id)) == 2


def test_members_and_managers(mock: Mock, admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    guest = next(u for u in UserCollection().fetch() if u.username == mock.banner.users["guest"]["username"])
    assert guest.id not in [u.id for u in UserCollection().fetch_with_filter("project", project.id)]
    assert project.add_user(guest.id)
    assert guest.id in [u.id for u in UserCollection().fetch_with_filter("project", project.id)]
    assert project.add_user(guest.id, admin=True)
    managers = UserCollection(admin=True).fetch_with_filter("project", project.id)
    assert guest.id in [u.id for u in managers]
    assert [p.id for p in ProjectCollection().fetch_with_filter("user", guest.id)] == [project.id]
    assert project.delete_user(guest.id)
    assert guest.id not in [u.id for u in UserCollection().fetch_with_filter("project", project.id)]


def test_a_contributor_cannot_edit_or_delete_the_project(mock: Mock, admin: Cytomine,
                                                         connect: Callable[[str], Cytomine]) -> None:
    project_id = ProjectCollection().fetch()[0].id
    connect("user")
    project = Project().fetch(project_id)
    assert project and CurrentUser().fetch().username == mock.banner.users["user"]["username"]
    project.name = "Not mine"
    assert project.update() is False
    assert project.delete() is False
    assert User().fetch(CurrentUser().fetch().id).username == mock.banner.users["user"]["username"]
