// The electric heavy-truck plan view (freight/trucks: TruckPlan.to_dict, one year, or the
// "heavy-truck-plan-years" wrapper with plans[]). Charts first, each with a text alternative
// and its data table; a button draws the stations and the electrified lanes on the map.

import L from "leaflet";
import { ApiProblem, apiText } from "./api.js";
import { barChart, dataTable, fmt, hbarChart, stackedBarChart } from "./charts.js";
import { label, t } from "./i18n.js";
import { esc } from "./places.js";

const TYPE_COLORS = { bev_swap: "#2a9d8f", bev_plugin: "#8ab17d", lng: "#e9c46a", diesel: "#6d6875" };
const pct = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : "–");

/** True for a heavy-truck plan (one year or several). */
export function isHeavyTruckPlan(r) {
  if (!r || typeof r !== "object") return false;
  if (r.kind === "heavy-truck-plan" || r.kind === "heavy-truck-plan-years") return true;
  return Array.isArray(r.stations) && Array.isArray(r.lanes) && Array.isArray(r.truck_types) && !!r.kpis;
}

function plansOf(r) {
  return Array.isArray(r.plans) ? r.plans : [r];
}

function kpi(k, v, state) {
  return `<div class="kpi${state ? ` ${state}` : ""}"><div class="v">${v}</div><div class="k">${esc(k)}</div></div>`;
}

function yearHtml(p) {
  const st = p.stations || [];
  const lanes = (p.lanes || []).filter((l) => l.electrified);
  const stCols = [
    { key: "id", label: t("Station") }, { key: "kind", label: t("Kind") }, { key: "node", label: t("Node") },
    { key: "bays", label: t("Bays"), num: true, fmt: (v) => String(v) }, { key: "chargers", label: t("Chargers"), num: true, fmt: (v) => String(v) },
    { key: "batteries", label: t("Spare batteries"), num: true, fmt: (v) => String(v) },
    { key: "peak_kw", label: t("Peak kW"), num: true, fmt: (v) => fmt(v, 0) },
    { key: "energy_kwh_day", label: t("kWh/day"), num: true, fmt: (v) => fmt(v, 0) },
    { key: "capex_cny", label: t("Capex (CNY)"), num: true, fmt: (v) => fmt(v, 0) },
    { key: "new", label: t("Built"), fmt: (v) => (v === false ? t("earlier") : t("this year")) },
  ];
  const lnCols = [
    { key: "origin", label: t("Origin") }, { key: "destination", label: t("Destination") },
    { key: "distance_km", label: t("km"), num: true, fmt: (v) => fmt(v, 1) },
    { key: "tonnes_year", label: t("t/year"), num: true, fmt: (v) => fmt(v, 0) },
    { key: "truck_type", label: t("Truck") }, { key: "trucks", label: t("Trucks"), num: true, fmt: (v) => String(v) },
    { key: "trips_day", label: t("Trips/day"), num: true, fmt: (v) => fmt(v, 1) },
    { key: "via_stations", label: t("Energy stops (driving order)"), fmt: (v) => esc((v || []).join(" → ")) },
  ];
  const peak = hbarChart({
    title: t("Grid peak by station, {year} (kW)", { year: p.year }),
    items: [...st].sort((a, b) => b.peak_kw - a.peak_kw).map((s) => ({ label: s.site || s.id, value: s.peak_kw, note: t("{kind}, peak hour {v1}:00", { kind: s.kind, v1: s.peak_hour ?? "?" }) })),
    unit: "kW",
  });
  return `<div class="trucks-year-detail"><h4>${esc(p.year)}: ${st.length} stations, ${lanes.length} electrified lanes</h4>
${st.length ? peak : `<p>${esc(t("No station this year."))}</p>`}
${dataTable(t("stations {year}", { year: p.year }), stCols, st, { open: true })}
${dataTable(t("electrified lanes {year}", { year: p.year }), lnCols, lanes)}</div>`;
}

