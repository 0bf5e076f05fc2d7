"""Central's storage: an interface the sync logic uses and its SQLite implementation."""
