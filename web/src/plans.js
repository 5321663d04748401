// Plan views: every plan endpoint the service offers (found in its OpenAPI document), a
// parameters editor pre-filled with the documented example, job progress, and the result
// drawn as charts plus tables.

import { ApiProblem, api, deref, hasApiKey } from "./api.js";
import { barChart, fmt, progressHtml } from "./charts.js";
import { label, t } from "./i18n.js";
import { problemHtml } from "./route.js";
import { esc } from "./places.js";
import { go } from "./router.js";
import { mountView } from "./views.js";

export const KNOWN_PLANS = [
  {
    path: "/v1/fleet/plans",
    title: "Fleet plan: vehicles and chargers by year and site",
  },
  { path: "/v1/conversion-plans", title: "Conversion plan: bulk to container (散改集)" },
  { path: "/v1/assignments", title: "Assignment: utilisation of lines and stations" },
  { path: "/v1/fleet/routes", title: "Daily EV fleet routes" },
  { path: "/v1/network/resilience", title: "Network resilience study" },
  { path: "/v1/heavy-trucks/plans", title: "Heavy-truck plan: swap and charging stations, electrified lanes" },
];

const LABEL_KEYS = [
  "label", "name", "name_en", "id", "site", "node", "terminal", "station", "line", "link",
  "link_id", "node_id", "corridor", "flow", "commodity", "vehicle_type", "season", "year",
];

function isRecordArray(v) {
  return Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === "object" && !Array.isArray(x));
}

/** Every array of records inside ``obj`` with its dotted path (depth-first, bounded). */
export function recordArrays(obj, path = "result", out = [], depth = 0) {
  if (depth > 4 || !obj || typeof obj !== "object") return out;
  if (isRecordArray(obj)) {
    out.push({ path, rows: obj });
    return out;
  }
  if (Array.isArray(obj)) return out;
  for (const [k, v] of Object.entries(obj)) recordArrays(v, `${path}.${k}`, out, depth + 1);
  return out;
}

function labelOf(row) {
  const parts = [];
  if (row.year !== undefined && typeof row.year !== "object") parts.push(String(row.year));
  for (const k of LABEL_KEYS) {
    if (k === "year") continue;
    const v = row[k];
    if (typeof v === "string" || typeof v === "number") {
      parts.push(String(v));
      break;
    }
  }
  if (row.season && !parts.includes(String(row.season))) parts.push(String(row.season));
  return parts.join(" ") || "";
}

function numericKeys(rows) {
  const keys = new Set();
  for (const r of rows.slice(0, 50)) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "number" && Number.isFinite(v) && k !== "year" && k !== "rank") keys.add(k);
    }
  }
  return [...keys];
}

function pickChartKeys(keys) {
  const util = keys.filter((k) => /util/i.test(k));
  if (util.length) return { keys: util.slice(0, 2), kind: "util" };
  const ratio = keys.filter((k) => /per_charger|vehicles_per|ratio/i.test(k));
  if (ratio.length) return { keys: ratio.slice(0, 2), kind: "ratio" };
  // fleet routes: how long each route takes and how much of it is waiting
  const time = keys.filter((k) => k === "duration_min" || k === "waiting_min");
  if (time.length) return { keys: time, kind: "plain" };
  const fleet = keys.filter((k) => /vehicle|charger|fleet|trucks?\b/i.test(k));
  if (fleet.length) return { keys: fleet.slice(0, 3), kind: "plain" };
  const season = keys.filter((k) => /winter|summer/i.test(k));
  if (season.length) return { keys: season.slice(0, 3), kind: "plain" };
  const load = keys.filter((k) => /load|teu|tonnes|_t$|flow|capacity/i.test(k));
  if (load.length) return { keys: load.slice(0, 3), kind: "plain" };
  return { keys: keys.slice(0, 3), kind: "plain" };
}

