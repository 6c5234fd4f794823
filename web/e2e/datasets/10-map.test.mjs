// On the dataset the server holds: every role logs in and gets its views; the communities
// and grids the API gives the user are all drawn on the map; a grid worker sees their own
// grid with its buildings. Measures how long the page takes to be ready after the login
// and on a reload.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { BASE, PASSWORD, USERS, LAUNCH, login, api, waitReady } from "../helpers.mjs";
import { DATASET, FIXTURE, shot, read, props, assertClean, recordTime } from "./dataset.mjs";
import { t } from "../../src/i18n.js";

const TABS = {
  administrator: [t.tabDrill, t.tabLayers, t.tabPlanner, t.tabWorker],
  planner: [t.tabDrill, t.tabLayers, t.tabPlanner],
  command_staff: [t.tabDrill, t.tabLayers, t.tabWorker],
  grid_worker: [t.tabWorker, t.tabDrill, t.tabLayers],
  viewer: [t.tabDrill, t.tabLayers],
};

const browser = await chromium.launch(LAUNCH);
after(() => browser.close());

/** A fresh context logged in as `role`: {page, errors, readyMs}. */
async function as(role) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(BASE + "/");
  await page.waitForSelector("#login:not([hidden])");
  const t0 = Date.now();
  await login(page, USERS[role], PASSWORD);
  try {
    await waitReady(page, errors);
  } catch (e) {
    await context.close();
    throw e;
  }
  return { context, page, errors, readyMs: Date.now() - t0 };
}

for (const role of Object.keys(TABS)) {
  test(`${DATASET}: ${role} logs in and sees the map of what they may see`, async () => {
    const s = await as(role);
    const { page } = s;
    try {
      recordTime(`ready-after-login(${role})`, s.readyMs);
      assert.equal(await page.locator("#user-name").innerText(), `${USERS[role]}（${t.roles[role]}）`);
      assert.deepEqual(await page.locator("#tabs button").allInnerTexts(), TABS[role]);
      const me = await read(page, "/api/me");
      const user = me.user || me;
      assert.equal(user.role, role);

      // Every community and grid the API gives this user is drawn: one path each.
      const communities = (await read(page, "/api/regions?level=community")).features.filter((f) => f.geometry);
      const grids = (await read(page, "/api/grids")).features;
      assert.ok(grids.length > 0, `${DATASET}: ${role} sees grids`);
      await page.waitForFunction(
        ([c, g]) => document.querySelectorAll(".leaflet-communities-pane path").length === c && document.querySelectorAll(".leaflet-grids-pane path").length === g,
        [communities.length, grids.length],
        { timeout: 10000 },
      ).catch(() => {});
      assert.equal(await page.locator(".leaflet-grids-pane path").count(), grids.length, "grid paths drawn");
      assert.equal(await page.locator(".leaflet-communities-pane path").count(), communities.length, "community paths drawn");
      // The map shows them: the view meets the grids' extent.
      const inView = await page.evaluate(() => {
        const m = window.wangge.map;
        return m.getBounds().intersects(window.wangge.layers.grids.getBounds());
      });
      assert.ok(inView, "the grids are in view");

      if (role === "grid_worker") {
        const scope = user.scope.grids;
        if (FIXTURE) assert.deepEqual(scope, [FIXTURE.worker_grid]);
        assert.ok(scope.length > 0);
        assert.equal(grids.length, scope.length, "a grid worker sees only their grids");
        await page.waitForSelector("#my-grids .my-grid");
        assert.equal(await page.locator("#my-grids .my-grid").count(), scope.length);
        const buildings = props(await read(page, `/api/buildings?grid=${scope[0]}&limit=10000`));
        assert.equal(await page.locator("#my-grids .my-grid").first().locator(".drill-item").count(), buildings.length);
        const grid = (await read(page, `/api/grids/${scope[0]}`)).properties;
        assert.match(await page.locator("#my-grids .my-grid .sub").first().innerText(), new RegExp(`^${(grid.code ?? "—").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} · ${buildings.length} 栋`));
      } else {
        // The drill-down starts from the streets the user may see (or their communities).
        const streets = (await read(page, "/api/regions?level=street")).features;
        const first = streets.length ? streets : communities;
        await page.click("#tabbtn-drill");
        assert.equal(await page.locator("#detail .drill-item").count(), first.length);
      }
      await shot(page, `map-${role}`);

      if (role === "command_staff") {
        // A reload with the session: the whole page load until ready.
        const t0 = Date.now();
        await page.reload();
        await waitReady(page, s.errors);
        recordTime("ready-on-reload(command_staff)", Date.now() - t0);
        assert.equal(await page.locator(".leaflet-grids-pane path").count(), grids.length);
      }
      await assertClean({ ...s, page });
      // Logging out returns to the login page.
      await page.click("#logout");
      await page.waitForSelector("#login:not([hidden])");
      assert.equal((await api(page, "/api/me")).status, 401);
    } finally {
      await s.context.close();
    }
  });
}
