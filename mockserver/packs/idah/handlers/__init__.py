"""IDAH Dataset service handlers, one module per resource (operationIds name ``<module>.<function>``)."""
