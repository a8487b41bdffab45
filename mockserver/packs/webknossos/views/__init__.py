"""Views: canonical records → the latest (v5) wire shapes, one module per resource.

Views read related records through the store and compute per-requester fields (``isEditable``,
``restrictions`` …) from the ``Principal``. Version adapters rewrite these shapes for older versions.
"""
