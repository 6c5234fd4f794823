// The planner's manual-move checks on small hand-made geometries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { neighbours, connected, linkDistance, centroid, pointInRing, lonLatCentre } from "../src/validate.js";

const square = (x, y, d) => ({
  type: "Polygon",
  coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]],
});

test("grids sharing an edge are neighbours, grids touching at a corner or apart are not", () => {
  const a = square(104.0, 30.0, 0.001);
  assert.equal(neighbours(a, square(104.001, 30.0, 0.001)), true);
  assert.equal(neighbours(a, square(104.001, 30.001, 0.001)), false);
  assert.equal(neighbours(a, square(104.003, 30.0, 0.001)), false);
  const multi = { type: "MultiPolygon", coordinates: [square(104.01, 30, 0.001).coordinates, square(104.0, 30.001, 0.001).coordinates] };
  assert.equal(neighbours(a, multi), true);
});

test("a chain of buildings is connected within its spanning-tree reach and splits when its middle goes", () => {
  const pts = [[0, 0], [30, 0], [60, 0], [90, 5]];
  const reach = linkDistance(pts);
  assert.ok(reach > 30 && reach < 32, String(reach));
  assert.equal(connected(pts, reach), true);
  assert.equal(connected([pts[0], pts[1], pts[3]], reach), false);
  assert.equal(connected([[0, 0]], 0), true);
});

test("centroid is in metres at the data's latitude", () => {
  const [x, y] = centroid(square(104.0, 30.0, 0.001));
  assert.ok(Math.abs(y - 30.0005 * 110540) < 1);
  assert.ok(Math.abs(x - 104.0005 * 111320 * Math.cos((30.0005 * Math.PI) / 180)) < 1);
});

test("point in ring and centre of a footprint", () => {
  const ring = [{ lat: 0, lng: 0 }, { lat: 0, lng: 2 }, { lat: 2, lng: 2 }, { lat: 2, lng: 0 }];
  assert.equal(pointInRing({ lat: 1, lng: 1 }, ring), true);
  assert.equal(pointInRing({ lat: 3, lng: 1 }, ring), false);
  const [lon, lat] = lonLatCentre(square(104.0, 30.0, 0.002));
  assert.ok(Math.abs(lon - 104.001) < 1e-12 && Math.abs(lat - 30.001) < 1e-12, `${lon},${lat}`);
});
