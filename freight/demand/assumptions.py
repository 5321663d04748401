"""Every figure the demand generator uses, in one place (sources in demand_data/METHOD.md).

Freight: commodity *groups* (a plant's output, a crop's collection, a trade), each with a
2025 tonnage at full output, a yearly growth rate, an optional ramp-up (utilisation by
year) for the plan's projects, a monthly profile and its *lanes* (origin, destination,
share, cargo form, lot kind). Urban: towns, delivery-point categories, depots, charging
site anchors. The ``src`` strings are the keys of the tables in METHOD.md.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_YEAR = 2025
LAST_YEAR = 2035
URBAN_FIRST_YEAR = 2026
DEFAULT_SEED = 20260301  # the seed plan is dated March 2026


@dataclass(frozen=True, slots=True)
class Lane:
    """One origin–destination stream of a group; ``share`` is a relative weight."""

    origin: str
    destination: str
    share: float
    form: str
    lot: str  # a key of LOTS


@dataclass(frozen=True, slots=True)
class Group:
    """A flow generator: ``base_t`` per year in 2025 at full output, grown and ramped."""

    key: str
    commodity: str
    base_t: float
    growth: float  # per year after 2025
    season: tuple[float, ...]  # 12 relative monthly weights
    lanes: tuple[Lane, ...]
    src: str
    teu_payload_t: float = 0.0  # tonnes per loaded TEU (TEU lanes only)
    ramp: tuple[tuple[int, float], ...] = ()  # (year, utilisation) steps; () = 1.0

    def utilisation(self, year: int) -> float:
        """Share of ``base_t`` produced in ``year`` (step function of ``ramp``)."""
        if not self.ramp:
            return 1.0
        u = 0.0
        for y, share in self.ramp:
            if year >= y:
                u = share
        return u

    def tonnes(self, year: int) -> float:
        """Planned tonnes of the group in ``year`` (rounded to 0.1 t)."""
        t = self.base_t * (1.0 + self.growth) ** (year - FIRST_YEAR) * self.utilisation(year)
        return round(t, 1)


# Lot kinds: (unit, min count, max count, size per unit lo, hi). A lot is ``count`` units of a
# size drawn uniformly in [lo, hi] t (for TEU lots the size is the group's payload).
#   train  — a block train: 1 x 2,600–3,400 t (≈50 wagons x 60 t net; assumption L1)
#   wagons — a wagon group: 6–30 wagons x 55–65 t (60-t-class open/covered/tank wagons, L2)
#   trucks — a day's dispatch to one customer: 4–14 trucks x 28–32 t (6-axle semi, L3)
#   tanks  — 2–8 ISO tank containers x 18–22 t of liquid chemicals (L4)
#   reefer_trucks — 2–6 refrigerated trucks x 14–18 t (L5)
#   teu    — a shipper's share of a block or China–Europe train: 4–40 TEU (L6)
#   teu_small — 1–8 TEU (regional e-commerce and bonded consolidation, L6)
LOTS: dict[str, tuple[str, int, int, float, float]] = {
    "train": ("t", 1, 1, 2600.0, 3400.0),
    "wagons": ("t", 6, 30, 55.0, 65.0),
    "trucks": ("t", 4, 14, 28.0, 32.0),
    "tanks": ("t", 2, 8, 18.0, 22.0),
    "reefer_trucks": ("t", 2, 6, 14.0, 18.0),
    "teu": ("teu", 4, 40, 0.0, 0.0),
    "teu_small": ("teu", 1, 8, 0.0, 0.0),
}
RAIL_LOTS = ("train", "wagons")

# Monthly profiles (relative weights, Jan..Dec); sources S1–S9 in METHOD.md.
FLAT = (8.0,) * 12
COAL = (11, 11, 9, 7, 6, 6, 6, 6, 7, 9, 11, 11)  # heating season
COTTON_IN = (10, 5, 2, 1, 1, 1, 1, 1, 8, 24, 26, 20)  # picking Sep–Nov, ginning to Jan
COTTON_OUT = (14, 11, 8, 5, 3, 2, 2, 2, 4, 13, 18, 18)  # after harvest, Oct–Feb
GRAIN_IN = (2, 2, 2, 2, 3, 8, 18, 17, 14, 16, 10, 6)  # wheat Jul–Aug, maize Sep–Oct
GRAIN_OUT = (5, 4, 4, 4, 5, 8, 12, 13, 13, 13, 11, 8)  # summer/autumn
FERTILIZER = (8, 12, 16, 16, 10, 6, 5, 5, 6, 6, 5, 5)  # spring sowing, autumn base dressing
BEET = (12, 4, 0, 0, 0, 0, 0, 0, 6, 30, 30, 18)  # beet campaign Sep–Feb
SUGAR_OUT = (16, 14, 10, 5, 3, 2, 2, 2, 4, 12, 15, 15)
TOMATO_IN = (0, 0, 0, 0, 0, 0, 15, 45, 35, 5, 0, 0)  # tomato/chili harvest Jul–Oct
TOMATO_OUT = (7, 6, 6, 6, 6, 6, 7, 9, 11, 12, 12, 12)
COLD = (7, 7, 8, 8, 9, 10, 10, 10, 9, 8, 7, 7)  # summer peak of fresh food
BUILDING = (4, 4, 7, 10, 11, 12, 12, 12, 11, 9, 5, 3)  # construction season
STEEL = (7, 7, 8, 9, 9, 9, 9, 9, 9, 8, 8, 8)
PARCELS = (7, 6, 8, 8, 8, 8, 8, 8, 8, 9, 11, 11)  # Nov "Double 11" and year-end peak


def _lanes(*rows: tuple[str, str, float, str, str]) -> tuple[Lane, ...]:
    return tuple(Lane(*r) for r in rows)


# Utilisation ramps of the plan's projects (assumption R1–R4 in METHOD.md).
RAMP_JULI = ((2028, 0.40), (2029, 0.75), (2030, 0.95))
RAMP_TDI = ((2025, 0.80), (2027, 1.0))
RAMP_MDI = ((2028, 0.40), (2030, 0.90), (2032, 1.0))
RAMP_OLEFINS = ((2027, 0.30), (2028, 0.60), (2030, 0.85), (2032, 0.95))
RAMP_PLA = ((2027, 0.30), (2029, 0.70), (2031, 0.90))
RAMP_FERT = ((2027, 0.40), (2028, 0.70), (2030, 0.90))

GROUPS: tuple[Group, ...] = (
    Group("coal_power", "coal", 2_200_000, 0.01, COAL, _lanes(
        ("beitun", "siding_power_coal", 0.8, "bulk", "train"),
        ("urumqi", "siding_power_coal", 0.2, "bulk", "train"),
    ), src="C1"),
    Group("coal_industry", "coal", 1_400_000, 0.02, COAL, _lanes(
        ("beitun", "siding_kunyu_steel", 0.40, "bulk", "train"),
        ("beitun", "siding_juli_chem", 0.35, "bulk", "train"),
        ("urumqi", "siding_kunyu_steel", 0.15, "bulk", "wagons"),
        ("beitun", "siding_shikefeng_fert", 0.10, "bulk", "wagons"),
    ), src="C2"),
    Group("coal_in", "coal", 1_200_000, 0.03, COAL, _lanes(
        ("beitun", "wh_coal", 1.0, "bulk", "train"),
    ), src="C3"),
    Group("coal_out", "coal", 1_200_000, 0.03, COAL, _lanes(
        ("wh_coal", "chongqing", 0.35, "bulk", "train"),
        ("wh_coal", "chengdu", 0.25, "bulk", "train"),
        ("wh_coal", "shihezi", 0.15, "bulk", "wagons"),
        ("wh_coal", "wusu", 0.10, "bulk", "trucks"),
        ("wh_coal", "dushanzi", 0.08, "bulk", "trucks"),
        ("wh_coal", "huyanghe", 0.07, "bulk", "trucks"),
    ), src="C3"),
    Group("steel_out", "steel", 1_500_000, 0.02, STEEL, _lanes(
        ("siding_kunyu_steel", "urumqi", 0.24, "general", "wagons"),
        ("siding_kunyu_steel", "shihezi", 0.08, "general", "wagons"),
        ("etdz_north1", "karamay", 0.07, "general", "trucks"),
        ("etdz_north1", "wusu", 0.05, "general", "trucks"),
        ("etdz_north1", "dushanzi", 0.04, "general", "trucks"),
        ("siding_kunyu_steel", "xian", 0.10, "general", "wagons"),
        ("siding_kunyu_steel", "chengdu", 0.08, "general", "wagons"),
        ("siding_kunyu_steel", "almaty", 0.12, "general", "wagons"),
        ("siding_kunyu_steel", "dostyk", 0.08, "general", "wagons"),
        ("siding_kunyu_steel", "altynkol", 0.06, "general", "wagons"),
        ("wh_steel", "kuqa", 0.04, "general", "trucks"),
        ("wh_steel", "huyanghe", 0.04, "general", "trucks"),
    ), src="P1"),
    Group("pvc", "pvc", 1_000_000, 0.0, FLAT, _lanes(
        ("siding_juli_chem", "zhengzhou", 0.18, "general", "wagons"),
        ("siding_juli_chem", "xian", 0.14, "general", "wagons"),
        ("siding_juli_chem", "chengdu", 0.12, "general", "wagons"),
        ("siding_juli_chem", "chongqing", 0.10, "general", "wagons"),
        ("siding_juli_chem", "wuhan", 0.08, "general", "wagons"),
        ("kuidong_park", "urumqi", 0.10, "general", "trucks"),
        ("siding_juli_chem", "almaty", 0.12, "container", "teu"),
        ("siding_juli_chem", "dostyk", 0.08, "container", "teu"),
        ("siding_juli_chem", "duisburg", 0.08, "container", "teu"),
    ), src="P2", teu_payload_t=22.0, ramp=RAMP_JULI),
    Group("caustic_soda", "caustic_soda", 700_000, 0.0, FLAT, _lanes(
        ("siding_juli_chem", "urumqi", 0.20, "hazmat", "wagons"),
        ("siding_juli_chem", "chongqing", 0.15, "hazmat", "wagons"),
        ("siding_juli_chem", "chengdu", 0.15, "hazmat", "wagons"),
        ("siding_juli_chem", "xian", 0.15, "hazmat", "wagons"),
        ("siding_juli_chem", "zhengzhou", 0.10, "hazmat", "wagons"),
        ("hub_kuidong_hazmat", "shihezi", 0.10, "hazmat", "tanks"),
        ("siding_juli_chem", "almaty", 0.15, "hazmat", "wagons"),
    ), src="P3", ramp=RAMP_JULI),
    Group("tdi", "tdi", 200_000, 0.0, FLAT, _lanes(
        ("siding_juli_chem", "zhengzhou", 0.20, "hazmat", "tanks"),
        ("siding_juli_chem", "wuhan", 0.15, "hazmat", "tanks"),
        ("siding_juli_chem", "chengdu", 0.15, "hazmat", "tanks"),
        ("siding_juli_chem", "xian", 0.10, "hazmat", "tanks"),
        ("hub_kuidong_hazmat", "urumqi", 0.15, "hazmat", "tanks"),
        ("siding_juli_chem", "almaty", 0.15, "hazmat", "tanks"),
        ("siding_juli_chem", "dostyk", 0.10, "hazmat", "tanks"),
    ), src="P4", ramp=RAMP_TDI),
    Group("mdi", "mdi", 100_000, 0.0, FLAT, _lanes(
        ("siding_juli_chem", "zhengzhou", 0.25, "hazmat", "tanks"),
        ("siding_juli_chem", "chongqing", 0.20, "hazmat", "tanks"),
        ("hub_kuidong_hazmat", "urumqi", 0.25, "hazmat", "tanks"),
        ("siding_juli_chem", "almaty", 0.30, "hazmat", "tanks"),
    ), src="P5", ramp=RAMP_MDI),
    Group("olefins_feed", "petrochemicals", 1_600_000, 0.0, FLAT, _lanes(
        ("karamay", "siding_kuishan_petchem", 1.0, "hazmat", "train"),
    ), src="P6", ramp=RAMP_OLEFINS),
    Group("olefins_out", "petrochemicals", 3_200_000, 0.0, FLAT, _lanes(
        ("siding_kuishan_petchem", "urumqi", 0.15, "hazmat", "wagons"),
        ("siding_kuishan_petchem", "chengdu", 0.15, "hazmat", "train"),
        ("siding_kuishan_petchem", "chongqing", 0.10, "hazmat", "train"),
        ("siding_kuishan_petchem", "xian", 0.10, "hazmat", "wagons"),
        ("siding_kuishan_petchem", "zhengzhou", 0.10, "hazmat", "wagons"),
        ("siding_kuishan_petchem", "wuhan", 0.05, "hazmat", "wagons"),
        ("siding_kuishan_petchem", "almaty", 0.10, "hazmat", "wagons"),
        ("siding_kuishan_petchem", "dostyk", 0.05, "hazmat", "wagons"),
        ("kuytun_hazmat", "urumqi", 0.10, "hazmat", "wagons"),
        ("hub_kuidong_hazmat", "karamay", 0.05, "hazmat", "tanks"),
        ("hub_kuidong_hazmat", "shihezi", 0.05, "hazmat", "tanks"),
    ), src="P6", ramp=RAMP_OLEFINS),
    Group("refined_products", "petrochemicals", 1_200_000, 0.01, FLAT, _lanes(
        ("dushanzi", "siding_oil_depot", 0.45, "hazmat", "trucks"),
        ("wh_petroleum", "urumqi", 0.15, "hazmat", "wagons"),
        ("siding_oil_depot", "kuqa", 0.12, "hazmat", "trucks"),
        ("siding_oil_depot", "beitun", 0.08, "hazmat", "wagons"),
        ("siding_oil_depot", "karamay", 0.08, "hazmat", "trucks"),
        ("siding_oil_depot", "wusu", 0.06, "hazmat", "trucks"),
        ("siding_oil_depot", "huyanghe", 0.06, "hazmat", "trucks"),
    ), src="P7"),
    Group("fertilizer", "fertilizer", 1_000_000, 0.0, FERTILIZER, _lanes(
        ("siding_shikefeng_fert", "kuqa", 0.15, "bulk", "wagons"),
        ("siding_shikefeng_fert", "shihezi", 0.12, "general", "trucks"),
        ("siding_shikefeng_fert", "huyanghe", 0.12, "general", "trucks"),
        ("siding_shikefeng_fert", "wusu", 0.10, "general", "trucks"),
        ("siding_shikefeng_fert", "beitun", 0.10, "bulk", "wagons"),
        ("siding_shikefeng_fert", "karamay", 0.06, "general", "trucks"),
        ("siding_shikefeng_fert", "urumqi", 0.10, "bulk", "wagons"),
        ("wh_fertilizer", "dushanzi", 0.05, "general", "trucks"),
        ("siding_shikefeng_fert", "almaty", 0.10, "general", "wagons"),
        ("siding_shikefeng_fert", "dostyk", 0.05, "bulk", "wagons"),
        ("siding_shikefeng_fert", "altynkol", 0.05, "bulk", "wagons"),
        ("siding_shikefeng_fert", "bakhty", 0.06, "general", "trucks"),
    ), src="P8", ramp=RAMP_FERT),
    Group("sugar_beet", "sugar", 800_000, 0.01, BEET, _lanes(
        ("huyanghe", "siding_tunhe_sugar", 0.5, "bulk", "trucks"),
        ("wusu", "siding_tunhe_sugar", 0.3, "bulk", "trucks"),
        ("shihezi", "siding_tunhe_sugar", 0.2, "bulk", "trucks"),
    ), src="P9"),
    Group("sugar_out", "sugar", 120_000, 0.01, SUGAR_OUT, _lanes(
        ("siding_tunhe_sugar", "zhengzhou", 0.25, "general", "wagons"),
        ("siding_tunhe_sugar", "chengdu", 0.15, "general", "wagons"),
        ("siding_tunhe_sugar", "xian", 0.15, "general", "wagons"),
        ("wh_sugar", "wuhan", 0.10, "general", "wagons"),
        ("wh_sugar", "urumqi", 0.20, "general", "trucks"),
        ("siding_tunhe_sugar", "chongqing", 0.15, "general", "wagons"),
    ), src="P9"),
    Group("cotton_in", "cotton", 450_000, 0.015, COTTON_IN, _lanes(
        ("huyanghe", "wh_cotton", 0.30, "general", "trucks"),
        ("wusu", "wh_cotton", 0.20, "general", "trucks"),
        ("shihezi", "siding_cotton_yard", 0.15, "general", "trucks"),
        ("karamay", "siding_cotton_yard", 0.05, "general", "trucks"),
        ("kuqa", "siding_cotton_yard", 0.10, "general", "trucks"),
        ("huyanghe", "siding_cotton_yard", 0.20, "general", "trucks"),
    ), src="A1"),
    Group("cotton_out", "cotton", 450_000, 0.015, COTTON_OUT, _lanes(
        ("siding_cotton_yard", "zhengzhou", 0.20, "general", "wagons"),
        ("wh_cotton", "wuhan", 0.15, "general", "wagons"),
        ("siding_cotton_yard", "xian", 0.10, "container", "teu"),
        ("wh_cotton", "chengdu", 0.10, "container", "teu"),
        ("siding_cotton_yard", "chongqing", 0.10, "general", "wagons"),
        ("wh_cotton", "urumqi", 0.10, "general", "trucks"),
        ("wh_cotton", "zhengzhou", 0.15, "container", "teu"),
        ("siding_cotton_yard", "wuhan", 0.10, "container", "teu"),
    ), src="A1", teu_payload_t=13.0),
    Group("grain_in", "grain", 700_000, 0.015, GRAIN_IN, _lanes(
        ("huyanghe", "siding_grain_depot", 0.30, "bulk", "trucks"),
        ("wusu", "wh_grain_oil", 0.25, "bulk", "trucks"),
        ("shihezi", "siding_grain_depot", 0.15, "bulk", "trucks"),
        ("karamay", "wh_grain_oil", 0.05, "bulk", "trucks"),
        ("beitun", "siding_grain_depot", 0.25, "bulk", "wagons"),
    ), src="A2"),
    Group("grain_out", "grain", 700_000, 0.015, GRAIN_OUT, _lanes(
        ("siding_grain_depot", "chengdu", 0.25, "bulk", "train"),
        ("wh_grain_oil", "xian", 0.15, "bulk", "wagons"),
        ("siding_grain_depot", "chongqing", 0.15, "container", "teu"),
        ("wh_grain_oil", "zhengzhou", 0.10, "bulk", "wagons"),
        ("wh_grain_oil", "urumqi", 0.15, "bulk", "trucks"),
        ("siding_grain_depot", "wuhan", 0.10, "container", "teu"),
        ("wh_grain_oil", "dushanzi", 0.10, "bulk", "trucks"),
    ), src="A2", teu_payload_t=30.0),
    Group("tomato_in", "tomato_chili", 300_000, 0.03, TOMATO_IN, _lanes(
        ("huyanghe", "siding_logistics_park", 0.60, "general", "trucks"),
        ("wusu", "siding_logistics_park", 0.25, "general", "trucks"),
        ("shihezi", "wh_general", 0.15, "general", "trucks"),
    ), src="A3"),
    Group("tomato_out", "tomato_chili", 300_000, 0.03, TOMATO_OUT, _lanes(
        ("siding_logistics_park", "duisburg", 0.20, "container", "teu"),
        ("siding_logistics_park", "almaty", 0.20, "container", "teu"),
        ("siding_logistics_park", "dostyk", 0.15, "container", "teu"),
        ("wh_general", "chengdu", 0.15, "container", "teu"),
        ("wh_general", "zhengzhou", 0.15, "container", "teu"),
        ("siding_logistics_park", "altynkol", 0.15, "container", "teu"),
    ), src="A3", teu_payload_t=22.0),
    Group("ecommerce", "ecommerce", 240_000, 0.12, PARCELS, _lanes(
        ("bonded_center", "duisburg", 0.15, "container", "teu"),
        ("bonded_center", "almaty", 0.15, "container", "teu"),
        ("bonded_center", "dostyk", 0.05, "container", "teu"),
        ("chongqing", "bonded_center", 0.10, "container", "teu"),
        ("chengdu", "bonded_center", 0.10, "container", "teu"),
        ("zhengzhou", "bonded_center", 0.10, "container", "teu"),
        ("xian", "bonded_center", 0.10, "container", "teu"),
        ("wuhan", "bonded_center", 0.05, "container", "teu"),
        ("hub_station_front", "urumqi", 0.10, "container", "teu_small"),
        ("urumqi", "hub_station_front", 0.10, "container", "teu_small"),
    ), src="T1", teu_payload_t=8.0),
    Group("bonded", "bonded_goods", 240_000, 0.10, FLAT, _lanes(
        ("bonded_center", "alashankou", 0.10, "container", "teu_small"),
        ("alashankou", "bonded_center", 0.15, "container", "teu_small"),
        ("horgos", "bonded_center", 0.15, "container", "teu_small"),
        ("bonded_center", "horgos", 0.10, "container", "teu_small"),
        ("dostyk", "bonded_center", 0.10, "container", "teu"),
        ("bonded_center", "altynkol", 0.10, "container", "teu"),
        ("almaty", "bonded_center", 0.10, "container", "teu"),
        ("duisburg", "bonded_center", 0.10, "container", "teu"),
        ("bonded_center", "duisburg", 0.10, "container", "teu"),
    ), src="T2", teu_payload_t=12.0),
    Group("cold_food", "cold_food", 300_000, 0.08, COLD, _lanes(
        ("hub_west_coldchain", "urumqi", 0.20, "reefer", "reefer_trucks"),
        ("hub_west_coldchain", "karamay", 0.10, "reefer", "reefer_trucks"),
        ("hub_west_coldchain", "shihezi", 0.05, "reefer", "reefer_trucks"),
        ("hub_west_coldchain", "wusu", 0.05, "reefer", "reefer_trucks"),
        ("hub_west_coldchain", "dushanzi", 0.05, "reefer", "reefer_trucks"),
        ("hub_west_coldchain", "huyanghe", 0.05, "reefer", "reefer_trucks"),
        ("hub_west_coldchain", "chengdu", 0.10, "reefer", "teu_small"),
        ("hub_west_coldchain", "almaty", 0.10, "reefer", "teu_small"),
        ("urumqi", "hub_west_coldchain", 0.20, "reefer", "reefer_trucks"),
        ("chongqing", "hub_west_coldchain", 0.10, "reefer", "teu_small"),
    ), src="T3", teu_payload_t=18.0),
    Group("machinery", "machinery", 60_000, 0.08, FLAT, _lanes(
        ("hub_east_industrial", "almaty", 0.30, "container", "teu_small"),
        ("bonded_center", "dostyk", 0.20, "container", "teu_small"),
        ("hub_east_industrial", "altynkol", 0.15, "container", "teu_small"),
        ("zhengzhou", "hub_east_industrial", 0.15, "container", "teu_small"),
        ("wuhan", "hub_east_industrial", 0.10, "container", "teu_small"),
        ("urumqi", "hub_east_industrial", 0.10, "general", "trucks"),
    ), src="T4", teu_payload_t=14.0),
    Group("pla", "general", 230_000, 0.0, FLAT, _lanes(
        ("etdz_north1", "chengdu", 0.20, "container", "teu"),
        ("etdz_north1", "zhengzhou", 0.20, "container", "teu"),
        ("etdz_north1", "duisburg", 0.20, "container", "teu"),
        ("etdz_north1", "xian", 0.20, "container", "teu"),
        ("etdz_north1", "urumqi", 0.20, "general", "trucks"),
    ), src="P10", teu_payload_t=20.0, ramp=RAMP_PLA),
    Group("building", "general", 1_000_000, 0.03, BUILDING, _lanes(
        ("siding_building_materials", "horgos", 0.15, "bulk", "wagons"),
        ("siding_building_materials", "wusu", 0.15, "bulk", "trucks"),
        ("siding_building_materials", "karamay", 0.15, "bulk", "trucks"),
        ("siding_building_materials", "dushanzi", 0.10, "bulk", "trucks"),
        ("siding_building_materials", "huyanghe", 0.10, "bulk", "trucks"),
        ("urumqi", "siding_building_materials", 0.15, "bulk", "wagons"),
        ("shihezi", "wh_materials", 0.10, "general", "trucks"),
        ("wh_materials", "kuqa", 0.10, "general", "trucks"),
    ), src="G1"),
    Group("general", "general", 1_000_000, 0.04, PARCELS, _lanes(
        ("hub_station_front", "urumqi", 0.15, "general", "trucks"),
        ("urumqi", "hub_station_front", 0.15, "general", "trucks"),
        ("hub_station_front", "karamay", 0.10, "general", "trucks"),
        ("hub_station_front", "wusu", 0.10, "general", "trucks"),
        ("hub_station_front", "dushanzi", 0.08, "general", "trucks"),
        ("hub_station_front", "huyanghe", 0.08, "general", "trucks"),
        ("hub_station_front", "shihezi", 0.06, "general", "trucks"),
        ("wh_general", "beitun", 0.06, "general", "wagons"),
        ("urumqi", "wh_general", 0.12, "general", "wagons"),
        ("karamay", "hub_station_front", 0.05, "general", "trucks"),
        ("airport_karamay", "hub_station_front", 0.05, "general", "trucks"),
        ("hub_station_front", "bakhty", 0.04, "general", "trucks"),
    ), src="G2"),
)  # fmt: skip

# Transit classes of the far end of a lane -> (min, max) days from ready to due (S10).
LOCAL = ("dushanzi", "wusu", "huyanghe", "airport_wusu", "airport_karamay")
XINJIANG = ("urumqi", "karamay", "shihezi", "beitun", "kuqa")
BORDER = ("alashankou", "horgos", "baketu")
CENTRAL_ASIA = ("dostyk", "altynkol", "bakhty")
INLAND = ("chongqing", "chengdu", "xian", "zhengzhou", "wuhan")
TRANSIT_DAYS: dict[str, tuple[int, int]] = {
    "kuytun": (1, 2),  # both ends in Kuytun (not used by the lanes above)
    "local": (1, 2),
    "xinjiang": (2, 4),
    "border": (2, 4),
    "central_asia": (4, 7),
    "almaty": (6, 10),
    "inland": (6, 11),
    "europe": (16, 24),
}


def place_class(node_id: str) -> str:
    """Transit class of a node id: 'kuytun' for the city's own sites, else where it lies."""
    if node_id in LOCAL:
        return "local"
    if node_id in XINJIANG:
        return "xinjiang"
    if node_id in BORDER:
        return "border"
    if node_id in CENTRAL_ASIA:
        return "central_asia"
    if node_id == "almaty":
        return "almaty"
    if node_id in INLAND:
        return "inland"
    if node_id == "duisburg":
        return "europe"
    return "kuytun"


