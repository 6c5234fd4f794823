// Geometry checks of a manual move in the planner, in local metres around the data:
// whether two grids are neighbours (share part of their boundary) and whether a set of
// buildings stays connected when linked within a distance (a proxy for the server's
// adjacency of building cells, which the page does not have).

const M_LAT = 110540;
const mLon = (lat) => 111320 * Math.cos((lat * Math.PI) / 180);

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

/** The outer rings of a (Multi)Polygon ([] for anything else, or no geometry). */
function outerRings(geometry) {
  if (!geometry || !Array.isArray(geometry.coordinates)) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates[0]].filter(Array.isArray);
  if (geometry.type === "MultiPolygon") return geometry.coordinates.map((p) => p?.[0]).filter(Array.isArray);
  return [];
}

/** The mean [lon, lat] of the outer ring vertices (closing vertex left out), or null when there are none. */
function meanVertex(geometry) {
  let x = 0;
  let y = 0;
  let n = 0;
  for (const ring of outerRings(geometry))
    for (const [lon, lat] of ring.slice(0, -1)) {
      x += lon;
      y += lat;
      n++;
    }
  return n ? [x / n, y / n] : null;
}

/** The mean of a (Multi)Polygon's outer ring vertices, in metres from (0°, 0°) scaled at its latitude; null without vertices. */
export function centroid(geometry) {
  const c = meanVertex(geometry);
  return c && [c[0] * mLon(c[1]), c[1] * M_LAT];
}

function segDist(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const u = len ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len)) : 0;
  return Math.hypot(p[0] - a[0] - u * dx, p[1] - a[1] - u * dy);
}

/** Whether two grid geometries share boundary: at least two vertices of one lie within `tol` metres of the other's edges. */
export function neighbours(g1, g2, tol = 1) {
  const r1 = rings(g1);
  const r2 = rings(g2);
  if (!r1.length || !r2.length) return false;
  const lat = r1[0][0][1];
  const toM = ([lon, lat2]) => [lon * mLon(lat), lat2 * M_LAT];
  const a = r1.map((r) => r.map(toM));
  const b = r2.map((r) => r.map(toM));
  let touching = 0;
  for (const ring of a)
    for (const p of ring) {
      for (const other of b) {
        let hit = false;
        for (let i = 0; i + 1 < other.length && !hit; i++) hit = segDist(p, other[i], other[i + 1]) <= tol;
        if (hit) {
          touching++;
          break;
        }
      }
      if (touching >= 2) return true;
    }
  return false;
}

/** The longest edge of the minimum spanning tree of `points` (metres): within it they are connected. */
export function linkDistance(points) {
  if (points.length < 2) return 0;
  const inTree = new Array(points.length).fill(false);
  const best = new Array(points.length).fill(Infinity);
  best[0] = 0;
  let longest = 0;
  for (let k = 0; k < points.length; k++) {
    let i = -1;
    for (let j = 0; j < points.length; j++) if (!inTree[j] && (i < 0 || best[j] < best[i])) i = j;
    inTree[i] = true;
    longest = Math.max(longest, best[i]);
    for (let j = 0; j < points.length; j++) {
      if (inTree[j]) continue;
      const d = Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]);
      if (d < best[j]) best[j] = d;
    }
  }
  return longest;
}

/** Whether `points` form one component when linked within `reach` metres (5% slack). */
export function connected(points, reach) {
  if (points.length < 2) return true;
  const limit = reach * 1.05 + 1;
  const seen = new Set([0]);
  const stack = [0];
  while (stack.length) {
    const i = stack.pop();
    for (let j = 0; j < points.length; j++) {
      if (seen.has(j)) continue;
      if (Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]) <= limit) {
        seen.add(j);
        stack.push(j);
      }
    }
  }
  return seen.size === points.length;
}

/** The mean of a (Multi)Polygon's outer ring vertices as [lon, lat]; null without vertices. */
export function lonLatCentre(geometry) {
  return meanVertex(geometry);
}

/** Whether point {lat, lng} lies inside `ring` ([{lat, lng}]), by ray casting. */
export function pointInRing(p, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a.lat > p.lat !== b.lat > p.lat && p.lng < ((b.lng - a.lng) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lng) inside = !inside;
  }
  return inside;
}
