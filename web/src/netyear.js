// The page's network year: the map, the place search of the route form and route queries use
// the network the plan has built by that year (GET /v1/network?year=Y, POST /v1/routes?year=Y),
// so a place that opens in 2028 is offered from 2028 on and not before. The year is chosen in
// the route form (default: the current year in Beijing, the API's own default) or on the
// Scenarios tab, and named in the route URL (#/routes?…&year=Y).

import { api } from "./api.js";

/** The current calendar year in Beijing (the API's default network year). */
export function currentYear(now = new Date()) {
  return Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(now));
}

/** Years offered by the year selectors: 2025 to 2040, and the current year if later. */
export const YEARS = Array.from({ length: Math.max(2040, currentYear()) - 2024 }, (_, i) => 2025 + i);

/** A year from text ("2030") or null when it is not one the selectors offer. */
export function parseYear(text) {
  const y = Number(text);
  return Number.isInteger(y) && YEARS.includes(y) ? y : null;
}

export class NetworkYear {
  /** @param {import("./map.js").NetworkMap} netmap */
  constructor(netmap) {
    this.netmap = netmap;
    this.year = null;
    this.counts = null;
    this.seq = 0;
    this.listeners = [];
  }

  /** Call ``fn(year, counts)`` whenever a year's network has been drawn. */
  onChange(fn) {
    this.listeners.push(fn);
  }

  /**
   * Draw the network of ``year`` and hand its places to the listeners; resolves to the
   * counts {nodes, links}, or null when a later call overtook this one. Loading the year
   * already shown does nothing.
   */
  async load(year, { fit = false } = {}) {
    const y = Number(year);
    if (this.year === y && this.counts) return this.counts;
    this.seq += 1;
    const seq = this.seq;
    const { data } = await api("GET", `/v1/network?year=${encodeURIComponent(y)}`);
    if (seq !== this.seq) return null;
    this.year = y;
    this.counts = this.netmap.draw(data, { fit });
    document.body.dataset.networkYear = String(y);
    for (const fn of this.listeners) fn(y, this.counts);
    return this.counts;
  }
}
