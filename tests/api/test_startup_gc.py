"""The service freezes what startup made out of the garbage collector's full collections,
and gives it back at shutdown."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


def test_startup_objects_are_frozen_while_serving_and_released_at_shutdown(tmp_path) -> None:
    gc.unfreeze()
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'gc.sqlite3'}",
                              rate_limits="off", log_level="WARNING"))  # fmt: skip
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 10_000  # the app, the modules, the network
        assert client.get("/v1/health").status_code == 200
    assert gc.get_freeze_count() == 0
