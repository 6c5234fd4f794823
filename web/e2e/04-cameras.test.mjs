// Cameras: clustered at low zoom, alone with direction and field of view at high zoom,
// a click shows name, class, status and the stream (or that none is configured).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api } from "./helpers.mjs";

const s = await open({ role: "command_staff" });
const { page } = s;
after(() => s.browser.close());

test("cameras are clustered at low zoom and open with their details at high zoom", async () => {
  const all = (await api(page, "/ogc/collections/cameras/items?limit=1000")).body;
  assert.ok(all && all.features.length > 0, "the cameras collection has cameras");
  const n = all.features.length;
  await page.waitForFunction((k) => document.getElementById("cameras-count")?.textContent === `（${k}）`, n);
  // Street view: clusters, fewer markers than cameras, no field-of-view sectors.
  await page.evaluate(() => window.wangge.map.setZoom(14, { animate: false }));
  await page.waitForTimeout(300);
  const clusters = await page.locator(".marker-cluster").count();
  const singles = await page.locator(".camera-icon").count();
  assert.ok(clusters > 0, "clusters at zoom 14");
  assert.ok(clusters + singles < n, `${clusters} clusters + ${singles} markers < ${n} cameras`);
  const clusterTotal = (await page.locator(".marker-cluster").allInnerTexts()).reduce((a, t) => a + Number(t), 0);
  assert.equal(clusterTotal + singles, n, "every camera is in a cluster or shown alone");
  assert.equal(await page.locator("path.camera-fov").count(), 0);
  await shot(page, "cameras-1-clustered");

  // Zoom to one camera: it is shown alone with its field of view.
  const cam = all.features.find((f) => f.properties.direction_deg != null) || all.features[0];
  const [lon, lat] = cam.geometry.coordinates;
  await page.evaluate(([x, y]) => window.wangge.map.setView([y, x], 18, { animate: false }), [lon, lat]);
  await page.waitForTimeout(400);
  assert.ok((await page.locator("path.camera-fov").count()) >= 1, "field-of-view sectors at zoom 18");
  const marker = page.locator(`.leaflet-marker-icon.camera-icon[title="${cam.properties.name}"]`);
  assert.equal(await marker.count(), 1);
  await marker.click();
  await page.waitForSelector(".camera-popup");
  await page.waitForTimeout(400); // the popup fades in
  const popup = await page.locator(".camera-popup").innerText();
  assert.match(popup, new RegExp(cam.properties.name));
  const classes = { high_crime: "治安高发区域", traffic_node: "交通节点", crowd_gathering: "人员聚集场所", key_institution: "重点单位", special_trade: "特殊行业" };
  const statuses = { online: "在线", offline: "离线", fault: "故障", unknown: "未知" };
  assert.equal(await page.locator(".camera-popup .camera-class").innerText(), classes[cam.properties.class]);
  assert.equal(await page.locator(".camera-popup .camera-status").innerText(), statuses[cam.properties.status]);
  if (cam.properties.stream_url) assert.equal(await page.getAttribute(".camera-popup a.camera-stream", "href"), cam.properties.stream_url);
  else assert.match(popup, /未配置视频流/);
  await shot(page, "cameras-2-popup");
  assert.deepEqual(s.errors, []);
});

test("a camera with a stream URL links to its live stream", async () => {
  // The demo cameras have no stream URL: give one to the first camera in the served page.
  const stream = "http://127.0.0.1:9/live/camera-1.m3u8";
  let first = null;
  await page.route("**/ogc/collections/cameras/items**", async (route) => {
    const response = await route.fetch();
    const fc = await response.json();
    if (fc.features.length) {
      fc.features[0].properties.stream_url = stream;
      first = first || fc.features[0];
    }
    await route.fulfill({ response, json: fc });
  });
  await page.reload();
  await page.waitForSelector("body[data-ready='1']");
  await page.waitForFunction(() => window.wangge.cameras.features.length > 0);
  const [lon, lat] = first.geometry.coordinates;
  await page.evaluate(([x, y]) => window.wangge.map.setView([y, x], 18, { animate: false }), [lon, lat]);
  await page.waitForTimeout(300);
  await page.locator(`.leaflet-marker-icon.camera-icon[title="${first.properties.name}"]`).click();
  await page.waitForSelector(".camera-popup a.camera-stream");
  assert.equal(await page.getAttribute(".camera-popup a.camera-stream", "href"), stream);
  assert.equal(await page.locator(".camera-popup a.camera-stream").innerText(), "打开实时视频");
  await page.unroute("**/ogc/collections/cameras/items**");
});
