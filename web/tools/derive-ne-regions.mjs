// Derives web/data/ne-xinjiang.geojson (mountain ranges and urban areas of northern Xinjiang)
// from Natural Earth 2.0 shapefiles in the Wagner VII projection (central meridian 10°E), as
// published in the public-domain copy "naturalearth_wagnerVII" (Hugo Ahlenius, Nordpil):
//   10m_physical/ne_10m_geography_regions_polys.{shp,dbf}   ranges (featurecla "Range/mtn")
//   50m_cultural/ne_50m_urban_areas.{shp,dbf}               urban areas (MODIS-derived)
//   10m_physical/ne_10m_graticules_5.{shp,dbf}              5° graticule, to calibrate
// Usage: node tools/derive-ne-regions.mjs <folder holding those files> > data/ne-xinjiang.geojson
// The projection is undone numerically (Newton on the spherical Wagner VII formulas); the
// sphere's radius is fitted so that the copy's own 5° graticule lines fall back on their
// degrees, and the fit's error is printed to stderr. Only features with a vertex inside the
// region box (a little wider than the page's basemap box) are kept; coordinates are rounded
// to 0.001°. Not run by the build: the build reads the committed GeoJSON (web/basemap.mjs).

import { readFileSync } from "node:fs";
import { join } from "node:path";

const BOX = { w: 78.5, e: 92.5, s: 41.0, n: 49.5 };
const LON0 = 10;

function readDbf(buf) {
  const n = buf.readUInt32LE(4);
  const headerLen = buf.readUInt16LE(8);
  const recLen = buf.readUInt16LE(10);
  const fields = [];
  for (let o = 32; buf[o] !== 0x0d; o += 32) {
    const name = buf.toString("latin1", o, o + 11).replace(/\0.*$/, "");
    fields.push({ name, len: buf[o + 16] });
  }
  const rows = [];
  for (let i = 0; i < n; i += 1) {
    let o = headerLen + i * recLen + 1;
    const row = {};
    for (const f of fields) {
      row[f.name] = buf.toString("latin1", o, o + f.len).trim();
      o += f.len;
    }
    rows.push(row);
  }
  return rows;
}

/** Polygon and polyline records of a .shp file: a list of parts (lists of [x, y]) per record. */
function readShp(buf) {
  const out = [];
  let o = 100;
  while (o < buf.length) {
    const len = buf.readInt32BE(o + 4) * 2;
    const c = o + 8;
    const type = buf.readInt32LE(c);
    const parts = [];
    if (type === 3 || type === 5) {
      const np = buf.readInt32LE(c + 36);
      const npts = buf.readInt32LE(c + 40);
      const starts = [];
      for (let i = 0; i < np; i += 1) starts.push(buf.readInt32LE(c + 44 + 4 * i));
      starts.push(npts);
      const p0 = c + 44 + 4 * np;
      for (let i = 0; i < np; i += 1) {
        const ring = [];
        for (let k = starts[i]; k < starts[i + 1]; k += 1) {
          ring.push([buf.readDoubleLE(p0 + 16 * k), buf.readDoubleLE(p0 + 16 * k + 8)]);
        }
        parts.push(ring);
      }
    }
    out.push(parts);
    o = c + len;
  }
  return out;
}

function read(folder, name) {
  return {
    shapes: readShp(readFileSync(join(folder, `${name}.shp`))),
    rows: readDbf(readFileSync(join(folder, `${name}.dbf`))),
  };
}

const rad = Math.PI / 180;
function forward(lon, lat, radius) {
  const lam = ((lon - LON0) * rad) / 3;
  const th = Math.asin(Math.sin(65 * rad) * Math.sin(lat * rad));
  const d = 1 / Math.sqrt(0.5 * (1 + Math.cos(th) * Math.cos(lam)));
  return [radius * 2.66723 * Math.cos(th) * Math.sin(lam) * d, radius * 1.24104 * Math.sin(th) * d];
}

