// The network map: Leaflet with no tiles; an offline background derived from the network
// (district outlines = buffered hulls of each district's nodes), links styled by mode,
// dangerous-goods corridors and truck-ban streets marked, and a legend.

import L from "leaflet";
import BASEMAP from "kfo:basemap";
import { label, t } from "./i18n.js";
import { districtLabel, esc, kindLabel, placeName, placeNameHtml } from "./places.js";

export const MODE_STYLE = {
  rail: { color: "#1f3a93", weight: 3, label: "Rail" },
  siding: { color: "#8e44ad", weight: 2, label: "Railway siding", dash: "4 4" },
  // road semitrailers riding a piggyback train (驮背): teal, long dash-dot (rail is solid navy)
  rail_piggyback: { color: "#00897b", weight: 3, label: "Piggyback train", dash: "12 4 2 4" },
  road_expressway: { color: "#e67e22", weight: 4, label: "Expressway" },
  road_national: { color: "#b7950b", weight: 3, label: "National road" },
  road_urban: { color: "#7f8c8d", weight: 2, label: "Urban street" },
};
/** Marker of a transfer where the road side swapped semitrailers (甩挂). */
export const DROP_AND_HOOK_STYLE = { color: "#00897b", dash: "3 3" };

/** The node a route transfer happens at (``terminal`` in the route contract). */
export function transferNode(tr) {
  if (typeof tr === "string") return tr;
  return tr && (tr.terminal || tr.node || tr.at || tr.id);
}

const ROAD_FALLBACK = { color: "#e67e22", weight: 3, label: "Road" };
const OTHER = { color: "#34495e", weight: 3, label: "Other" };

/** Mode name in the interface language. */
export function modeLabel(mode) {
  return t(modeStyle(mode).label);
}

/** Style of a mode name, tolerant of coarse names such as "road" or "truck". */
export function modeStyle(mode) {
  const m = String(mode || "").toLowerCase();
  if (MODE_STYLE[m]) return MODE_STYLE[m];
  if (m.startsWith("road") || m === "truck") return ROAD_FALLBACK;
  if (m.includes("rail") || m === "train") return MODE_STYLE.rail;
  return OTHER;
}

const KIND_STYLE = {
  freight_station: { color: "#1f3a93", radius: 7 },
  hazmat_station: { color: "#c0392b", radius: 7 },
  passenger_station: { color: "#95a5a6", radius: 6 },
  siding: { color: "#8e44ad", radius: 4 },
  transit_warehouse: { color: "#a0522d", radius: 5 },
  logistics_hub: { color: "#16a085", radius: 7 },
  bonded_center: { color: "#27ae60", radius: 8 },
  industrial_park: { color: "#7d6608", radius: 7 },
  airport: { color: "#2e86c1", radius: 6 },
  city: { color: "#2c3e50", radius: 6 },
  border_port: { color: "#d35400", radius: 8 },
  rail_gateway: { color: "#1a5276", radius: 6 },
  foreign_destination: { color: "#616a6b", radius: 6 },
  junction: { color: "#bdc3c7", radius: 3 },
};

const CENTRE = [44.427, 84.904]; // Kuytun city centre (44°25′N 84°54′E)
const LOCAL_KM = 15; // nodes within this distance of the centre form the "Kuytun" view and districts
const FAR_KINDS = new Set(["rail_gateway", "foreign_destination"]);

function kmBetween(a, b) {
  const r = 6371;
  const dLat = ((b[0] - a[0]) * Math.PI) / 180;
  const dLon = ((b[1] - a[1]) * Math.PI) / 180;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos((a[0] * Math.PI) / 180) * Math.cos((b[0] * Math.PI) / 180) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

function hull(points) {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0)
      lower.pop();
    lower.push(q);
  }
  const upper = [];
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0)
      upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Rounded outline around lat/lon points: hull of small circles (radius km) at each point. */
function bufferedHull(latlons, radiusKm) {
  const lat0 = latlons.reduce((s, p) => s + p[0], 0) / latlons.length;
  const kx = 111.32 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110.57;
  const pts = [];
  for (const [lat, lon] of latlons) {
    for (let i = 0; i < 16; i += 1) {
      const a = (i / 16) * 2 * Math.PI;
      pts.push([lon * kx + radiusKm * Math.cos(a), lat * ky + radiusKm * Math.sin(a)]);
    }
  }
  return hull(pts).map(([x, y]) => [y / ky, x / kx]);
}

