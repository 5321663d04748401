// Dedicated views for the plan results the service computes: the fleet plan (the typed model
// freight/fleet/plan/model.py: FleetPlan / FleetPlanSet, field names as in its JSON schema,
// checked by tests/web/test_fleet_plan_view.py), the conversion plan (freight/conversion
// to_json) and the assignment (freight/assign to_dict).
// Each view is charts first, every chart with a text alternative (aria-label summary) and its
// data table. ``kindOf`` recognises a result by its shape, so the Jobs tab shows the same views.

import { ApiProblem, apiText } from "./api.js";
import { barChart, dataTable, fmt, hbarChart, PALETTE, stackedBarChart } from "./charts.js";
import { esc, placeName, placeNameHtml } from "./places.js";
import { bindHeavyTruck, heavyTruckHtml, isHeavyTruckPlan } from "./trucks.js";

let netmap = null;
/** The network map, for the assignment's utilisation overlay and place names. */
export function setViewMap(m) {
  netmap = m;
}

const pct = (v, d = 1) => (Number.isFinite(v) ? `${(v * 100).toFixed(d)} %` : "–");
const label = (s) => String(s ?? "").replace(/_/g, " ");
const placeHtml = (id) => {
  const p = netmap && netmap.nodesById.get(id);
  return p ? placeNameHtml(p) : esc(id ?? "–");
};
const placeText = (id) => {
  const p = netmap && netmap.nodesById.get(id);
  return p ? placeName(p) : String(id ?? "–");
};

/** "fleet" | "trucks" | "conversion" | "assignment" | null, from a result's kind or else its shape. */
export function kindOf(r) {
  if (!r || typeof r !== "object") return null;
  if (r.kind === "fleet-plan" || r.kind === "fleet-plan-set") return "fleet";
  if (isHeavyTruckPlan(r)) return "trucks";
  if (Array.isArray(r.plans) && r.plans.length && Array.isArray(r.plans[0].vehicles)) return "fleet";
  if (Array.isArray(r.vehicles) && Array.isArray(r.chargers)) return "fleet";
  if (Array.isArray(r.flows) && Array.isArray(r.terminals) && r.pool) return "conversion";
  if (Array.isArray(r.utilization) && "tonnes_total" in r) return "assignment";
  return null;
}

function kpi(k, v, state) {
  return `<div class="kpi${state ? ` ${state}` : ""}"><div class="v">${v}</div><div class="k">${esc(k)}</div></div>`;
}

/** Columns marked ``optional`` only when some row carries a value (older plans lack them);
 * ``nonZero`` ones only when some value is non-zero. */
function presentCols(cols, rows) {
  return cols.filter(
    (c) =>
      (!c.optional && !c.nonZero) ||
      rows.some((r) => r[c.key] !== undefined && r[c.key] !== null && (!c.nonZero || Number(r[c.key]) !== 0)),
  );
}

function sumBy(rows, key, val) {
  const m = new Map();
  for (const r of rows) m.set(r[key], (m.get(r[key]) || 0) + (Number(r[val]) || 0));
  return m;
}

// ---------------------------------------------------------------- fleet plan

