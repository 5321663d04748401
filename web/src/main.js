// Entry point: wires the map, the route panel, plan views, tabs, names and the API key.

import "./style.css";
import { ApiProblem, api, setApiKey } from "./api.js";
import { BookingsPanel, CapacityPanel } from "./bookings.js";
import { MatchingPanel } from "./matching.js";
import { NetworkMap } from "./map.js";
import { setNameMode } from "./places.js";
import { JobsPanel, PlansPanel } from "./plans.js";
import { RoutePanel, problemHtml } from "./route.js";
import { setViewMap } from "./views.js";

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    tab.dispatchEvent(new CustomEvent("tab-shown", { bubbles: true }));
  };
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(t, false));
    t.addEventListener("keydown", (ev) => {
      const step = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      select(tabs[(i + step + tabs.length) % tabs.length], true);
    });
  });
}

async function main() {
  setupTabs();
  const keyInput = document.getElementById("apikey");
  keyInput.value = sessionStorage.getItem("kfo-api-key") || "";
  setApiKey(keyInput.value);
  keyInput.addEventListener("input", () => {
    setApiKey(keyInput.value);
    sessionStorage.setItem("kfo-api-key", keyInput.value.trim());
  });

  const netmap = new NetworkMap(document.getElementById("map"));
  netmap.addLegend();
  setViewMap(netmap);
  const route = new RoutePanel(netmap);
  const plans = new PlansPanel(document.getElementById("plans"));
  const jobs = new JobsPanel(document.getElementById("jobs"));
  document.getElementById("tab-jobs").addEventListener("tab-shown", () => jobs.refresh());
  const bookings = new BookingsPanel(document.getElementById("bookings"), netmap, route);
  const capacity = new CapacityPanel(document.getElementById("capacity"));
  document.getElementById("tab-bookings").addEventListener("tab-shown", () => bookings.shown());
  netmap.onPick = (id) => route.pick(id);
  const matching = new MatchingPanel(document.getElementById("matching"), netmap);
  document.getElementById("tab-matching").addEventListener("tab-shown", () => matching.refresh());
  window.kfo = { netmap, route, plans, bookings, capacity, matching }; // for debugging and the browser tests

  const names = document.getElementById("names");
  names.value = localStorage.getItem("kfo-names") || "both";
  setNameMode(names.value);
  names.addEventListener("change", () => {
    setNameMode(names.value);
    localStorage.setItem("kfo-names", names.value);
    netmap.relabel();
    if (route.alts.length) route.render(false);
  });

  api("GET", "/v1/openapi.json")
    .then(({ data }) => {
      route.adoptSchema(data);
      plans.adoptSchema(data);
    })
    .catch(() => plans.adoptSchema(null));

  const status = document.getElementById("map-status");
  try {
    const { data } = await api("GET", "/v1/network");
    const n = netmap.draw(data);
    route.setPlaces(netmap.nodesById);
    status.textContent = `Network: ${n.nodes} places, ${n.links} links.`;
    document.body.dataset.network = "ready";
  } catch (err) {
    status.innerHTML = `<span class="error" role="alert">${problemHtml(
      err instanceof ApiProblem ? err.problem : { title: String(err) },
    )}</span>`;
    document.body.dataset.network = "failed";
  }
}

main();
