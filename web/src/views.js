// Dedicated views for the plan results the service computes: the fleet plan (the typed model
// freight/fleet/plan/model.py: FleetPlan / FleetPlanSet, field names as in its JSON schema,
// checked by tests/web/test_fleet_plan_view.py), the conversion plan (freight/conversion
// to_json) and the assignment (freight/assign to_dict).
// Each view is charts first, every chart with a text alternative (aria-label summary) and its
// data table. ``kindOf`` recognises a result by its shape, so the Jobs tab shows the same views.

import { ApiProblem, api, apiText } from "./api.js";
import { barChart, dataTable, fmt, hbarChart, PALETTE, stackedBarChart } from "./charts.js";
import { label, t } from "./i18n.js";
import { esc, placeName, placeNameHtml } from "./places.js";
import { bindHeavyTruck, heavyTruckHtml, isHeavyTruckPlan } from "./trucks.js";

let netmap = null;
/** The network map, for the assignment's utilisation overlay and place names. */
export function setViewMap(m) {
  netmap = m;
}

const pct = (v, d = 1) => (Number.isFinite(v) ? `${(v * 100).toFixed(d)} %` : "–");
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
    { label: t("City-wide"), value: p.vehicles_per_charger },
    ...(p.vehicles_per_charger_by_depot || []).map((d) => ({
      label: d.depot,
      value: d.ratio,
      note: t("{plug_in_vehicles} plug-in vehicles, {chargers} chargers", { plug_in_vehicles: d.plug_in_vehicles, chargers: d.chargers }),
    })),
  ];
  const days = p.daily_check || [];
  const hasDuties = days.some((d) => d.duty_lower_bound != null || d.duties_with_midday_charge != null);
  const dayCols = presentCols([
    { key: "day", label: t("Day") },
    { key: "stops", label: t("Stops") },
    { key: "served", label: t("Served") },
    { key: "unserved", label: t("Unserved") },
    { key: "routes", label: t("Routes"), optional: true },
    { key: "vehicles_used", label: hasDuties ? t("Vehicles used (duties)") : t("Vehicles used") },
    { key: "duty_lower_bound", label: t("Duty lower bound"), optional: true },
    { key: "duties_with_midday_charge", label: t("Duties with midday charge"), optional: true },
    { key: "distance_km", label: t("Distance (km)") },
    { key: "energy_kwh", label: t("Energy (kWh)") },
    { key: "verified", label: t("Verified"), fmt: (v) => (v ? esc(t("yes")) : `<strong class=over>${esc(t("no"))}</strong>`) },
    { key: "wall_s", label: t("Wall (s)") },
  ], days);
  const chargerCols = presentCols([
    { key: "site", label: t("Site") }, { key: "depot", label: t("Depot") }, { key: "power_kw", label: t("Power (kW)") },
    { key: "count", label: t("Count") }, { key: "peak_kw", label: t("Peak (kW)") }, { key: "energy_kwh", label: t("Energy (kWh)") },
    { key: "midday_kwh", label: t("Midday (kWh)"), nonZero: true },
    { key: "midday_peak_kw", label: t("Midday peak (kW)"), nonZero: true },
    { key: "midday_vehicles", label: t("Midday vehicles"), nonZero: true },
    { key: "occupancy", label: t("Occupancy"), fmt: (v) => pct(v, 0) }, { key: "energy_cost_cny", label: t("Energy cost (CNY)") },
    { key: "short_kwh", label: t("Short (kWh)") }, { key: "binding", label: t("Binding") }], chargers);
  const dayBars = days.some((d) => d.routes != null)
    ? [[t("routes"), "routes"], [t("vehicles used"), "vehicles_used"], [t("unserved stops"), "unserved"]]
    : [[t("vehicles used"), "vehicles_used"], [t("unserved stops"), "unserved"]];
  const cost = p.cost || {};
  return `<h4>${esc(t("Year {year}", { year: p.year }))}${p.sampled ? ` <span class="badge">${esc(t("sampled"))}</span>` : ""}${p.partial ? ` <span class="badge">${esc(t("partial"))}</span>` : ""}</h4>
${stackedBarChart({ title: t("Fleet by depot and vehicle type, {year}", { year: p.year }), categories: depots, series: byDepotType, unit: t("vehicles") })}
${dataTable(t("vehicles {year}", { year: p.year }), [
  { key: "depot", label: t("Depot") }, { key: "type", label: t("Type") }, { key: "powertrain", label: t("Powertrain") },
  { key: "refrigerated", label: t("Refrigerated"), fmt: (v) => (v ? t("yes") : t("no")) }, { key: "battery_kwh", label: t("Battery (kWh)") },
  { key: "count", label: t("Count") }], vehicles)}
${stackedBarChart({ title: t("Chargers by site and power, {year}", { year: p.year }), categories: sites, series: chargerSeries, unit: t("chargers") })}
${hbarChart({ title: t("Peak charging load by site, {year} (kW)", { year: p.year }), items: peakItems, unit: "kW" })}
${dataTable(t("chargers {year}", { year: p.year }), chargerCols, chargers)}
${hbarChart({ title: t("Plug-in vehicles per charger, {year} (limit {maxRatio}:1)", { year: p.year, maxRatio }), items: ratios, limit: { value: maxRatio, label: t("{maxRatio}:1 limit", { maxRatio }) }, flagAt: maxRatio + 1e-9 })}
${dataTable(t("vehicles per charger {year}", { year: p.year }), [
  { key: "label", label: t("Depot") }, { key: "value", label: t("Vehicles per charger") }, { key: "note", label: t("Detail") }], ratios)}
${barChart({ title: t("Winter vs summer representative day, {year}: {v1}", { year: p.year, v1: dayBars.map(([t]) => t).join(", ") }), categories: dayBars.map(([t]) => t), series: days.map((d) => ({ name: d.day, color: d.day === "winter" ? "#2e86c1" : "#e67e22", values: dayBars.map(([, k]) => d[k]) })) })}
${dataTable(t("daily check {year}", { year: p.year }), dayCols, days, { open: true })}
<p>${esc(t("Overnight energy:"))} ${p.overnight_energy_ok ? esc(t("enough")) : `<strong class="over">${esc(t("not enough"))}</strong>`} · ${esc(t("refrigerated share {share} (minimum {min})", { share: pct(p.refrigerated_share, 2), min: pct(minReefer, 1) }))}</p>
${Object.keys(cost).length ? dataTable(t("cost {year}", { year: p.year }), [{ key: "k", label: t("Item") }, { key: "v", label: t("CNY per year") }], Object.entries(cost).map(([k, v]) => ({ k: label(k), v }))) : ""}
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
${kpi(t("vehicles {year}", { year: last.year }), fmt(count(last)))}
${kpi(t("chargers {year}", { year: last.year }), fmt(nChargers(last)))}
${kpi(t("vehicles per charger (limit {maxRatio})", { maxRatio }), fmt(last.vehicles_per_charger, 2), ratioOk ? "ok" : "bad")}
${kpi(t("refrigerated share (min {v0})", { v0: pct(minReefer, 1) }), pct(last.refrigerated_share, 2), reeferOk ? "ok" : "bad")}
${kpi(pol.baseline_vehicles != null && pol.additional_vehicles != null ? t("planned new-energy vs target {v0} = {v1} ({v2}) + {v3} added", { v0: fmt(target), v1: fmt(pol.baseline_vehicles), v2: pol.baseline_year ?? "", v3: fmt(pol.additional_vehicles) }) : t("planned new-energy vs target {v0}", { v0: fmt(target) }), `${fmt(planned)} / ${fmt(target)}`)}
${last.cost && last.cost.total_cny_per_year !== undefined ? kpi(t("total cost (CNY/yr)"), fmt(last.cost.total_cny_per_year)) : ""}
${kpi(t("wall time (s)"), fmt(r.wall_s ?? last.wall_s))}
</div>`;
  const fleetSeries = types.map((t, j) => ({
    name: label(t),
    color: PALETTE[j % PALETTE.length],
    values: plans.map((p) => (p.vehicles || []).filter((v) => v.type === t).reduce((s, v) => s + v.count, 0)),
  }));
  const overview = `${stackedBarChart({ title: t("Fleet by year and vehicle type"), categories: years, series: fleetSeries, unit: t("vehicles") })}
${dataTable(t("fleet by year and type"), [{ key: "year", label: t("Year") }, ...types.map((t) => ({ key: t, label: label(t) })), { key: "total", label: t("Total") }],
  plans.map((p) => ({ year: String(p.year), total: count(p), ...Object.fromEntries(types.map((t, j) => [t, fleetSeries[j].values[plans.indexOf(p)]])) })))}
${barChart({ title: t("New-energy vehicles planned vs policy target {v0} ({v1})", { v0: fmt(target), v1: pol.target_year ?? 2035 }), categories: years, series: [{ name: t("planned new-energy vehicles"), values: plans.map((p) => (p.policy || {}).planned_new_energy_vehicles ?? count(p)) }], limit: { value: target, label: t("policy target {v0}", { v0: fmt(target) }) }, unit: t("vehicles") })}
${barChart({ title: t("Vehicles per charger, city-wide, by year (limit {maxRatio}:1)", { maxRatio }), categories: years, series: [{ name: t("vehicles per charger"), color: "#17becf", values: plans.map((p) => p.vehicles_per_charger) }], limit: { value: maxRatio, label: t("{maxRatio}:1 limit", { maxRatio }) } })}
${barChart({ title: t("Refrigerated share by year (minimum {v0})", { v0: pct(minReefer, 1) }), categories: years, series: [{ name: t("refrigerated share (%)"), color: "#9467bd", values: plans.map((p) => (p.refrigerated_share || 0) * 100) }], limit: { value: minReefer * 100, label: t("minimum {v0}", { v0: pct(minReefer, 1) }) }, unit: "%" })}
${plans.length > 1 ? barChart({ title: t("Winter vs summer: vehicles used on the representative day, by year"), categories: years, series: ["winter", "summer"].map((d) => ({ name: d, color: d === "winter" ? "#2e86c1" : "#e67e22", values: plans.map((p) => ((p.daily_check || []).find((x) => x.day === d) || {}).vehicles_used) })), unit: t("vehicles") }) : ""}`;
  const select =
    plans.length > 1
      ? `<label for="fleet-year">${esc(t("Details for year"))}</label> <select id="fleet-year" class="fleet-year">${plans
          .map((p, i) => `<option value="${i}"${i === plans.length - 1 ? " selected" : ""}>${esc(p.year)}</option>`)
          .join("")}</select>`
      : "";
  const report =
    typeof r.report_md === "string" && r.report_md
      ? `<p><a class="download report-md" download="${fleetFileName(years)}.md" href="#">${esc(t("Download the report (Markdown, with SVG charts)"))}</a>${
          ctx.jobId && ctx.kind === "fleet-plan"
            ? ` · <button type="button" class="report-html">${esc(t("Download it as HTML"))}</button><span class="report-err" role="alert"></span>`
            : ""
        }</p>`
      : "";
  // routes inline (a result asked for with them), or fetched one day at a time from the
  // plan's routes endpoint when the user draws them (a job result leaves them out)
  const routesOnMap = plans.some((p) => Array.isArray(p.routes) && p.routes.length) || fetchesRoutes(ctx)
    ? `<p><button type="button" class="fleet-routes-map" aria-pressed="false">${esc(t("Show the year's routes on the map"))}</button>
<label for="fleet-route-day">${esc(t("Representative day"))}</label> <select id="fleet-route-day" class="fleet-route-day"><option value="winter">${esc(t("Winter day"))}</option><option value="summer">${esc(t("Summer day"))}</option></select>
<span class="fleet-routes-status" role="status"></span><span class="fleet-routes-err" role="alert"></span></p>`
    : "";
  return `<section class="fleet-view" aria-label="${esc(t("Fleet plan"))}">
${r.partial || last.partial ? `<p class="warn">${esc(t("Partial plan: the time limit cut it short (best plan so far)."))}</p>` : ""}
${last.sampled ? `<p class="hint">${esc(t("Sampled run (max_stops): figures are for a subsample of each representative day."))}</p>` : ""}
${kpis}${report}${overview}${select}${routesOnMap}<div class="fleet-year-detail">${fleetYearHtml(last)}</div></section>`;
}