function fleetYearHtml(p) {
  const pol = p.policy || {};
  const maxRatio = pol.max_vehicles_per_charger ?? 4;
  const minReefer = pol.min_refrigerated_share ?? 0.005;
  const vehicles = p.vehicles || [];
  const chargers = p.chargers || [];
  const depots = [...new Set(vehicles.map((v) => v.depot))].sort();
  const types = [...new Set(vehicles.map((v) => v.type))].sort();
  const byDepotType = types.map((t, j) => ({
    name: label(t),
    color: PALETTE[j % PALETTE.length],
    values: depots.map((d) =>
      vehicles.filter((v) => v.depot === d && v.type === t).reduce((s, v) => s + v.count, 0),
    ),
  }));
  const sites = [...new Set(chargers.map((c) => c.site))];
  const powers = [...new Set(chargers.map((c) => c.power_kw))].sort((a, b) => a - b);
  const chargerSeries = powers.map((kw, j) => ({
    name: `${fmt(kw)} kW`,
    color: PALETTE[(j + 2) % PALETTE.length],
    values: sites.map((s) =>
      chargers.filter((c) => c.site === s && c.power_kw === kw).reduce((a, c) => a + c.count, 0),
    ),
  }));
  const peak = sumBy(chargers, "site", "peak_kw");
  const peakItems = [...peak.entries()]
    .map(([s, v]) => ({ label: s, value: v }))
    .sort((a, b) => b.value - a.value);
  const ratios = [
    { label: "City-wide", value: p.vehicles_per_charger },
    ...(p.vehicles_per_charger_by_depot || []).map((d) => ({
      label: d.depot,
      value: d.ratio,
      note: `${d.plug_in_vehicles} plug-in vehicles, ${d.chargers} chargers`,
    })),
  ];
  const days = p.daily_check || [];
  const hasDuties = days.some((d) => d.duty_lower_bound != null || d.duties_with_midday_charge != null);
  const dayCols = presentCols([
    { key: "day", label: "Day" },
    { key: "stops", label: "Stops" },
    { key: "served", label: "Served" },
    { key: "unserved", label: "Unserved" },
    { key: "routes", label: "Routes", optional: true },
    { key: "vehicles_used", label: hasDuties ? "Vehicles used (duties)" : "Vehicles used" },
    { key: "duty_lower_bound", label: "Duty lower bound", optional: true },
    { key: "duties_with_midday_charge", label: "Duties with midday charge", optional: true },
    { key: "distance_km", label: "Distance (km)" },
    { key: "energy_kwh", label: "Energy (kWh)" },
    { key: "verified", label: "Verified", fmt: (v) => (v ? "yes" : "<strong class=over>no</strong>") },
    { key: "wall_s", label: "Wall (s)" },
  ], days);
  const chargerCols = presentCols([
    { key: "site", label: "Site" }, { key: "depot", label: "Depot" }, { key: "power_kw", label: "Power (kW)" },
    { key: "count", label: "Count" }, { key: "peak_kw", label: "Peak (kW)" }, { key: "energy_kwh", label: "Energy (kWh)" },
    { key: "midday_kwh", label: "Midday (kWh)", nonZero: true },
    { key: "midday_peak_kw", label: "Midday peak (kW)", nonZero: true },
    { key: "midday_vehicles", label: "Midday vehicles", nonZero: true },
    { key: "occupancy", label: "Occupancy", fmt: (v) => pct(v, 0) }, { key: "energy_cost_cny", label: "Energy cost (CNY)" },
    { key: "short_kwh", label: "Short (kWh)" }, { key: "binding", label: "Binding" }], chargers);
  const dayBars = days.some((d) => d.routes != null)
    ? [["routes", "routes"], ["vehicles used", "vehicles_used"], ["unserved stops", "unserved"]]
    : [["vehicles used", "vehicles_used"], ["unserved stops", "unserved"]];
  const cost = p.cost || {};
  return `<h4>Year ${esc(p.year)}${p.sampled ? ' <span class="badge">sampled</span>' : ""}${p.partial ? ' <span class="badge">partial</span>' : ""}</h4>
${stackedBarChart({ title: `Fleet by depot and vehicle type, ${p.year}`, categories: depots, series: byDepotType, unit: "vehicles" })}
${dataTable(`vehicles ${p.year}`, [
  { key: "depot", label: "Depot" }, { key: "type", label: "Type" }, { key: "powertrain", label: "Powertrain" },
  { key: "refrigerated", label: "Refrigerated", fmt: (v) => (v ? "yes" : "no") }, { key: "battery_kwh", label: "Battery (kWh)" },
  { key: "count", label: "Count" }], vehicles)}
${stackedBarChart({ title: `Chargers by site and power, ${p.year}`, categories: sites, series: chargerSeries, unit: "chargers" })}
${hbarChart({ title: `Peak charging load by site, ${p.year} (kW)`, items: peakItems, unit: "kW" })}
${dataTable(`chargers ${p.year}`, chargerCols, chargers)}
${hbarChart({ title: `Plug-in vehicles per charger, ${p.year} (limit ${maxRatio}:1)`, items: ratios, limit: { value: maxRatio, label: `${maxRatio}:1 limit` }, flagAt: maxRatio + 1e-9 })}
${dataTable(`vehicles per charger ${p.year}`, [
  { key: "label", label: "Depot" }, { key: "value", label: "Vehicles per charger" }, { key: "note", label: "Detail" }], ratios)}
${barChart({ title: `Winter vs summer representative day, ${p.year}: ${dayBars.map(([t]) => t).join(", ")}`, categories: dayBars.map(([t]) => t), series: days.map((d) => ({ name: d.day, color: d.day === "winter" ? "#2e86c1" : "#e67e22", values: dayBars.map(([, k]) => d[k]) })) })}
${dataTable(`daily check ${p.year}`, dayCols, days, { open: true })}
<p>Overnight energy: ${p.overnight_energy_ok ? "enough" : '<strong class="over">not enough</strong>'} · refrigerated share ${pct(p.refrigerated_share, 2)} (minimum ${pct(minReefer, 1)})</p>
${Object.keys(cost).length ? dataTable(`cost ${p.year}`, [{ key: "k", label: "Item" }, { key: "v", label: "CNY per year" }], Object.entries(cost).map(([k, v]) => ({ k: label(k), v }))) : ""}
${pol.note ? `<p class="hint">${esc(pol.note)}</p>` : ""}`;
}

