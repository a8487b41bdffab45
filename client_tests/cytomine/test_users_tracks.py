"""Users, roles, relation terms, tracks, attached files and the activity collections through the client."""

from __future__ import annotations

from pathlib import Path

from cytomine import Cytomine
from cytomine.models import (
    Annotation,
    AnnotationActionCollection,
    AnnotationCollection,
    AnnotationTrack,
    AttachedFile,
    AttachedFileCollection,
    ImageInstanceCollection,
    PositionCollection,
    ProjectCollection,
    RelationTerm,
    Role,
    RoleCollection,
    Term,
    TermCollection,
    Track,
    TrackCollection,
    User,
    UserCollection,
    UserRole,
    UserRoleCollection,
)
from mockserve import Mock


def test_user_lifecycle(admin: Cytomine) -> None:
    user = User("newbie", "New", "Bie", "newbie@example.org", "secret").save()
    assert user and user.id and user.publicKey
    user.lastname = "Doe"
    assert user.update() and User().fetch(user.id).lastname == "Doe"
    users = UserCollection()
    users.extend([User(f"bulk{i}", "B", "U", f"b{i}@example.org", "pw") for i in range(2)])
    assert users.save(n_workers=1)
    assert {"bulk0", "bulk1", "newbie"} <= {u.username for u in UserCollection().fetch()}
    assert user.delete() and User().fetch(user.id) is False


def test_roles_and_user_roles(mock: Mock, admin: Cytomine) -> None:
    roles = {r.authority: r.id for r in RoleCollection().fetch()}
    assert set(roles) == {"ROLE_USER", "ROLE_ADMIN", "ROLE_SUPER_ADMIN", "ROLE_GUEST"}
    assert Role().fetch(roles["ROLE_GUEST"]).authority == "ROLE_GUEST"
    guest = next(u for u in UserCollection().fetch() if u.username == mock.banner.users["guest"]["username"])
    assert [r.authority for r in UserRoleCollection().fetch_with_filter("user", guest.id)] == ["ROLE_USER"]
    given = UserRole(guest.id, roles["ROLE_GUEST"]).save()
    assert given and given.id
    fetched = UserRole().fetch(guest.id, roles["ROLE_GUEST"])
    assert fetched and fetched.delete()
    assert UserRole().fetch(guest.id, roles["ROLE_GUEST"]) is False


def test_relation_terms(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    terms = {t.name: t for t in TermCollection().fetch_with_filter("project", project.id)}
    relation = RelationTerm(terms["Stroma"].id, terms["Necrosis"].id).save()
    assert relation and relation.id
    assert Term().fetch(terms["Necrosis"].id).parent == terms["Stroma"].id
    fetched = RelationTerm().fetch(terms["Stroma"].id, terms["Necrosis"].id)
    assert fetched and fetched.delete()
    assert RelationTerm().fetch(terms["Stroma"].id, terms["Necrosis"].id) is False


def test_tracks(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    image = ImageInstanceCollection().fetch_with_filter("project", project.id)[0]
    track = Track("cells", image.id, "#FF0000").save()
    assert track and track.id and track.project == project.id
    assert [t.id for t in TrackCollection().fetch_with_filter("project", project.id)] == [track.id]
    assert [t.id for t in TrackCollection().fetch_with_filter("imageinstance", image.id)] == [track.id]
    annotation = AnnotationCollection(image=image.id).fetch()[0]
    link = AnnotationTrack(annotation.class_ or "be.cytomine.domain.ontology.UserAnnotation", annotation.id,
                           track.id).save()
    assert link and link.id
    assert Annotation().fetch(annotation.id).track == [track.id]
    fetched = AnnotationTrack().fetch(annotation.id, track.id)
    assert fetched and fetched.delete()
    track.name = "nuclei"
    assert track.update() and Track().fetch(track.id).name == "nuclei"
    assert track.delete() and Track().fetch(track.id) is False


def test_attached_files(admin: Cytomine, tmp_path: Path) -> None:
    project = ProjectCollection().fetch()[0]
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello cytomine")
    attached = AttachedFile(project, filename=str(path)).save()
    assert attached and attached.id
    assert AttachedFile(project).fetch(attached.id).filename == str(path)
    assert [f.id for f in AttachedFileCollection(project).fetch()] == [attached.id]
    assert attached.download(str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_bytes() == b"hello cytomine"


def test_activity_collections(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    image = ImageInstanceCollection().fetch_with_filter("project", project.id)[0]
    assert len(PositionCollection().fetch_with_filter("imageinstance", image.id)) == 0
    assert len(AnnotationActionCollection().fetch_with_filter("imageinstance", image.id)) == 0