/** True when the routes can be fetched from ``GET /v1/fleet/plans/{id}/routes``. */
const fetchesRoutes = (ctx) => Boolean(ctx.jobId) && ctx.kind === "fleet-plan";

const routeTooltip = (vehicle, stops, km, start, end) =>
  esc(t("{vehicle}: {stops} stops, {km} km, {start}–{end}", { vehicle, stops, km: fmt(km, 1), start, end }));

/** One representative day's routes fetched as GeoJSON (one LineString per route, its
 * ``depot`` in the properties) drawn on the map, coloured by depot. */
function drawRoutesGeojson(layer, fc) {
  layer.clearLayers();
  const lines = (fc.features || []).filter((f) => f.geometry && /LineString$/.test(f.geometry.type));
  const depots = [...new Set(lines.map((f) => f.properties.depot))];
  const colour = new Map(depots.map((id, j) => [id, PALETTE[j % PALETTE.length]]));
  L.geoJSON({ type: "FeatureCollection", features: lines }, {
    style: (f) => ({ color: colour.get(f.properties.depot), weight: 2, opacity: 0.75, className: "fleet-route" }),
    onEachFeature: (f, lyr) => {
      const props = f.properties;
      lyr.bindTooltip(routeTooltip(props.vehicle, (props.stops || []).length, props.distance_km, props.start, props.end));
    },
  }).addTo(layer);
}

