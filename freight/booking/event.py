"""Tracking events of a through-bill: their types, order within a leg, and validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from freight.errors import FieldIssue, InputError

#: Tracking delays beyond this are refused as absurd (two weeks: longer than any China-
#: Europe transit in the network).
MAX_DELAY_MIN = 14 * 24 * 60


class EventType(StrEnum):
    GATE_IN = "gate_in"
    LOADED = "loaded"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    UNLOADED = "unloaded"
    DELIVERED = "delivered"
    DELAYED = "delayed"


#: Order of the events within one leg (``delayed`` may come at any time).
EVENT_RANK = {
    EventType.GATE_IN: 0,
    EventType.LOADED: 1,
    EventType.DEPARTED: 2,
    EventType.ARRIVED: 3,
    EventType.UNLOADED: 4,
}

#: Who carries and bills each kind of leg (assumption, docs/bookings.md): the railway
#: bureau for domestic trains and shunting, the China-Europe container operator for


@dataclass(frozen=True, slots=True)
class TrackEvent:
    """One tracking event, validated against the JSON paths of the request body."""

    event_id: str
    type: EventType
    leg: int
    at: datetime
    location: str | None = None
    delay_minutes: int | None = None

    def __post_init__(self) -> None:
        issues = []
        if not self.event_id or len(self.event_id) > 128:
            issues.append(FieldIssue("$.event_id", "required, 1..128 characters"))
        if self.at.tzinfo is None:
            issues.append(FieldIssue("$.at", "needs an offset (naive times are read as Beijing)"))
        if self.type is EventType.DELAYED:
            if self.delay_minutes is None:
                issues.append(FieldIssue("$.delay_minutes", "required for a 'delayed' event"))
            elif not 0 < self.delay_minutes <= MAX_DELAY_MIN:
                issues.append(
                    FieldIssue(
                        "$.delay_minutes",
                        f"{self.delay_minutes} is absurd: must be within 1..{MAX_DELAY_MIN}",
                    )
                )
        elif self.delay_minutes is not None:
            issues.append(FieldIssue("$.delay_minutes", "only a 'delayed' event carries it"))
        if issues:
            raise InputError("invalid tracking event", issues=issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": str(self.type),
            "leg": self.leg,
            "at": self.at.isoformat(),
            "location": self.location,
            "delay_minutes": self.delay_minutes,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> TrackEvent:
        return TrackEvent(
            d["event_id"],
            EventType(d["type"]),
            int(d["leg"]),
            datetime.fromisoformat(d["at"]),
            d.get("location"),
            d.get("delay_minutes"),
        )