/** Adds the diagonal hatch pattern `#bm-hatch` to an SVG renderer's <defs> (once it is on the map). */
function addHatch(renderer) {
  const svg = renderer._container;
  if (!svg || svg.querySelector("#bm-hatch")) return;
  const ns = "http://www.w3.org/2000/svg";
  const defs = document.createElementNS(ns, "defs");
  const pattern = document.createElementNS(ns, "pattern");
  pattern.setAttribute("id", "bm-hatch");
  pattern.setAttribute("patternUnits", "userSpaceOnUse");
  pattern.setAttribute("width", "7");
  pattern.setAttribute("height", "7");
  pattern.setAttribute("patternTransform", "rotate(45)");
  const bg = document.createElementNS(ns, "rect");
  bg.setAttribute("width", "7");
  bg.setAttribute("height", "7");
  bg.setAttribute("fill", "#f3ece2");
  const line = document.createElementNS(ns, "line");
  line.setAttribute("x1", "0");
  line.setAttribute("y1", "0");
  line.setAttribute("x2", "0");
  line.setAttribute("y2", "7");
  line.setAttribute("stroke", "#c9b39a");
  line.setAttribute("stroke-width", "2");
  pattern.append(bg, line);
  defs.append(pattern);
  svg.prepend(defs);
}

const DISTRICT_FILLS = ["#d6eaf8", "#d5f5e3", "#fcf3cf", "#fadbd8", "#e8daef", "#d0ece7"];

export class NetworkMap {
  constructor(el) {
    this.map = L.map(el, {
      zoomSnap: 0.25,
      attributionControl: true,
      preferCanvas: false,
      keyboard: true,
    });
    this.map.attributionControl.setPrefix(t("Leaflet · basemap: © Natural Earth (border, mountain ranges, urban areas), © OpenStreetMap contributors, ODbL (water) · districts schematic"));
    L.control.scale({ imperial: false }).addTo(this.map);
    this.map.setView(CENTRE, 11);
    this.basemap = L.layerGroup().addTo(this.map);
    this.background = L.layerGroup().addTo(this.map);
    this.drawBasemap();
    // district names only where they can be read (city zoom); lake names from regional zoom
    const zoomClass = () => {
      const z = this.map.getZoom();
      el.classList.toggle("zoom-region", z < 10);
      el.classList.toggle("zoom-far", z < 6.5);
    };
    this.map.on("zoomend", zoomClass);
    zoomClass();
    this.links = L.layerGroup().addTo(this.map);
    this.overlays = L.layerGroup().addTo(this.map);
    this.nodes = L.layerGroup().addTo(this.map);
    this.routes = L.layerGroup().addTo(this.map);
    this.util = L.layerGroup().addTo(this.map);
    this.nodesById = new Map();
    this.linksById = new Map();
    this.linkLayers = [];
    this.localBounds = null;
    this.allBounds = null;
    this.onPick = null;
  }

  /** Draw a GeoJSON FeatureCollection from GET /v1/network; ``fit`` shows Kuytun afterwards. */
  draw(fc, { fit = true } = {}) {
    this.background.clearLayers();
    this.links.clearLayers();
    this.overlays.clearLayers();
    this.nodes.clearLayers();
    this.nodesById.clear();
    this.linksById.clear();
    this.linkLayers = [];
    const features = (fc && fc.features) || [];
    const points = features.filter((f) => f.geometry && f.geometry.type === "Point");
    const lines = features.filter((f) => f.geometry && f.geometry.type === "LineString");
    for (const f of points) {
      const [lon, lat] = f.geometry.coordinates;
      this.nodesById.set(f.properties.id, { ...f.properties, lat, lon });
    }
    this.drawBackground();
    for (const f of lines) this.drawLink(f);
    for (const p of this.nodesById.values()) this.drawNode(p);
    const all = [...this.nodesById.values()].map((p) => [p.lat, p.lon]);
    const local = [...this.nodesById.values()]
      .filter((p) => kmBetween(CENTRE, [p.lat, p.lon]) <= LOCAL_KM)
      .map((p) => [p.lat, p.lon]);
    const region = [...this.nodesById.values()]
      .filter((p) => !FAR_KINDS.has(p.kind))
      .map((p) => [p.lat, p.lon]);
    this.allBounds = all.length ? L.latLngBounds(all) : null;
    // the region view is the basemap's box (northern Xinjiang) when the network reaches it
    const box = BASEMAP.box;
    const boxBounds = L.latLngBounds([box.s, box.w], [box.n, box.e]);
    this.regionBounds = region.some((p) => boxBounds.contains(p))
      ? boxBounds
      : region.length
        ? L.latLngBounds(region)
        : this.allBounds;
    this.localBounds = local.length >= 2 ? L.latLngBounds(local).pad(0.05) : this.regionBounds;
    if (fit) this.show("local");
    return { nodes: points.length, links: lines.length };
  }

