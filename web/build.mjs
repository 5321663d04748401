// Build the page into api/static/ (committed, served by the app): `npm ci && npm run build`.
// Bundles src/main.js + Leaflet (from node_modules) into app.js and app.css with esbuild;
// Leaflet's control images are copied beside them. Deterministic: same sources, same bytes.
// `node build.mjs --check` rebuilds into a temporary folder and fails if api/static differs.

import { build } from "esbuild";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "api", "static");
const check = process.argv.includes("--check");
const outdir = check ? mkdtempSync(join(tmpdir(), "kfo-web-")) : target;

const KEEP = new Set(["app.js", "app.css", "index.html"]);
if (!check) {
  for (const f of readdirSync(target, { withFileTypes: true })) {
    if (f.isFile() && (KEEP.has(f.name) || f.name.endsWith(".png"))) rmSync(join(target, f.name));
  }
}

await build({
  entryPoints: { app: join(here, "src", "main.js") },
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  legalComments: "inline",
  outdir,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "[name]",
  publicPath: "/static",
  logLevel: "warning",
});
cpSync(join(here, "src", "index.html"), join(outdir, "index.html"));

if (check) {
  const differ = readdirSync(outdir).filter((f) => {
    try {
      return !readFileSync(join(outdir, f)).equals(readFileSync(join(target, f)));
    } catch {
      return true;
    }
  });
  rmSync(outdir, { recursive: true, force: true });
  if (differ.length) {
    console.error(`api/static is stale: ${differ.join(", ")} differ; run: cd web && npm run build`);
    process.exit(1);
  }
  console.log("api/static is up to date");
} else {
  console.log(`built into ${outdir}: ${readdirSync(outdir).join(", ")}`);
}
