"""Handlers of the echo pack (operationIds ``notes.<function>``)."""
