// Online basemaps are off by default (offline intranets); when AMap (GCJ-02) is enabled in
// config.json and chosen, every layer is shifted to GCJ-02 and a clicked point is shifted
// back before the lookup, so the grid answered is the grid under the cursor.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api, BASE } from "./helpers.mjs";
import { wgs84ToGcj02 } from "../src/gcj02.js";

test("no basemap by default: nothing is requested from outside", async () => {
  const s = await open({ role: "command_staff" });
  const outside = [];
  s.page.on("request", (r) => {
    if (!r.url().startsWith(BASE)) outside.push(r.url());
  });
  await s.page.reload();
  await s.page.waitForSelector("body[data-ready='1']");
  await s.page.click("#tabbtn-layers");
  assert.deepEqual(await s.page.locator("input[name=basemap]").evaluateAll((els) => els.map((e) => e.parentElement.textContent)), ["无底图（离线）"]);
  assert.deepEqual(outside, []);
  await s.browser.close();
});

test("AMap basemap: layers drawn in GCJ-02, clicks looked up in WGS 84", async () => {
  const s = await open({ role: "command_staff" });
  after(() => s.browser.close());
  const { page, context } = s;
  // Serve a config with AMap enabled; its tiles are not fetched (offline test machine).
  const config = await (await fetch(`${BASE}/config.json`)).json();
  for (const b of config.basemaps) b.enabled = b.id === "amap";
  await context.route("**/config.json", (r) => r.fulfill({ contentType: "application/json", body: JSON.stringify(config) }));
  await context.route(/autonavi\.com/, (r) => r.abort());
  await page.reload(); // the session cookie survives the reload
  await page.waitForSelector("body[data-ready='1']");
  await page.click("#tabbtn-layers");
  await page.check("input[name=basemap][value=amap]");
  // A grid's first vertex is drawn at its GCJ-02 position.
  const grid = (await api(page, "/api/grids")).body.features[0];
  const [lon, lat] = grid.geometry.coordinates[0][0][0];
  const drawn = await page.evaluate((id) => {
    let ll = null;
    window.wangge.layers.grids.eachLayer((l) => {
      if (l.feature.properties.id === id) ll = l.getLatLngs()[0][0][0];
    });
    return ll;
  }, grid.properties.id);
  const [glon, glat] = wgs84ToGcj02(lon, lat);
  assert.ok(Math.abs(drawn.lng - glon) < 1e-9 && Math.abs(drawn.lat - glat) < 1e-9, `${JSON.stringify(drawn)} vs ${glon},${glat}`);
  assert.ok(Math.abs(drawn.lng - lon) > 1e-3, "the shift is visible (hundreds of metres)");
  // Click the GCJ-02 position of a building's centre in "where am I": the grid of that building.
  const building = (await api(page, `/api/buildings?grid=${grid.properties.id}&limit=1`)).body.features[0];
  const ring = building.geometry.coordinates[0][0].slice(0, -1);
  const c = [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length];
  const [gx, gy] = wgs84ToGcj02(c[0], c[1]);
  await page.evaluate(([x, y]) => window.wangge.map.setView([y, x], 17, { animate: false }), [gx, gy]);
  await page.click("#tabbtn-worker");
  await page.click("#pick-on-map");
  const box = await page.locator("#map").boundingBox();
  const pt = await page.evaluate(([x, y]) => window.wangge.map.latLngToContainerPoint([y, x]), [gx, gy]);
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  await page.waitForSelector("#where-grid-name");
  assert.equal(await page.locator("#where-grid-name").innerText(), grid.properties.name);
  await shot(page, "basemap-amap-gcj02");
  // Back to no basemap: drawn in WGS 84 again.
  await page.click("#tabbtn-layers");
  await page.check("input[name=basemap][value='']");
  const back = await page.evaluate((id) => {
    let ll = null;
    window.wangge.layers.grids.eachLayer((l) => {
      if (l.feature.properties.id === id) ll = l.getLatLngs()[0][0][0];
    });
    return ll;
  }, grid.properties.id);
  assert.ok(Math.abs(back.lng - lon) < 1e-12 && Math.abs(back.lat - lat) < 1e-12);
  assert.deepEqual(s.errors, []);
});
