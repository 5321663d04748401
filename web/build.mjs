// Build the page into api/static/ (committed, served by the app): `npm ci && npm run build`.
// Bundles src/main.js + Leaflet (from node_modules) into app.js and app.css with esbuild;
// Leaflet's control images are copied beside them. Deterministic: same sources, same bytes.
// `node build.mjs --check` rebuilds into a temporary folder and fails if api/static differs.

import { build } from "esbuild";
import { pinyin } from "pinyin-pro";
import { basemapModule } from "./basemap.mjs";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "api", "static");
const check = process.argv.includes("--check");
const outdir = check ? mkdtempSync(join(tmpdir(), "kfo-web-")) : target;

// Pinyin (toneless, most common reading) of every Chinese character of GB 2312 (6,763), as
// { syllable: "characters" }: the page turns any place name into full pinyin and initials
// without shipping a pinyin dictionary, and without depending on the network's data.
function pinyinModule() {
  const gbk = new TextDecoder("gbk");
  const groups = {};
  for (let hi = 0xb0; hi <= 0xf7; hi += 1) {
    for (let lo = 0xa1; lo <= 0xfe; lo += 1) {
      const c = gbk.decode(new Uint8Array([hi, lo]));
      if (c.length !== 1 || !/\p{Script=Han}/u.test(c)) continue;
      const syllable = pinyin(c, { toneType: "none" }).toLowerCase().replace(/[^a-z]/g, "");
      if (syllable) groups[syllable] = (groups[syllable] || "") + c;
    }
  }
  const sorted = Object.fromEntries(Object.keys(groups).sort().map((k) => [k, groups[k]]));
  return `export default ${JSON.stringify(sorted)};`;
}

// Every message the sources look up with t("...") or data-i18n must have a Chinese entry.
async function checkCatalogue() {
  const { ZH } = await import(join(here, "src", "zh.js"));
  const missing = new Set();
  for (const f of readdirSync(join(here, "src"))) {
    if (!/\.(js|html)$/.test(f) || f === "zh.js") continue;
    const text = readFileSync(join(here, "src", f), "utf8");
    for (const m of text.matchAll(/\bt\(\s*"((?:[^"\\]|\\.)*)"/g)) {
      const key = JSON.parse(`"${m[1]}"`);
      if (!(key in ZH)) missing.add(`${f}: ${key}`);
    }
    for (const m of text.matchAll(/<[^>]*\sdata-i18n-attr="([^"]+)"[^>]*>/g)) {
      for (const attr of m[1].split(",")) {
        const v = m[0].match(new RegExp(`\\s${attr}="([^"]*)"`));
        const key = v ? v[1].replace(/&amp;/g, "&") : "";
        if (key && !(key in ZH)) missing.add(`${f}: ${key}`);
      }
    }
    for (const m of text.matchAll(/<([a-z0-9]+)([^>]*\sdata-i18n(?=[\s>])[^>]*)>([^<]+)</g)) {
      const key = m[3].trim().replace(/&amp;/g, "&");
      if (key && !(key in ZH)) missing.add(`${f}: ${key}`);
    }
  }
  if (missing.size) {
    console.error(`messages without a Chinese translation in web/src/zh.js:\n  ${[...missing].join("\n  ")}`);
    process.exit(1);
  }
}
await checkCatalogue();

const virtual = {
  name: "kfo-virtual",
  setup(b) {
    b.onResolve({ filter: /^kfo:/ }, (a) => ({ path: a.path, namespace: "kfo" }));
    b.onLoad({ filter: /.*/, namespace: "kfo" }, (a) => {
      if (a.path === "kfo:pinyin") return { contents: pinyinModule(), loader: "js" };
      if (a.path === "kfo:basemap") return { contents: basemapModule(), loader: "js" };
      return null;
    });
  },
};

const KEEP = new Set(["app.js", "app.css", "index.html", "favicon.svg"]);
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
  charset: "utf8", // module scripts are always decoded as UTF-8; Chinese text stays 3 bytes a character
  outdir,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "[name]",
  publicPath: "/static",
  logLevel: "warning",
  plugins: [virtual],
});
cpSync(join(here, "src", "index.html"), join(outdir, "index.html"));
cpSync(join(here, "src", "favicon.svg"), join(outdir, "favicon.svg"));

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
