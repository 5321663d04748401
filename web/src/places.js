// Place names: English and Chinese, the picker list and name lookup.

export const KIND_LABELS = {
  freight_station: "Rail freight station",
  hazmat_station: "Dangerous-goods station",
  passenger_station: "Passenger station (no freight)",
  siding: "Railway siding",
  transit_warehouse: "Transit warehouse",
  logistics_hub: "Logistics hub",
  bonded_center: "Bonded logistics center",
  industrial_park: "Industrial park",
  airport: "Airport",
  city: "City",
  border_port: "Border port",
  rail_gateway: "China–Europe rail gateway",
  foreign_destination: "Beyond the border",
  junction: "Junction",
};

let nameMode = "both";
export function setNameMode(mode) {
  nameMode = mode;
}

/** Display name of a node properties object under the chosen name mode. */
export function placeName(p) {
  if (!p) return "";
  const en = p.name_en || p.id;
  const zh = p.name_zh || "";
  if (nameMode === "en" || !zh) return en;
  if (nameMode === "zh") return zh;
  return `${en} · ${zh}`;
}

/** The same as HTML, with the Chinese name marked lang="zh" for screen readers. */
export function placeNameHtml(p) {
  if (!p) return "";
  const en = esc(p.name_en || p.id);
  const zh = p.name_zh ? `<span lang="zh">${esc(p.name_zh)}</span>` : "";
  if (nameMode === "en" || !zh) return en;
  if (nameMode === "zh") return zh;
  return `${en} · ${zh}`;
}

export function esc(s) {
  return String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

/** Text shown in the picker for a node: both names and the id, so either language matches. */
export function pickerText(p) {
  return `${p.name_en} · ${p.name_zh} (${p.id})`;
}

/**
 * Resolve what the user typed to a node id: the picker text, an id, or an English or Chinese
 * name (case-insensitive). Returns null when nothing matches.
 */
export function resolvePlace(nodesById, text) {
  const t = (text || "").trim();
  if (!t) return null;
  const m = t.match(/\(([^()]+)\)\s*$/);
  if (m && nodesById.has(m[1])) return m[1];
  if (nodesById.has(t)) return t;
  const low = t.toLowerCase();
  for (const p of nodesById.values()) {
    if ((p.name_en || "").toLowerCase() === low || p.name_zh === t) return p.id;
  }
  return null;
}

/** Nodes that can be a route end: everything that accepts freight. */
export function pickable(p) {
  return p.accepts_freight !== false && p.kind !== "junction";
}