# ---------------------------------------------------------------- urban distribution (U*)


@dataclass(frozen=True, slots=True)
class Town:
    """A delivery area: centre, half extents (km), spread (km), zone grid."""

    name: str
    prefix: str
    lat: float
    lon: float
    half_ns_km: float
    half_ew_km: float
    sd_km: float
    rows: int
    cols: int


TOWN_AREAS: tuple[Town, ...] = (
    Town("kuytun", "kt", 44.426, 84.903, 3.0, 3.8, 1.7, 4, 4),
    Town("wusu", "ws", 44.424, 84.690, 2.5, 3.0, 1.3, 3, 3),
    Town("dushanzi", "ds", 44.328, 84.886, 2.0, 2.5, 1.0, 2, 3),
    Town("huyanghe", "hy", 44.692, 84.827, 2.0, 2.5, 1.0, 2, 3),
)

# How many points of each kind a town's day has: freight.demand.urban_scale (U1–U3).


@dataclass(frozen=True, slots=True)
class PointKind:
    """A delivery category: demand lognormal(median, sigma), density, service, windows."""

    name: str
    median_kg: float
    sigma: float
    kg_per_m3: float
    service_min: tuple[int, int]
    windows: tuple[tuple[str, str], ...]
    refrigerated_p: float


POINT_KINDS: tuple[PointKind, ...] = (
    PointKind("parcel", 25.0, 0.7, 160.0, (3, 6),
              (("09:00", "20:00"), ("08:00", "12:00"), ("14:00", "18:00")), 0.0),
    PointKind("retail", 120.0, 0.6, 250.0, (8, 15),
              (("06:00", "10:00"), ("07:00", "11:00"), ("14:00", "17:00")), 0.0),
    PointKind("catering", 60.0, 0.5, 300.0, (5, 10),
              (("07:00", "10:00"), ("14:00", "16:30")), 0.25),
    PointKind("cold_retail", 80.0, 0.5, 300.0, (6, 12),
              (("06:00", "09:30"), ("07:00", "11:00")), 1.0),
    PointKind("supplies", 250.0, 0.7, 500.0, (10, 20),
              (("08:00", "17:00"), ("09:00", "12:00")), 0.0),
)  # fmt: skip
MAX_STOP_KG = 1000.0  # U5: one stop fits one e-van (1.2 t payload, reference-figures e4)