function fleetHtml(r, ctx) {
  const plans = Array.isArray(r.plans) ? r.plans : [r];
  const last = plans[plans.length - 1] || {};
  const pol = last.policy || {};
  const maxRatio = pol.max_vehicles_per_charger ?? 4;
  const minReefer = pol.min_refrigerated_share ?? 0.005;
  const target = pol.target_new_energy_vehicles ?? 3000;
  const years = plans.map((p) => String(p.year));
  const types = [...new Set(plans.flatMap((p) => (p.vehicles || []).map((v) => v.type)))].sort();
  const count = (p) => (p.vehicles || []).reduce((s, v) => s + v.count, 0);
  const nChargers = (p) => (p.chargers || []).reduce((s, c) => s + c.count, 0);
  const ratioOk = last.vehicles_per_charger <= maxRatio;
  const reeferOk = last.refrigerated_share >= minReefer;
  const planned = pol.planned_new_energy_vehicles ?? count(last);
  const kpis = `<div class="kpis">
${kpi(`vehicles ${last.year}`, fmt(count(last)))}
${kpi(`chargers ${last.year}`, fmt(nChargers(last)))}
${kpi(`vehicles per charger (limit ${maxRatio})`, fmt(last.vehicles_per_charger, 2), ratioOk ? "ok" : "bad")}
${kpi(`refrigerated share (min ${pct(minReefer, 1)})`, pct(last.refrigerated_share, 2), reeferOk ? "ok" : "bad")}
${kpi(`planned new-energy vs target ${fmt(target)}`, `${fmt(planned)} / ${fmt(target)}`)}
${last.cost && last.cost.total_cny_per_year !== undefined ? kpi("total cost (CNY/yr)", fmt(last.cost.total_cny_per_year)) : ""}
${kpi("wall time (s)", fmt(r.wall_s ?? last.wall_s))}
</div>`;
  const fleetSeries = types.map((t, j) => ({
    name: label(t),
    color: PALETTE[j % PALETTE.length],
    values: plans.map((p) => (p.vehicles || []).filter((v) => v.type === t).reduce((s, v) => s + v.count, 0)),
  }));
  const overview = `${stackedBarChart({ title: "Fleet by year and vehicle type", categories: years, series: fleetSeries, unit: "vehicles" })}
${dataTable("fleet by year and type", [{ key: "year", label: "Year" }, ...types.map((t) => ({ key: t, label: label(t) })), { key: "total", label: "Total" }],
  plans.map((p) => ({ year: String(p.year), total: count(p), ...Object.fromEntries(types.map((t, j) => [t, fleetSeries[j].values[plans.indexOf(p)]])) })))}
${barChart({ title: `New-energy vehicles planned vs policy target ${fmt(target)} (${pol.target_year ?? 2035})`, categories: years, series: [{ name: "planned new-energy vehicles", values: plans.map((p) => (p.policy || {}).planned_new_energy_vehicles ?? count(p)) }], limit: { value: target, label: `policy target ${fmt(target)}` }, unit: "vehicles" })}
${barChart({ title: `Vehicles per charger, city-wide, by year (limit ${maxRatio}:1)`, categories: years, series: [{ name: "vehicles per charger", color: "#17becf", values: plans.map((p) => p.vehicles_per_charger) }], limit: { value: maxRatio, label: `${maxRatio}:1 limit` } })}
${barChart({ title: `Refrigerated share by year (minimum ${pct(minReefer, 1)})`, categories: years, series: [{ name: "refrigerated share (%)", color: "#9467bd", values: plans.map((p) => (p.refrigerated_share || 0) * 100) }], limit: { value: minReefer * 100, label: `minimum ${pct(minReefer, 1)}` }, unit: "%" })}
${plans.length > 1 ? barChart({ title: "Winter vs summer: vehicles used on the representative day, by year", categories: years, series: ["winter", "summer"].map((d) => ({ name: d, color: d === "winter" ? "#2e86c1" : "#e67e22", values: plans.map((p) => ((p.daily_check || []).find((x) => x.day === d) || {}).vehicles_used) })), unit: "vehicles" }) : ""}`;
  const select =
    plans.length > 1
      ? `<label for="fleet-year">Details for year</label> <select id="fleet-year" class="fleet-year">${plans
          .map((p, i) => `<option value="${i}"${i === plans.length - 1 ? " selected" : ""}>${esc(p.year)}</option>`)
          .join("")}</select>`
      : "";
  const report =
    typeof r.report_md === "string" && r.report_md
      ? `<p><a class="download report-md" download="${fleetFileName(years)}.md" href="#">Download the report (Markdown, with SVG charts)</a>${
          ctx.jobId && ctx.kind === "fleet-plan"
            ? ` · <button type="button" class="report-html">Download it as HTML</button><span class="report-err" role="alert"></span>`
            : ""
        }</p>`
      : "";
  return `<section class="fleet-view" aria-label="Fleet plan">
${r.partial || last.partial ? '<p class="warn">Partial plan: the time limit cut it short (best plan so far).</p>' : ""}
${last.sampled ? '<p class="hint">Sampled run (max_stops): figures are for a subsample of each representative day.</p>' : ""}
${kpis}${report}${overview}${select}<div class="fleet-year-detail">${fleetYearHtml(last)}</div></section>`;
}

