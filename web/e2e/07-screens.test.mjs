// Readable on a laptop, a wall screen (large type) and a narrow screen.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot } from "./helpers.mjs";

test("large type on a wall screen, and a narrow screen", async () => {
  const s = await open({ role: "command_staff", viewport: { width: 1920, height: 1080 } });
  after(() => s.browser.close());
  const { page } = s;
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("#detail")).fontSize));
  const normal = await size();
  await page.click("#large-toggle");
  assert.equal(await page.getAttribute("#large-toggle", "aria-pressed"), "true");
  const large = await size();
  assert.ok(large >= normal * 1.4, `large type ${large}px vs ${normal}px`);
  await page.click("#detail .drill-item >> text=望江街道");
  await page.waitForSelector("#detail h2 >> text=望江街道");
  await shot(page, "screen-wall-large");
  // The choice survives a reload.
  await page.reload();
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(await page.evaluate(() => document.body.classList.contains("large")), true);
  await page.click("#large-toggle");
  // Narrow: the panel goes under the map, both visible.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const map = await page.locator("#map").boundingBox();
  const panel = await page.locator("#panel").boundingBox();
  assert.ok(map.height > 250 && panel.y >= map.y + map.height - 1, `map ${JSON.stringify(map)} panel ${JSON.stringify(panel)}`);
  await shot(page, "screen-narrow");
  assert.deepEqual(s.errors, []);
});
