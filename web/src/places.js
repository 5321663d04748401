// Place names (Chinese and English), the place search behind the pickers, and name lookup.
// Pinyin: the build (pinyin-pro, see build.mjs) writes the toneless reading of every GB 2312
// character into the virtual module "kfo:pinyin" ({ syllable: "characters" }); a name's full
// pinyin and initials are spelled from it here, so any place of any network is searchable.

import PINYIN_GROUPS from "kfo:pinyin";
import { label, lang, t } from "./i18n.js";

/** Kind of a node in the interface language. */
export function kindLabel(kind) {
  return label(kind);
}

let nameMode = "both";
export function setNameMode(mode) {
  nameMode = mode;
}

/** Display name of a node under the chosen name mode (the interface language's name first). */
export function placeName(p) {
  if (!p) return "";
  const en = p.name_en || p.id;
  const zh = p.name_zh || "";
  if (nameMode === "en" || !zh) return en;
  if (nameMode === "zh") return zh;
  return lang() === "zh" ? `${zh} · ${en}` : `${en} · ${zh}`;
}

/** The same as HTML, each name marked with its language for screen readers. */
export function placeNameHtml(p) {
  if (!p) return "";
  const enText = esc(p.name_en || p.id);
  const en = lang() === "zh" ? `<span lang="en">${enText}</span>` : enText;
  const zh = p.name_zh ? `<span lang="zh-CN">${esc(p.name_zh)}</span>` : "";
  if (nameMode === "en" || !zh) return en;
  if (nameMode === "zh") return zh;
  return lang() === "zh" ? `${zh} · ${en}` : `${en} · ${zh}`;
}

export function esc(s) {
  return String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

/** Text put in a picker for a chosen node: both names and the id, so either language reads. */
export function pickerText(p) {
  const names = lang() === "zh" ? [p.name_zh, p.name_en] : [p.name_en, p.name_zh];
  return `${names.filter(Boolean).join(" · ")} (${p.id})`;
}

/** District of a node in the interface language ("" when it has none). */
export function districtLabel(p) {
  return p && p.district ? label(p.district) : "";
}

// Stations first, then other rail access, towns and ports, then hubs, parks and warehouses.
const KIND_RANK = {
  freight_station: 0,
  hazmat_station: 0,
  passenger_station: 1,
  siding: 2,
  border_port: 2,
  city: 2,
  rail_gateway: 2,
  bonded_center: 3,
  logistics_hub: 3,
  industrial_park: 3,
  transit_warehouse: 3,
  airport: 3,
};

let syllableOf = null;
const pinyinCache = new Map();

/** [full pinyin, initials] of a Chinese name: "奎屯西站" -> ["kuitunxizhan", "ktxz"]; letters
 * and digits are kept as typed ("G312/西环路" -> ["g312xihuanlu", "g312xhl"]). */
export function pinyinOf(zh) {
  const text = String(zh || "");
  if (pinyinCache.has(text)) return pinyinCache.get(text);
  if (!syllableOf) {
    syllableOf = new Map();
    for (const [syllable, chars] of Object.entries(PINYIN_GROUPS)) {
      for (const c of chars) syllableOf.set(c, syllable);
    }
  }
  let full = "";
  let initials = "";
  for (const c of text) {
    const s = syllableOf.get(c);
    if (s) {
      full += s;
      initials += s[0];
    } else if (/[0-9a-z]/i.test(c)) {
      full += c.toLowerCase();
      initials += c.toLowerCase();
    }
  }
  const out = [full, initials];
  pinyinCache.set(text, out);
  return out;
}

function keys(p) {
  const py = pinyinOf(p.name_zh);
  const en = (p.name_en || "").toLowerCase();
  return { en, zh: p.name_zh || "", id: p.id.toLowerCase(), full: py[0], initials: py[1] };
}

function tierOf(k, q) {
  const flat = q.replace(/[\s'·-]+/g, "");
  if ([k.id, k.en, k.zh].includes(q) || (flat && (k.full === flat || k.initials === flat))) return 0;
  if (
    k.en.startsWith(q) ||
    k.zh.startsWith(q) ||
    k.id.startsWith(q) ||
    (flat && (k.full.startsWith(flat) || k.initials.startsWith(flat)))
  )
    return 1;
  return 2;
}

/**
 * Places matching ``text``, best first: every typed word must occur in the English name,
 * Chinese name, id, full pinyin or pinyin initials. Ranked by exact match, then prefix, then
 * the rest; within a rank stations before other kinds, then shorter names. Each result is
 * {place, tier, rank}.
 */
export function searchPlaces(places, text) {
  const q = String(text || "").trim().toLowerCase().replace(/\s*\(([^()]+)\)\s*$/, "");
  const words = q.split(/[\s·()]+/).filter(Boolean);
  if (!words.length) return [];
  const hits = [];
  for (const p of places) {
    const k = keys(p);
    const hay = `${k.en} ${k.zh} ${k.id} ${k.full} ${k.initials}`;
    if (!words.every((w) => hay.includes(w))) continue;
    hits.push({ place: p, tier: tierOf(k, q), rank: KIND_RANK[p.kind] ?? 4, len: (p.name_zh || p.id).length });
  }
  hits.sort(
    (a, b) =>
      a.tier - b.tier ||
      a.rank - b.rank ||
      a.len - b.len ||
      (a.place.name_en || a.place.id).localeCompare(b.place.name_en || b.place.id),
  );
  return hits;
}

/** The one place the text stands for: an exact match, or a single best one; else null. */
export function bestPlace(places, text) {
  const hits = searchPlaces(places, text);
  if (!hits.length) return null;
  if (hits.length === 1 || hits[0].tier === 0) return hits[0].place;
  const [a, b] = hits;
  return a.tier < b.tier || (a.tier === b.tier && a.rank < b.rank) ? a.place : null;
}

/**
 * Resolve what the user typed to a node id: the picker text "… (id)", an id, an exact name
 * in either language or pinyin, or a single best match. Returns null when that is ambiguous.
 */
export function resolvePlace(nodesById, text) {
  const s = (text || "").trim();
  if (!s) return null;
  const m = s.match(/\(([^()]+)\)\s*$/);
  if (m && nodesById.has(m[1])) return m[1];
  if (nodesById.has(s)) return s;
  const p = bestPlace([...nodesById.values()].filter(pickable), s);
  return p ? p.id : null;
}

/** Nodes that can be a route end: everything that accepts freight. */
export function pickable(p) {
  return p.accepts_freight !== false && p.kind !== "junction";
}

/** "{kind} · {district}" line shown under a place in the pickers. */
export function placeDetail(p) {
  const d = districtLabel(p);
  return d ? t("{kind} · {district}", { kind: kindLabel(p.kind), district: d }) : kindLabel(p.kind);
}