  show(which) {
    const b =
      which === "all" ? this.allBounds : which === "region" ? this.regionBounds : this.localBounds;
    if (!b) return;
    // Leaflet drops a zoom asked for while another zoom animates: fit once that one ends
    if (this.map._animatingZoom) this.map.once("zoomend", () => this.show(which));
    else this.map.fitBounds(b, { padding: [12, 12] });
  }

  /** The regional layer: mountain ranges (hatched), urban areas, lakes, river areas, the national border. */
  drawBasemap() {
    const ll = (ring) => ring.map(([x, y]) => [y, x]);
    // ranges: a light brown diagonal hatch (an SVG pattern in the ranges' own renderer)
    const rangeRenderer = L.svg({ padding: 0.5 });
    for (const range of BASEMAP.ranges) {
      L.polygon(range.rings.map(ll), {
        renderer: rangeRenderer,
        stroke: false,
        fillColor: "url(#bm-hatch)",
        fillOpacity: 1,
        interactive: false,
        className: "bm-range-area",
      }).addTo(this.basemap);
    }
    if (BASEMAP.ranges.length) addHatch(rangeRenderer);
    for (const area of BASEMAP.urban) {
      L.polygon(area.rings.map(ll), {
        color: "#b9a48f",
        weight: 0.8,
        fillColor: "#e8dccb",
        fillOpacity: 0.8,
        interactive: false,
        className: "bm-urban",
      }).addTo(this.basemap);
    }
    const water = { color: "#5dade2", weight: 0.6, fillColor: "#aed6f1", fillOpacity: 0.9, interactive: false };
    for (const r of BASEMAP.rivers) L.polygon(r.rings.map(ll), { ...water, className: "bm-river" }).addTo(this.basemap);
    for (const lake of BASEMAP.lakes) {
      const poly = L.polygon(lake.rings.map(ll), { ...water, className: "bm-lake" }).addTo(this.basemap);
      if (lake.zh) {
        poly.bindTooltip(esc(t(lake.en)), { permanent: true, direction: "center", className: "bm-label" });
      }
    }
    for (const line of BASEMAP.border) {
      L.polyline(ll(line), {
        color: "#7d3c98",
        weight: 2,
        dashArray: "6 3 1 3",
        interactive: false,
        className: "bm-border",
      }).addTo(this.basemap);
    }
    for (const range of BASEMAP.ranges) {
      L.marker([range.at[1], range.at[0]], {
        icon: L.divIcon({ className: "bm-range", html: esc(t(range.en)), iconSize: null }),
        interactive: false,
        keyboard: false,
      }).addTo(this.basemap);
    }
  }

  drawBackground() {
    // District outlines from the network's own nodes (schematic, not surveyed boundaries).
    const byDistrict = new Map();
    for (const p of this.nodesById.values()) {
      if (!p.district || kmBetween(CENTRE, [p.lat, p.lon]) > LOCAL_KM) continue;
      if (!byDistrict.has(p.district)) byDistrict.set(p.district, []);
      byDistrict.get(p.district).push([p.lat, p.lon]);
    }
    let i = 0;
    for (const [district, pts] of [...byDistrict.entries()].sort()) {
      const ring = bufferedHull(pts, 1.2);
      L.polygon(ring, {
        color: "#aab7b8",
        weight: 1,
        fillColor: DISTRICT_FILLS[i % DISTRICT_FILLS.length],
        fillOpacity: 0.55,
        interactive: false,
        className: "district",
      })
        .bindTooltip(esc(label(district)), {
          permanent: true,
          direction: "center",
          className: "district-label",
        })
        .addTo(this.background);
      i += 1;
    }
    if (byDistrict.size === 0) {
      const local = [...this.nodesById.values()]
        .filter((p) => kmBetween(CENTRE, [p.lat, p.lon]) <= 12)
        .map((p) => [p.lat, p.lon]);
      if (local.length >= 3) {
        L.polygon(bufferedHull(local, 1.5), {
          color: "#aab7b8",
          weight: 1,
          fillColor: DISTRICT_FILLS[0],
          fillOpacity: 0.55,
          interactive: false,
          className: "district",
        }).addTo(this.background);
      }
    }
  }

