"""Cytomine handlers, one module per area; operationIds name them (``projects.read_project``)."""
