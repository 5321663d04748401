// Talking to the service: JSON in and out, problem+json errors turned into ApiProblem.

import { t } from "./i18n.js";

/** An error answer of the API (RFC 9457 problem details) or a network failure. */
export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || "Request failed");
    this.problem = problem;
    this.status = problem.status || 0;
  }
}

let apiKey = "";
export function setApiKey(key) {
  apiKey = (key || "").trim();
}
export function hasApiKey() {
  return apiKey !== "";
}

/** Fetch JSON; throw ApiProblem with the server's problem document on any error. */
export async function api(method, path, body, { signal } = {}) {
  const headers = { Accept: "application/json, application/problem+json, application/geo+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiProblem({
      type: "unreachable",
      title: t("The service cannot be reached"),
      detail: `${method} ${path}: ${err.message}. ${t("Is the service running?")}`,
      status: 0,
    });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const problem =
      data && typeof data === "object" && (data.title || data.detail)
        ? data
        : { title: res.statusText || "Request failed", detail: text.slice(0, 300) };
    problem.status = problem.status || res.status;
    throw new ApiProblem(problem);
  }
  return { status: res.status, data, headers: res.headers };
}

/** GET a text document (e.g. a report) with the API key; ApiProblem on an error answer. */
export async function apiText(path) {
  const headers = { Accept: "text/html, text/markdown, application/problem+json" };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  const res = await fetch(path, { headers });
  const text = await res.text();
  if (!res.ok) {
    let problem;
    try {
      problem = JSON.parse(text);
    } catch {
      problem = { title: res.statusText || "Request failed", detail: text.slice(0, 300) };
    }
    problem.status = problem.status || res.status;
    throw new ApiProblem(problem);
  }
  return text;
}

/** Human wording for a problem's status (what the user can do about it). */
export function statusHint(status) {
  if (status === 401) return t("An API key is needed: enter it at the top of the page.");
  if (status === 403) return t("This API key's role may not do this.");
  if (status === 429) return t("Too many requests: wait a moment and try again.");
  if (status === 0) return "";
  if (status >= 500) return t("The service failed; the request id helps its operators.");
  return "";
}

/** Resolve an OpenAPI "$ref" chain inside ``doc``. */
export function deref(doc, schema) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 20; i += 1) {
    const parts = s.$ref.replace(/^#\//, "").split("/");
    s = parts.reduce((o, k) => (o ? o[k] : undefined), doc);
  }
  return s || {};
}

/** Enum values of a (possibly nested, anyOf/allOf) schema property path, or null. */
export function enumAt(doc, schema, path) {
  let s = deref(doc, schema);
  for (const key of path) {
    s = deref(doc, s);
    const variants = [s, ...(s.allOf || []), ...(s.anyOf || []), ...(s.oneOf || [])].map((x) =>
      deref(doc, x),
    );
    const holder = variants.find((v) => v.properties && v.properties[key]);
    if (!holder) return null;
    s = deref(doc, holder.properties[key]);
  }
  const variants = [s, ...(s.allOf || []), ...(s.anyOf || []), ...(s.oneOf || [])].map((x) =>
    deref(doc, x),
  );
  const withEnum = variants.find((v) => Array.isArray(v.enum));
  if (withEnum) return withEnum.enum;
  const consts = variants.filter((v) => v.const !== undefined).map((v) => v.const);
  return consts.length ? consts : null;
}