  drawLink(f) {
    const p = f.properties || {};
    const latlngs = f.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
    this.linksById.set(p.id, { ...p, latlngs });
    const st = modeStyle(p.mode);
    if (p.hazmat) {
      L.polyline(latlngs, {
        color: "#e74c3c",
        weight: st.weight + 7,
        opacity: 0.35,
        className: "net-hazmat",
        interactive: false,
      }).addTo(this.overlays);
    }
    const bans = Array.isArray(p.truck_bans) ? p.truck_bans : [];
    const line = L.polyline(latlngs, {
      color: st.color,
      weight: st.weight,
      opacity: 0.9,
      dashArray: st.dash || null,
      className: `net-link net-${p.mode}`,
    });
    const banText = bans.map(banLabel).join(", ");
    line.bindTooltip(
      `<strong>${esc(t(st.label))}</strong> ${esc(p.id)}` +
        (p.corridor ? `<br>${esc(t("Corridor: {name}", { name: label(p.corridor) }))}` : "") +
        (p.hazmat ? `<br>${esc(t("Dangerous-goods corridor"))}` : "") +
        (p.length_km ? `<br>${esc(t("{n} km", { n: Number(p.length_km).toFixed(1) }))}` : "") +
        (banText ? `<br>${esc(t("Truck ban: {hours}", { hours: banText }))}` : ""),
      { sticky: true },
    );
    line.addTo(this.links);
    // links are described by their tooltips on hover; only places take keyboard focus
    const el = line.getElement();
    if (el) el.setAttribute("tabindex", "-1");
    this.linkLayers.push(line);
    if (bans.length) {
      L.polyline(latlngs, {
        color: "#c2185b",
        weight: 3,
        dashArray: "1 7",
        lineCap: "round",
        className: "net-ban",
        interactive: false,
      }).addTo(this.overlays);
    }
  }

  drawNode(p) {
    const st = KIND_STYLE[p.kind] || { color: "#555", radius: 5 };
    const m = L.circleMarker([p.lat, p.lon], {
      radius: st.radius,
      color: "#fff",
      weight: 1.5,
      fillColor: st.color,
      fillOpacity: 0.95,
      className: `net-node node-${p.kind} nid-${p.id}`,
    });
    const forms = Array.isArray(p.handling_forms)
      ? p.handling_forms
      : p.handling && Array.isArray(p.handling.forms)
        ? p.handling.forms
        : Array.isArray(p.forms)
          ? p.forms
          : [];
    m.bindTooltip(
      `<strong>${placeNameHtml(p)}</strong><br>${esc(kindLabel(p.kind))}` +
        (p.district ? ` · ${esc(districtLabel(p))}` : "") +
        (forms.length ? `<br>${esc(t("Handles: {forms}", { forms: forms.map(label).join(t(", ")) }))}` : "") +
        (p.accepts_freight === false ? `<br>${esc(t("No freight"))}` : "") +
        (this.onPick && p.accepts_freight !== false ? `<br><span class="hint">${esc(t("Click to use as origin or destination"))}</span>` : ""),
    );
    m.on("click", () => this.onPick && this.onPick(p.id));
    m.addTo(this.nodes);
    const el = m.getElement();
    if (el) {
      // a place on the map is picked by keyboard too: focus it, Enter or Space
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", `${placeName(p)} · ${kindLabel(p.kind)}`);
      el.addEventListener("keydown", (ev) => {
        if ((ev.key === "Enter" || ev.key === " ") && this.onPick) {
          ev.preventDefault();
          this.onPick(p.id);
        }
      });
    }
  }

  /** Re-bind node tooltips after the name mode changed. */
  relabel() {
    this.nodes.clearLayers();
    for (const p of this.nodesById.values()) this.drawNode(p);
  }