/** Charts and tables for a result object (any plan kind). */
export function renderResult(result) {
  if (!result || typeof result !== "object") return `<pre>${esc(JSON.stringify(result, null, 2))}</pre>`;
  const scalars = Object.entries(result).filter(
    ([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v),
  );
  const summary = scalars.length
    ? `<dl class="summary">${scalars
        .map(([k, v]) => `<dt>${esc(label(k))}</dt><dd>${esc(typeof v === "number" ? fmt(v, 2) : v)}</dd>`)
        .join("")}</dl>`
    : "";
  const blocks = recordArrays(result).map(({ path, rows }) => {
    const keys = numericKeys(rows);
    let chart = "";
    if (keys.length) {
      const pick = pickChartKeys(keys);
      const shown = rows.slice(0, 24);
      const categories = shown.map((r, i) => labelOf(r) || String(i + 1));
      const series = pick.keys.map((k) => ({ name: label(k), values: shown.map((r) => r[k]) }));
      let limit;
      if (pick.kind === "util") {
        const max = Math.max(...series.flatMap((s) => s.values).filter(Number.isFinite));
        limit = { value: max <= 2 ? 1 : 100, label: t("capacity (100%)") };
      } else if (pick.kind === "ratio") {
        limit = { value: 4, label: t("4 vehicles per charger limit") };
      }
      chart = barChart({
        title: `${path.replace(/^result\.?/, "") || t("result")}: ${series.map((s) => s.name).join(", ")}`,
        categories,
        series,
        limit,
      });
    }
    const cols = Object.keys(rows[0]).filter((k) => rows.slice(0, 20).some((r) => r[k] !== null && typeof r[k] !== "object"));
    const body = rows
      .slice(0, 100)
      .map((r) => `<tr>${cols.map((c) => `<td${typeof r[c] === "number" ? ' class="num"' : ""}>${esc(typeof r[c] === "number" ? fmt(r[c], 2) : r[c])}</td>`).join("")}</tr>`)
      .join("");
    return `<section class="result-block"><h4>${esc(path)}</h4>${chart}
<details><summary>${esc(t("Table"))} (${esc(rows.length > 100 ? t("{n} rows, first {max} shown", { n: rows.length, max: 100 }) : t("{n} rows", { n: rows.length }))})</summary>
<div class="table-wrap"><table><thead><tr>${cols.map((c) => `<th scope="col">${esc(label(c))}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table></div></details></section>`;
  });
  return summary + blocks.join("") + `<details><summary>${esc(t("Raw JSON"))}</summary><pre>${esc(JSON.stringify(result, null, 2).slice(0, 20000))}</pre></details>`;
}

function exampleFor(doc, op) {
  const c = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  if (!c) return {};
  if (c.example) return c.example;
  if (c.examples) {
    const first = Object.values(c.examples)[0];
    if (first && first.value) return first.value;
  }
  const schema = deref(doc, c.schema);
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.example) return schema.example;
  return {};
}

/** Show a result: its dedicated view when the shape is known, else generic charts + tables. */
export function mountResult(el, result, ctx = {}) {
  if (!mountView(el, result, ctx)) el.innerHTML = renderResult(result);
}

/** "2035" -> {year}, "2026-2035" -> {years: "2026-2035"}, "2026, 2030" -> {years: [..]}. */
export function parseYears(text) {
  const t = String(text || "").trim();
  if (/^\d{4}$/.test(t)) return { year: Number(t) };
  if (/^\d{4}\s*-\s*\d{4}$/.test(t)) return { years: t.replace(/\s+/g, "") };
  const list = t.split(/[\s,;]+/).filter(Boolean);
  if (list.length && list.every((y) => /^\d{4}$/.test(y))) return { years: list.map(Number) };
  return null;
}

function fleetFormHtml(i, example) {
  const years = example.year ?? (Array.isArray(example.years) ? example.years.join(", ") : example.years ?? 2035);
  return `<form class="plan-form fleet-form" data-i="${i}" novalidate>
<div class="field"><label for="fleet-years-${i}">${esc(t("Years"))}</label>
<input id="fleet-years-${i}" name="years" value="${esc(years)}" aria-describedby="fleet-years-${i}-hint" inputmode="numeric">
<span id="fleet-years-${i}-hint" class="hint">${esc(t("2026–2035: 2035, 2026-2035 or 2026, 2030"))}</span></div>
<div class="field"><label for="fleet-limit-${i}">${esc(t("Time limit (s)"))}</label>
<input id="fleet-limit-${i}" name="time_limit_s" type="number" min="1" max="3600" value="${esc(example.time_limit_s ?? 600)}"></div>
<div class="field"><label for="fleet-stops-${i}">${esc(t("Max stops a day"))}</label>
<input id="fleet-stops-${i}" name="max_stops" type="number" min="1" value="${esc(example.max_stops ?? "")}" aria-describedby="fleet-stops-${i}-hint">
<span id="fleet-stops-${i}-hint" class="hint">${esc(t("quick sampled run; empty: every stop"))}</span></div>
<div class="field"><label for="fleet-seed-${i}">${esc(t("Seed"))}</label>
<input id="fleet-seed-${i}" name="seed" type="number" min="0" value="${esc(example.seed ?? 0)}"></div>
</form>`;
}

/** Form fields -> the JSON body in the textarea (the textarea stays the one source sent). */
function syncFleetForm(form, textarea) {
  let body;
  try {
    body = JSON.parse(textarea.value || "{}");
  } catch {
    body = {};
  }
  delete body.year;
  delete body.years;
  const y = parseYears(form.elements.years.value);
  Object.assign(body, y || { years: form.elements.years.value });
  for (const k of ["time_limit_s", "max_stops", "seed"]) {
    const v = form.elements[k].value;
    if (v === "") delete body[k];
    else body[k] = Number(v);
  }
  textarea.value = JSON.stringify(body, null, 2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll a job until it ends; ``onTick(job)`` after each poll. Returns the final job. */
export async function followJob(id, onTick, signal) {
  for (;;) {
    const { data: job } = await api("GET", `/v1/jobs/${encodeURIComponent(id)}`, undefined, { signal });
    onTick(job);
    if (["succeeded", "failed", "cancelled"].includes(job.status)) return job;
    await sleep(600);
  }
}

export async function runAndShow(method, path, body, out) {
  out.innerHTML = `<p role="status">${esc(t("Submitting…"))}</p>`;
  try {
    const res = await api(method, path, body);
    if (res.status === 202 && res.data && res.data.id) {
      return await showJob(res.data.id, out);
    }
    mountResult(out, res.data);
  } catch (err) {
    out.innerHTML = `<div class="error" role="alert">${problemHtml(err instanceof ApiProblem ? err.problem : { title: String(err) })}</div>`;
  }
  return null;
}

export async function showJob(id, out) {
  out.innerHTML = `<div class="job" aria-live="polite"><p>${esc(t("Job"))} <code>${esc(id)}</code> · <a href="#/jobs/${encodeURIComponent(id)}">${esc(t("Link to this job"))}</a></p><div class="job-state"></div>
<button type="button" class="cancel">${esc(t("Cancel job"))}</button></div><div class="job-result"></div>`;
  const state = out.querySelector(".job-state");
  const cancel = out.querySelector(".cancel");
  cancel.addEventListener("click", async () => {
    try {
      await api("DELETE", `/v1/jobs/${encodeURIComponent(id)}`);
    } catch (err) {
      state.insertAdjacentHTML("beforeend", `<div class="error" role="alert">${problemHtml(err.problem || {})}</div>`);
    }
  });
  try {
    const job = await followJob(id, (j) => {
      state.innerHTML = progressHtml(j.progress, `${label(j.status)}${j.message ? ` — ${j.message}` : ""}`);
    });
    cancel.remove();
    const target = out.querySelector(".job-result");
    if (job.status === "succeeded") {
      const { data } = await api("GET", `/v1/jobs/${encodeURIComponent(id)}/result`);
      mountResult(target, data.result, { jobId: id, kind: job.kind });
      if (data.partial && !target.querySelector(".warn")) {
        target.insertAdjacentHTML("afterbegin", `<p class="warn">${esc(t("Partial result: the time limit stopped the search early."))}</p>`);
      }
    } else if (job.error) {
      target.innerHTML = `<div class="error" role="alert">${problemHtml(job.error)}</div>`;
    } else {
      target.innerHTML = `<p>${esc(t("Job {status}.", { status: label(job.status) }))}</p>`;
    }
    return job;
  } catch (err) {
    state.innerHTML = `<div class="error" role="alert">${problemHtml(err.problem || { title: String(err) })}</div>`;
    return null;
  }
}

export class PlansPanel {
  constructor(el) {
    this.el = el;
    this.el.innerHTML = `<p>${esc(t("Loading the list of plan services…"))}</p>`;
  }

  adoptSchema(doc) {
    const found = [];
    const seen = new Set();
    const paths = (doc && doc.paths) || {};
    for (const known of KNOWN_PLANS) {
      const op = paths[known.path] && paths[known.path].post;
      if (op) {
        found.push({ ...known, op });
        seen.add(known.path);
      }
    }
    for (const [path, item] of Object.entries(paths)) {
      const op = item.post;
      if (!op || seen.has(path) || path === "/v1/jobs" || !(op.responses && op.responses["202"])) continue;
      found.push({ path, title: op.summary || path, op, own: true });
    }
    if (!found.length) {
      this.el.innerHTML = `<p>${esc(t("This service offers no plan endpoints yet."))}</p>`;
      return;
    }
    this.el.innerHTML = `<p class="hint">${esc(t("Plans and jobs need an API key (planner role): enter it at the top."))}</p>` +
      found
        .map((f, i) => {
          const ex = exampleFor(doc, f.op);
          const example = JSON.stringify(ex, null, 2);
          return `<section class="plan" data-path="${esc(f.path)}" aria-labelledby="plan-h-${i}">
<h3 id="plan-h-${i}">${esc(f.own ? f.title : t(f.title))}</h3>
<p class="hint"><code>POST ${esc(f.path)}</code>${f.op.summary ? ` — ${esc(f.op.summary)}` : ""}</p>
${f.path === "/v1/fleet/plans" ? fleetFormHtml(i, ex) : ""}
<details><summary>${esc(t("Parameters (JSON)"))}</summary>
<label for="plan-body-${i}" class="sr-only">${esc(t("Parameters of {plan} as JSON", { plan: f.own ? f.title : t(f.title) }))}</label>
<textarea id="plan-body-${i}" rows="10" spellcheck="false">${esc(example)}</textarea></details>
<button type="button" class="primary run-plan" data-i="${i}" data-path="${esc(f.path)}">${esc(t("Run"))}</button>
<div class="plan-out" id="plan-out-${i}"></div></section>`;
        })
        .join("");
    this.el.querySelectorAll("form.fleet-form").forEach((form) => {
      const textarea = this.el.querySelector(`#plan-body-${form.dataset.i}`);
      form.addEventListener("input", () => syncFleetForm(form, textarea));
      // Enter in any field runs the plan (a form of several fields has no implicit submit)
      form.addEventListener("submit", (ev) => ev.preventDefault());
      form.addEventListener("keydown", (ev) => {
        if (ev.key !== "Enter" || ev.isComposing) return;
        ev.preventDefault();
        syncFleetForm(form, textarea);
        this.el.querySelector(`button.run-plan[data-i="${form.dataset.i}"]`).click();
      });
    });
    this.el.querySelectorAll("button.run-plan").forEach((b) =>
      b.addEventListener("click", async () => {
        const i = b.dataset.i;
        const out = this.el.querySelector(`#plan-out-${i}`);
        let body;
        try {
          body = JSON.parse(this.el.querySelector(`#plan-body-${i}`).value || "{}");
        } catch (err) {
          out.innerHTML = `<div class="error" role="alert">${problemHtml({ title: t("The parameters are not valid JSON"), detail: err.message })}</div>`;
          return;
        }
        if (!hasApiKey()) {
          out.innerHTML = `<p class="hint">${esc(t("No API key entered: the service will probably refuse (401)."))}</p>`;
        }
        b.disabled = true;
        try {
          await runAndShow("POST", b.dataset.path, body, out);
        } finally {
          b.disabled = false;
        }
      }),
    );
  }
}

