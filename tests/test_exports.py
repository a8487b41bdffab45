import mockserver


def test_public_names_are_exported_and_sorted() -> None:
    assert mockserver.__all__ == sorted(mockserver.__all__)
    for name in mockserver.__all__:
        assert getattr(mockserver, name) is not None