  /**
   * Colour links (and ring stations/terminals) by their peak utilisation from an assignment:
   * ``usage`` rows {id, kind: link|terminal|service, ratio, load, capacity, unit, period}.
   * Returns the number of resources drawn.
   */
  showUtilization(usage, colorOf) {
    this.util.clearLayers();
    let n = 0;
    for (const u of usage) {
      const text = esc(
        t("{id}: {pct} % in {period} ({load} of {capacity} {unit})", {
          id: u.id,
          pct: (u.ratio * 100).toFixed(0),
          period: u.period,
          load: Number(u.load).toFixed(0),
          capacity: Number(u.capacity).toFixed(0),
          unit: label(u.unit),
        }),
      );
      if (u.kind === "link" && this.linksById.has(u.id)) {
        L.polyline(this.linksById.get(u.id).latlngs, {
          color: colorOf(u.ratio),
          weight: 7,
          opacity: 0.95,
          className: `util-link${u.ratio > 0.9 ? " util-over" : ""}`,
        })
          .bindTooltip(`<strong>${esc(t("Utilisation"))}</strong> ${text}`, { sticky: true })
          .addTo(this.util);
        n += 1;
      } else if (u.kind === "terminal" && this.nodesById.has(u.id)) {
        const p = this.nodesById.get(u.id);
        L.circleMarker([p.lat, p.lon], {
          radius: 12,
          color: colorOf(u.ratio),
          weight: 4,
          fill: false,
          className: `util-node${u.ratio > 0.9 ? " util-over" : ""}`,
        })
          .bindTooltip(`<strong>${placeNameHtml(p)}</strong><br>${text}`)
          .addTo(this.util);
        n += 1;
      }
    }
    return n;
  }

  clearUtilization() {
    this.util.clearLayers();
  }

  clearRoutes() {
    this.routes.clearLayers();
    for (const l of this.linkLayers) l.setStyle({ opacity: 0.9 });
  }

  /**
   * Draw one route alternative: each leg's links in the leg's mode colour (a straight dashed
   * line from node to node where the links are unknown). ``emphasis`` is the chosen one.
   */
  drawRoute(alt, { emphasis = true, fit = false } = {}) {
    const bounds = [];
    for (const l of this.linkLayers) l.setStyle({ opacity: 0.35 });
    for (const leg of alt.legs || []) {
      const st = modeStyle(leg.mode);
      const parts = [];
      for (const lid of leg.links || []) {
        const id = typeof lid === "string" ? lid : lid && lid.id;
        const link = this.linksById.get(id);
        if (link) parts.push(link.latlngs);
      }
      let dashed = false;
      if (!parts.length) {
        const a = this.nodesById.get(leg.from);
        const b = this.nodesById.get(leg.to);
        if (a && b) {
          parts.push([
            [a.lat, a.lon],
            [b.lat, b.lon],
          ]);
          dashed = true;
        }
      }
      for (const latlngs of parts) {
        bounds.push(...latlngs);
        if (emphasis) {
          L.polyline(latlngs, {
            color: "#fff",
            weight: st.weight + 8,
            opacity: 0.9,
            interactive: false,
            className: "route-casing",
          }).addTo(this.routes);
        }
        L.polyline(latlngs, {
          color: st.color,
          weight: emphasis ? st.weight + 4 : st.weight + 1,
          opacity: emphasis ? 1 : 0.55,
          dashArray: dashed ? "8 6" : st.dash || null,
          className: `route-leg route-leg-${String(leg.mode || "other").toLowerCase()}${
            emphasis ? " route-chosen" : ""
          }`,
        })
          .bindTooltip(
            `${esc(t("Rank {n}", { n: alt.rank }))} · ${esc(t(st.label))}: ${placeNameHtml(
              this.nodesById.get(leg.from) || { id: leg.from },
            )} → ${placeNameHtml(this.nodesById.get(leg.to) || { id: leg.to })}`,
            { sticky: true },
          )
          .addTo(this.routes);
      }
    }
    for (const tr of alt.transfers || []) {
      const id = transferNode(tr);
      const n = this.nodesById.get(id);
      if (n && emphasis) {
        const swap = Boolean(tr && tr.drop_and_hook);
        L.circleMarker([n.lat, n.lon], {
          radius: swap ? 11 : 9,
          color: swap ? DROP_AND_HOOK_STYLE.color : "#111",
          weight: 3,
          dashArray: swap ? DROP_AND_HOOK_STYLE.dash : null,
          fill: false,
          className: swap ? "route-transfer route-transfer-drop-and-hook" : "route-transfer",
        })
          .bindTooltip(`${esc(t(swap ? "Drop-and-hook at" : "Transfer at"))} ${placeNameHtml(n)}`)
          .addTo(this.routes);
      }
    }
    if (fit && bounds.length) this.map.fitBounds(L.latLngBounds(bounds).pad(0.15));
  }