export function heavyTruckHtml(r) {
  const plans = plansOf(r);
  const last = plans[plans.length - 1];
  const k = last.kpis || {};
  const years = plans.map((p) => String(p.year));
  const types = [...new Set(plans.flatMap((p) => Object.keys(p.fleet || {})))].sort();
  const fleet = stackedBarChart({
    title: t("Heavy-truck fleet by year and type"),
    categories: years,
    series: types.map((ty) => ({ name: label(ty), color: TYPE_COLORS[ty], values: plans.map((p) => (p.fleet || {})[ty] || 0) })),
    unit: t("trucks"),
  });
  const share = barChart({
    title: t("Electrified share of t-km"),
    categories: years,
    series: [{ name: t("electrified share"), values: plans.map((p) => p.kpis.electrified_tkm_share) }],
    limit: plans.length === 1 && last.inputs ? { value: last.inputs.target_tkm_share, label: t("target") } : undefined,
  });
  const tco = barChart({
    title: t("Total cost of ownership vs all-diesel baseline (CNY/year)"),
    categories: years,
    series: [
      { name: t("plan"), values: plans.map((p) => p.kpis.tco_cny_year) },
      { name: t("baseline"), values: plans.map((p) => p.kpis.baseline_tco_cny_year) },
    ],
  });
  const select = plans.length > 1
    ? `<label>${esc(t("Year"))} <select class="trucks-year">${plans.map((p, i) => `<option value="${i}"${i === plans.length - 1 ? " selected" : ""}>${esc(p.year)}</option>`).join("")}</select></label>`
    : "";
  const gapState = last.gap <= 0.01 ? "ok" : "bad";
  return `<section class="trucks-view" aria-label="${esc(t("Heavy-truck plan"))}">
<div class="kpis">
${kpi(t("year"), esc(years.length > 1 ? `${years[0]}–${years[years.length - 1]}` : years[0]))}
${kpi(t("status"), esc(last.status))}
${kpi(t("MIP gap"), pct(last.gap), gapState)}
${kpi(t("electrified t-km"), pct(k.electrified_tkm_share))}
${kpi(t("TCO (CNY/yr)"), fmt(k.tco_cny_year, 0))}
${kpi(t("baseline (CNY/yr)"), fmt(k.baseline_tco_cny_year, 0))}
${kpi(t("CO₂ saved (t/yr)"), fmt(k.co2_t_saved, 0), k.co2_t_saved < 0 ? "bad" : "ok")}
${kpi(t("grid peak (kW)"), fmt(k.grid_peak_kw, 0))}
</div>
<p><button type="button" class="trucks-map" aria-pressed="false">${esc(t("Show stations and electrified lanes on the map"))}</button>
<button type="button" class="trucks-report" hidden>${esc(t("Download the report (HTML)"))}</button><span class="report-err" role="alert"></span></p>
${fleet}${share}${tco}
${select}<div class="trucks-year-slot">${yearHtml(last)}</div>
${(last.notes || []).map((n) => `<p class="hint">${esc(n)}</p>`).join("")}</section>`;
}

/** Stations (circles sized by peak kW) and electrified lanes (their road paths) on the map. */
function drawOnMap(netmap, p, layer) {
  layer.clearLayers();
  const node = (id) => netmap.nodesById.get(id);
  for (const l of (p.lanes || []).filter((x) => x.electrified)) {
    const pts = (l.path || [l.origin, l.destination]).map(node).filter(Boolean).map((n) => [n.lat, n.lon]);
    if (pts.length < 2) continue;
    L.polyline(pts, { color: TYPE_COLORS[l.truck_type] || "#2a9d8f", weight: 3 + Math.min(6, l.trucks / 4), opacity: 0.8, className: "truck-lane" })
      .bindTooltip(`${esc(l.origin)} → ${esc(l.destination)}: ${esc(l.truck_type)}, ${l.trucks} trucks, ${fmt(l.trips_day, 1)} trips/day`)
      .addTo(layer);
  }
  for (const s of p.stations || []) {
    const n = node(s.node);
    if (!n) continue;
    L.circleMarker([n.lat, n.lon], {
      radius: 6 + Math.min(14, Math.sqrt(s.peak_kw) / 8),
      color: s.kind === "swap" ? "#1d3557" : "#e76f51",
      weight: 3,
      fillOpacity: 0.35,
      className: `truck-station truck-station-${s.kind}`,
    })
      .bindTooltip(`${esc(s.id)}: ${s.kind === "swap" ? `${s.bays} bays, ${s.batteries} spare batteries` : `${s.chargers} chargers`}, peak ${fmt(s.peak_kw, 0)} kW`)
      .addTo(layer);
  }
}

export function bindHeavyTruck(el, r, netmap, ctx = {}) {
  const plans = plansOf(r);
  let shown = plans.length - 1;
  const layer = netmap ? L.layerGroup().addTo(netmap.map) : null;
  const button = el.querySelector("button.trucks-map");
  const redraw = () => {
    if (layer && button.getAttribute("aria-pressed") === "true") drawOnMap(netmap, plans[shown], layer);
  };
  if (button) {
    button.disabled = !netmap;
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? t("Hide stations and lanes") : t("Show stations and electrified lanes on the map");
      if (on) redraw();
      else if (layer) layer.clearLayers();
    });
  }
  const sel = el.querySelector("select.trucks-year");
  if (sel) {
    sel.addEventListener("change", () => {
      shown = Number(sel.value);
      el.querySelector(".trucks-year-slot").innerHTML = yearHtml(plans[shown]);
      redraw();
    });
  }
  const report = el.querySelector("button.trucks-report");
  if (report && ctx.jobId) {
    report.hidden = false;
    report.addEventListener("click", async () => {
      const err = el.querySelector(".report-err");
      err.textContent = "";
      report.disabled = true;
      try {
        const text = await apiText(`/v1/heavy-trucks/plans/${encodeURIComponent(ctx.jobId)}/report?format=html`);
        const a = document.createElement("a");
        a.href = URL.createObjectURL(new Blob([text], { type: "text/html;charset=utf-8" }));
        a.download = `heavy-truck-plan-${plans[0].year}${plans.length > 1 ? `-${plans[plans.length - 1].year}` : ""}.html`;
        document.body.append(a);
        a.click();
        a.remove();
      } catch (e) {
        err.textContent = ` ${e instanceof ApiProblem ? e.message : String(e)}`;
      } finally {
        report.disabled = false;
      }
    });
  }
}