function inverse([x, y], radius) {
  let lon = 85;
  let lat = 45;
  for (let i = 0; i < 60; i += 1) {
    const [fx, fy] = forward(lon, lat, radius);
    const ex = fx - x;
    const ey = fy - y;
    if (Math.abs(ex) < 1e-4 && Math.abs(ey) < 1e-4) break;
    const h = 1e-6;
    const [ax, ay] = forward(lon + h, lat, radius);
    const [bx, by] = forward(lon, lat + h, radius);
    const a = (ax - fx) / h;
    const b = (bx - fx) / h;
    const c = (ay - fy) / h;
    const d = (by - fy) / h;
    const det = a * d - b * c;
    lon -= (d * ex - b * ey) / det;
    lat -= (-c * ex + a * ey) / det;
  }
  return [lon, lat];
}

const near = ([lon, lat]) => lon > 60 && lon < 110 && lat > 30 && lat < 60;

/** Radius of the sphere that puts the graticule's vertices back on their degrees (60–110°E, 30–60°N). */
function calibrate(folder) {
  const g = read(folder, "ne_10m_graticules_5");
  const samples = [];
  g.shapes.forEach((parts, i) => {
    const row = g.rows[i];
    const meridian = row.direction === "E" || row.direction === "W";
    const dd = Number(row.dd);
    for (const ring of parts) for (const p of ring.filter((_, k) => k % 20 === 0)) samples.push({ p, meridian, dd });
  });
  const error = (radius) => {
    let sum = 0;
    let n = 0;
    let worst = 0;
    for (const s of samples) {
      const ll = inverse(s.p, radius);
      if (!near(ll)) continue;
      const e = Math.abs((s.meridian ? ll[0] : ll[1]) - s.dd);
      sum += e * e;
      n += 1;
      worst = Math.max(worst, e);
    }
    return { rms: Math.sqrt(sum / n), worst, n };
  };
  let lo = 6.36e6;
  let hi = 6.38e6;
  for (let i = 0; i < 60; i += 1) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (error(m1).rms < error(m2).rms) hi = m2;
    else lo = m1;
  }
  return { radius: lo, ...error(lo) };
}

const r3 = (v) => Math.round(v * 1000) / 1000;
const inBox = ([lon, lat]) => lon >= BOX.w && lon <= BOX.e && lat >= BOX.s && lat <= BOX.n;

function polygonsOf(parts, radius) {
  return parts.map((ring) => {
    const out = [];
    for (const p of ring) {
      const [lon, lat] = inverse(p, radius);
      const q = [r3(lon), r3(lat)];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return out;
  });
}

const folder = process.argv[2];
if (!folder) {
  console.error("usage: node tools/derive-ne-regions.mjs <folder with the Natural Earth Wagner VII shapefiles>");
  process.exit(2);
}
const cal = calibrate(folder);
console.error(
  `Wagner VII sphere radius ${cal.radius.toFixed(1)} m: graticule error rms ${cal.rms.toFixed(5)}°, max ${cal.worst.toFixed(5)}° over ${cal.n} vertices`,
);
const features = [];
const regions = read(folder, "ne_10m_geography_regions_polys");
regions.shapes.forEach((parts, i) => {
  const row = regions.rows[i];
  if (row.featurecla !== "Range/mtn") return;
  const rings = polygonsOf(parts, cal.radius);
  if (!rings.some((ring) => ring.some(inBox))) return;
  features.push({
    type: "Feature",
    properties: { layer: "range", name: row.name, scalerank: Number(row.scalerank) },
    geometry: { type: "MultiPolygon", coordinates: rings.map((ring) => [ring]) },
  });
});
const urban = read(folder, "ne_50m_urban_areas");
urban.shapes.forEach((parts, i) => {
  const row = urban.rows[i];
  const rings = polygonsOf(parts, cal.radius);
  if (!rings.some((ring) => ring.some(inBox))) return;
  features.push({
    type: "Feature",
    properties: { layer: "urban", area_km2: Number(row.area_sqkm), scalerank: Number(row.scalerank) },
    geometry: { type: "MultiPolygon", coordinates: rings.map((ring) => [ring]) },
  });
});
const fc = {
  type: "FeatureCollection",
  source:
    "Natural Earth 2.0 (public domain): ne_10m_geography_regions_polys (Range/mtn) and ne_50m_urban_areas, via the public-domain Wagner VII copy naturalearth_wagnerVII, projection undone",
  wagner7_radius_m: Math.round(cal.radius * 10) / 10,
  graticule_error_deg: { rms: Number(cal.rms.toFixed(5)), max: Number(cal.worst.toFixed(5)) },
  features,
};
process.stdout.write(`${JSON.stringify(fc)}\n`);
