// Planners: run a balancing for a community, see the draft with its metrics table and the
// moved buildings, try manual moves (validated at once), publish after the confirmation
// dialog and see the new grids on the map; a draft overtaken by another publish gets the
// clear conflict message.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api } from "./helpers.mjs";

const s = await open({ role: "planner" });
const { page } = s;
after(() => s.browser.close());

const communityName = "祥和社区"; // not the community the drill-down and search tests read
let community;

test("run a balancing: draft, metrics table, moved buildings", async () => {
  community = (await api(page, "/api/regions?level=community")).body.features.find((f) => f.properties.name === communityName).properties;
  await page.click("#tabbtn-planner");
  await page.selectOption("#plan-community", String(community.id));
  await page.selectOption("#plan-mode", "most");
  await page.uncheck("#plan-warm");
  await page.click("#plan-run");
  await page.waitForSelector("#plan-metrics", { timeout: 60000 });
  const title = await page.locator("#plan-result h3").first().innerText();
  const planId = Number(title.match(/草案 (\d+)/)[1]);
  const plan = (await api(page, `/api/plans/${planId}`)).body;
  const diff = (await api(page, `/api/plans/${planId}/diff`)).body;
  assert.equal(plan.status, "draft");
  assert.equal(plan.community_id, community.id);
  assert.equal(await page.locator("#plan-metrics tbody tr").count(), plan.metrics.grid_count);
  const published = (await api(page, `/api/grids?community=${community.id}`)).body.features.length;
  assert.ok(plan.metrics.grid_count > published, `mode "most" gives more grids (${plan.metrics.grid_count}) than published (${published})`);
  const summary = await page.locator("#plan-summary").innerText();
  assert.match(summary, new RegExp(`调整楼栋 ${diff.buildings_moved} 栋，涉及 ${diff.households_moved} 户`));
  // Every metrics row within the bounds is marked ✓.
  const marks = await page.locator("#plan-metrics tbody tr td:last-child").allInnerTexts();
  assert.equal(marks.filter((m) => m === "✓").length, plan.metrics.grids.filter((g) => g.within_bounds).length);
  // The draft grids are drawn, and the moved buildings highlighted.
  assert.equal(await page.locator(".leaflet-draft-pane path").count(), plan.grids.features.length);
  assert.ok(diff.buildings_moved > 0);
  assert.equal(await page.locator('.leaflet-buildings-pane path[fill="#e91e63"]').count(), diff.buildings_moved);
  await shot(page, "planner-1-draft");
  // Toggle: draft only hides the published grids, published only hides the draft.
  await page.check('input[name=plan-show][value=draft]');
  assert.equal(await page.locator(".leaflet-grids-pane path").count(), 0);
  await shot(page, "planner-2-draft-only");
  await page.check('input[name=plan-show][value=published]');
  assert.equal(await page.locator(".leaflet-draft-pane path").count(), 0);
  assert.ok((await page.locator(".leaflet-grids-pane path").count()) > 0);
  await page.check('input[name=plan-show][value=both]');
});