  addLegend() {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const div = L.DomUtil.create("div", "legend");
      div.setAttribute("role", "group");
      div.setAttribute("aria-label", t("Map legend"));
      const lines = Object.values(MODE_STYLE)
        .map(
          (s) =>
            `<li><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" x2="26" y2="5" stroke="${s.color}" stroke-width="${s.weight}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/></svg>${esc(t(s.label))}</li>`,
        )
        .join("");
      const extra =
        `<li><svg width="26" height="12" aria-hidden="true"><circle cx="13" cy="6" r="5" fill="none" stroke="${DROP_AND_HOOK_STYLE.color}" stroke-width="2" stroke-dasharray="${DROP_AND_HOOK_STYLE.dash}"/></svg>${esc(t("Drop-and-hook transfer"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" x2="26" y2="5" stroke="#e74c3c" stroke-opacity="0.4" stroke-width="9"/></svg>${esc(t("Dangerous-goods corridor"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" x2="26" y2="5" stroke="#c2185b" stroke-width="3" stroke-dasharray="1 6" stroke-linecap="round"/></svg>${esc(t("Truck ban (hours)"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><rect x="1" y="1" width="24" height="8" fill="#d6eaf8" stroke="#aab7b8"/></svg>${esc(t("District (schematic)"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><rect x="1" y="1" width="24" height="8" fill="#aed6f1" stroke="#5dade2"/></svg>${esc(t("Lake, river"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" x2="26" y2="5" stroke="#7d3c98" stroke-width="2" stroke-dasharray="6 3 1 3"/></svg>${esc(t("National border"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><rect x="1" y="1" width="24" height="8" fill="#f3ece2"/><path d="M3 9L10 1M9 9L16 1M15 9L22 1M21 9L25 4" stroke="#c9b39a" stroke-width="1.5"/></svg>${esc(t("Mountain range"))}</li>` +
        `<li><svg width="26" height="10" aria-hidden="true"><rect x="1" y="1" width="24" height="8" fill="#e8dccb" stroke="#b9a48f"/></svg>${esc(t("Urban area"))}</li>`;
      const kinds = [
        "freight_station",
        "hazmat_station",
        "logistics_hub",
        "bonded_center",
        "industrial_park",
        "transit_warehouse",
        "siding",
        "border_port",
        "city",
      ]
        .map(
          (k) =>
            `<li><svg width="26" height="12" aria-hidden="true"><circle cx="13" cy="6" r="5" fill="${KIND_STYLE[k].color}"/></svg>${esc(kindLabel(k))}</li>`,
        )
        .join("");
      div.innerHTML = `<details open><summary>${esc(t("Legend"))}</summary><ul>${lines}${extra}${kinds}</ul>
        <div class="views" role="group" aria-label="${esc(t("Map extent"))}">
        <button type="button" data-view="local">${esc(t("Kuytun"))}</button>
        <button type="button" data-view="region">${esc(t("Region"))}</button>
        <button type="button" data-view="all">${esc(t("Whole network"))}</button></div></details>`;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      div.querySelectorAll("button[data-view]").forEach((b) =>
        b.addEventListener("click", () => this.show(b.dataset.view)),
      );
      return div;
    };
    legend.addTo(this.map);
    if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
      const d = document.querySelector(".legend details");
      if (d) d.open = false;
    }
  }
}

function hhmm(min) {
  const h = Math.floor(min / 60) % 24;
  const m = min % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

export function banLabel(b) {
  if (typeof b === "string") return b;
  if (b && b.start_min !== undefined) return `${hhmm(b.start_min)}–${hhmm(b.end_min)}`;
  if (b && b.start) return `${b.start}–${b.end}`;
  return JSON.stringify(b);
}
