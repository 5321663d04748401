"""Job runners shipped with the service (pure functions run in worker processes)."""
