// The route query panel: form -> POST /v1/routes -> table of alternatives + legs on the map.

import { ApiProblem, api, enumAt, statusHint } from "./api.js";
import { fmtCny, fmtNum, fmtTime, label, localProblem, t } from "./i18n.js";
import { PlaceCombobox } from "./combobox.js";
import { modeLabel, modeStyle, transferNode } from "./map.js";
import { currentYear, YEARS } from "./netyear.js";
import { esc, pickable, pickerText, placeNameHtml, resolvePlace } from "./places.js";

const COMMODITIES = [
  "cotton", "grain", "coal", "pvc", "tdi", "mdi", "fertilizer", "steel", "petrochemicals",
  "caustic_soda", "ecommerce", "bonded_goods", "cold_food", "sugar", "tomato_chili",
  "machinery", "general",
];
const FORMS = ["container", "bulk", "general", "hazmat", "reefer"];
const UNITS = ["t", "teu"];
const OBJECTIVES = ["cost", "time", "co2"];
const OBJECTIVE_LABELS = () => ({ cost: t("Lowest cost"), time: t("Fastest"), hours: t("Fastest"), co2: t("Lowest CO₂") });
const UNIT_LABELS = () => ({ t: t("tonnes (t)"), teu: t("containers (TEU)") });
const FIELD_IDS = [
  "origin", "destination", "commodity", "form", "quantity", "unit", "ready_at", "objective",
  "alternatives", "year",
];
// the id a picker's text ends with: "奎屯西站 · Kuytun West Station (kuytun_west)"
const TEXT_ID = /\(([^()]+)\)\s*$/;

/** A multimodal form of a route (``multimodal_forms``): piggyback 驮背, drop-and-hook 甩挂. */
export function formLabel(form) {
  const names = { piggyback: t("Piggyback"), drop_and_hook: t("Drop-and-hook") };
  return names[form] || label(form);
}

/** A transfer's kind (``road->piggyback``): "Road → Piggyback train". */
export function transferKindLabel(kind) {
  const side = { road: t("Road"), rail: t("Rail"), piggyback: t("Piggyback train") };
  return String(kind)
    .split("->")
    .map((s) => side[s] || label(s))
    .join(" → ");
}

function fillSelect(sel, values, labels = {}, keep) {
  const prev = keep ?? sel.value;
  sel.innerHTML = values
    .map((v) => `<option value="${esc(v)}">${esc(labels[v] || label(v))}</option>`)
    .join("");
  if (values.includes(prev)) sel.value = prev;
}

/** Where a problem's ``loc`` points in the form ("$.cargo.quantity" -> "quantity"). */
export function fieldForLoc(loc) {
  const s = String(Array.isArray(loc) ? loc.join(".") : loc || "");
  const hit = FIELD_IDS.filter((f) => new RegExp(`(^|[.\\[$'"])${f}\\b`).test(s));
  return hit.length ? hit[hit.length - 1] : null;
}

/** The problem document as HTML in the interface language: title, detail, field list, hint. */
export function problemHtml(problem) {
  const p = localProblem(problem);
  const errs = Array.isArray(p.errors) ? p.errors : [];
  const list = errs.length
    ? `<ul>${errs.map((e) => `<li><code>${esc(e.loc)}</code>: ${esc(e.msg)}</li>`).join("")}</ul>`
    : "";
  const hint = statusHint(p.status);
  const binding = p.binding
    ? `<p>${esc(t("Binding constraint:"))} ${esc(typeof p.binding === "string" ? p.binding : JSON.stringify(p.binding))}</p>`
    : "";
  return `<p class="error-title"><strong>${esc(p.title || t("Error"))}</strong>${
    p.status ? ` <span class="badge">${esc(p.status)}</span>` : ""
  }</p>${p.detail ? `<p>${esc(p.detail)}</p>` : ""}${list}${binding}${
    hint ? `<p class="hint">${esc(hint)}</p>` : ""
  }${p.request_id ? `<p class="hint">${esc(t("Request id:"))} <code>${esc(p.request_id)}</code></p>` : ""}`;
}

