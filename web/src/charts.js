// Small SVG charts (no library): grouped bars with an optional limit line.
// Each chart is role="img" with a text summary for screen readers; the data is also in a table.

import { esc } from "./places.js";

export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf"];

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function fmt(v, digits = 1) {
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v ?? "");
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(digits);
}

/**
 * Grouped bar chart.
 * @param {{title:string, categories:string[], series:{name:string, values:number[]}[],
 *          limit?:{value:number,label:string}, unit?:string}} spec
 */
export function barChart(spec) {
  const { title, categories, series, limit, unit = "" } = spec;
  const w = 560;
  const h = 240;
  const m = { l: 68, r: 12, t: 28, b: 58 };
  const iw = w - m.l - m.r;
  const ih = h - m.t - m.b;
  let max = 0;
  for (const s of series) for (const v of s.values) if (Number.isFinite(v)) max = Math.max(max, v);
  if (limit) max = Math.max(max, limit.value);
  max = niceMax(max);
  const n = Math.max(categories.length, 1);
  const gw = iw / n;
  const bw = Math.max(2, Math.min(28, (gw * 0.8) / Math.max(series.length, 1)));
  const y = (v) => m.t + ih - (v / max) * ih;
  const parts = [];
  for (let i = 0; i <= 4; i += 1) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${m.l}" x2="${w - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e8e8"/>` +
        `<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end" class="tick">${fmt(v)}</text>`,
    );
  }
  categories.forEach((c, i) => {
    const gx = m.l + i * gw + (gw - bw * series.length) / 2;
    series.forEach((s, j) => {
      const v = s.values[i];
      if (!Number.isFinite(v)) return;
      const color = s.color || PALETTE[j % PALETTE.length];
      parts.push(
        `<rect x="${gx + j * bw}" y="${y(v)}" width="${bw - 1}" height="${Math.max(0, y(0) - y(v))}" fill="${color}"><title>${esc(c)} · ${esc(s.name)}: ${fmt(v)} ${esc(unit)}</title></rect>`,
      );
    });
    const label = String(c).length > 14 ? `${String(c).slice(0, 13)}…` : String(c);
    const lx = m.l + i * gw + gw / 2;
    const rotate = n > 6 ? ` transform="rotate(-35 ${lx} ${h - m.b + 14})"` : "";
    parts.push(
      `<text x="${lx}" y="${h - m.b + 14}" text-anchor="${n > 6 ? "end" : "middle"}" class="tick"${rotate}>${esc(label)}</text>`,
    );
  });
  if (limit) {
    parts.push(
      `<line x1="${m.l}" x2="${w - m.r}" y1="${y(limit.value)}" y2="${y(limit.value)}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/>` +
        `<text x="${w - m.r}" y="${y(limit.value) - 4}" text-anchor="end" class="limit">${esc(limit.label)}</text>`,
    );
  }
  const legend = series
    .map(
      (s, j) =>
        `<rect x="${m.l + j * 130}" y="8" width="10" height="10" fill="${s.color || PALETTE[j % PALETTE.length]}"/>` +
        `<text x="${m.l + j * 130 + 14}" y="17" class="tick">${esc(s.name.slice(0, 18))}</text>`,
    )
    .join("");
  const summary = series
    .map((s) => `${s.name}: ${categories.map((c, i) => `${c} ${fmt(s.values[i])}`).join(", ")}`)
    .join("; ");
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`${title}. ${summary}${limit ? `. ${limit.label}` : ""}`)}" preserveAspectRatio="xMidYMid meet">
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ih}" stroke="#888"/>${parts.join("")}${legend}</svg></figure>`;
}

/** A progress bar for a job: native <progress> plus a text status. */
export function progressHtml(fraction, label) {
  const pct = Math.round((Number(fraction) || 0) * 100);
  return `<div class="job-progress"><progress max="100" value="${pct}" aria-label="Job progress">${pct}%</progress> <span>${pct}% ${esc(label || "")}</span></div>`;
}
