"""media_types.py: the validator map's lookup by media type, remembered, answers as Connexion's own."""

from __future__ import annotations

from connexion.datastructures import MediaTypeDict

from mockserver.media_types import KnownMediaTypes


def test_known_media_types_answer_as_connexions_media_type_dict() -> None:
    entries = {"*/*json": "json", "application/problem+json": "problem", "text/plain": "text", "text/*": "any text",
               "multipart/form-data": "form"}
    known, plain = KnownMediaTypes(entries), MediaTypeDict(entries)
    for media_type in ["application/json", "application/problem+json", "application/vnd.api+json", "text/plain",
                       "text/csv", "multipart/form-data", "image/png", "application/xml", "application/json"] * 2:
        assert known.get(media_type) == plain.get(media_type), media_type
        assert (media_type in known) == (media_type in plain)
    known["image/*"] = "image"  # a key added later is seen
    assert known["image/png"] == "image"
    for number in range(KnownMediaTypes.MEMORY * 2):  # clients choose the Content-Type: what is remembered is bounded
        assert known.get(f"application/x-{number}+json") == "json"
    assert len(known._keys) <= KnownMediaTypes.MEMORY
    try:
        known["font/woff"]
    except KeyError:
        pass
    else:
        raise AssertionError("a media type no key matches is a KeyError")
