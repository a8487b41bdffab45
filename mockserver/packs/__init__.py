"""The API packs shipped with mockserver (one subpackage each, found through the ``mockserver.packs`` entry points)."""