/** One year's kept routes of one representative day on the map: a line per route (depot,
 * stops and charging stops in driving order, depot), coloured by depot. */
function drawFleetRoutes(layer, plan, season) {
  layer.clearLayers();
  const day = (plan.routes || []).find((x) => x.season === season);
  if (!day) return;
  const home = new Map((day.depots || []).map((x) => [x.id, [x.lat, x.lon]]));
  const colour = new Map([...home.keys()].map((id, j) => [id, PALETTE[j % PALETTE.length]]));
  for (const route of day.routes) {
    const charges = [...(route.charging || [])].sort((a, b) => a.after_stops - b.after_stops);
    const pts = [home.get(route.depot)];
    route.stops.forEach((s, k) => {
      for (const c of charges.filter((c) => c.after_stops === k)) pts.push([c.lat, c.lon]);
      pts.push([s.lat, s.lon]);
    });
    for (const c of charges.filter((c) => c.after_stops >= route.stops.length)) pts.push([c.lat, c.lon]);
    pts.push(home.get(route.depot));
    if (pts.some((x) => !x)) continue;
    L.polyline(pts, { color: colour.get(route.depot), weight: 2, opacity: 0.75, className: "fleet-route" })
      .bindTooltip(routeTooltip(route.vehicle, route.stops.length, route.distance_km, route.start, route.end))
      .addTo(layer);
  }
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
  const routesButton = el.querySelector("button.fleet-routes-map");
  const daySel = el.querySelector("select.fleet-route-day");
  const layer = routesButton && netmap ? L.layerGroup().addTo(netmap.map) : null;
  const fetched = new Map(); // "year/season" -> GeoJSON promise, fetched once
  let drawn = 0; // the latest draw wins when fetches overlap
  const redrawRoutes = async () => {
    if (!layer || routesButton.getAttribute("aria-pressed") !== "true") return;
    const plan = plans[sel ? Number(sel.value) : plans.length - 1];
    const season = daySel.value;
    const status = el.querySelector(".fleet-routes-status");
    const err = el.querySelector(".fleet-routes-err");
    err.textContent = "";
    if (Array.isArray(plan.routes) || !fetchesRoutes(ctx)) {
      drawFleetRoutes(layer, plan, season);
      return;
    }
    const mine = ++drawn;
    const key = `${plan.year}/${season}`;
    if (!fetched.has(key)) {
      const q = `year=${encodeURIComponent(plan.year)}&season=${encodeURIComponent(season)}&format=geojson`;
      fetched.set(key, api("GET", `/v1/fleet/plans/${encodeURIComponent(ctx.jobId)}/routes?${q}`).then((res) => res.data));
    }
    layer.clearLayers();
    status.textContent = t("Loading the routes…");
    try {
      const fc = await fetched.get(key);
      if (mine !== drawn || routesButton.getAttribute("aria-pressed") !== "true") return;
      drawRoutesGeojson(layer, fc);
      status.textContent = "";
    } catch (e) {
      fetched.delete(key); // a later click tries again
      if (mine !== drawn) return;
      status.textContent = "";
      err.textContent = e instanceof ApiProblem ? e.message : String(e);
    }
  };
  if (routesButton) {
    routesButton.disabled = !netmap;
    routesButton.addEventListener("click", () => {
      const on = routesButton.getAttribute("aria-pressed") !== "true";
      routesButton.setAttribute("aria-pressed", String(on));
      routesButton.textContent = on ? t("Hide the routes") : t("Show the year's routes on the map");
      if (on) redrawRoutes();
      else if (layer) {
        drawn += 1;
        layer.clearLayers();
        el.querySelector(".fleet-routes-status").textContent = "";
      }
    });
    daySel.addEventListener("change", redrawRoutes);
  }
  if (sel) {
    sel.addEventListener("change", () => {
      el.querySelector(".fleet-year-detail").innerHTML = fleetYearHtml(plans[Number(sel.value)]);
      redrawRoutes();
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
${kpi(t("status"), esc(r.status))}
${kpi(t("cost (CNY/yr)"), fmt(r.objective_cny))}
${kpi(t("gap"), pct(r.gap, 2))}
${k.converted_share !== undefined ? kpi(t("converted share"), pct(k.converted_share)) : ""}
${k.rail_share !== undefined ? kpi(t("rail share"), pct(k.rail_share)) : ""}
${k.co2_t !== undefined ? kpi(t("CO₂ (t/yr)"), fmt(k.co2_t)) : ""}
${kpi(t("container pool (TEU)"), fmt(r.containers_teu ?? (pool.owned_teu || 0) + (pool.leased_teu || 0)))}
${kpi(t("owned / leased TEU"), `${fmt(pool.owned_teu)} / ${fmt(pool.leased_teu)}`)}
</div>`;
  const baselines = r.baselines
    ? dataTable(t("cost against the baselines"), [{ key: "k", label: t("Plan") }, { key: "v", label: t("Cost (CNY/yr)"), fmt: (v) => (v === null ? t("infeasible") : fmt(v)) }],
        [{ k: t("this plan"), v: r.objective_cny }, ...Object.entries(r.baselines).map(([kk, v]) => ({ k: label(kk), v }))], { open: true })
    : "";
  return `<section class="conversion-view" aria-label="${esc(t("Conversion plan"))}">
${r.partial ? `<p class="warn">${esc(t("Partial result: the time limit stopped the search early."))}</p>` : ""}${kpis}
${stackedBarChart({ title: t("Converted tonnes by terminal and commodity (t/yr)"), categories: termIds.map(placeText), series: byTerm, unit: "t" })}
${stackedBarChart({ title: t("Tonnes by mode (t/yr)"), categories: [t("all flows")], series: byMode, unit: "t" })}
${dataTable(t("converted flows by terminal"), [
  { key: "id", label: t("Terminal"), fmt: (v) => placeHtml(v) }, { key: "flows", label: t("Flows") },
  { key: "tonnes", label: t("Tonnes/yr") }, { key: "commodities", label: t("Commodities") }],
  termIds.map((t) => {
    const fs = converted.filter((f) => f.terminal === t);
    return { id: t, flows: fs.length, tonnes: fs.reduce((a, f) => a + f.tonnes, 0), commodities: [...new Set(fs.map((f) => label(f.commodity)))].join(", ") };
  }), { open: true })}
${dataTable(t("flows: which convert where"), [
  { key: "id", label: t("Flow") }, { key: "commodity", label: t("Commodity"), fmt: (v) => esc(label(v)) },
  { key: "tonnes", label: t("Tonnes/yr") }, { key: "mode", label: t("Mode"), fmt: (v) => esc(label(v)) },
  { key: "terminal", label: t("Terminal"), fmt: (v) => (v ? placeHtml(v) : "–") }, { key: "cost_cny", label: t("Cost (CNY/yr)") }], [...flows].sort((a, b) => String(a.terminal ?? "~").localeCompare(String(b.terminal ?? "~")) || b.tonnes - a.tonnes))}
${hbarChart({ title: t("Terminal peak load vs capacity"), items: util, percent: true, limit: { value: 1, label: t("capacity") }, flagAt: 0.9 })}
${barChart({ title: t("Terminal throughput (t/yr)"), categories: terms.map((t) => placeText(t.id)), series: [{ name: t("throughput t/yr"), values: terms.map((t) => t.throughput_t) }], unit: "t" })}
${dataTable(t("terminals"), [
  { key: "id", label: t("Terminal"), fmt: (v) => placeHtml(v) }, { key: "equipment", label: t("Equipment") },
  { key: "throughput_t", label: t("Throughput (t/yr)") }, { key: "utilization_peak", label: t("Peak load / capacity"), fmt: (v) => `<span class="${v >= 0.9 ? "over" : ""}">${pct(v)}</span>` },
  { key: "cost_cny", label: t("Cost (CNY/yr)") }], terms)}
${stackedBarChart({ title: t("Container pool (TEU)"), categories: [t("pool")], series: [{ name: t("owned"), color: "#1f77b4", values: [pool.owned_teu || 0] }, { name: t("leased"), color: "#ff7f0e", values: [pool.leased_teu || 0] }], unit: "TEU" })}
${baselines}</section>`;
}

// ---------------------------------------------------------------- assignment

const UTIL_COLORS = [
  [0.6, "#27ae60", "under 60 %"], // legend texts are looked up with t() when drawn
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
${kpi(t("year"), esc(r.year ?? "–"))}
${kpi(t("tonnes assigned"), `${fmt(r.tonnes_assigned)} / ${fmt(r.tonnes_total)}`)}
${kpi(t("unassigned (t)"), fmt(r.tonnes_unassigned), r.tonnes_unassigned > 0 ? "bad" : "ok")}
${kpi(t("rail share"), pct(r.rail_share))}
${r.tonnes_by_multimodal_form ? kpi(t("piggyback (t)"), fmt(r.tonnes_by_multimodal_form.piggyback)) : ""}
${r.tonnes_by_multimodal_form ? kpi(t("drop-and-hook (t)"), fmt(r.tonnes_by_multimodal_form.drop_and_hook)) : ""}
${kpi(t("cost (CNY)"), fmt(r.objective_cny))}
${kpi("CO₂ (t)", fmt((r.co2_kg || 0) / 1000))}
${kpi(t("resources over 90 %"), String(over), over ? "bad" : "ok")}
${kpi(t("LP status"), esc(r.lp_status))}
</div>`;
  const chart = (title, its) =>
    its.length
      ? hbarChart({ title: t("{title} (peak month, top {v1} of {length})", { title, v1: Math.min(its.length, 25), length: its.length }), items: its.slice(0, 25), percent: true, limit: { value: 1, label: t("capacity") }, flagAt: 0.9 })
      : "";
  const cols = [
    { key: "id", label: t("Resource") }, { key: "kind", label: t("Kind") }, { key: "period", label: t("Peak month") },
    { key: "load", label: t("Load") }, { key: "capacity", label: t("Capacity") }, { key: "unit", label: t("Unit") },
    { key: "ratio", label: t("Utilisation"), fmt: (v) => `<span class="${v > 0.9 ? "over" : ""}">${pct(v)}${v > 0.9 ? " ⚠" : ""}</span>` },
  ];
  const legend = `<div class="util-legend" aria-hidden="true">${UTIL_COLORS.map(([, c, txt]) => `<span style="--c:${c}">${esc(t(txt))}</span>`).join("")}</div>`;
  return `<section class="assignment-view" aria-label="${esc(t("Assignment"))}">
${r.partial ? `<p class="warn">${esc(t("Partial result: the LP did not reach optimality."))}</p>` : ""}${kpis}
<p><button type="button" class="util-map" aria-pressed="false">${esc(t("Colour the map by utilisation"))}</button></p>${legend}
${chart(t("Rail line utilisation"), lines)}
${chart(t("Station and terminal utilisation"), stations)}
${chart(t("Train service utilisation"), services)}
${dataTable(t("utilisation of every resource (over 90 % flagged)"), cols, [...util].sort((a, b) => b.ratio - a.ratio).map((u) => ({ ...u, _over: u.ratio > 0.9 })))}
${Array.isArray(r.unassigned) && r.unassigned.length ? `<p class="warn">${r.unassigned.length} shipment group(s) unassigned.</p>` : ""}
${(r.notes || []).map((n) => `<p class="hint">${esc(n)}</p>`).join("")}</section>`;
}

function bindAssignment(el, r) {
  const b = el.querySelector("button.util-map");
  if (!b || !netmap) return;
  b.addEventListener("click", () => {
    const on = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", String(on));
    b.textContent = on ? t("Hide utilisation on the map") : t("Colour the map by utilisation");
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
    `<details><summary>${esc(t("Raw JSON"))}</summary><pre>${esc(JSON.stringify(result, null, 2).slice(0, 20000))}</pre></details>`,
  );
  return true;
}
