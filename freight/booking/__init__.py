"""Multimodal bookings under one through-bill (一单制): offers, bills, tracking, re-plans.

Pure domain code: no web or database. The API stores what these functions return and
takes/gives back capacity (``Claim``) in its own transactions.
"""

from freight.booking.capacity import departures_between, ledger_from_usage
from freight.booking.model import (
    BEIJING,
    BookedLeg,
    Booking,
    BookingStatus,
    CargoSpec,
    Claim,
    EventType,
    LegStatus,
    Offer,
    Party,
    Replan,
    Share,
    TrackEvent,
    beijing,
)
from freight.booking.offer import decode_offer, encode_offer, make_offers, settle, split_fen
from freight.booking.replan import ReplanResult, replan
from freight.booking.tracking import apply_event, check_event, new_booking

__all__ = [
    "BEIJING",
    "BookedLeg",
    "Booking",
    "BookingStatus",
    "CargoSpec",
    "Claim",
    "EventType",
    "LegStatus",
    "Offer",
    "Party",
    "Replan",
    "ReplanResult",
    "Share",
    "TrackEvent",
    "apply_event",
    "beijing",
    "check_event",
    "decode_offer",
    "departures_between",
    "encode_offer",
    "ledger_from_usage",
    "make_offers",
    "new_booking",
    "replan",
    "settle",
    "split_fen",
]
