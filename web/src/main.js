// Entry point: language, the map, the route panel, plan views, tabs, names, the API key and
// the shareable view URLs.

import "./style.css";
import { ApiProblem, api, setApiKey } from "./api.js";
import { BookingsPanel, CapacityPanel } from "./bookings.js";
import { lang, setLang, t, translatePage } from "./i18n.js";
import { MatchingPanel } from "./matching.js";
import { NetworkMap } from "./map.js";
import { NetworkYear, currentYear, parseYear } from "./netyear.js";
import { setNameMode } from "./places.js";
import { JobsPanel, PlansPanel, showJob } from "./plans.js";
import { RoutePanel, problemHtml } from "./route.js";
import { fillRouteForm, go, parseHash, routeParams } from "./router.js";
import { ScenariosPanel } from "./scenarios.js";
import { setViewMap } from "./views.js";

const VIEWS = ["routes", "plans", "jobs", "bookings", "capacity", "matching", "scenarios"];
const TAB_OF = { routes: "tab-route" };
const tabId = (view) => TAB_OF[view] || `tab-${view}`;
const viewOf = (tab) => VIEWS.find((v) => tabId(v) === tab.id) || "routes";

function setupTabs(paramsOf) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus, record = true) => {
    for (const x of tabs) {
      const on = x === tab;
      x.setAttribute("aria-selected", String(on));
      x.tabIndex = on ? 0 : -1;
      document.getElementById(x.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    if (record && parseHash(location.hash).view !== viewOf(tab)) go(viewOf(tab), "", paramsOf(viewOf(tab)));
    tab.dispatchEvent(new CustomEvent("tab-shown", { bubbles: true }));
  };
  tabs.forEach((x, i) => {
    x.addEventListener("click", () => select(x, false));
    x.addEventListener("keydown", (ev) => {
      const step = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      select(tabs[(i + step + tabs.length) % tabs.length], true);
    });
  });
  return (view, record) => {
    const tab = document.getElementById(tabId(view));
    if (tab) select(tab, false, record);
  };
}

function setupLanguage() {
  translatePage();
  const sel = document.getElementById("lang");
  sel.value = lang();
  sel.addEventListener("change", () => {
    setLang(sel.value);
    location.reload(); // every view re-renders in the new language; the URL keeps the view
  });
}

/** The network year a route URL names (its ``year``, else the current year). */
function routeYear(params) {
  return parseYear(params.get("year")) || currentYear();
}

/** Show the view a fragment names (used on load and when the fragment changes). */
async function applyHash(ctx) {
  const { view, id, params } = parseHash(location.hash);
  if (!VIEWS.includes(view)) return;
  ctx.selectView(view, false);
  if (view === "routes") {
    const year = routeYear(params);
    if (year !== ctx.netyear.year) {
      try {
        await ctx.netyear.load(year);
      } catch (err) {
        ctx.showNetworkProblem(err);
        return;
      }
    }
    if (fillRouteForm(ctx.route, params)) ctx.route.submit({ record: false });
  } else if (view === "bookings" && id) ctx.bookings.open(id, { record: false });
  else if (view === "scenarios" && id) ctx.scenarios.open(id, { record: false });
  else if (view === "scenarios" && params.get("a") && params.get("b")) ctx.scenarios.openComparison(params);
  else if (view === "jobs" && id) showJob(id, document.getElementById("job-view"));
}

async function main() {
  setupLanguage();
  let netyear = null;
  // the route tab names a network year other than the current one (#/routes?year=2030)
  const tabParams = (view) =>
    view === "routes" && netyear && netyear.year && netyear.year !== currentYear()
      ? new URLSearchParams({ year: String(netyear.year) })
      : undefined;
  const selectView = setupTabs(tabParams);
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
  route.onQuery = (body, year) => go("routes", "", routeParams(body, year));
  const plans = new PlansPanel(document.getElementById("plans"));
  const jobs = new JobsPanel(document.getElementById("jobs"));
  document.getElementById("tab-jobs").addEventListener("tab-shown", () => jobs.refresh());
  const bookings = new BookingsPanel(document.getElementById("bookings"), netmap, route);
  bookings.onOpen = (id) => go("bookings", id);
  const capacity = new CapacityPanel(document.getElementById("capacity"));
  document.getElementById("tab-bookings").addEventListener("tab-shown", () => bookings.shown());
  netmap.onPick = (id) => route.pick(id);
  const matching = new MatchingPanel(document.getElementById("matching"), netmap);
  document.getElementById("tab-matching").addEventListener("tab-shown", () => matching.refresh());
  const scenarios = new ScenariosPanel(document.getElementById("scenarios"), netmap);
  scenarios.onOpen = (id) => go("scenarios", id);
  scenarios.onCompare = (params) => go("scenarios", "", params);
  document.getElementById("tab-scenarios").addEventListener("tab-shown", () => scenarios.refresh());
  window.kfo = { netmap, route, plans, bookings, capacity, matching, scenarios }; // for debugging and the browser tests

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
      scenarios.adoptSchema(data);
    })
    .catch(() => plans.adoptSchema(null));

  // the network year: the map, the place search and route queries follow it
  const status = document.getElementById("map-status");
  netyear = new NetworkYear(netmap);
  const showNetworkProblem = (err) => {
    status.innerHTML = `<span class="error" role="alert">${problemHtml(
      err instanceof ApiProblem ? err.problem : { title: String(err) },
    )}</span>`;
  };
  netyear.onChange((year, n) => {
    route.setPlaces(netmap.nodesById);
    route.setYear(year);
    route.networkChanged(year);
    scenarios.networkShown(year, n);
    status.textContent = t("Network {year}: {nodes} places, {links} links.", { year, nodes: n.nodes, links: n.links });
  });
  const loadYear = async (year) => {
    try {
      await netyear.load(year);
    } catch (err) {
      showNetworkProblem(err);
    }
  };
  scenarios.loadNetwork = (year) => netyear.load(year);
  route.onYear = (year) => {
    go("routes", "", new URLSearchParams({ year: String(year) }));
    loadYear(year);
  };
  const ctx = { selectView, route, bookings, scenarios, netyear, showNetworkProblem };
  const first = parseHash(location.hash);
  try {
    await netyear.load(first.view === "routes" ? routeYear(first.params) : currentYear(), { fit: true });
    document.body.dataset.network = "ready";
  } catch (err) {
    showNetworkProblem(err);
    document.body.dataset.network = "failed";
  }
  await applyHash(ctx);
  window.addEventListener("popstate", () => applyHash(ctx));
  document.body.dataset.view = "ready";
}

main();
