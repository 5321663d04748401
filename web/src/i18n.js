// Interface language: Simplified Chinese by default, English on request (remembered in
// localStorage). Messages are looked up by their English text (the English catalogue is the
// identity); `zh.js` holds the Chinese catalogue and the build fails when a message used in
// the sources has no Chinese entry. Numbers, money and times are formatted for the locale;
// times are always shown in Beijing time (Asia/Shanghai) and say so.

import { ZH, ZH_CODES, ZH_PROBLEMS } from "./zh.js";

const KEY = "kfo-lang";
const LANGS = { zh: "zh-CN", en: "en-GB" };

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

let current = stored() === "en" ? "en" : "zh";

/** "zh" or "en". */
export function lang() {
  return current;
}

/** BCP 47 tag of the interface language (the `lang` of <html>). */
export function locale() {
  return LANGS[current];
}

/** Switch and remember the language (the page re-renders by reloading, keeping its URL). */
export function setLang(l) {
  current = l === "en" ? "en" : "zh";
  try {
    localStorage.setItem(KEY, current);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
}

/** The message in the interface language; `{name}` placeholders are filled from params. */
export function t(msg, params) {
  return fill(current === "zh" ? (ZH[msg] ?? msg) : msg, params);
}

/**
 * Label of a data code (commodity, cargo form, mode, node kind, district, status...):
 * Chinese from the catalogue, English from the code with underscores as spaces.
 */
export function label(code) {
  const c = String(code ?? "");
  if (current === "zh" && ZH_CODES[c] !== undefined) return ZH_CODES[c];
  return c.replace(/_/g, " ");
}

/** A number in the locale's format (grouping, decimal sign); "–" when missing. */
export function fmtNum(v, digits = 1) {
  if (v === null || v === undefined || v === "" || Number.isNaN(Number(v))) return "–";
  const n = Number(v);
  const d = Number.isInteger(n) ? 0 : digits;
  return n.toLocaleString(locale(), { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

/** An amount of yuan: "¥12,345" in both languages (CNY is the only currency used). */
export function fmtCny(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return "–";
  return Number(v).toLocaleString(locale(), {
    style: "currency",
    currency: "CNY",
    currencyDisplay: "symbol",
    maximumFractionDigits: digits,
  });
}

const TZ = "Asia/Shanghai";

/** An ISO 8601 instant as Beijing time, e.g. "2026年12月7日 08:00" / "7 Dec 2026, 08:00". */
export function fmtTime(iso, { zone = false } = {}) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return String(iso ?? "–");
  const s = d.toLocaleString(locale(), {
    timeZone: TZ,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  return zone ? `${s} ${t("Beijing time")}` : s;
}

/** A date (YYYY-MM-DD or ISO instant) in the locale's format, as a Beijing calendar day. */
export function fmtDate(iso) {
  const d = new Date(/^\d{4}-\d\d-\d\d$/.test(String(iso)) ? `${iso}T12:00:00+08:00` : iso);
  if (!iso || Number.isNaN(d.getTime())) return String(iso ?? "–");
  return d.toLocaleDateString(locale(), { timeZone: TZ, year: "numeric", month: "short", day: "numeric" });
}

/**
 * A problem+json document in the interface language: title (and a fixed detail) taken from
 * the catalogue by the problem's `type` slug or HTTP status; the server's detail, field paths
 * and messages stay as sent.
 */
export function localProblem(problem) {
  const p = { ...(problem || {}) };
  if (current !== "zh") return p;
  const slug = String(p.type || "").split("/").pop();
  const known = ZH_PROBLEMS[slug] || ZH_PROBLEMS[`status-${p.status}`];
  if (known) {
    p.title = known.title;
    if (known.detail && p.detail) p.detail = `${known.detail}（${p.detail}）`;
    else if (known.detail) p.detail = known.detail;
  } else if (p.title) {
    p.title = t(p.title);
  }
  return p;
}

/** Apply the language to the static page: <html lang>, and every [data-i18n] element. */
export function translatePage(root = document) {
  document.documentElement.lang = locale();
  for (const el of root.querySelectorAll("[data-i18n]")) {
    const key = el.getAttribute("data-i18n") || el.textContent.trim();
    el.setAttribute("data-i18n", key);
    el.textContent = t(key);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const attr of el.getAttribute("data-i18n-attr").split(",")) {
      const keyAttr = `data-i18n-${attr}`;
      const key = el.getAttribute(keyAttr) || el.getAttribute(attr) || "";
      el.setAttribute(keyAttr, key);
      el.setAttribute(attr, t(key));
    }
  }
}
