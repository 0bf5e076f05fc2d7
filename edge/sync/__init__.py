"""Sync with central: push the outbox, pull changes from a persisted cursor."""
