// Network scenarios (planners): the key's scenarios (/v1/scenarios), a JSON editor pre-filled
// with the documented example (errors listed by JSON path), delete, the network of a year on
// the map (/v1/network?year=), and a comparison of two sides (a network year or a stored
// scenario) by running the assignment job on both (/v1/assignments?year= or ?scenario=):
// tonnes by mode, rail share, unassigned tonnes, cost and CO2 side by side as a table and a
// chart. A comparison's settings are its URL (#/scenarios?a=2035&b=ID&year=2035&limit=20):
// opening it runs the same comparison again (a result already shown in this tab is reused).

import { ApiProblem, api, hasApiKey } from "./api.js";
import { barChart, dataTable, fmt, PALETTE, progressHtml } from "./charts.js";
import { fmtCny, fmtTime, label, t } from "./i18n.js";
import { esc } from "./places.js";
import { YEARS, currentYear } from "./netyear.js";
import { followJob } from "./plans.js";
import { problemHtml } from "./route.js";

/** The documented example of POST /v1/scenarios (used when the OpenAPI document lacks one). */
export const EXAMPLE = {
  name: "Kuqa railway doubled",
  base_year: 2035,
  changes: [{ op: "update", table: "links", id: "r_kuytun__kuqa", values: { capacity_per_day: 40 } }],
};
const problemOf = (err) => (err instanceof ApiProblem ? err.problem : { title: String(err) });

/** The assignment job request of one side: the network by query (?year= or ?scenario=). */
export function sideRequest(side, demandYear, timeLimitS) {
  const q = side.kind === "year" ? `year=${side.year}` : `scenario=${encodeURIComponent(side.scenario.id)}`;
  return { path: `/v1/assignments?${q}`, body: { year: demandYear, time_limit_s: timeLimitS } };
}

/** A side's select value ("year:2035", "scenario:ID") as a URL value ("2035", "ID"), and back. */
export function sideParam(value) {
  const [kind, ref] = String(value).split(/:(.*)/s);
  return kind === "year" ? ref : ref || "";
}
export function sideValue(param) {
  const p = String(param || "");
  return /^\d{4}$/.test(p) ? `year:${p}` : `scenario:${p}`;
}

/** The URL query of a comparison's settings. */
export function comparisonParams({ a, b, demandYear, timeLimitS }) {
  return new URLSearchParams({ a: sideParam(a), b: sideParam(b), year: String(demandYear), limit: String(timeLimitS) });
}

/** The headline figures of an assignment result (same definitions as freight.assign.compare). */
export function headline(r) {
  const assigned = Number(r.tonnes_assigned) || 0;
  const rail = (Number(r.rail_share) || 0) * assigned;
  const forms = r.tonnes_by_multimodal_form || {};
  return {
    piggyback_t: Number(forms.piggyback) || 0,
    drop_and_hook_t: Number(forms.drop_and_hook) || 0,
    rail_t: rail,
    road_t: assigned - rail,
    unassigned_t: Number(r.tonnes_unassigned) || 0,
    total_t: Number(r.tonnes_total) || 0,
    rail_share: Number(r.rail_share) || 0,
    cost_cny: Number(r.objective_cny) || 0,
    co2_t: (Number(r.co2_kg) || 0) / 1000,
  };
}

