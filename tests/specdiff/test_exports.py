import mockserver.specdiff


def test_public_names_are_exported_and_sorted() -> None:
    assert mockserver.specdiff.__all__ == sorted(mockserver.specdiff.__all__)
    for name in mockserver.specdiff.__all__:
        assert getattr(mockserver.specdiff, name) is not None
