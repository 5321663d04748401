// Bookings (one through-bill, 一单制) and live capacity views. Self-contained: it uses the
// route panel's current answer (its offers) to book, the map to draw a booking's legs, and
// only the documented endpoints /v1/bookings*, /v1/capacity/*. Field names are the API's.

import { ApiProblem, api, apiText, hasApiKey } from "./api.js";
import { dataTable, hbarChart } from "./charts.js";
import { fmtCny, fmtNum as fmt, fmtTime, label, t } from "./i18n.js";
import { esc, placeNameHtml } from "./places.js";
import { modeLabel, modeStyle } from "./map.js";
import "./bookings.css";
import { fieldForLoc, problemHtml } from "./route.js";

const STATUSES = ["confirmed", "in_transit", "replanned", "at_risk", "delivered", "cancelled"];
const EVENT_TYPES = ["gate_in", "loaded", "departed", "arrived", "unloaded", "delivered", "delayed"];
// every time of the API carries an offset: shown as Beijing time in the locale's format
const when = (s) => (s ? fmtTime(s) : "–");
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // Beijing date

function fieldsHtml(prefix, fields) {
  return fields
    .map(
      ([id, name, type = "text", extra = ""]) => `<div class="field">
<label for="${prefix}-${id}">${esc(t(name))}</label>
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
    el.innerHTML = `<section aria-labelledby="book-h"><h2 id="book-h">${esc(t("Book the route shown"))}</h2>
<p class="hint" id="book-offer">${esc(t("Find routes first: the alternative shown on the map is booked under one bill."))}</p>
<form id="book-form" novalidate>
<div class="row">${fieldsHtml("bk", [["shipper-name", "Shipper"], ["shipper-contact", "Shipper contact"]])}</div>
<div class="row">${fieldsHtml("bk", [["consignee-name", "Consignee"], ["consignee-contact", "Consignee contact"]])}</div>
<div class="row">${fieldsHtml("bk", [["reference", "Your reference (optional)"]])}
<div class="field actions"><button type="submit" class="primary" id="book-submit">${esc(t("Book"))}</button></div></div>
</form><div id="book-error" class="error" role="alert" hidden></div>
<p id="book-status" class="status" role="status" aria-live="polite"></p></section>
<section aria-labelledby="bookings-h"><h2 id="bookings-h">${esc(t("Bookings"))}</h2>
<div class="row"><div class="field"><label for="bk-filter">${esc(t("Status"))}</label>
<select id="bk-filter"><option value="">${esc(t("all"))}</option>${STATUSES.map((s) => `<option value="${s}">${esc(label(s))}</option>`).join("")}</select></div>
<div class="field actions"><button type="button" id="bk-refresh">${esc(t("Refresh"))}</button></div></div>
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
      ? t("Alternative {rank}: {cost}, arrives {arrive}; offer valid until {until} (Beijing time).", {
          rank: alt.rank,
          cost: fmtCny(alt.total.cost_cny, 2),
          arrive: when(alt.arrive),
          until: when(alt.offer_expires_at),
        })
      : t("Find routes first: the alternative shown on the map is booked under one bill.");
    this.refresh();
  }

  async book() {
    const box = this.$("book-error");
    clearProblem(box, this.el);
    const alt = this.offer();
    if (!alt) {
      showProblem(box, { title: t("No route to book"), detail: t("Find routes in the Route query tab first.") }, "bk");
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
      this.$("book-status").textContent = t("Booked: bill {bill}, {price}, ETA {eta}.", {
        bill: data.bill_no,
        price: fmtCny(data.price_cny, 2),
        eta: when(data.eta),
      });
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
      this.$("bookings-list").innerHTML = `<p class="hint">${esc(t("Enter an API key (operator) at the top to see your bookings."))}</p>`;
      return;
    }
    const status = this.$("bk-filter").value;
    try {
      const { data } = await api("GET", `/v1/bookings?limit=50${status ? `&status=${status}` : ""}`);
      const rows = data.items
        .map(
          (b) => `<tr><th scope="row"><code>${esc(b.bill_no)}</code></th><td><span class="bk-badge st-${esc(b.status)}">${esc(label(b.status))}</span></td>
<td>${placeNameHtml(this.place(b.origin))} → ${placeNameHtml(this.place(b.destination))}</td>
<td>${esc(when(b.eta))}</td><td class="num">${fmtCny(b.price_cny, 2)}</td>
<td><button type="button" class="open-booking" data-id="${esc(b.id)}">${esc(t("Open"))}<span class="sr-only"> ${esc(t("bill {bill}", { bill: b.bill_no }))}</span></button></td></tr>`,
        )
        .join("");
      const count = status
        ? t("{n} booking(s) with status {status}.", { n: data.total, status: label(status) })
        : t("{n} booking(s).", { n: data.total });
      this.$("bookings-list").innerHTML = `<p class="hint">${esc(count)}</p>
<div class="table-wrap"><table id="bookings-table"><caption class="sr-only">${esc(t("Bookings, newest first"))}</caption>
<thead><tr><th scope="col">${esc(t("Bill"))}</th><th scope="col">${esc(t("Status"))}</th><th scope="col">${esc(t("Route"))}</th><th scope="col">${esc(t("ETA (Beijing time)"))}</th>
<th scope="col">${esc(t("Price"))}</th><th scope="col"><span class="sr-only">${esc(t("Open"))}</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
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

  async open(id, { record = true } = {}) {
    if (record && this.onOpen) this.onOpen(id);
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
        const moved = l.expected_arrive !== l.arrive ? ` (${esc(t("planned {time}", { time: when(l.arrive) }))})` : "";
        return `<li class="leg-${esc(l.status)}"><span class="chip" style="--c:${st.color}">${esc(modeLabel(l.mode))}</span>
${placeNameHtml(this.place(l.from))} → ${placeNameHtml(this.place(l.to))}${l.service ? ` · <code>${esc(l.service)}</code>` : ""}
<br><span class="hint">${esc(t("leg {n}", { n: l.seq }))} · <strong>${esc(label(l.status))}</strong> · ${esc(l.carrier)} · ${esc(t("depart {time}", { time: when(l.expected_depart) }))} · ${esc(t("arrive {time}", { time: when(l.expected_arrive) }))}${moved} · ${fmtCny(l.price_cny, 2)}</span></li>`;
      })
      .join("");
    const timeline = events.length
      ? events
          .map(
            (e) => `<li><time datetime="${esc(e.at)}">${esc(when(e.at))}</time> · ${esc(t("leg {n}", { n: e.leg }))} · <strong>${esc(label(e.type))}</strong>${e.location ? ` · ${placeNameHtml(this.place(e.location))}` : ""}${e.delay_minutes ? ` · ${esc(t("{n} min late", { n: e.delay_minutes }))}` : ""}</li>`,
          )
          .join("")
      : `<li class="hint">${esc(t("No events yet."))}</li>`;
    const etas = (b.eta_history || []).map((h) => `<li>${esc(when(h.at))}: ${esc(t("ETA"))} → ${esc(when(h.eta))}</li>`).join("");
    const replans = (b.replans || [])
      .map(
        (r) => `<li>${esc(when(r.at))}: ${esc(r.reason)} — ${esc(t("new legs"))} ${r.new_legs
          .map((l) => `${esc(l.from)} → ${esc(l.to)}${l.service ? ` (${esc(l.service)})` : ""}`)
          .join(", ")} (${r.cost_delta_cny >= 0 ? "+" : ""}${fmtCny(r.cost_delta_cny, 2)})</li>`,
      )
      .join("");
    const settlement = dataTable(
      t("Settlement by carrier"),
      [
        { key: "carrier", label: t("Carrier") },
        { key: "legs", label: t("Legs"), fmt: (v) => esc(v.join(", ")) },
        { key: "amount_cny", label: t("Amount"), num: true, fmt: (v) => fmtCny(v, 2) },
      ],
      b.settlement,
      { open: true },
    );
    const finished = b.status === "cancelled" || b.status === "delivered";
    const legOptions = b.legs.map((l) => `<option value="${l.seq}">${l.seq}: ${esc(l.from)} → ${esc(l.to)}</option>`).join("");
    this.$("booking-detail").innerHTML = `<article id="booking-card" aria-labelledby="bill-h">
<h3 id="bill-h">${esc(t("Bill"))} <code>${esc(b.bill_no)}</code> <span class="bk-badge st-${esc(b.status)}" id="booking-status">${esc(label(b.status))}</span></h3>
<p>${esc(t("ETA"))} <strong id="booking-eta">${esc(when(b.eta))}</strong>${b.due_by ? ` · ${esc(t("due {time}", { time: when(b.due_by) }))}` : ""} · ${fmtCny(b.price_cny, 2)}
· ${esc(fmt(b.cargo.quantity))} ${esc(label(b.cargo.unit))} ${esc(label(b.cargo.commodity))}${b.reason ? `<br><span class="field-err" id="booking-reason">${esc(b.reason)}</span>` : ""}</p>
<p class="hint">${esc(t("Times are Beijing time (UTC+8)."))}</p>
<h4>${esc(t("Legs"))}</h4><ol class="legs" id="booking-legs">${legs}</ol>
<h4>${esc(t("Events"))}</h4><ol class="timeline" id="booking-events">${timeline}</ol>
${etas ? `<h4>${esc(t("ETA changes"))}</h4><ul id="booking-etas">${etas}</ul>` : ""}
${replans ? `<h4>${esc(t("Re-plans"))}</h4><ul id="booking-replans">${replans}</ul>` : ""}
${settlement}
${finished ? "" : `<form id="event-form" novalidate><h4>${esc(t("Add a tracking event"))}</h4>
<div class="row"><div class="field"><label for="ev-type">${esc(t("Event"))}</label><select id="ev-type" aria-describedby="ev-type-err">${EVENT_TYPES.map((e) => `<option value="${e}">${esc(label(e))}</option>`).join("")}</select><span id="ev-type-err" class="field-err"></span></div>
<div class="field"><label for="ev-leg">${esc(t("Leg"))}</label><select id="ev-leg" aria-describedby="ev-leg-err">${legOptions}</select><span id="ev-leg-err" class="field-err"></span></div></div>
<div class="row">${fieldsHtml("ev", [["at", "At (Beijing time)", "datetime-local"], ["delay_minutes", "Delay (minutes)", "number", 'min="1"']])}</div>
<div class="row">${fieldsHtml("ev", [["location", "Location (node id, optional)"]])}<div class="field actions"><button type="submit" id="ev-submit">${esc(t("Record event"))}</button></div></div>
</form>`}
<div id="event-error" class="error" role="alert" hidden></div>
<p><button type="button" id="bill-print">${esc(t("Printable bill"))}</button> ${finished ? "" : `<button type="button" id="booking-cancel">${esc(t("Cancel booking"))}</button>`}</p>
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
    el.innerHTML = `<h2>${esc(t("Train departures"))}</h2><form id="cap-dep-form" novalidate><div class="row">
${fieldsHtml("cap", [["from", "From day", "date", `value="${d}"`], ["to", "To day", "date"]])}</div>
<div class="row">${fieldsHtml("cap", [["service", "Service id (optional)"]])}
<div class="field actions"><button type="submit" id="cap-dep-load">${esc(t("Show departures"))}</button></div></div></form>
<div id="cap-error" class="error" role="alert" hidden></div><div id="cap-departures"></div>
<h2>${esc(t("Terminal handling"))}</h2><form id="cap-term-form" novalidate><div class="row">
${fieldsHtml("cap", [["date", "Day", "date", `value="${d}"`]])}
<div class="field actions"><button type="submit" id="cap-term-load">${esc(t("Show terminals"))}</button></div></div></form>
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
            title: t("Departure fill by service and day (share of the run's capacity)"),
            items: used.map((r) => ({ label: `${r.service} ${r.depart.slice(5, 10)}`, value: fill(r), note: t("{teu} / {cteu} TEU, {t} / {ct} t", { teu: fmt(r.booked_teu), cteu: fmt(r.capacity_teu), t: fmt(r.booked_t), ct: fmt(r.capacity_t) }) })),
            limit: { value: 1, label: t("full") },
            flagAt: 0.9,
            percent: true,
          })
        : `<p class="hint">${esc(t("Nothing booked on these departures."))}</p>`;
      this.$("cap-departures").innerHTML = `<p class="hint" id="cap-dep-summary">${esc(t("{n} scheduled departures, {m} with bookings.", { n: data.length, m: used.length }))}</p>${chart}${dataTable(
        t("Departures"),
        [
          { key: "service", label: t("Service") },
          { key: "depart", label: t("Departs (Beijing time)"), fmt: (v) => esc(when(v)) },
          { key: "booked_teu", label: t("TEU booked"), num: true, fmt: (v) => fmt(v) },
          { key: "capacity_teu", label: t("TEU cap."), num: true, fmt: (v) => fmt(v) },
          { key: "booked_t", label: t("t booked"), num: true, fmt: (v) => fmt(v) },
          { key: "capacity_t", label: t("t cap."), num: true, fmt: (v) => fmt(v) },
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
            title: t("Terminal load on {day} (share of the day's handling capacity)", { day }),
            items: used.map((r) => ({ label: r.node, value: load(r), note: t("{teu} / {cteu} TEU, {t} / {ct} t", { teu: fmt(r.booked_teu), cteu: fmt(r.capacity_teu), t: fmt(r.booked_t), ct: fmt(r.capacity_t) }) })),
            limit: { value: 1, label: t("full") },
            flagAt: 0.9,
            percent: true,
          })
        : `<p class="hint">${esc(t("No handling booked on this day."))}</p>`;
      this.$("cap-terminals").innerHTML = `<p class="hint" id="cap-term-summary">${esc(t("{n} terminals, {m} with bookings.", { n: data.length, m: used.length }))}</p>${chart}${dataTable(
        t("Terminals"),
        [
          { key: "node", label: t("Terminal") },
          { key: "booked_teu", label: t("TEU booked"), num: true, fmt: (v) => fmt(v) },
          { key: "capacity_teu", label: t("TEU/day"), num: true, fmt: (v) => fmt(v) },
          { key: "booked_t", label: t("t booked"), num: true, fmt: (v) => fmt(v) },
          { key: "capacity_t", label: t("t/day"), num: true, fmt: (v) => fmt(v) },
        ],
        data.map((r) => ({ ...r, _over: load(r) >= 0.9 })),
      )}`;
    } catch (err) {
      showProblem(box, err instanceof ApiProblem ? err.problem : { title: String(err) }, "cap");
    }
  }
}
