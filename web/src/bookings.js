// Bookings (one through-bill, 一单制) and live capacity views. Self-contained: it uses the
// route panel's current answer (its offers) to book, the map to draw a booking's legs, and
// only the documented endpoints /v1/bookings*, /v1/capacity/*. Field names are the API's.

import { ApiProblem, api, apiText, hasApiKey } from "./api.js";
import { dataTable, fmt, hbarChart } from "./charts.js";
import { esc, placeNameHtml } from "./places.js";
import { modeStyle } from "./map.js";
import "./bookings.css";
import { fieldForLoc, problemHtml } from "./route.js";

const STATUSES = ["confirmed", "in_transit", "replanned", "at_risk", "delivered", "cancelled"];
const EVENT_TYPES = ["gate_in", "loaded", "departed", "arrived", "unloaded", "delivered", "delayed"];
// every time of the API carries +08:00: shown as Beijing "YYYY-MM-DD HH:MM"
const when = (s) => (s ? `${String(s).slice(0, 10)} ${String(s).slice(11, 16)}` : "–");
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // Beijing date

function fieldsHtml(prefix, fields) {
  return fields
    .map(
      ([id, label, type = "text", extra = ""]) => `<div class="field">
<label for="${prefix}-${id}">${esc(label)}</label>
<input id="${prefix}-${id}" name="${id}" type="${type}" ${extra} aria-describedby="${prefix}-${id}-err">
<span id="${prefix}-${id}-err" class="field-err" aria-live="polite"></span></div>`,
    )
    .join("");
}

/** Show a problem in ``box`` and mark the form fields it names (``$.shipper.name`` -> id). */
function showProblem(box, problem, prefix) {
  box.innerHTML = problemHtml(problem);
  box.hidden = false;
  for (const e of problem.errors || []) {
    const id = `${prefix}-${String(e.loc || "").replace(/^(\$|query)\./, "").replace(/\./g, "-")}`;
    const input = document.getElementById(id) || document.getElementById(`${prefix}-${fieldForLoc(e.loc)}`);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const err = document.getElementById(`${input.id}-err`);
    if (err) err.textContent = e.msg;
  }
}

function clearProblem(box, root) {
  box.hidden = true;
  box.innerHTML = "";
  root.querySelectorAll("[aria-invalid]").forEach((i) => i.removeAttribute("aria-invalid"));
  root.querySelectorAll(".field-err").forEach((s) => {
    s.textContent = "";
  });
}