export class JobsPanel {
  constructor(el) {
    this.el = el;
    this.el.innerHTML = `<button type="button" id="jobs-refresh">${esc(t("Refresh the job list"))}</button>
<div id="jobs-list" aria-live="polite"></div><div id="job-view"></div>`;
    this.el.querySelector("#jobs-refresh").addEventListener("click", () => this.refresh());
  }

  async refresh() {
    const list = this.el.querySelector("#jobs-list");
    list.innerHTML = `<p>${esc(t("Loading…"))}</p>`;
    try {
      const { data } = await api("GET", "/v1/jobs?limit=20");
      const items = Array.isArray(data) ? data : data.items || data.jobs || [];
      if (!items.length) {
        list.innerHTML = `<p>${esc(t("No jobs yet."))}</p>`;
        return;
      }
      const th = (x) => `<th scope="col">${esc(t(x))}</th>`;
      list.innerHTML = `<div class="table-wrap"><table><caption>${esc(t("Recent jobs"))}</caption><thead><tr>${["Job", "Kind", "Status", "Progress"].map(th).join("")}<th scope="col"><span class="sr-only">${esc(t("Open"))}</span></th></tr></thead><tbody>${items
        .map(
          (j) => `<tr><td><code>${esc(String(j.id).slice(0, 12))}</code></td><td>${esc(label(j.kind))}</td><td>${esc(label(j.status))}</td><td>${progressHtml(j.progress, "")}</td><td><button type="button" data-id="${esc(j.id)}">${esc(t("Open"))}<span class="sr-only"> ${esc(t("job {id}", { id: j.id }))}</span></button></td></tr>`,
        )
        .join("")}</tbody></table></div>`;
      list.querySelectorAll("button[data-id]").forEach((b) =>
        b.addEventListener("click", () => {
          go("jobs", b.dataset.id);
          showJob(b.dataset.id, this.el.querySelector("#job-view"));
        }),
      );
    } catch (err) {
      list.innerHTML = `<div class="error" role="alert">${problemHtml(err.problem || { title: String(err) })}</div>`;
    }
  }
}
