"""How many delivery points a representative urban day has, bottom-up (METHOD.md U1–U3).

Every input of the calibration is in this module, and none of them is a fleet size or a
fleet target: the fleet the plan needs is a *result* of routing these points. For town
``t``, kind ``k`` and the representative ``season`` day of ``year``::

    served_t(year)  = residents_t x served_share_t x (1 + growth_t) ** (year - residents_year_t)
    stops_t,k       = round(served_t(year) / 1000 x per_1000_k(year) x season_k)

    per_1000_parcel(year) = parcels_per_resident(year) / delivery_days_per_year
                            x kg_per_parcel / mean kg of a parcel drop x 1000
    per_1000_k(year)      = outlets_per_1000_k x deliveries_per_outlet_day_k
                            x (1 + growth_k) ** (year - BASE_YEAR)          (other kinds)

``parcels_per_resident`` starts from Xinjiang's 2024 figure, grows by Xinjiang's 2025
growth, then closes geometrically on the national 2024 figure by ``catch_up_year``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from freight.demand import assumptions as A

BASE_YEAR = 2025
#: Months of each representative season (fleet defaults A2: Nov–Mar is the cold season).
SEASON_MONTHS = {"winter": (11, 12, 1, 2, 3), "summer": (4, 5, 6, 7, 8, 9, 10)}


@dataclass(frozen=True, slots=True)
class ServedTown:
    """Residents of a town's delivery area: a census or plan figure, share, growth."""

    town: str  # a name of ``assumptions.TOWN_AREAS``
    residents: int
    residents_year: int
    served_share: float  # share of the residents who live in the delivery area
    growth: float  # per year after ``residents_year``

    def served(self, year: int) -> float:
        """Residents of the delivery area in ``year``."""
        return (
            self.residents * self.served_share * (1.0 + self.growth) ** (year - self.residents_year)
        )


@dataclass(frozen=True, slots=True)
class ParcelInputs:
    """Express parcels received per resident and how they become delivery drops."""

    xinjiang_per_resident_2024: float  # parcels used per resident a year, Xinjiang 2024
    xinjiang_growth_2025: float  # Xinjiang express volume growth in 2025
    national_per_resident_2024: float  # national express volume / national population
    catch_up_year: int  # year Xinjiang reaches the national 2024 level
    delivery_days_per_year: int  # express is delivered every day of the year
    kg_per_parcel: float

    def per_resident(self, year: int) -> float:
        """Parcels received per resident in ``year`` (2025 onwards)."""
        start = self.xinjiang_per_resident_2024 * (1.0 + self.xinjiang_growth_2025)
        frac = min(1.0, (year - BASE_YEAR) / (self.catch_up_year - BASE_YEAR))
        ratio = self.national_per_resident_2024 / start
        return start * math.pow(ratio, frac)


@dataclass(frozen=True, slots=True)
class OutletRate:
    """A kind of business drop: outlets per 1,000 residents, deliveries, growth, season."""

    kind: str  # a name of ``assumptions.POINT_KINDS``
    outlets_per_1000: float
    deliveries_per_outlet_day: float
    growth: float  # of deliveries per resident, per year after BASE_YEAR
    season: dict[str, float]  # factor of the season's representative day

    def per_1000(self, year: int) -> float:
        """Stops per 1,000 served residents on an average day of ``year``."""
        base = self.outlets_per_1000 * self.deliveries_per_outlet_day
        return base * (1.0 + self.growth) ** (year - BASE_YEAR)


# U1: residents of the four towns' delivery areas.
SERVED_TOWNS: tuple[ServedTown, ...] = (
    ServedTown("kuytun", 123_000, 2025, 0.986, 0.010),  # seed preface; 98.6 % urban
    ServedTown("wusu", 262_900, 2020, 0.40, 0.005),  # 2020 census; city proper: assumption
    ServedTown("dushanzi", 69_361, 2010, 1.0, 0.005),  # 2010 census; 3 sub-districts
    ServedTown("huyanghe", 29_891, 2020, 0.829, 0.040),  # 2020 census, 24,769 urban
)

# U2: parcels. National: 175.08 bn parcels (2024) / 1,408.28 M residents (end 2024).
PARCELS = ParcelInputs(
    xinjiang_per_resident_2024=48.0,
    xinjiang_growth_2025=0.30,
    national_per_resident_2024=175.08e9 / 1408.28e6,
    catch_up_year=2035,
    delivery_days_per_year=365,
    kg_per_parcel=1.5,
)

# U3: business drops (outlets per 1,000 residents x deliveries per outlet a day).
OUTLETS: tuple[OutletRate, ...] = (
    OutletRate("retail", 6.0, 0.5, 0.02, {"winter": 1.0, "summer": 1.0}),
    OutletRate("catering", 4.1, 0.6, 0.02, {"winter": 0.85, "summer": 1.15}),
    OutletRate("cold_retail", 0.5, 1.0, 0.05, {"winter": 0.6, "summer": 1.4}),
    OutletRate("supplies", 2.0, 0.5, 0.02, {"winter": 0.9, "summer": 1.1}),
)


def _kind(name: str) -> A.PointKind:
    return next(k for k in A.POINT_KINDS if k.name == name)


def mean_drop_kg(kind: str) -> float:
    """Mean demand of a stop of ``kind``: the lognormal's mean, median x exp(sigma²/2)."""
    k = _kind(kind)
    return k.median_kg * math.exp(k.sigma**2 / 2.0)


def parcel_season(season: str) -> float:
    """Parcels on the season's day relative to the yearly mean (the PARCELS profile)."""
    months = SEASON_MONTHS[season]
    w = A.PARCELS
    return (sum(w[m - 1] for m in months) / len(months)) / (sum(w) / len(w))


def per_1000(kind: str, year: int, season: str) -> float:
    """Stops of ``kind`` per 1,000 served residents on the ``season`` day of ``year``."""
    if kind == "parcel":
        p = PARCELS
        per_day = p.per_resident(year) / p.delivery_days_per_year * parcel_season(season)
        return per_day * p.kg_per_parcel / mean_drop_kg("parcel") * 1000.0
    rate = next(r for r in OUTLETS if r.kind == kind)
    return rate.per_1000(year) * rate.season[season]


def stops_by_town_kind(year: int, season: str) -> dict[str, dict[str, int]]:
    """Stops of each kind in each town (towns and kinds in ``assumptions`` order)."""
    served = {t.town: t for t in SERVED_TOWNS}
    return {
        town.name: {
            k.name: round(served[town.name].served(year) / 1000.0 * per_1000(k.name, year, season))
            for k in A.POINT_KINDS
        }
        for town in A.TOWN_AREAS
    }


def stops_in_day(year: int, season: str) -> int:
    """Delivery points of the representative ``season`` day of ``year``."""
    return sum(sum(kinds.values()) for kinds in stops_by_town_kind(year, season).values())
