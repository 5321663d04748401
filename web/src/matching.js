// Vehicle–cargo matching (车货对接) view. Self-contained: its own map layer, only the
// documented endpoints /v1/matching/*. Open loads and trucks on the map; a round's
// assignments drawn as straight lines, empty drives dashed orange, loaded drives blue.

import L from "leaflet";
import { ApiProblem, api } from "./api.js";
import { fmtCny, fmtNum, fmtTime, label, t } from "./i18n.js";
import { esc, placeNameHtml } from "./places.js";
import { problemHtml } from "./route.js";

const when = (s) => (s ? fmtTime(s) : "–"); // Beijing time
const km = (x) => fmtNum(Number(x || 0), 1);

export class MatchingPanel {
  constructor(el, netmap) {
    this.el = el;
    this.netmap = netmap;
    this.layer = L.layerGroup().addTo(netmap.map);
    this.vehicles = new Map();
    this.loads = new Map();
    el.innerHTML = `<section aria-labelledby="mt-h"><h2 id="mt-h">${esc(t("Vehicle–cargo matching"))}</h2>
<p class="hint">${esc(t("Open trucks and loads of the platform; a round matches them (most loads, then fewest empty km) with backhaul chains. Times are Beijing time."))}</p>
<div class="row"><div class="field actions">
<button type="button" id="mt-refresh">${esc(t("Show open pool"))}</button>
<button type="button" class="primary" id="mt-run">${esc(t("Run a round"))}</button></div></div>
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
    const problem = err instanceof ApiProblem ? err.problem : { title: t("Error"), detail: String(err) };
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
      this.$("mt-status").textContent = t("{v} open trucks, {l} open loads", { v: vs.count, l: ls.count });
      const th = (x) => `<th scope="col">${esc(t(x))}</th>`;
      this.$("mt-pool").innerHTML = `<h3>${esc(t("Open loads"))}</h3><div class="table-wrap"><table id="mt-loads" class="data"><thead><tr>
${["Load", "From", "To", "Cargo", "Pickup", "Deliver by"].map(th).join("")}</tr></thead><tbody>${ls.items
        .slice(0, 200)
        .map(
          (x) => `<tr><td>${esc(x.id)}</td><td>${placeNameHtml(this.node(x.origin) || { id: x.origin })}</td>
<td>${placeNameHtml(this.node(x.destination) || { id: x.destination })}</td>
<td>${esc(fmtNum(x.cargo.quantity))} ${esc(label(x.cargo.unit))} ${esc(label(x.cargo.form))}</td>
<td>${esc(when(x.pickup_from))} – ${esc(when(x.pickup_until))}</td><td>${esc(when(x.deliver_by))}</td></tr>`,
        )
        .join("")}</tbody></table></div>`;
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
        .bindTooltip(esc(t("Load {id}: {form} to {to}", { id: x.id, form: label(x.cargo.form), to: x.destination })))
        .addTo(this.layer);
    }
    for (const v of vehicles) {
      const a = this.node(v.location);
      if (!a) continue;
      L.circleMarker([a.lat, a.lon], { radius: 4, color: "#1e8449", fill: true, className: "match-truck" })
        .bindTooltip(esc(t("Truck {id} ({kind}, {cap} t)", { id: v.id, kind: label(v.kind), cap: fmtNum(v.capacity_t) })))
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
          this.line(at, load.origin, "match-empty", "#e67e22", "6 6", esc(t("{truck} empty {km} km", { truck: a.vehicle, km: km(step.empty_km) })));
        }
        this.line(load.origin, load.destination, "match-loaded", "#2471a3", null, esc(t("{truck} carries {load}", { truck: a.vehicle, load: step.load })));
        at = load.destination;
      }
    }
  }

  async run() {
    this.$("mt-error").hidden = true;
    this.$("mt-status").textContent = t("Matching…");
    try {
      if (!this.loads.size) await this.refresh();
      let round = (await api("POST", "/v1/matching/rounds")).data;
      while (round.status === "solving") {
        await new Promise((r) => setTimeout(r, 1000));
        round = (await api("GET", `/v1/matching/rounds/${encodeURIComponent(round.id)}`)).data;
      }
      if (round.status === "failed") throw new ApiProblem({ title: t("Round failed"), detail: round.detail });
      this.show(round);
    } catch (err) {
      this.$("mt-status").textContent = "";
      this.fail(err);
    }
  }

  show(round) {
    const k = round.kpis;
    this.$("mt-status").textContent = t("Round {id}: {m} of {n} loads matched ({method})", {
      id: round.id,
      m: k.matched,
      n: k.loads,
      method: round.method,
    });
    this.$("mt-kpis").innerHTML = [
      [t("Matched"), `${k.matched} / ${k.loads}`, "mt-kpi-matched"],
      [t("Empty km"), km(k.empty_km), "mt-kpi-empty"],
      [t("Loaded km"), km(k.loaded_km), "mt-kpi-loaded"],
      [t("Empty share"), `${fmtNum(100 * k.empty_share, 1)} %`, "mt-kpi-share"],
      [t("Trucks used"), k.trucks_used, "mt-kpi-trucks"],
    ]
      .map(([name, v, id]) => `<div class="kpi" id="${id}"><div class="k">${esc(name)}</div><div class="v">${esc(v)}</div></div>`)
      .join("");
    const th = (x) => `<th scope="col">${esc(t(x))}</th>`;
    this.$("mt-assignments").innerHTML = `<h3>${esc(t("Assignments"))}</h3><div class="table-wrap"><table id="mt-table" class="data"><thead><tr>
${["Truck", "Loads in order", "Empty km", "Loaded km", "Revenue", "Status"].map(th).join("")}<th scope="col"><span class="sr-only">${esc(t("Decision"))}</span></th></tr></thead><tbody>${round.assignments
      .map(
        (a) => `<tr data-id="${esc(a.id)}"><td>${esc(a.vehicle)}</td><td>${a.plan
          .map((p) => `${esc(p.load)} <small>${esc(when(p.pickup_at))} → ${esc(when(p.deliver_at))}</small>`)
          .join("<br>")}</td><td>${km(a.empty_km)}</td><td>${km(a.loaded_km)}</td><td>${esc(fmtCny(a.revenue_cny))}</td>
<td class="mt-st">${esc(label(a.status || "proposed"))}</td><td>
<button type="button" data-act="accept" data-id="${esc(a.id)}">${esc(t("Accept"))}<span class="sr-only"> ${esc(a.vehicle)}</span></button>
<button type="button" data-act="decline" data-id="${esc(a.id)}">${esc(t("Decline"))}<span class="sr-only"> ${esc(a.vehicle)}</span></button></td></tr>`,
      )
      .join("")}</tbody></table></div>`;
    this.$("mt-unmatched").innerHTML = round.unmatched.length
      ? `<h3>${esc(t("Unmatched"))}</h3><div class="table-wrap"><table class="data" id="mt-unmatched-table"><thead><tr>${["Load", "Reason", "Detail"].map(th).join("")}</tr></thead><tbody>${round.unmatched
          .map((u) => `<tr><td>${esc(u.load)}</td><td>${esc(label(u.reason))}</td><td>${esc(u.detail)}</td></tr>`)
          .join("")}</tbody></table></div>`
      : "";
    this.drawRound(round);
  }

  async settle(id, act) {
    this.$("mt-error").hidden = true;
    try {
      const a = (await api("POST", `/v1/matching/assignments/${encodeURIComponent(id)}/${act}`)).data;
      const row = this.el.querySelector(`tr[data-id="${CSS.escape(id)}"] .mt-st`);
      if (row) row.textContent = label(a.status);
      this.$("mt-status").textContent = t("Assignment {id}: {status}", { id, status: label(a.status) });
    } catch (err) {
      this.fail(err);
    }
  }
}
