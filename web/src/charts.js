// Small SVG charts (no library): grouped bars with an optional limit line.
// Each chart is role="img" with a text summary for screen readers; the data is also in a table.

import { locale, t } from "./i18n.js";
import { esc } from "./places.js";

export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf"];

/** Five horizontal gridlines with their value labels, 0 to ``max``, on the y scale ``y``. */
function yGrid(max, y, m, w) {
  const out = [];
  for (let i = 0; i <= 4; i += 1) {
    const v = (max * i) / 4;
    out.push(
      `<line x1="${m.l}" x2="${w - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e8e8"/>` +
        `<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end" class="tick">${fmt(v)}</text>`,
    );
  }
  return out;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A number in the interface locale's format (whole numbers from 1,000 up). */
export function fmt(v, digits = 1) {
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v ?? "");
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString(locale());
  if (Number.isInteger(v)) return v.toLocaleString(locale());
  return v.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
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
  const parts = yGrid(max, y, m, w);
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
  return `<div class="job-progress"><progress max="100" value="${pct}" aria-label="${esc(t("Job progress"))}">${pct}%</progress> <span>${pct}% ${esc(label || "")}</span></div>`;
}

/**
 * Stacked bar chart: one bar per category, series stacked on each other.
 * @param {{title:string, categories:string[], series:{name:string, values:number[], color?:string}[],
 *          limit?:{value:number,label:string}, unit?:string}} spec
 */
export function stackedBarChart(spec) {
  const { title, categories, series, limit, unit = "" } = spec;
  const w = 560;
  const h = 250;
  const m = { l: 68, r: 12, t: 20 + 16 * Math.ceil(series.length / 4), b: 44 };
  const iw = w - m.l - m.r;
  const ih = h - m.t - m.b;
  const totals = categories.map((_, i) =>
    series.reduce((s, x) => s + (Number.isFinite(x.values[i]) ? x.values[i] : 0), 0),
  );
  const max = niceMax(Math.max(0, ...totals, limit ? limit.value : 0));
  const n = Math.max(categories.length, 1);
  const gw = iw / n;
  const bw = Math.max(4, Math.min(48, gw * 0.7));
  const y = (v) => m.t + ih - (v / max) * ih;
  const parts = yGrid(max, y, m, w);
  categories.forEach((c, i) => {
    const x = m.l + i * gw + (gw - bw) / 2;
    let base = 0;
    series.forEach((s, j) => {
      const v = s.values[i];
      if (!(v > 0)) return;
      const color = s.color || PALETTE[j % PALETTE.length];
      parts.push(
        `<rect x="${x}" y="${y(base + v)}" width="${bw}" height="${Math.max(0, y(base) - y(base + v))}" fill="${color}"><title>${esc(c)} · ${esc(s.name)}: ${fmt(v)} ${esc(unit)}</title></rect>`,
      );
      base += v;
    });
    parts.push(
      `<text x="${x + bw / 2}" y="${y(totals[i]) - 3}" text-anchor="middle" class="tick">${fmt(totals[i], 0)}</text>`,
    );
    const lx = m.l + i * gw + gw / 2;
    const rotate = n > 8 ? ` transform="rotate(-35 ${lx} ${h - m.b + 14})"` : "";
    parts.push(
      `<text x="${lx}" y="${h - m.b + 14}" text-anchor="${n > 8 ? "end" : "middle"}" class="tick"${rotate}>${esc(String(c).slice(0, n <= 4 ? 30 : 16))}</text>`,
    );
  });
  if (limit) {
    parts.push(
      `<line x1="${m.l}" x2="${w - m.r}" y1="${y(limit.value)}" y2="${y(limit.value)}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4" class="limit-line"/>` +
        `<text x="${w - m.r}" y="${y(limit.value) - 4}" text-anchor="end" class="limit">${esc(limit.label)}</text>`,
    );
  }
  const legend = series
    .map((s, j) => {
      const lx = m.l + (j % 4) * 122;
      const ly = 8 + 16 * Math.floor(j / 4);
      return (
        `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${s.color || PALETTE[j % PALETTE.length]}"/>` +
        `<text x="${lx + 14}" y="${ly + 9}" class="tick">${esc(s.name.slice(0, 18))}</text>`
      );
    })
    .join("");
  const summary = categories
    .map(
      (c, i) =>
        `${c}: ${series
          .filter((s) => s.values[i] > 0)
          .map((s) => `${s.name} ${fmt(s.values[i])}`)
          .join(", ")} (${t("total")} ${fmt(totals[i])}${unit ? ` ${unit}` : ""})`,
    )
    .join("; ");
  return `<figure class="chart stacked"><figcaption>${esc(title)}</figcaption>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`${title}. ${summary}${limit ? `. ${limit.label}` : ""}`)}" preserveAspectRatio="xMidYMid meet">
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ih}" stroke="#888"/>${parts.join("")}${legend}</svg></figure>`;
}

