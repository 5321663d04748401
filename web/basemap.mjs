// Offline basemap of northern Xinjiang, cut out of registry packages at build time:
// the national border from world-atlas (Natural Earth 1:50m, public domain), lakes and river
// areas from @geo-maps/earth-lakes-10m and earth-rivers-10m (OpenStreetMap, ODbL); mountain
// ranges and urban areas from data/ne-xinjiang.geojson (Natural Earth, public domain, derived
// by tools/derive-ne-regions.mjs; see data/README.md). Only the region's box is kept (ranges
// and urban areas are clipped to it), polygons smaller than MIN_KM2 are dropped and
// coordinates rounded to 0.002° (about 200 m), so the bundle stays small; the output is
// deterministic.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mesh } from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const BOX = { w: 79.5, e: 91.5, s: 42.0, n: 48.5 }; // lon/lat: Horgos to Urumqi, Tacheng to Kuqa's north
const MIN_KM2 = { lakes: 4, rivers: 0.8 };
const ROUND = 500; // 1/500 degree

const r = (v) => Math.round(v * ROUND) / ROUND;
const inside = ([x, y]) => x >= BOX.w && x <= BOX.e && y >= BOX.s && y <= BOX.n;

function ringKm2(ring) {
  let a = 0;
  const ky = 111.0;
  const kx = 111.3 * Math.cos((((BOX.s + BOX.n) / 2) * Math.PI) / 180);
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    a += (ring[j][0] * kx + ring[i][0] * kx) * (ring[j][1] * ky - ring[i][1] * ky);
  }
  return Math.abs(a / 2);
}

function roundRing(ring) {
  const out = [];
  for (const [x, y] of ring) {
    const p = [r(x), r(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

function polygons(file, minKm2) {
  const g = JSON.parse(readFileSync(require.resolve(file), "utf8"));
  const polys = g.geometries.flatMap((x) => (x.type === "MultiPolygon" ? x.coordinates : [x.coordinates]));
  const kept = [];
  for (const poly of polys) {
    const outer = poly[0];
    if (!outer.some(inside) || ringKm2(outer) < minKm2) continue;
    const rings = poly.filter((ring, i) => i === 0 || ringKm2(ring) >= minKm2).map(roundRing);
    if (rings[0].length >= 4) kept.push({ rings, km2: Math.round(ringKm2(outer)) });
  }
  return kept;
}

/** The national border inside the box, as lon/lat lines (China against its neighbours). */
function border() {
  const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"));
  const china = (g) => g.id === "156" || (g.properties && g.properties.name === "China");
  const m = mesh(topo, topo.objects.countries, (a, b) => a !== b && (china(a) || china(b)));
  const lines = [];
  for (const line of m.coordinates) {
    let cur = [];
    for (const p of line) {
      if (inside(p)) cur.push([r(p[0]), r(p[1])]);
      else if (cur.length) {
        lines.push(cur);
        cur = [];
      }
    }
    if (cur.length > 1) lines.push(cur);
  }
  return lines.filter((l) => l.length > 1);
}

// Names given to the lake polygon containing each point (lon, lat inside the lake).
const LAKE_NAMES = [
  { at: [82.9, 44.9], en: "Ebinur Lake", zh: "艾比湖" },
  { at: [81.2, 44.6], en: "Sayram Lake", zh: "赛里木湖" },
  { at: [87.3, 47.25], en: "Ulungur Lake", zh: "乌伦古湖" },
  { at: [81.6, 46.15], en: "Alakol Lake", zh: "阿拉湖" },
  { at: [84.0, 48.0], en: "Zaysan Lake", zh: "斋桑泊" },
];

function contains(ring, [x, y]) {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function nameLakes(lakes) {
  for (const n of LAKE_NAMES) {
    const lake = lakes.find((l) => contains(l.rings[0], n.at));
    if (lake) Object.assign(lake, { en: n.en, zh: n.zh, at: n.at });
  }
  return lakes;
}

/** Sutherland–Hodgman: the part of a ring inside the box (the box is convex). */
function clipRing(ring) {
  const edges = [
    (p) => p[0] >= BOX.w, (p) => p[0] <= BOX.e, (p) => p[1] >= BOX.s, (p) => p[1] <= BOX.n,
  ];
  const cut = [
    (a, b) => [BOX.w, a[1] + ((b[1] - a[1]) * (BOX.w - a[0])) / (b[0] - a[0])],
    (a, b) => [BOX.e, a[1] + ((b[1] - a[1]) * (BOX.e - a[0])) / (b[0] - a[0])],
    (a, b) => [a[0] + ((b[0] - a[0]) * (BOX.s - a[1])) / (b[1] - a[1]), BOX.s],
    (a, b) => [a[0] + ((b[0] - a[0]) * (BOX.n - a[1])) / (b[1] - a[1]), BOX.n],
  ];
  let out = ring;
  for (let k = 0; k < 4 && out.length; k += 1) {
    const src = out;
    out = [];
    for (let i = 0; i < src.length; i += 1) {
      const a = src[(i + src.length - 1) % src.length];
      const b = src[i];
      if (edges[k](b)) {
        if (!edges[k](a)) out.push(cut[k](a, b));
        out.push(b);
      } else if (edges[k](a)) out.push(cut[k](a, b));
    }
  }
  return out;
}

// Chinese and English names of the ranges (Natural Earth's names in the key) and where their
// label goes (lon, lat inside the range).
const RANGE_NAMES = {
  "TIAN SHAN": { en: "Tianshan Mountains", zh: "天山", at: [84.6, 43.55] },
  "Borohoro Mts.": { en: "Borohoro Mountains", zh: "婆罗科努山", at: [83.3, 44.2] },
  "Alataw Mts.": { en: "Alataw Mountains", zh: "阿拉套山", at: [81.0, 45.05] },
  "Tarbagatay Ra.": { en: "Tarbagatay Mountains", zh: "塔尔巴哈台山", at: [83.0, 47.1] },
  "ALTAY MOUNTAINS": { en: "Altay Mountains", zh: "阿尔泰山", at: [89.3, 47.7] },
};

/** Mountain ranges and urban areas of data/ne-xinjiang.geojson, clipped to the box. */
function naturalEarthAreas() {
  const g = JSON.parse(readFileSync(join(here, "data", "ne-xinjiang.geojson"), "utf8"));
  const ranges = [];
  const urban = [];
  for (const f of g.features) {
    const rings = f.geometry.coordinates
      .map((poly) => roundRing(clipRing(poly[0])))
      .filter((ring) => ring.length >= 4 && ringKm2(ring) >= 1);
    if (!rings.length) continue;
    if (f.properties.layer === "range") {
      const names = RANGE_NAMES[f.properties.name];
      if (!names) throw new Error(`data/ne-xinjiang.geojson: range ${f.properties.name} has no name in RANGE_NAMES`);
      if (!rings.some((ring) => contains(ring, names.at))) {
        throw new Error(`RANGE_NAMES: label point of ${f.properties.name} is outside the range`);
      }
      ranges.push({ ...names, rings });
    } else if (f.properties.layer === "urban") {
      urban.push({ rings, km2: Math.round(f.properties.area_km2) });
    }
  }
  return { ranges, urban };
}

export function basemapModule() {
  const data = {
    box: BOX,
    border: border(),
    lakes: nameLakes(polygons("@geo-maps/earth-lakes-10m/map.geo.json", MIN_KM2.lakes)),
    rivers: polygons("@geo-maps/earth-rivers-10m/map.geo.json", MIN_KM2.rivers),
    ...naturalEarthAreas(),
  };
  return `export default ${JSON.stringify(data)};`;
}
