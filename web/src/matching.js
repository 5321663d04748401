// Vehicle–cargo matching (车货对接) view. Self-contained: its own map layer, only the
// documented endpoints /v1/matching/*. Open loads and trucks on the map; a round's
// assignments drawn as straight lines, empty drives dashed orange, loaded drives blue.

import L from "leaflet";
import { ApiProblem, api } from "./api.js";
import { esc, placeNameHtml } from "./places.js";
import { problemHtml } from "./route.js";

const when = (s) => (s ? `${String(s).slice(5, 10)} ${String(s).slice(11, 16)}` : "–");
const km = (x) => Number(x || 0).toLocaleString("en", { maximumFractionDigits: 1 });

export class MatchingPanel {
  constructor(el, netmap) {
    this.el = el;
    this.netmap = netmap;
    this.layer = L.layerGroup().addTo(netmap.map);
    this.vehicles = new Map();
    this.loads = new Map();
    el.innerHTML = `<section aria-labelledby="mt-h"><h2 id="mt-h">Vehicle–cargo matching</h2>
<p class="hint">Open trucks and loads of the platform; a round matches them (most loads, then
fewest empty km) with backhaul chains.</p>
<div class="row"><div class="field actions">
<button type="button" id="mt-refresh">Show open pool</button>
<button type="button" class="primary" id="mt-run">Run a round</button></div></div>
<div id="mt-error" class="error" role="alert" hidden></div>
<p id="mt-status" class="status" role="status" aria-live="polite"></p>
<div id="mt-kpis" class="kpis"></div>
<div id="mt-assignments"></div>
<div id="mt-unmatched"></div>
<div id="mt-pool"></div></section>`;
    this.$ = (id) => el.querySelector(`#${id}`);
    this.$("mt-refresh").addEventListener("click", () => this.refresh());
    this.$("mt-run").addEventListener("click", () => this.run());
    this.$("mt-assignments").addEventListener("click", (ev) => {
      const b = ev.target.closest("button[data-act]");
      if (b) this.settle(b.dataset.id, b.dataset.act);
    });
  }

  node(id) {
    return (this.netmap.nodesById && this.netmap.nodesById.get(id)) || null;
  }

  fail(err) {
    const box = this.$("mt-error");
    const problem = err instanceof ApiProblem ? err.problem : { title: "Error", detail: String(err) };
    box.innerHTML = problemHtml(problem);
    box.hidden = false;
  }

  async refresh() {
    this.$("mt-error").hidden = true;
    try {
      const [vs, ls] = (
        await Promise.all([
          api("GET", "/v1/matching/vehicles?status=open&limit=10000"),
          api("GET", "/v1/matching/loads?status=open&limit=10000"),
        ])
      ).map((r) => r.data);
      for (const v of vs.items) this.vehicles.set(v.id, v);
      for (const x of ls.items) this.loads.set(x.id, x);
      this.drawPool(vs.items, ls.items);
      this.$("mt-status").textContent = `${vs.count} open trucks, ${ls.count} open loads`;
      this.$("mt-pool").innerHTML = `<h3>Open loads</h3><table id="mt-loads" class="data"><thead><tr>
<th>Load</th><th>From</th><th>To</th><th>Cargo</th><th>Pickup</th><th>Deliver by</th></tr></thead><tbody>${ls.items
        .slice(0, 200)
        .map(
          (x) => `<tr><td>${esc(x.id)}</td><td>${placeNameHtml(this.node(x.origin) || { id: x.origin })}</td>
<td>${placeNameHtml(this.node(x.destination) || { id: x.destination })}</td>
<td>${esc(x.cargo.quantity)} ${esc(x.cargo.unit)} ${esc(x.cargo.form)}</td>
<td>${when(x.pickup_from)}–${when(x.pickup_until).slice(6)}</td><td>${when(x.deliver_by)}</td></tr>`,
        )
        .join("")}</tbody></table>`;
    } catch (err) {
      this.fail(err);
    }
  }

  drawPool(vehicles, loads) {
    this.layer.clearLayers();
    for (const x of loads) {
      const a = this.node(x.origin);
      if (!a) continue;
      L.circleMarker([a.lat, a.lon], { radius: 6, color: "#2471a3", weight: 2, className: "match-load" })
        .bindTooltip(`Load ${esc(x.id)}: ${esc(x.cargo.form)} to ${esc(x.destination)}`)
        .addTo(this.layer);
    }
    for (const v of vehicles) {
      const a = this.node(v.location);
      if (!a) continue;
      L.circleMarker([a.lat, a.lon], { radius: 4, color: "#1e8449", fill: true, className: "match-truck" })
        .bindTooltip(`Truck ${esc(v.id)} (${esc(v.kind)}, ${esc(v.capacity_t)} t)`)
        .addTo(this.layer);
    }
  }