function fleetFileName(years) {
  return `fleet-plan-${esc(years.length > 1 ? `${years[0]}-${years[years.length - 1]}` : years[0])}`;
}

function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

function bindFleet(el, r, ctx) {
  const plans = Array.isArray(r.plans) ? r.plans : [r];
  const sel = el.querySelector("select.fleet-year");
  if (sel) {
    sel.addEventListener("change", () => {
      el.querySelector(".fleet-year-detail").innerHTML = fleetYearHtml(plans[Number(sel.value)]);
    });
  }
  const a = el.querySelector("a.report-md");
  if (a) a.href = URL.createObjectURL(new Blob([r.report_md], { type: "text/markdown;charset=utf-8" }));
  const html = el.querySelector("button.report-html");
  if (html) {
    html.addEventListener("click", async () => {
      const err = el.querySelector(".report-err");
      err.textContent = "";
      html.disabled = true;
      try {
        const text = await apiText(`/v1/fleet/plans/${encodeURIComponent(ctx.jobId)}/report?format=html`);
        download(`${fleetFileName(plans.map((p) => String(p.year)))}.html`, text, "text/html;charset=utf-8");
      } catch (e) {
        err.textContent = ` ${e instanceof ApiProblem ? e.message : String(e)}`;
      } finally {
        html.disabled = false;
      }
    });
  }
}

// ---------------------------------------------------------------- conversion plan