/**
 * Horizontal bars, one row per item (already sorted by the caller), with an optional limit line
 * and items at or over ``flagAt`` drawn in red and named in the text summary.
 * @param {{title:string, items:{label:string, value:number, note?:string}[], unit?:string,
 *          limit?:{value:number,label:string}, flagAt?:number, percent?:boolean}} spec
 */
export function hbarChart(spec) {
  const { title, items, unit = "", limit, flagAt, percent = false } = spec;
  const w = 560;
  const row = 18;
  const m = { l: 150, r: 56, t: 22, b: 22 };
  const h = m.t + m.b + row * Math.max(items.length, 1);
  const iw = w - m.l - m.r;
  const max = niceMax(Math.max(0, ...items.map((i) => (Number.isFinite(i.value) ? i.value : 0)), limit ? limit.value : 0));
  const x = (v) => m.l + (Math.min(v, max) / max) * iw;
  const show = (v) => (percent ? `${fmt(v * 100, 0)} %` : `${fmt(v)}${unit ? ` ${unit}` : ""}`);
  const parts = [];
  for (let i = 0; i <= 4; i += 1) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${m.t}" y2="${h - m.b}" stroke="#e5e8e8"/>` +
        `<text x="${x(v)}" y="${h - m.b + 13}" text-anchor="middle" class="tick">${percent ? `${fmt(v * 100, 0)}%` : fmt(v)}</text>`,
    );
  }
  items.forEach((it, i) => {
    const yy = m.t + i * row;
    const over = flagAt !== undefined && it.value >= flagAt;
    const v = Number.isFinite(it.value) ? it.value : 0;
    parts.push(
      `<text x="${m.l - 6}" y="${yy + row / 2 + 4}" text-anchor="end" class="tick">${esc(String(it.label).length > 21 ? `${String(it.label).slice(0, 20)}…` : it.label)}</text>` +
        `<rect x="${m.l}" y="${yy + 3}" width="${Math.max(1, x(v) - m.l)}" height="${row - 6}" fill="${over ? "#c0392b" : "#1f77b4"}" class="${over ? "bar-over" : "bar"}"><title>${esc(it.label)}: ${esc(show(it.value))}${it.note ? ` · ${esc(it.note)}` : ""}</title></rect>` +
        `<text x="${x(v) + 4}" y="${yy + row / 2 + 4}" class="tick">${esc(show(it.value))}${over ? " ⚠" : ""}</text>`,
    );
  });
  if (limit) {
    parts.push(
      `<line x1="${x(limit.value)}" x2="${x(limit.value)}" y1="${m.t - 4}" y2="${h - m.b}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4" class="limit-line"/>` +
        `<text x="${x(limit.value)}" y="${m.t - 8}" text-anchor="middle" class="limit">${esc(limit.label)}</text>`,
    );
  }
  const flagged = flagAt === undefined ? [] : items.filter((i) => i.value >= flagAt);
  const summary =
    t("{n} items, highest {top}", { n: items.length, top: items.length ? `${items[0].label} ${show(items[0].value)}` : t("none") }) +
    (flagAt !== undefined
      ? `; ${t("{n} at or over {limit}", { n: flagged.length, limit: show(flagAt) })}${flagged.length ? `: ${flagged.map((i) => `${i.label} ${show(i.value)}`).join(", ")}` : ""}`
      : "");
  return `<figure class="chart hbar"><figcaption>${esc(title)}</figcaption>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`${title}. ${summary}`)}" preserveAspectRatio="xMidYMid meet">
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${h - m.b}" stroke="#888"/>${parts.join("")}</svg></figure>`;
}

/**
 * A data table (the text alternative of a chart), folded in a <details> unless ``open``.
 * ``cols``: [{key, label, num?, fmt?}].
 */
export function dataTable(caption, cols, rows, { open = false, max = 200 } = {}) {
  const cell = (c, r) => {
    const v = r[c.key];
    const text = c.fmt ? c.fmt(v, r) : typeof v === "number" ? fmt(v, 2) : esc(v ?? "");
    return `<td${c.num || typeof v === "number" ? ' class="num"' : ""}>${text}</td>`;
  };
  const body = rows
    .slice(0, max)
    .map((r) => `<tr${r._over ? ' class="over"' : ""}>${cols.map((c) => cell(c, r)).join("")}</tr>`)
    .join("");
  const count =
    rows.length > max ? t("{n} rows, first {max} shown", { n: rows.length, max }) : t("{n} rows", { n: rows.length });
  return `<details${open ? " open" : ""}><summary>${esc(t("Table: {caption}", { caption }))} (${esc(count)})</summary>
<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(caption)}"><table class="data"><caption class="sr-only">${esc(caption)}</caption><thead><tr>${cols
    .map((c) => `<th scope="col">${esc(c.label)}</th>`)
    .join("")}</tr></thead><tbody>${body}</tbody></table></div></details>`;
}