export class BookingsPanel {
  constructor(el, netmap, route) {
    this.el = el;
    this.netmap = netmap;
    this.route = route;
    this.current = null;
    el.innerHTML = `<section aria-labelledby="book-h"><h2 id="book-h">Book the route shown</h2>
<p class="hint" id="book-offer">Find routes first: the alternative shown on the map is booked under one bill.</p>
<form id="book-form" novalidate>
<div class="row">${fieldsHtml("bk", [["shipper-name", "Shipper"], ["shipper-contact", "Shipper contact"]])}</div>
<div class="row">${fieldsHtml("bk", [["consignee-name", "Consignee"], ["consignee-contact", "Consignee contact"]])}</div>
<div class="row">${fieldsHtml("bk", [["reference", "Your reference (optional)"]])}
<div class="field actions"><button type="submit" class="primary" id="book-submit">Book</button></div></div>
</form><div id="book-error" class="error" role="alert" hidden></div>
<p id="book-status" class="status" role="status" aria-live="polite"></p></section>
<section aria-labelledby="bookings-h"><h2 id="bookings-h">Bookings</h2>
<div class="row"><div class="field"><label for="bk-filter">Status</label>
<select id="bk-filter"><option value="">all</option>${STATUSES.map((s) => `<option>${s}</option>`).join("")}</select></div>
<div class="field actions"><button type="button" id="bk-refresh">Refresh</button></div></div>
<div id="bookings-error" class="error" role="alert" hidden></div>
<div id="bookings-list"></div><div id="booking-detail"></div></section>`;
    this.$ = (id) => el.querySelector(`#${id}`);
    this.$("book-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.book();
    });
    this.$("bk-refresh").addEventListener("click", () => this.refresh());
    this.$("bk-filter").addEventListener("change", () => this.refresh());
  }

  /** The offer of the alternative the route panel shows, or null. */
  offer() {
    const alt = this.route && this.route.alts && this.route.alts[this.route.chosen];
    return alt && alt.offer_id ? alt : null;
  }

  shown() {
    const alt = this.offer();
    this.$("book-offer").textContent = alt
      ? `Alternative ${alt.rank}: ${fmt(alt.total.cost_cny, 2)} CNY, arrives ${when(alt.arrive)}; offer valid until ${when(alt.offer_expires_at)}.`
      : "Find routes first: the alternative shown on the map is booked under one bill.";
    this.refresh();
  }

  async book() {
    const box = this.$("book-error");
    clearProblem(box, this.el);
    const alt = this.offer();
    if (!alt) {
      showProblem(box, { title: "No route to book", detail: "Find routes in the Route query tab first." }, "bk");
      return;
    }
    const v = (id) => this.$(`bk-${id}`).value.trim();
    const body = {
      offer_id: alt.offer_id,
      shipper: { name: v("shipper-name"), contact: v("shipper-contact") },
      consignee: { name: v("consignee-name"), contact: v("consignee-contact") },
    };
    if (v("reference")) body.reference = v("reference");
    this.$("book-submit").disabled = true;
    try {
      const { data } = await api("POST", "/v1/bookings", body);
      this.$("book-status").textContent = `Booked: bill ${data.bill_no}, ${fmt(data.price_cny, 2)} CNY, ETA ${when(data.eta)}.`;
      await this.refresh();
      await this.open(data.id);
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "bk");
    } finally {
      this.$("book-submit").disabled = false;
    }
  }

  async refresh() {
    const box = this.$("bookings-error");
    box.hidden = true;
    if (!hasApiKey()) {
      this.$("bookings-list").innerHTML = '<p class="hint">Enter an API key (operator) at the top to see your bookings.</p>';
      return;
    }
    const status = this.$("bk-filter").value;
    try {
      const { data } = await api("GET", `/v1/bookings?limit=50${status ? `&status=${status}` : ""}`);
      const rows = data.items
        .map(
          (b) => `<tr><th scope="row"><code>${esc(b.bill_no)}</code></th><td><span class="bk-badge st-${esc(b.status)}">${esc(b.status)}</span></td>
<td>${placeNameHtml(this.place(b.origin))} → ${placeNameHtml(this.place(b.destination))}</td>
<td>${esc(when(b.eta))}</td><td class="num">${fmt(b.price_cny, 2)}</td>
<td><button type="button" class="open-booking" data-id="${esc(b.id)}">Open<span class="sr-only"> bill ${esc(b.bill_no)}</span></button></td></tr>`,
        )
        .join("");
      this.$("bookings-list").innerHTML = `<p class="hint">${data.total} booking(s)${status ? ` with status ${esc(status)}` : ""}.</p>
<div class="table-wrap"><table id="bookings-table"><caption class="sr-only">Bookings, newest first</caption>
<thead><tr><th scope="col">Bill</th><th scope="col">Status</th><th scope="col">Route</th><th scope="col">ETA</th>
<th scope="col">CNY</th><th scope="col"><span class="sr-only">Open</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
      this.el.querySelectorAll("button.open-booking").forEach((b) =>
        b.addEventListener("click", () => this.open(b.dataset.id)),
      );
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "bk");
    }
  }

  place(id) {
    return (this.netmap.nodesById && this.netmap.nodesById.get(id)) || { id };
  }

  async open(id) {
    const box = this.$("bookings-error");
    box.hidden = true;
    try {
      const [{ data: b }, { data: events }] = await Promise.all([
        api("GET", `/v1/bookings/${encodeURIComponent(id)}`),
        api("GET", `/v1/bookings/${encodeURIComponent(id)}/events`),
      ]);
      this.current = b;
      this.renderDetail(b, events);
      this.netmap.clearRoutes();
      this.netmap.drawRoute({ rank: b.bill_no, legs: b.legs, transfers: [] }, { emphasis: true, fit: true });
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "bk");
    }
  }

  renderDetail(b, events) {
    const legs = b.legs
      .map((l) => {
        const st = modeStyle(l.mode);
        const moved = l.expected_arrive !== l.arrive ? ` (planned ${esc(when(l.arrive))})` : "";
        return `<li class="leg-${esc(l.status)}"><span class="chip" style="--c:${st.color}">${esc(st.label)}</span>
${placeNameHtml(this.place(l.from))} → ${placeNameHtml(this.place(l.to))}${l.service ? ` · <code>${esc(l.service)}</code>` : ""}
<br><span class="hint">leg ${l.seq} · <strong>${esc(l.status)}</strong> · ${esc(l.carrier)} · depart ${esc(when(l.expected_depart))} · arrive ${esc(when(l.expected_arrive))}${moved} · ${fmt(l.price_cny, 2)} CNY</span></li>`;
      })
      .join("");
    const timeline = events.length
      ? events
          .map(
            (e) => `<li><time>${esc(when(e.at))}</time> · leg ${e.leg} · <strong>${esc(e.type)}</strong>${e.location ? ` at ${placeNameHtml(this.place(e.location))}` : ""}${e.delay_minutes ? ` · ${e.delay_minutes} min late` : ""}</li>`,
          )
          .join("")
      : '<li class="hint">No events yet.</li>';
    const etas = (b.eta_history || []).map((h) => `<li>${esc(when(h.at))}: ETA → ${esc(when(h.eta))}</li>`).join("");
    const replans = (b.replans || [])
      .map(
        (r) => `<li>${esc(when(r.at))}: ${esc(r.reason)} — new legs ${r.new_legs
          .map((l) => `${esc(l.from)} → ${esc(l.to)}${l.service ? ` (${esc(l.service)})` : ""}`)
          .join(", ")} (${r.cost_delta_cny >= 0 ? "+" : ""}${fmt(r.cost_delta_cny, 2)} CNY)</li>`,
      )
      .join("");
    const settlement = dataTable(
      "Settlement by carrier",
      [
        { key: "carrier", label: "Carrier" },
        { key: "legs", label: "Legs", fmt: (v) => esc(v.join(", ")) },
        { key: "amount_cny", label: "CNY", num: true, fmt: (v) => fmt(v, 2) },
      ],
      b.settlement,
      { open: true },
    );
    const finished = b.status === "cancelled" || b.status === "delivered";
    const legOptions = b.legs.map((l) => `<option value="${l.seq}">${l.seq}: ${esc(l.from)} → ${esc(l.to)}</option>`).join("");
    this.$("booking-detail").innerHTML = `<article id="booking-card" aria-labelledby="bill-h">
<h3 id="bill-h">Bill <code>${esc(b.bill_no)}</code> <span class="bk-badge st-${esc(b.status)}" id="booking-status">${esc(b.status)}</span></h3>
<p>ETA <strong id="booking-eta">${esc(when(b.eta))}</strong>${b.due_by ? ` · due ${esc(when(b.due_by))}` : ""} · ${fmt(b.price_cny, 2)} CNY
· ${esc(b.cargo.quantity)} ${esc(b.cargo.unit)} ${esc(b.cargo.commodity)}${b.reason ? `<br><span class="field-err" id="booking-reason">${esc(b.reason)}</span>` : ""}</p>
<h4>Legs</h4><ol class="legs" id="booking-legs">${legs}</ol>
<h4>Events</h4><ol class="timeline" id="booking-events">${timeline}</ol>
${etas ? `<h4>ETA changes</h4><ul id="booking-etas">${etas}</ul>` : ""}
${replans ? `<h4>Re-plans</h4><ul id="booking-replans">${replans}</ul>` : ""}
${settlement}
${finished ? "" : `<form id="event-form" novalidate><h4>Add a tracking event</h4>
<div class="row"><div class="field"><label for="ev-type">Event</label><select id="ev-type" aria-describedby="ev-type-err">${EVENT_TYPES.map((t) => `<option>${t}</option>`).join("")}</select><span id="ev-type-err" class="field-err"></span></div>
<div class="field"><label for="ev-leg">Leg</label><select id="ev-leg" aria-describedby="ev-leg-err">${legOptions}</select><span id="ev-leg-err" class="field-err"></span></div></div>
<div class="row">${fieldsHtml("ev", [["at", "At (Beijing time)", "datetime-local"], ["delay_minutes", "Delay (minutes)", "number", 'min="1"']])}</div>
<div class="row">${fieldsHtml("ev", [["location", "Location (node id, optional)"]])}<div class="field actions"><button type="submit" id="ev-submit">Record event</button></div></div>
</form>`}
<div id="event-error" class="error" role="alert" hidden></div>
<p><button type="button" id="bill-print">Printable bill</button> ${finished ? "" : '<button type="button" id="booking-cancel">Cancel booking</button>'}</p>
</article>`;
    const at = this.$("ev-at");
    if (at) {
      const last = events.length ? events[events.length - 1].at : b.legs[0].expected_depart;
      at.value = String(last).slice(0, 16);
      this.$("event-form").addEventListener("submit", (ev) => {
        ev.preventDefault();
        this.addEvent();
      });
    }
    this.$("bill-print").addEventListener("click", () => this.printBill());
    const cancel = this.$("booking-cancel");
    if (cancel) cancel.addEventListener("click", () => this.cancel());
  }

  async addEvent() {
    const b = this.current;
    const box = this.$("event-error");
    clearProblem(box, this.$("booking-detail"));
    const type = this.$("ev-type").value;
    const at = this.$("ev-at").value;
    const body = {
      event_id: `web-${Date.now().toString(36)}`,
      type,
      leg: Number(this.$("ev-leg").value),
      at: at ? `${at.length === 16 ? `${at}:00` : at}+08:00` : null,
    };
    const loc = this.$("ev-location").value.trim();
    if (loc) body.location = loc;
    const delay = this.$("ev-delay_minutes").value;
    if (type === "delayed" || delay !== "") body.delay_minutes = delay === "" ? null : Number(delay);
    try {
      await api("POST", `/v1/bookings/${encodeURIComponent(b.id)}/events`, body);
      await this.open(b.id);
      this.refresh();
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "ev");
    }
  }

  async cancel() {
    const b = this.current;
    try {
      await api("DELETE", `/v1/bookings/${encodeURIComponent(b.id)}`);
      await this.open(b.id);
      this.refresh();
    } catch (err) {
      showProblem(this.$("event-error"), err instanceof ApiProblem ? err.problem : { title: String(err) }, "ev");
    }
  }

  async printBill() {
    const html = await apiText(`/v1/bookings/${encodeURIComponent(this.current.id)}/bill?format=html`);
    const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
    window.open(url, "_blank", "noopener");
  }
}

/** Departure fill by service and day, terminal load by day. */
export class CapacityPanel {
  constructor(el) {
    this.el = el;
    const d = today();
    el.innerHTML = `<h2>Train departures</h2><form id="cap-dep-form" novalidate><div class="row">
${fieldsHtml("cap", [["from", "From day", "date", `value="${d}"`], ["to", "To day", "date"]])}</div>
<div class="row">${fieldsHtml("cap", [["service", "Service id (optional)"]])}
<div class="field actions"><button type="submit" id="cap-dep-load">Show departures</button></div></div></form>
<div id="cap-error" class="error" role="alert" hidden></div><div id="cap-departures"></div>
<h2>Terminal handling</h2><form id="cap-term-form" novalidate><div class="row">
${fieldsHtml("cap", [["date", "Day", "date", `value="${d}"`]])}
<div class="field actions"><button type="submit" id="cap-term-load">Show terminals</button></div></div></form>
<div id="cap-terminals"></div>`;
    this.$ = (id) => el.querySelector(`#${id}`);
    this.$("cap-dep-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.departures();
    });
    this.$("cap-term-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.terminals();
    });
  }

  /** Start both views on the days of ``isoDay`` (e.g. a booking's first departure). */
  focus(isoDay) {
    if (isoDay) {
      this.$("cap-from").value = isoDay;
      this.$("cap-date").value = isoDay;
    }
  }

  async departures() {
    const box = this.$("cap-error");
    clearProblem(box, this.el);
    const q = new URLSearchParams();
    for (const k of ["from", "to", "service"]) {
      const v = this.$(`cap-${k}`).value.trim();
      if (v) q.set(k, v);
    }
    try {
      const { data } = await api("GET", `/v1/capacity/departures?${q}`);
      const fill = (r) => Math.max(r.capacity_t > 0 ? r.booked_t / r.capacity_t : 0, r.capacity_teu > 0 ? r.booked_teu / r.capacity_teu : 0);
      const used = data.filter((r) => r.booked_t > 0).sort((a, b) => fill(b) - fill(a));
      const chart = used.length
        ? hbarChart({
            title: "Departure fill by service and day (share of the run's capacity)",
            items: used.map((r) => ({ label: `${r.service} ${r.depart.slice(5, 10)}`, value: fill(r), note: `${fmt(r.booked_teu)} / ${fmt(r.capacity_teu)} TEU, ${fmt(r.booked_t)} / ${fmt(r.capacity_t)} t` })),
            limit: { value: 1, label: "full" },
            flagAt: 0.9,
            percent: true,
          })
        : '<p class="hint">Nothing booked on these departures.</p>';
      this.$("cap-departures").innerHTML = `<p class="hint" id="cap-dep-summary">${data.length} scheduled departures, ${used.length} with bookings.</p>${chart}${dataTable(
        "Departures",
        [
          { key: "service", label: "Service" },
          { key: "depart", label: "Departs", fmt: (v) => esc(when(v)) },
          { key: "booked_teu", label: "TEU booked", num: true, fmt: (v) => fmt(v) },
          { key: "capacity_teu", label: "TEU cap.", num: true, fmt: (v) => fmt(v) },
          { key: "booked_t", label: "t booked", num: true, fmt: (v) => fmt(v) },
          { key: "capacity_t", label: "t cap.", num: true, fmt: (v) => fmt(v) },
        ],
        data.map((r) => ({ ...r, _over: fill(r) >= 0.9 })),
      )}`;
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "cap");
    }
  }

  async terminals() {
    const box = this.$("cap-error");
    clearProblem(box, this.el);
    const day = this.$("cap-date").value;
    try {
      const { data } = await api("GET", `/v1/capacity/terminals${day ? `?date=${day}` : ""}`);
      const load = (r) => Math.max(r.capacity_t > 0 ? r.booked_t / r.capacity_t : 0, r.capacity_teu > 0 ? r.booked_teu / r.capacity_teu : 0);
      const used = data.filter((r) => r.booked_t > 0).sort((a, b) => load(b) - load(a));
      const chart = used.length
        ? hbarChart({
            title: `Terminal load on ${day} (share of the day's handling capacity)`,
            items: used.map((r) => ({ label: r.node, value: load(r), note: `${fmt(r.booked_teu)} / ${fmt(r.capacity_teu)} TEU, ${fmt(r.booked_t)} / ${fmt(r.capacity_t)} t` })),
            limit: { value: 1, label: "full" },
            flagAt: 0.9,
            percent: true,
          })
        : '<p class="hint">No handling booked on this day.</p>';
      this.$("cap-terminals").innerHTML = `<p class="hint" id="cap-term-summary">${data.length} terminals, ${used.length} with bookings.</p>${chart}${dataTable(
        "Terminals",
        [
          { key: "node", label: "Terminal" },
          { key: "booked_teu", label: "TEU booked", num: true, fmt: (v) => fmt(v) },
          { key: "capacity_teu", label: "TEU/day", num: true, fmt: (v) => fmt(v) },
          { key: "booked_t", label: "t booked", num: true, fmt: (v) => fmt(v) },
          { key: "capacity_t", label: "t/day", num: true, fmt: (v) => fmt(v) },
        ],
        data.map((r) => ({ ...r, _over: load(r) >= 0.9 })),
      )}`;
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "cap");
    }
  }
}