function conversionHtml(r) {
  const flows = r.flows || [];
  const terms = r.terminals || [];
  const k = r.kpis || {};
  const pool = r.pool || {};
  const converted = flows.filter((f) => f.terminal);
  const termIds = [...new Set([...terms.map((t) => t.id), ...converted.map((f) => f.terminal)])];
  const commodities = [...new Set(converted.map((f) => f.commodity))].sort();
  const byTerm = commodities.map((c, j) => ({
    name: label(c),
    color: PALETTE[j % PALETTE.length],
    values: termIds.map((t) => converted.filter((f) => f.terminal === t && f.commodity === c).reduce((s, f) => s + f.tonnes, 0)),
  }));
  const modes = [...new Set(flows.map((f) => f.mode))].sort();
  const byMode = modes.map((m, j) => ({
    name: label(m),
    color: ["#8c564b", "#1f3a93", "#e67e22"][j % 3],
    values: [flows.filter((f) => f.mode === m).reduce((s, f) => s + f.tonnes, 0)],
  }));
  const util = terms
    .map((t) => ({ label: placeText(t.id), value: t.utilization_peak, note: `${fmt(t.throughput_t)} t/yr, ${t.equipment ?? ""}` }))
    .sort((a, b) => b.value - a.value);
  const kpis = `<div class="kpis">
${kpi("status", esc(r.status))}
${kpi("cost (CNY/yr)", fmt(r.objective_cny))}
${kpi("gap", pct(r.gap, 2))}
${k.converted_share !== undefined ? kpi("converted share", pct(k.converted_share)) : ""}
${k.rail_share !== undefined ? kpi("rail share", pct(k.rail_share)) : ""}
${k.co2_t !== undefined ? kpi("CO₂ (t/yr)", fmt(k.co2_t)) : ""}
${kpi("container pool (TEU)", fmt(r.containers_teu ?? (pool.owned_teu || 0) + (pool.leased_teu || 0)))}
${kpi("owned / leased TEU", `${fmt(pool.owned_teu)} / ${fmt(pool.leased_teu)}`)}
</div>`;
  const baselines = r.baselines
    ? dataTable("cost against the baselines", [{ key: "k", label: "Plan" }, { key: "v", label: "Cost (CNY/yr)", fmt: (v) => (v === null ? "infeasible" : fmt(v)) }],
        [{ k: "this plan", v: r.objective_cny }, ...Object.entries(r.baselines).map(([kk, v]) => ({ k: label(kk), v }))], { open: true })
    : "";
  return `<section class="conversion-view" aria-label="Conversion plan">
${r.partial ? '<p class="warn">Partial result: the time limit stopped the search early.</p>' : ""}${kpis}
${stackedBarChart({ title: "Converted tonnes by terminal and commodity (t/yr)", categories: termIds.map(placeText), series: byTerm, unit: "t" })}
${stackedBarChart({ title: "Tonnes by mode (t/yr)", categories: ["all flows"], series: byMode, unit: "t" })}
${dataTable("converted flows by terminal", [
  { key: "id", label: "Terminal", fmt: (v) => placeHtml(v) }, { key: "flows", label: "Flows" },
  { key: "tonnes", label: "Tonnes/yr" }, { key: "commodities", label: "Commodities" }],
  termIds.map((t) => {
    const fs = converted.filter((f) => f.terminal === t);
    return { id: t, flows: fs.length, tonnes: fs.reduce((a, f) => a + f.tonnes, 0), commodities: [...new Set(fs.map((f) => label(f.commodity)))].join(", ") };
  }), { open: true })}
${dataTable("flows: which convert where", [
  { key: "id", label: "Flow" }, { key: "commodity", label: "Commodity", fmt: (v) => esc(label(v)) },
  { key: "tonnes", label: "Tonnes/yr" }, { key: "mode", label: "Mode", fmt: (v) => esc(label(v)) },
  { key: "terminal", label: "Terminal", fmt: (v) => (v ? placeHtml(v) : "–") }, { key: "cost_cny", label: "Cost (CNY/yr)" }], [...flows].sort((a, b) => String(a.terminal ?? "~").localeCompare(String(b.terminal ?? "~")) || b.tonnes - a.tonnes))}
${hbarChart({ title: "Terminal peak load vs capacity", items: util, percent: true, limit: { value: 1, label: "capacity" }, flagAt: 0.9 })}
${barChart({ title: "Terminal throughput (t/yr)", categories: terms.map((t) => placeText(t.id)), series: [{ name: "throughput t/yr", values: terms.map((t) => t.throughput_t) }], unit: "t" })}
${dataTable("terminals", [
  { key: "id", label: "Terminal", fmt: (v) => placeHtml(v) }, { key: "equipment", label: "Equipment" },
  { key: "throughput_t", label: "Throughput (t/yr)" }, { key: "utilization_peak", label: "Peak load / capacity", fmt: (v) => `<span class="${v >= 0.9 ? "over" : ""}">${pct(v)}</span>` },
  { key: "cost_cny", label: "Cost (CNY/yr)" }], terms)}
${stackedBarChart({ title: "Container pool (TEU)", categories: ["pool"], series: [{ name: "owned", color: "#1f77b4", values: [pool.owned_teu || 0] }, { name: "leased", color: "#ff7f0e", values: [pool.leased_teu || 0] }], unit: "TEU" })}
${baselines}</section>`;
}

// ---------------------------------------------------------------- assignment

const UTIL_COLORS = [
  [0.6, "#27ae60", "under 60 %"],
  [0.9, "#f1c40f", "60–90 %"],
  [1.0, "#e67e22", "90–100 %"],
  [Infinity, "#c0392b", "over 100 %"],
];
export function utilColor(ratio) {
  return UTIL_COLORS.find(([lim]) => ratio < lim)[1];
}