#: Depots (U6): id, node id, lat, lon (from networks/kuytun/nodes.csv), hours, district, town.
DEPOTS: tuple[tuple[str, str, float, float, str, str, str, str], ...] = (
    (
        "dep_bonded_center",
        "bonded_center",
        44.412,
        84.828,
        "06:00",
        "22:00",
        "west district",
        "kuytun",
    ),
    (
        "dep_station_front",
        "hub_station_front",
        44.407,
        84.898,
        "06:00",
        "22:00",
        "station area",
        "kuytun",
    ),
    (
        "dep_east_industrial",
        "hub_east_industrial",
        44.431,
        84.996,
        "06:00",
        "22:00",
        "east district",
        "kuytun",
    ),
    (
        "dep_west_coldchain",
        "hub_west_coldchain",
        44.416,
        84.818,
        "05:00",
        "22:00",
        "west district",
        "kuytun",
    ),
    ("dc_dushanzi", "dushanzi", 44.328, 84.886, "06:00", "21:00", "Dushanzi", "dushanzi"),
    ("dc_wusu", "wusu", 44.424, 84.681, "06:00", "21:00", "Wusu", "wusu"),
    ("dc_huyanghe", "huyanghe", 44.692, 84.827, "06:00", "21:00", "Huyanghe", "huyanghe"),
)

