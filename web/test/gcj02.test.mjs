// The client-side GCJ-02 transform against published control points (the same ones the
// Rust transform in src/crs/offset.rs is tested with).
import { test } from "node:test";
import assert from "node:assert/strict";
import { wgs84ToGcj02, gcj02ToWgs84, inChinaBox } from "../src/gcj02.js";

// googollee/eviltransform python/test.py, (lon, lat): WGS 84 → GCJ-02.
const EVILTRANSFORM = [
  [[121.5272106, 31.1774276], [121.531541859215, 31.17530398364597]],
  [[113.912316, 22.543847], [113.9171764808363, 22.540796131694766]],
  [[116.377817, 39.911954], [116.38404722455657, 39.91334545536069]],
];

function close(got, want, tol, what) {
  const d = Math.max(Math.abs(got[0] - want[0]), Math.abs(got[1] - want[1]));
  assert.ok(d <= tol, `${what}: got ${got}, want ${want}, off by ${d}`);
}

test("forward transform matches eviltransform control points", () => {
  for (const [wgs, gcj] of EVILTRANSFORM) close(wgs84ToGcj02(...wgs), gcj, 1e-6, "forward");
});

test("forward transform matches coordtransform's reference value", () => {
  close(wgs84ToGcj02(116.404, 39.915), [116.41024449916938, 39.91640428150164], 1e-9, "coordtransform");
});

test("inverse undoes the forward transform", () => {
  for (const [wgs, gcj] of EVILTRANSFORM) close(gcj02ToWgs84(...gcj), wgs, 1e-6, "inverse");
  for (let lon = 75; lon < 135; lon += 7.3) {
    for (let lat = 18; lat < 53; lat += 4.9) {
      close(gcj02ToWgs84(...wgs84ToGcj02(lon, lat)), [lon, lat], 1e-9, `round trip ${lon},${lat}`);
    }
  }
});

test("the shift is a few hundred metres in Chengdu and nothing outside China", () => {
  const [lon, lat] = wgs84ToGcj02(104.06, 30.63);
  const metres = Math.hypot((lon - 104.06) * 111320 * Math.cos((30.63 * Math.PI) / 180), (lat - 30.63) * 110540);
  assert.ok(metres > 100 && metres < 900, `${metres} m`);
  assert.equal(inChinaBox(24.94, 60.17), false);
  assert.deepEqual(wgs84ToGcj02(24.94, 60.17), [24.94, 60.17]);
});
