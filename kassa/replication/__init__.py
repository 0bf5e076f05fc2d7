"""Rules both ends of sync share: hybrid logical clocks, event hashes, ledger checksums."""
