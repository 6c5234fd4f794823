// Builds the web map into dist/: src/main.js → app.js and src/app.css → app.css (esbuild,
// everything bundled so nothing comes from a CDN), Leaflet's marker images, and the files
// of public/ (index.html, config.json). Run with `npm run build`; `--watch` rebuilds.
import * as esbuild from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(here, "public"), dist, { recursive: true });
cpSync(join(here, "node_modules/leaflet/dist/images"), join(dist, "images"), { recursive: true });

const options = {
  entryPoints: { app: join(here, "src/main.js"), "app-style": join(here, "src/app.css") },
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ["chrome90", "firefox90", "safari14"],
  outdir: dist,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "images/[name]-[hash]",
  logLevel: "info",
};
if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
