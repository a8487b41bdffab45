import mockserver.compare


def test_public_names_are_exported_and_sorted() -> None:
    assert mockserver.compare.__all__ == sorted(mockserver.compare.__all__)
    for name in mockserver.compare.__all__:
        assert getattr(mockserver.compare, name) is not None