export class ScenariosPanel {
  constructor(el, netmap) {
    this.el = el;
    this.netmap = netmap;
    this.items = [];
    const yearOpts = (sel) =>
      YEARS.map((y) => `<option value="${y}"${y === sel ? " selected" : ""}>${y}</option>`).join("");
    el.innerHTML = `<section aria-labelledby="sc-h"><h2 id="sc-h">${esc(t("Network scenarios"))}</h2>
<p class="hint">${esc(t("A scenario changes rows of the network (nodes, links, services, terminal options) of a base year. Needs a planner's API key."))}</p>
<div class="row"><div class="field"><label for="sc-netyear">${esc(t("Network year on the map"))}</label>
<select id="sc-netyear">${yearOpts(currentYear())}</select></div></div>
<p id="sc-netstatus" class="status" role="status" aria-live="polite"></p>
<h3>${esc(t("Scenarios of this key"))}</h3>
<div class="row"><div class="field actions"><button type="button" id="sc-refresh">${esc(t("Refresh list"))}</button></div></div>
<div id="sc-error" class="error" role="alert" hidden></div>
<div id="sc-list"></div>
<div id="sc-detail"></div>
<h3>${esc(t("New scenario"))}</h3>
<label for="sc-json">${esc(t("Scenario (JSON)"))}</label>
<textarea id="sc-json" rows="12" spellcheck="false"></textarea>
<div class="row"><div class="field actions"><button type="button" class="primary" id="sc-create">${esc(t("Create scenario"))}</button>
<button type="button" id="sc-example">${esc(t("Reset to the example"))}</button></div></div>
<div id="sc-create-out"></div>
<h3>${esc(t("Compare two"))}</h3>
<p class="hint">${esc(t("Runs the assignment (a job) on both sides with the same demand: a network year, or a scenario on its base year."))}</p>
<div class="row"><div class="field"><label for="sc-a">${esc(t("Side A"))}</label><select id="sc-a"></select></div>
<div class="field"><label for="sc-b">${esc(t("Side B"))}</label><select id="sc-b"></select></div>
<div class="field"><label for="sc-demand">${esc(t("Demand year"))}</label><select id="sc-demand">${yearOpts(2025)}</select></div>
<div class="field"><label for="sc-limit">${esc(t("Time limit per side (s)"))}</label><input id="sc-limit" type="number" min="1" max="600" value="30"></div></div>
<div class="row"><div class="field actions"><button type="button" class="primary" id="sc-run">${esc(t("Compare"))}</button></div></div>
<div id="sc-compare"></div></section>`;
    this.$ = (id) => el.querySelector(`#${id}`);
    this.example = EXAMPLE;
    this.$("sc-json").value = JSON.stringify(EXAMPLE, null, 2);
    this.$("sc-example").addEventListener("click", () => {
      this.$("sc-json").value = JSON.stringify(this.example, null, 2);
    });
    this.$("sc-refresh").addEventListener("click", () => this.refresh());
    this.$("sc-create").addEventListener("click", () => this.create());
    this.$("sc-run").addEventListener("click", () => this.compare());
    this.$("sc-netyear").addEventListener("change", () => this.showNetwork(this.$("sc-netyear").value));
    this.shown = new Map(); // comparison URL query -> its finished output, for Back and reloads of a view
    this.$("sc-list").addEventListener("click", (ev) => {
      const b = ev.target.closest("button[data-act]");
      if (b && b.dataset.act === "open") this.open(b.dataset.id);
      else if (b && b.dataset.act === "delete") this.remove(b.dataset.id);
    });
    this.fillSides();
  }

  /** Take the documented example of createScenario from the OpenAPI document. */
  adoptSchema(doc) {
    const ex = doc && doc.components && doc.components.schemas && doc.components.schemas.ScenarioIn;
    const found = ex && ((ex.examples && ex.examples[0]) || ex.example);
    if (found && typeof found === "object") {
      const pristine = this.$("sc-json").value === JSON.stringify(this.example, null, 2);
      this.example = found;
      if (pristine) this.$("sc-json").value = JSON.stringify(found, null, 2);
    }
  }

  fail(err) {
    const box = this.$("sc-error");
    box.innerHTML = problemHtml(problemOf(err));
    box.hidden = false;
  }

  /** Draw the network of ``year`` on the map (the page's network year: place search follows). */
  async showNetwork(year) {
    const st = this.$("sc-netstatus");
    st.textContent = t("Loading the network…");
    try {
      await this.loadNetwork(Number(year) || currentYear());
    } catch (err) {
      st.innerHTML = `<span class="error">${problemHtml(problemOf(err))}</span>`;
    }
  }

