// Grid workers: "where am I" from the browser's geolocation and from a clicked point,
// answered with the responsible grid and its workers, as GET /api/lookup answers.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api, AUTH } from "./helpers.mjs";

const s = await open({ role: "grid_worker" });
const { page, context } = s;
after(() => s.browser.close());

test("where am I: geolocation → responsible grid and its workers", async () => {
  // A point inside a building the worker may see (their own grid when logins are on).
  const me = AUTH ? (await api(page, "/api/me")).body : null;
  const scopeGrid = me?.user?.scope?.grids?.[0] ?? me?.scope?.grids?.[0] ?? null;
  const fc = (await api(page, `/api/buildings?limit=5${scopeGrid ? `&grid=${scopeGrid}` : ""}`)).body;
  const ring = fc.features[0].geometry.coordinates[0][0];
  const lon = ring.slice(0, -1).reduce((a, c) => a + c[0], 0) / (ring.length - 1);
  const lat = ring.slice(0, -1).reduce((a, c) => a + c[1], 0) / (ring.length - 1);
  const expected = (await api(page, `/api/lookup?lon=${lon}&lat=${lat}`)).body;
  assert.equal(expected.found, true);
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ longitude: lon, latitude: lat });
  await page.click("#tabbtn-worker");
  await page.click("#where-am-i");
  await page.waitForSelector("#where-grid-name");
  assert.equal(await page.locator("#where-grid-name").innerText(), expected.grid.name);
  assert.equal(await page.locator("#where-result ul.workers li").count(), expected.workers.length);
  assert.match(await page.locator("#where-result").innerText(), new RegExp(expected.community.name));
  await shot(page, "worker-1-where-am-i");
  await page.click("#where-open-grid");
  await page.waitForSelector(`#detail h2 >> text=${expected.grid.name}`);
});

test("where am I: a clicked point", async () => {
  await page.click("#tabbtn-worker");
  await page.click("#pick-on-map");
  const box = await page.locator("#map").boundingBox();
  const [x, y] = [Math.round(box.width * 0.45), Math.round(box.height * 0.45)];
  const ll = await page.evaluate(([px, py]) => window.wangge.map.containerPointToLatLng([px, py]), [x, y]);
  await page.mouse.click(box.x + x, box.y + y);
  await page.waitForSelector("#where-grid-name, #where-outside");
  const expected = (await api(page, `/api/lookup?lon=${ll.lng}&lat=${ll.lat}`)).body;
  if (expected.found) assert.equal(await page.locator("#where-grid-name").innerText(), expected.grid.name);
  else assert.equal(await page.locator("#where-outside").count(), 1);
  await shot(page, "worker-2-picked");
  assert.deepEqual(s.errors, []);
});