function localIso(d) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export class RoutePanel {
  constructor(netmap) {
    this.netmap = netmap;
    this.form = document.getElementById("route-form");
    this.errorBox = document.getElementById("route-error");
    this.status = document.getElementById("route-status");
    this.results = document.getElementById("route-results");
    this.alts = [];
    this.chosen = 0;
    this.readyAtFormat = "date-time";
    fillSelect(this.$("commodity"), COMMODITIES, {}, "general");
    fillSelect(this.$("form"), FORMS, {}, "container");
    fillSelect(this.$("unit"), UNITS, UNIT_LABELS(), "teu");
    fillSelect(this.$("objective"), OBJECTIVES, OBJECTIVE_LABELS(), "cost");
    fillSelect(this.$("year"), YEARS.map(String), {}, String(currentYear()));
    this.$("year").addEventListener("change", () => this.onYear && this.onYear(Number(this.$("year").value)));
    const start = new Date();
    start.setDate(start.getDate() + 1);
    start.setHours(8, 0, 0, 0);
    this.$("ready_at").value = localIso(start);
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.$("form").addEventListener("change", () => {
      const unit = this.$("unit");
      const want = ["container", "reefer"].includes(this.$("form").value) ? "teu" : "t";
      if ([...unit.options].some((o) => o.value === want)) unit.value = want;
    });
    this.combos = {};
    for (const id of ["origin", "destination"]) {
      this.$(id).addEventListener("change", () => this.showHint(id));
      this.combos[id] = new PlaceCombobox(this.$(id), () => this.showHint(id));
    }
  }

  $(id) {
    return document.getElementById(id);
  }

  /** Take enum values from the service's OpenAPI schema when it has them. */
  adoptSchema(doc) {
    const op = doc && doc.paths && doc.paths["/v1/routes"] && doc.paths["/v1/routes"].post;
    const content = op && op.requestBody && op.requestBody.content;
    const schema = content && content["application/json"] && content["application/json"].schema;
    if (!schema) return false;
    const set = (id, path, labels) => {
      const values = enumAt(doc, schema, path);
      if (values && values.length) fillSelect(this.$(id), values.map(String), labels);
    };
    set("commodity", ["cargo", "commodity"]);
    set("form", ["cargo", "form"]);
    set("unit", ["cargo", "unit"], UNIT_LABELS());
    set("objective", ["objective"], OBJECTIVE_LABELS());
    return true;
  }

  /** The network year of the form (the places offered and the routes' ``year``). */
  year() {
    return Number(this.$("year").value) || currentYear();
  }

  /** Show ``year`` as the form's network year (the map has drawn that year's network). */
  setYear(year) {
    const sel = this.$("year");
    if (![...sel.options].some((o) => o.value === String(year))) {
      sel.insertAdjacentHTML("beforeend", `<option value="${esc(year)}">${esc(year)}</option>`);
    }
    sel.value = String(year);
  }

  /** A new year's network: drop results drawn on the last one, flag ends it does not have. */
  networkChanged(year) {
    this.alts = [];
    this.render();
    this.status.textContent = "";
    this.clearErrors();
    for (const id of ["origin", "destination"]) {
      const m = this.$(id).value.trim().match(TEXT_ID);
      this.showHint(id);
      if (m && !this.nodesById.has(m[1])) {
        this.$(id).setAttribute("aria-invalid", "true");
        this.$(`${id}-err`).textContent = t("not in the network of {year}", { year });
      }
    }
  }

  setPlaces(nodesById) {
    this.nodesById = nodesById;
    const places = [...nodesById.values()]
      .filter(pickable)
      .sort((a, b) => (a.name_en || a.id).localeCompare(b.name_en || b.id));
    this.places = places;
    for (const c of Object.values(this.combos)) c.setPlaces(places);
  }

  /** Fill an end from a map click: origin first, then destination. */
  pick(id) {
    const p = this.nodesById && this.nodesById.get(id);
    if (!p) return;
    const target = this.$("origin").value.trim() ? "destination" : "origin";
    this.$(target).value = pickerText(p);
    this.showHint(target);
    this.$(target).focus();
  }

  /** Text put into an end field for a place. */
  textFor(p) {
    return pickerText(p);
  }

  showHint(id) {
    const hint = this.$(`${id}-hint`);
    const resolved = resolvePlace(this.nodesById || new Map(), this.$(id).value);
    hint.innerHTML = resolved ? `= ${placeNameHtml(this.nodesById.get(resolved))}` : "";
  }

  clearErrors() {
    this.errorBox.hidden = true;
    this.errorBox.innerHTML = "";
    for (const f of FIELD_IDS) {
      this.$(f).removeAttribute("aria-invalid");
      this.$(`${f}-err`).textContent = "";
    }
  }

  showProblem(problem) {
    this.errorBox.innerHTML = problemHtml(problem);
    this.errorBox.hidden = false;
    let first = null;
    for (const e of (problem && problem.errors) || []) {
      const f = fieldForLoc(e.loc);
      if (!f) continue;
      this.$(f).setAttribute("aria-invalid", "true");
      this.$(`${f}-err`).textContent = e.msg;
      first = first || f;
    }
    if (first) this.$(first).focus();
  }

  request() {
    const nodes = this.nodesById || new Map();
    const end = (id) => {
      const text = this.$(id).value.trim();
      const m = text.match(TEXT_ID);
      if (m && !nodes.has(m[1])) return m[1]; // a place of another year: the API names it
      return resolvePlace(nodes, text) || text; // unknown text goes as typed: the API names it
    };
    const q = this.$("quantity").value;
    const alts = this.$("alternatives").value;
    const ready = this.$("ready_at").value;
    return {
      origin: end("origin"),
      destination: end("destination"),
      cargo: {
        commodity: this.$("commodity").value,
        form: this.$("form").value,
        quantity: q === "" ? null : Number(q),
        unit: this.$("unit").value,
      },
      ready_at: ready ? `${ready.length === 16 ? `${ready}:00` : ready}+08:00` : null,
      objective: this.$("objective").value,
      alternatives: alts === "" ? 1 : Number(alts),
    };
  }

  /** Run the query in the form; ``record: false`` keeps the address bar as it is. */
  async submit({ record = true } = {}) {
    this.clearErrors();
    const missing = ["origin", "destination"].filter((id) => !this.$(id).value.trim());
    if (missing.length) {
      this.showProblem({
        title: t("Origin and destination are needed"),
        detail: t("Choose both ends of the route (type a Chinese or English name, pinyin or an id)."),
        errors: missing.map((m) => ({ loc: `$.${m}`, msg: t("choose a place") })),
      });
      return;
    }
    const body = this.request();
    const button = this.$("route-submit");
    button.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    this.status.textContent = t("Searching routes…");
    const year = this.year();
    if (record && this.onQuery) this.onQuery(body, year);
    try {
      const { data } = await api("POST", `/v1/routes?year=${encodeURIComponent(year)}`, body);
      this.alts = (data && data.alternatives) || [];
      this.chosen = 0;
      this.render();
      this.status.textContent = this.alts.length
        ? t("{n} route alternative(s) found.", { n: this.alts.length })
        : t("No route found.");
    } catch (err) {
      this.alts = [];
      this.render();
      this.status.textContent = "";
      this.showProblem(err instanceof ApiProblem ? err.problem : { title: String(err) });
      return;
    } finally {
      button.disabled = false;
      this.form.removeAttribute("aria-busy");
    }
  }

  choose(i) {
    this.chosen = i;
    this.render(false);
  }

  render(fit = true) {
    this.netmap.clearRoutes();
    if (!this.alts.length) {
      this.results.innerHTML = "";
      return;
    }
    this.alts.forEach((a, i) => {
      if (i !== this.chosen) this.netmap.drawRoute(a, { emphasis: false });
    });
    this.netmap.drawRoute(this.alts[this.chosen], { emphasis: true, fit });
    const name = (id) => placeNameHtml((this.nodesById && this.nodesById.get(id)) || { id });
    const rows = this.alts
      .map((a, i) => {
        const tot = a.total || {};
        const modes = (a.legs || [])
          .map(
            (l) =>
              `<span class="chip" style="--c:${modeStyle(l.mode).color}">${esc(modeLabel(l.mode))}</span>`,
          )
          .join("");
        const forms = (a.multimodal_forms || [])
          .map((f) => `<span class="chip chip-form">${esc(formLabel(f))}</span>`)
          .join("");
        const sel = i === this.chosen;
        return `<tr class="${sel ? "chosen" : ""}">
<th scope="row">${esc(a.rank ?? i + 1)}</th>
<td class="num">${fmtCny(tot.cost_cny)}</td><td class="num">${fmtNum(tot.hours)}</td>
<td class="num">${fmtNum(tot.co2_kg, 0)}</td><td class="num">${fmtNum(tot.distance_km, 0)}</td>
<td class="num">${(a.transfers || []).length}</td><td>${modes}${forms}</td>
<td><button type="button" class="show-alt" data-i="${i}" aria-pressed="${sel}">${esc(sel ? t("Shown") : t("Show"))}<span class="sr-only"> ${esc(t("alternative {n} on the map", { n: a.rank ?? i + 1 }))}</span></button></td></tr>`;
      })
      .join("");
    const a = this.alts[this.chosen];
    const legs = (a.legs || [])
      .map((l) => {
        const st = modeStyle(l.mode);
        return `<li><span class="chip" style="--c:${st.color}">${esc(modeLabel(l.mode))}</span>
${name(l.from)} → ${name(l.to)}${l.service ? ` · ${esc(t("service"))} <code>${esc(l.service)}</code>` : ""}
<br><span class="hint">${l.depart ? esc(t("depart {time}", { time: fmtTime(l.depart) })) : ""}${
          l.arrive ? ` · ${esc(t("arrive {time}", { time: fmtTime(l.arrive) }))}` : ""
        } · ${esc(t("{n} km", { n: fmtNum(l.distance_km, 0) }))} · ${esc(fmtCny(l.cost_cny))} · ${esc(t("{n} kg CO₂", { n: fmtNum(l.co2_kg, 0) }))}${
          l.trailers ? ` · ${esc(t("{n} semitrailer(s)", { n: l.trailers }))}` : ""
        }</span></li>`;
      })
      .join("");
    const transfers = (a.transfers || [])
      .map((tr) => {
        if (typeof tr === "string") return `<li>${name(tr)}</li>`;
        const at = transferNode(tr);
        const extra = [
          tr.kind ? transferKindLabel(tr.kind) : "",
          tr.from_mode && tr.to_mode ? `${modeLabel(tr.from_mode)} → ${modeLabel(tr.to_mode)}` : "",
          tr.hours !== undefined ? t("{n} h", { n: fmtNum(tr.hours) }) : "",
          tr.cost_cny !== undefined ? fmtCny(tr.cost_cny) : "",
          tr.trailers ? t("{n} semitrailer(s)", { n: tr.trailers }) : "",
          tr.drop_and_hook && tr.tractor_saved_cny
            ? t("tractor time saved {cny}", { cny: fmtCny(tr.tractor_saved_cny) })
            : "",
        ]
          .filter(Boolean)
          .join(" · ");
        const swap = tr.drop_and_hook
          ? ` <span class="chip chip-form chip-drop-and-hook">${esc(formLabel("drop_and_hook"))}</span>`
          : "";
        return `<li class="${tr.drop_and_hook ? "transfer-drop-and-hook" : ""}">${name(at)}${swap}${extra ? ` <span class="hint">${esc(extra)}</span>` : ""}</li>`;
      })
      .join("");
    this.results.innerHTML = `<div class="table-wrap"><table id="alternatives-table">
<caption>${esc(t("Route alternatives (click “Show” to draw one on the map)"))}</caption>
<thead><tr><th scope="col">${esc(t("Rank"))}</th><th scope="col">${esc(t("Cost (CNY)"))}</th><th scope="col">${esc(t("Hours"))}</th>
<th scope="col">${esc(t("CO₂ (kg)"))}</th><th scope="col">${esc(t("Distance (km)"))}</th><th scope="col">${esc(t("Transfers"))}</th>
<th scope="col">${esc(t("Modes"))}</th><th scope="col"><span class="sr-only">${esc(t("Map"))}</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>
<h3 id="legs-heading">${esc(t("Legs of alternative {n}", { n: a.rank ?? this.chosen + 1 }))}</h3>
<p class="hint">${esc(t("Times are Beijing time (UTC+8)."))}</p>
<ol class="legs" aria-labelledby="legs-heading">${legs}</ol>
${transfers ? `<h3>${esc(t("Transfers"))}</h3><ul class="legs">${transfers}</ul>` : ""}`;
    this.results.querySelectorAll("button.show-alt").forEach((b) =>
      b.addEventListener("click", () => {
        this.choose(Number(b.dataset.i));
        const again = this.results.querySelector(`button.show-alt[data-i="${b.dataset.i}"]`);
        if (again) again.focus();
      }),
    );
  }
}

