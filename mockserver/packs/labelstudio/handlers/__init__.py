"""Handlers of the Label Studio 0.8.1 routes (operationIds ``<module>.<function>``)."""
