// Shareable view URLs in the fragment: "#/routes?from=kuytun_west&to=alashankou&…&year=2030",
// "#/bookings/ID", "#/jobs/ID", "#/plans", "#/capacity", "#/matching",
// "#/scenarios?a=2035&b=SCENARIO_ID&year=2035&limit=20" (a comparison). Reloading or opening
// such a link shows the same view; views report what they show with `go()` (history entry,
// no hashchange loop).

const ROUTE_FIELDS = ["commodity", "form", "quantity", "unit", "objective", "alternatives", "ready_at"];

/** Parse a fragment into {view, id, params}. */
export function parseHash(hash) {
  const h = String(hash || "").replace(/^#\/?/, "");
  const [path, query = ""] = h.split("?");
  const [view = "", id = ""] = path.split("/").map(decodeURIComponent);
  return { view: view || "routes", id, params: new URLSearchParams(query) };
}

/** The fragment for a view (and optional id / query parameters). */
export function hashFor(view, id, params) {
  const q = params && [...params].length ? `?${params.toString()}` : "";
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ""}${q}`;
}

/** Record the current view in the address bar (a new history entry when it changed). */
export function go(view, id, params) {
  const next = hashFor(view, id, params);
  if (location.hash !== next) history.pushState(null, "", next);
}

/** Query parameters describing a route request body on the network of ``year``. */
export function routeParams(body, year) {
  const p = new URLSearchParams();
  p.set("from", body.origin);
  p.set("to", body.destination);
  const cargo = body.cargo || {};
  for (const k of ["commodity", "form", "quantity", "unit"]) if (cargo[k] != null) p.set(k, cargo[k]);
  if (body.objective) p.set("objective", body.objective);
  if (body.alternatives) p.set("alternatives", body.alternatives);
  if (body.ready_at) p.set("ready_at", String(body.ready_at).slice(0, 16));
  if (year) p.set("year", String(year));
  return p;
}

/** Put route query parameters into the route form; true when both ends are given. */
export function fillRouteForm(route, params) {
  const from = params.get("from");
  const to = params.get("to");
  const place = (id) => route.nodesById && route.nodesById.get(id);
  const set = (field, id) => {
    const p = place(id);
    route.$(field).value = p ? route.textFor(p) : id;
    route.showHint(field);
  };
  if (from) set("origin", from);
  if (to) set("destination", to);
  for (const k of ROUTE_FIELDS) {
    const v = params.get(k);
    if (v !== null && route.$(k)) route.$(k).value = v;
  }
  return Boolean(from && to);
}