test("manual move of a building is validated at once", async () => {
  const moves = await page.evaluate(() => {
    const p = window.wangge.planner;
    const out = [];
    for (const [id, code] of p.assign) {
      for (const f of p.plan.grids.features) {
        const to = f.properties.code;
        if (to === code) continue;
        out.push({ id, from: code, to, problem: p.checkMove([id], to) });
      }
    }
    return out;
  });
  const refused = moves.filter((m) => m.problem);
  const allowed = moves.filter((m) => !m.problem);
  assert.ok(refused.some((m) => /不相邻/.test(m.problem)), "some moves are refused for non-neighbouring grids");
  // Try one refused move through the page: the reason shows and nothing changes.
  const bad = refused[0];
  const before = await page.locator("#plan-metrics tbody").innerText();
  await page.evaluate((id) => window.wangge.planner.pickBuilding({ id }), bad.id);
  await page.selectOption("#plan-move-to", bad.to);
  await page.click("#plan-move-apply");
  assert.equal(await page.locator("#plan-move-result").innerText(), bad.problem);
  assert.equal(await page.locator("#plan-metrics tbody").innerText(), before);
  await shot(page, "planner-3-move-refused");
  // Select a building by drawing a polygon around it (geoman), then move it.
  const target = await page.evaluate(() => {
    const p = window.wangge.planner;
    const size = window.wangge.map.getSize();
    for (const b of p.buildings.values()) {
      const pt = window.wangge.map.latLngToContainerPoint([b.lonlat[1], b.lonlat[0]]);
      if (pt.x > 40 && pt.y > 40 && pt.x < size.x - 40 && pt.y < size.y - 40) return { id: b.id, name: b.name, x: pt.x, y: pt.y };
    }
    return null;
  });
  assert.ok(target, "a building of the draft is in view");
  await page.click("#plan-lasso");
  const box = await page.locator("#map").boundingBox();
  const corners = [[-10, -10], [10, -10], [10, 10], [-10, 10], [-10, -10]];
  for (const [dx, dy] of corners) {
    await page.mouse.click(box.x + target.x + dx, box.y + target.y + dy);
    await page.waitForTimeout(120);
  }
  await page.waitForSelector("#plan-selection");
  assert.match(await page.locator("#plan-selection").innerText(), new RegExp(target.name));
  await shot(page, "planner-3b-lasso");
  if (allowed.length) {
    const ok = allowed[0];
    await page.evaluate((id) => window.wangge.planner.pickBuilding({ id }), ok.id);
    await page.selectOption("#plan-move-to", ok.to);
    await page.click("#plan-move-apply");
    await page.waitForSelector("#plan-manual li");
    assert.match(await page.locator("#plan-manual").innerText(), new RegExp(`${ok.from.slice(-3)} → ${ok.to.slice(-3)}`));
  }
});

test("a draft overtaken by another publish gets the conflict message", async () => {
  const title = await page.locator("#plan-result h3").first().innerText();
  const stale = Number(title.match(/草案 (\d+)/)[1]);
  // Another planner computes and publishes a plan for the same community first.
  const other = await api(page, `/api/communities/${community.id}/plans`, { method: "POST", body: JSON.stringify({ mode: "fewest" }) });
  assert.equal(other.status, 201);
  const pub = await api(page, `/api/plans/${other.body.plan_id}/publish`, { method: "POST", body: "{}" });
  assert.equal(pub.status, 200);
  await page.click("#plan-publish");
  await page.waitForSelector("#confirm[open]");
  assert.match(await page.locator("#confirm-text").innerText(), /确认发布/);
  await page.click("#confirm-ok");
  await page.waitForSelector("#plan-conflict");
  assert.match(await page.locator("#plan-conflict").innerText(), /已有其他人发布了新的方案/);
  assert.equal((await api(page, `/api/plans/${stale}`)).body.status, "draft");
  await shot(page, "planner-4-conflict");
});

test("publish after confirmation; the new grids are on the map", async () => {
  await page.click("#plan-run");
  await page.waitForFunction(() => /草案 \d+/.test(document.querySelector("#plan-result h3")?.innerText || "") && !document.querySelector("#plan-conflict"), null, { timeout: 60000 });
  const planId = Number((await page.locator("#plan-result h3").first().innerText()).match(/草案 (\d+)/)[1]);
  const plan = (await api(page, `/api/plans/${planId}`)).body;
  // Cancel first: nothing is published.
  await page.click("#plan-publish");
  await page.waitForSelector("#confirm[open]");
  await page.click("#confirm-cancel");
  assert.equal((await api(page, `/api/plans/${planId}`)).body.status, "draft");
  // Then confirm.
  await page.click("#plan-publish");
  await page.waitForSelector("#confirm[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#plan-published");
  assert.equal((await api(page, `/api/plans/${planId}`)).body.status, "published");
  const grids = (await api(page, `/api/grids?community=${community.id}`)).body.features;
  assert.equal(grids.length, plan.metrics.grid_count);
  assert.deepEqual(grids.map((g) => g.properties.plan_id), grids.map(() => planId));
  // The map and the community panel show the new grids.
  await page.click("#tabbtn-drill");
  await page.waitForSelector(`#detail h2 >> text=${communityName}`);
  assert.equal(await page.locator("#detail .drill-item").count(), plan.metrics.grid_count);
  const drawn = await page.evaluate((id) => {
    const ids = [];
    window.wangge.layers.grids.eachLayer((l) => ids.push(l.feature.properties.plan_id));
    return ids.filter((p) => p === id).length;
  }, planId);
  assert.equal(drawn, plan.metrics.grid_count);
  await shot(page, "planner-5-published");
  assert.deepEqual(s.errors, []);
});