  /** The page drew the network of ``year`` (from here or from the route form). */
  networkShown(year, counts) {
    const sel = this.$("sc-netyear");
    if ([...sel.options].some((o) => o.value === String(year))) sel.value = String(year);
    this.$("sc-netstatus").textContent = t("Network {year}: {nodes} places, {links} links.", {
      year, nodes: counts.nodes, links: counts.links,
    });
  }

  async refresh() {
    this.$("sc-error").hidden = true;
    if (!hasApiKey()) {
      this.$("sc-list").innerHTML = `<p class="hint">${esc(t("An API key is needed: enter it at the top of the page."))}</p>`;
      return;
    }
    try {
      const { data } = await api("GET", "/v1/scenarios");
      this.items = data.items;
      this.renderList();
      this.fillSides();
    } catch (err) {
      this.fail(err);
    }
  }

  renderList() {
    if (!this.items.length) {
      this.$("sc-list").innerHTML = `<p>${esc(t("No scenarios yet."))}</p>`;
      return;
    }
    const th = (x) => `<th scope="col">${esc(t(x))}</th>`;
    const rows = this.items
      .map(
        (s) => `<tr data-id="${esc(s.id)}"><td>${esc(s.name)}</td><td class="num">${esc(s.base_year)}</td>
<td class="num">${esc(s.changes.length)}</td><td>${esc(s.shared ? t("yes") : t("no"))}</td><td>${esc(fmtTime(s.created_at))}</td>
<td><button type="button" data-act="open" data-id="${esc(s.id)}">${esc(t("Open"))}<span class="sr-only"> ${esc(s.name)}</span></button>
<button type="button" data-act="delete" data-id="${esc(s.id)}">${esc(t("Delete"))}<span class="sr-only"> ${esc(s.name)}</span></button></td></tr>`,
      )
      .join("");
    this.$("sc-list").innerHTML = `<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(t("Scenarios of this key"))}"><table id="sc-table" class="data"><caption class="sr-only">${esc(t("Scenarios of this key"))}</caption>
<thead><tr>${["Name", "Base year", "Changes", "Shared", "Created"].map(th).join("")}<th scope="col"><span class="sr-only">${esc(t("Actions"))}</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  }

  fillSides() {
    const opts = [
      ...YEARS.map((y) => ({ v: `year:${y}`, text: t("Network {year}", { year: y }) })),
      ...this.items.map((s) => ({ v: `scenario:${s.id}`, text: t("Scenario: {name} ({year})", { name: s.name, year: s.base_year }) })),
    ];
    for (const [id, fallback] of [["sc-a", "year:2025"], ["sc-b", this.items.length ? `scenario:${this.items[0].id}` : "year:2035"]]) {
      const sel = this.$(id);
      const keep = sel.value;
      sel.innerHTML = opts.map((o) => `<option value="${esc(o.v)}">${esc(o.text)}</option>`).join("");
      sel.value = opts.some((o) => o.v === keep) ? keep : fallback;
    }
  }

  /** Show one scenario (URL #/scenarios/ID) and make it side B of the comparison. */
  async open(id, { record = true } = {}) {
    this.$("sc-error").hidden = true;
    try {
      const { data: s } = await api("GET", `/v1/scenarios/${encodeURIComponent(id)}`);
      if (!this.items.some((x) => x.id === s.id)) {
        this.items.push(s);
        this.renderList();
        this.fillSides();
      }
      this.$("sc-b").value = `scenario:${s.id}`;
      this.$("sc-detail").innerHTML = `<h4>${esc(s.name)} <span class="badge">${esc(t("base year {year}", { year: s.base_year }))}</span></h4>
${dataTable(t("changes of {name}", { name: s.name }), [
  { key: "path", label: t("JSON path") }, { key: "op", label: t("Operation") }, { key: "table", label: t("Table") },
  { key: "id", label: t("Id") }, { key: "values", label: t("Values") }],
  s.changes.map((c, i) => ({ path: `$.changes[${i}]`, op: label(c.op), table: label(c.table), id: c.id, values: JSON.stringify(c.values) })), { open: true })}`;
      if (record && this.onOpen) this.onOpen(s.id);
    } catch (err) {
      this.fail(err);
    }
  }

  async create() {
    const out = this.$("sc-create-out");
    let body;
    try {
      body = JSON.parse(this.$("sc-json").value);
    } catch (err) {
      out.innerHTML = `<div class="error" role="alert">${problemHtml({ title: t("Not valid JSON"), detail: String(err.message) })}</div>`;
      return;
    }
    try {
      const { data } = await api("POST", "/v1/scenarios", body);
      out.innerHTML = `<p role="status">${esc(t("Scenario {name} created.", { name: data.name }))}</p>`;
      await this.refresh();
      await this.open(data.id);
    } catch (err) {
      out.innerHTML = `<div class="error" role="alert">${problemHtml(problemOf(err))}</div>`;
    }
  }

  async remove(id) {
    try {
      await api("DELETE", `/v1/scenarios/${encodeURIComponent(id)}`);
      this.$("sc-detail").innerHTML = "";
      await this.refresh();
    } catch (err) {
      this.fail(err);
    }
  }

  side(value) {
    const [kind, ref] = value.split(":");
    if (kind === "year") return { kind, year: Number(ref), name: t("Network {year}", { year: ref }) };
    const scenario = this.items.find((s) => s.id === ref);
    return { kind: "scenario", scenario, name: scenario ? scenario.name : ref };
  }

  /** Run one side's assignment job, showing its progress in ``box``; the result or null. */
  async runSide(side, req, box) {
    box.innerHTML = `<p role="status">${esc(t("Submitting…"))}</p>`;
    try {
      const res = await api("POST", req.path, req.body);
      const id = res.data.id;
      const job = await followJob(id, (j) => {
        box.innerHTML = `<p>${esc(side.name)} · <a href="#/jobs/${encodeURIComponent(id)}">${esc(t("job {id}", { id }))}</a></p>${progressHtml(j.progress, label(j.status))}`;
      });
      if (job.status !== "succeeded") {
        box.insertAdjacentHTML("beforeend", `<div class="error" role="alert">${problemHtml(job.error || { title: t("Job {status}.", { status: label(job.status) }) })}</div>`);
        return null;
      }
      const { data } = await api("GET", `/v1/jobs/${encodeURIComponent(id)}/result`);
      return data.result;
    } catch (err) {
      box.innerHTML = `<div class="error" role="alert">${problemHtml(problemOf(err))}</div>`;
      return null;
    }
  }

  /** The comparison's settings as in the form. */
  settings() {
    return {
      a: this.$("sc-a").value,
      b: this.$("sc-b").value,
      demandYear: Number(this.$("sc-demand").value),
      timeLimitS: Math.min(600, Math.max(1, Number(this.$("sc-limit").value) || 30)),
    };
  }

  /**
   * Reopen the comparison a URL names (#/scenarios?a=…&b=…&year=…&limit=…): fill the form
   * (loading the scenarios it names) and show its result, run again unless this tab has it.
   */
  async openComparison(params) {
    const want = [params.get("a"), params.get("b")].map(sideValue);
    for (const v of want) {
      const [kind, ref] = v.split(/:(.*)/s);
      if (kind !== "scenario" || !ref || this.items.some((s) => s.id === ref)) continue;
      try {
        const { data } = await api("GET", `/v1/scenarios/${encodeURIComponent(ref)}`);
        if (!this.items.some((s) => s.id === data.id)) this.items.push(data);
      } catch (err) {
        this.fail(err);
        return;
      }
    }
    this.fillSides();
    this.$("sc-a").value = want[0];
    this.$("sc-b").value = want[1];
    const demand = params.get("year");
    if (demand && [...this.$("sc-demand").options].some((o) => o.value === demand)) this.$("sc-demand").value = demand;
    if (params.get("limit")) this.$("sc-limit").value = params.get("limit");
    const key = comparisonParams(this.settings()).toString();
    if (this.shown.has(key)) {
      this.$("sc-compare").innerHTML = this.shown.get(key);
      return;
    }
    await this.compare({ record: false });
  }

  /** Run both sides; ``record: false`` keeps the address bar as it is. */
  async compare({ record = true } = {}) {
    const out = this.$("sc-compare");
    const settings = this.settings();
    const sides = [this.side(settings.a), this.side(settings.b)];
    const limit = settings.timeLimitS;
    const demand = settings.demandYear;
    const key = comparisonParams(settings).toString();
    if (record && this.onCompare) this.onCompare(comparisonParams(settings));
    out.innerHTML = `<div class="sc-jobs" aria-live="polite"><div id="sc-job-a"></div><div id="sc-job-b"></div></div><div id="sc-result"></div>`;
    if (sides.some((s) => s.kind === "scenario" && !s.scenario)) {
      out.innerHTML = `<div class="error" role="alert">${esc(t("Unknown scenario: refresh the list."))}</div>`;
      return;
    }
    const reqs = sides.map((s) => sideRequest(s, demand, limit));
    const results = [];
    for (const [i, s] of sides.entries()) {
      // one after the other: the job workers are shared with everyone else's jobs
      results.push(await this.runSide(s, reqs[i], this.$(i ? "sc-job-b" : "sc-job-a")));
    }
    if (results.every(Boolean)) {
      this.$("sc-result").innerHTML = comparisonHtml(sides, results);
      this.shown.set(key, out.innerHTML);
    }
  }
}

/** The side-by-side table and the tonnes-by-mode chart of two assignment results. */
export function comparisonHtml(sides, results) {
  const [a, b] = results.map(headline);
  const rows = [
    ["Rail (t)", "rail_t", fmt], ["Road (t)", "road_t", fmt], ["Unassigned (t)", "unassigned_t", fmt],
    ["Piggyback (t)", "piggyback_t", fmt], ["Drop-and-hook (t)", "drop_and_hook_t", fmt],
    ["Total demand (t)", "total_t", fmt], ["Rail share", "rail_share", (v) => `${(v * 100).toFixed(1)} %`],
    ["Cost (CNY)", "cost_cny", (v) => fmtCny(v)], ["CO2 (t)", "co2_t", fmt],
  ];
  const signed = (v, f) => (v > 0 ? "+" : v < 0 ? "−" : "") + f(Math.abs(v));
  const body = rows
    .map(([name, k, f]) => `<tr data-metric="${k}"><th scope="row">${esc(t(name))}</th><td class="num">${esc(f(a[k]))}</td><td class="num">${esc(f(b[k]))}</td><td class="num">${esc(signed(b[k] - a[k], f))}</td></tr>`)
    .join("");
  const modes = [t("Rail (t)"), t("Road (t)"), t("Unassigned (t)"), t("Piggyback (t)"), t("Drop-and-hook (t)")];
  return `<section class="scenario-comparison"><h4>${esc(t("{a} vs {b}", { a: sides[0].name, b: sides[1].name }))}</h4>
<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(t("Assignment on both sides"))}"><table id="sc-compare-table" class="data"><caption>${esc(t("Assignment on both sides"))}</caption>
<thead><tr><th scope="col">${esc(t("Measure"))}</th><th scope="col">${esc(sides[0].name)}</th><th scope="col">${esc(sides[1].name)}</th><th scope="col">${esc(t("B − A"))}</th></tr></thead>
<tbody>${body}</tbody></table></div>
${barChart({
  title: t("Tonnes by mode: {a} vs {b}", { a: sides[0].name, b: sides[1].name }),
  categories: modes,
  series: [a, b].map((h, i) => ({ name: sides[i].name, color: PALETTE[i], values: [h.rail_t, h.road_t, h.unassigned_t, h.piggyback_t, h.drop_and_hook_t] })),
  unit: "t",
})}</section>`;
}