#: Charging-site anchors (U7): district, town, lat, lon, number of candidates, kind, kW, plugs.
#: East and west districts get most candidates (plan ch. 11 §3: chargers "above all in the
#: east and west districts").
SITE_ANCHORS: tuple[tuple[str, str, float, float, int, str, float, int], ...] = (
    ("west district", "kuytun", 44.414, 84.825, 5, "public", 120.0, 10),
    ("west district", "kuytun", 44.410, 84.805, 2, "heavy_truck", 360.0, 6),
    ("east district", "kuytun", 44.432, 84.985, 5, "public", 120.0, 10),
    ("east district", "kuytun", 44.440, 85.010, 2, "heavy_truck", 360.0, 6),
    ("Kuidong park", "kuytun", 44.480, 85.045, 1, "heavy_truck", 360.0, 6),
    ("urban core", "kuytun", 44.428, 84.900, 3, "public", 120.0, 8),
    ("station area", "kuytun", 44.405, 84.895, 1, "public", 120.0, 8),
    ("ETDZ South Zone", "kuytun", 44.368, 84.920, 1, "heavy_truck", 360.0, 6),
    ("Dushanzi", "dushanzi", 44.328, 84.886, 2, "public", 120.0, 6),
    ("Wusu", "wusu", 44.424, 84.690, 3, "public", 120.0, 8),
    ("Huyanghe", "huyanghe", 44.692, 84.827, 2, "public", 120.0, 6),
)
DEPOT_CHARGER_KW = 60.0  # U8: depot DC chargers (avg. public 46.5 kW in 2025, NEA)
DEPOT_MAX_PLUGS = 150  # U8: >= 750 chargers for 3,000 vehicles at <= 4:1 over 7 depots