  line(from, to, cls, color, dash, tip) {
    const a = this.node(from);
    const b = this.node(to);
    if (!a || !b || from === to) return;
    L.polyline(
      [
        [a.lat, a.lon],
        [b.lat, b.lon],
      ],
      { color, weight: 3, dashArray: dash, className: cls },
    )
      .bindTooltip(tip, { sticky: true })
      .addTo(this.layer);
  }

  drawRound(round) {
    this.layer.clearLayers();
    for (const a of round.assignments) {
      let at = (this.vehicles.get(a.vehicle) || {}).location;
      for (const step of a.plan) {
        const load = this.loads.get(step.load);
        if (!load) continue;
        if (at) {
          this.line(at, load.origin, "match-empty", "#e67e22", "6 6", `${esc(a.vehicle)} empty ${km(step.empty_km)} km`);
        }
        this.line(load.origin, load.destination, "match-loaded", "#2471a3", null, `${esc(a.vehicle)} carries ${esc(step.load)}`);
        at = load.destination;
      }
    }
  }

  async run() {
    this.$("mt-error").hidden = true;
    this.$("mt-status").textContent = "Matching…";
    try {
      if (!this.loads.size) await this.refresh();
      let round = (await api("POST", "/v1/matching/rounds")).data;
      while (round.status === "solving") {
        await new Promise((r) => setTimeout(r, 1000));
        round = (await api("GET", `/v1/matching/rounds/${encodeURIComponent(round.id)}`)).data;
      }
      if (round.status === "failed") throw new ApiProblem({ title: "Round failed", detail: round.detail });
      this.show(round);
    } catch (err) {
      this.$("mt-status").textContent = "";
      this.fail(err);
    }
  }

  show(round) {
    const k = round.kpis;
    this.$("mt-status").textContent = `Round ${round.id}: ${k.matched} of ${k.loads} loads matched (${round.method})`;
    this.$("mt-kpis").innerHTML = [
      ["Matched", `${k.matched} / ${k.loads}`, "mt-kpi-matched"],
      ["Empty km", km(k.empty_km), "mt-kpi-empty"],
      ["Loaded km", km(k.loaded_km), "mt-kpi-loaded"],
      ["Empty share", `${(100 * k.empty_share).toFixed(1)} %`, "mt-kpi-share"],
      ["Trucks used", k.trucks_used, "mt-kpi-trucks"],
    ]
      .map(([t, v, id]) => `<div class="kpi" id="${id}"><div class="k">${t}</div><div class="v">${esc(v)}</div></div>`)
      .join("");
    this.$("mt-assignments").innerHTML = `<h3>Assignments</h3><table id="mt-table" class="data"><thead><tr>
<th>Truck</th><th>Loads in order</th><th>Empty km</th><th>Loaded km</th><th>Revenue CNY</th><th>Status</th><th></th></tr></thead><tbody>${round.assignments
      .map(
        (a) => `<tr data-id="${esc(a.id)}"><td>${esc(a.vehicle)}</td><td>${a.plan
          .map((p) => `${esc(p.load)} <small>${when(p.pickup_at)}→${when(p.deliver_at)}</small>`)
          .join("<br>")}</td><td>${km(a.empty_km)}</td><td>${km(a.loaded_km)}</td><td>${km(a.revenue_cny)}</td>
<td class="mt-st">${esc(a.status || "proposed")}</td><td>
<button type="button" data-act="accept" data-id="${esc(a.id)}">Accept</button>
<button type="button" data-act="decline" data-id="${esc(a.id)}">Decline</button></td></tr>`,
      )
      .join("")}</tbody></table>`;
    this.$("mt-unmatched").innerHTML = round.unmatched.length
      ? `<h3>Unmatched</h3><table class="data" id="mt-unmatched-table"><thead><tr><th>Load</th><th>Reason</th><th>Detail</th></tr></thead><tbody>${round.unmatched
          .map((u) => `<tr><td>${esc(u.load)}</td><td>${esc(u.reason)}</td><td>${esc(u.detail)}</td></tr>`)
          .join("")}</tbody></table>`
      : "";
    this.drawRound(round);
  }

  async settle(id, act) {
    this.$("mt-error").hidden = true;
    try {
      const a = (await api("POST", `/v1/matching/assignments/${encodeURIComponent(id)}/${act}`)).data;
      const row = this.el.querySelector(`tr[data-id="${CSS.escape(id)}"] .mt-st`);
      if (row) row.textContent = a.status;
      this.$("mt-status").textContent = `Assignment ${id} ${a.status}`;
    } catch (err) {
      this.fail(err);
    }
  }
}
