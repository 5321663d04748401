"""Beijing time: the one time zone of the project's inputs and answers.

Xinjiang's railways and the seed's timetables run on Beijing time (Asia/Shanghai).
A time given without an offset is read as Beijing time, whatever the server's own zone;
a time with an offset is converted to Beijing time; answers always carry ``+08:00``.
Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is
exact for every date the project accepts (2000..2100) and needs no tz database.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def to_beijing(value: datetime) -> datetime:
    """``value`` as an aware Beijing time: naive means Beijing already, aware is converted."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=BEIJING)
    return value.astimezone(BEIJING)


def now_beijing() -> datetime:
    """The current time in Beijing, to the minute (independent of the process's TZ)."""
    return datetime.now(BEIJING).replace(second=0, microsecond=0)


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time (``Z`` or an offset optional) as an aware Beijing time.

    Raises ``ValueError`` when ``text`` is not ISO 8601.
    """
    return to_beijing(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def current_year() -> int:
    """The current calendar year in Beijing: the default network year of every query."""
    return datetime.now(BEIJING).year