function assignmentHtml(r) {
  const util = r.utilization || [];
  const linkName = (id) => id;
  const isRail = (u) => {
    const l = netmap && netmap.linksById.get(u.id);
    return !l || /rail|siding/.test(l.mode || "");
  };
  const items = (kind, name) =>
    util
      .filter((u) => u.kind === kind && (kind !== "link" || isRail(u)))
      .sort((a, b) => b.ratio - a.ratio)
      .map((u) => ({ label: name(u.id), value: u.ratio, note: `${fmt(u.load)} of ${fmt(u.capacity)} ${u.unit} in ${u.period}` }));
  const lines = items("link", linkName);
  const stations = items("terminal", placeText);
  const services = items("service", (id) => id);
  const over = util.filter((u) => u.ratio > 0.9).length;
  const kpis = `<div class="kpis">
${kpi("year", esc(r.year ?? "–"))}
${kpi("tonnes assigned", `${fmt(r.tonnes_assigned)} / ${fmt(r.tonnes_total)}`)}
${kpi("unassigned (t)", fmt(r.tonnes_unassigned), r.tonnes_unassigned > 0 ? "bad" : "ok")}
${kpi("rail share", pct(r.rail_share))}
${kpi("cost (CNY)", fmt(r.objective_cny))}
${kpi("CO₂ (t)", fmt((r.co2_kg || 0) / 1000))}
${kpi("resources over 90 %", String(over), over ? "bad" : "ok")}
${kpi("LP status", esc(r.lp_status))}
</div>`;
  const chart = (title, its) =>
    its.length
      ? hbarChart({ title: `${title} (peak month, top ${Math.min(its.length, 25)} of ${its.length})`, items: its.slice(0, 25), percent: true, limit: { value: 1, label: "capacity" }, flagAt: 0.9 })
      : "";
  const cols = [
    { key: "id", label: "Resource" }, { key: "kind", label: "Kind" }, { key: "period", label: "Peak month" },
    { key: "load", label: "Load" }, { key: "capacity", label: "Capacity" }, { key: "unit", label: "Unit" },
    { key: "ratio", label: "Utilisation", fmt: (v) => `<span class="${v > 0.9 ? "over" : ""}">${pct(v)}${v > 0.9 ? " ⚠" : ""}</span>` },
  ];
  const legend = `<div class="util-legend" aria-hidden="true">${UTIL_COLORS.map(([, c, t]) => `<span style="--c:${c}">${t}</span>`).join("")}</div>`;
  return `<section class="assignment-view" aria-label="Assignment">
${r.partial ? '<p class="warn">Partial result: the LP did not reach optimality.</p>' : ""}${kpis}
<p><button type="button" class="util-map" aria-pressed="false">Colour the map by utilisation</button></p>${legend}
${chart("Rail line utilisation", lines)}
${chart("Station and terminal utilisation", stations)}
${chart("Train service utilisation", services)}
${dataTable("utilisation of every resource (over 90 % flagged)", cols, [...util].sort((a, b) => b.ratio - a.ratio).map((u) => ({ ...u, _over: u.ratio > 0.9 })))}
${Array.isArray(r.unassigned) && r.unassigned.length ? `<p class="warn">${r.unassigned.length} shipment group(s) unassigned.</p>` : ""}
${(r.notes || []).map((n) => `<p class="hint">${esc(n)}</p>`).join("")}</section>`;
}

function bindAssignment(el, r) {
  const b = el.querySelector("button.util-map");
  if (!b || !netmap) return;
  b.addEventListener("click", () => {
    const on = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", String(on));
    b.textContent = on ? "Hide utilisation on the map" : "Colour the map by utilisation";
    if (on) netmap.showUtilization(r.utilization || [], utilColor);
    else netmap.clearUtilization();
  });
}

/** Render ``result`` into ``el`` with its dedicated view; false when the shape is unknown. */
export function mountView(el, result, ctx = {}) {
  const kind = kindOf(result);
  if (!kind) return false;
  if (kind === "fleet") {
    el.innerHTML = fleetHtml(result, ctx);
    bindFleet(el, result, ctx);
  } else if (kind === "trucks") {
    el.innerHTML = heavyTruckHtml(result);
    bindHeavyTruck(el, result, netmap, ctx);
  } else if (kind === "conversion") {
    el.innerHTML = conversionHtml(result);
  } else {
    el.innerHTML = assignmentHtml(result);
    bindAssignment(el, result);
  }
  el.insertAdjacentHTML(
    "beforeend",
    `<details><summary>Raw JSON</summary><pre>${esc(JSON.stringify(result, null, 2).slice(0, 20000))}</pre></details>`,
  );
  return true;
}
