"""Trucks and loads shared by the matching tests of the library and the API."""

from __future__ import annotations

from typing import Any

# A flatbed at Kuytun, an outbound load to Dushanzi and its backhaul (one chain).
TRUCK: dict[str, Any] = {
    "id": "T1",
    "kind": "flatbed",
    "capacity_t": 30,
    "location": "kuytun",
    "available_from": "2025-06-02T06:00:00+08:00",
    "available_until": "2025-06-03T06:00:00+08:00",
}
OUT: dict[str, Any] = {
    "id": "out",
    "origin": "kuytun",
    "destination": "dushanzi",
    "cargo": {"commodity": "steel", "form": "general", "quantity": 20, "unit": "t"},
    "pickup_from": "2025-06-02T06:00:00+08:00",
    "pickup_until": "2025-06-02T10:00:00+08:00",
    "deliver_by": "2025-06-02T18:00:00+08:00",
    "price_cny": 900,
}
BACK: dict[str, Any] = {
    **OUT,
    "id": "back",
    "origin": "dushanzi",
    "destination": "kuytun",
    "pickup_from": "2025-06-02T08:00:00+08:00",
    "pickup_until": "2025-06-02T16:00:00+08:00",
    "deliver_by": "2025-06-03T02:00:00+08:00",
}

# Dushanzi–Kuqa: 561 km on the seasonal G217 today; 330 km on the G3033 expressway, open
# from 2030 (works.csv).
KUQA_TRUCK: dict[str, Any] = {
    "id": "T-dsz",
    "kind": "flatbed",
    "capacity_t": 30,
    "location": "dushanzi",
    "available_from": "2030-06-03T06:00:00+08:00",
    "available_until": "2030-06-05T06:00:00+08:00",
}
KUQA_LOAD: dict[str, Any] = {
    "id": "L-kuqa",
    "origin": "dushanzi",
    "destination": "kuqa",
    "cargo": {"commodity": "steel", "form": "general", "quantity": 20, "unit": "t"},
    "pickup_from": "2030-06-03T06:00:00+08:00",
    "pickup_until": "2030-06-03T10:00:00+08:00",
    "deliver_by": "2030-06-04T12:00:00+08:00",
}
