// GCJ-02 ("Mars coordinates" of AMap/Gaode and Tencent maps): the published forward
// transform from WGS 84, and its inverse by fixed-point iteration. wangge stores WGS 84;
// this module only shifts what the map draws when the basemap is in GCJ-02, and shifts a
// clicked point back. It mirrors src/crs/offset.rs (same constants, same China box).

const A = 6378245.0; // Krasovsky 1940 semi-major axis
const EE = 0.006693421622965943; // Krasovsky 1940 first eccentricity squared

/** Whether (lon, lat) lies in the rough box of China where GCJ-02 differs from WGS 84. */
export function inChinaBox(lon, lat) {
  return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

function shiftLat(x, y) {
  let s = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  s += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  s += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  s += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return s;
}

function shiftLon(x, y) {
  let s = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  s += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  s += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  s += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return s;
}

function delta(lon, lat) {
  const dLat = shiftLat(lon - 105, lat - 35);
  const dLon = shiftLon(lon - 105, lat - 35);
  const radLat = (lat * Math.PI) / 180;
  const magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
  const sqrtMagic = Math.sqrt(magic);
  const meridian = (A * (1 - EE)) / (magic * sqrtMagic);
  const parallel = (A / sqrtMagic) * Math.cos(radLat);
  return [((dLon / parallel) * 180) / Math.PI, ((dLat / meridian) * 180) / Math.PI];
}

/** WGS 84 → GCJ-02, [lon, lat] in degrees; unchanged outside the China box. */
export function wgs84ToGcj02(lon, lat) {
  if (!inChinaBox(lon, lat)) return [lon, lat];
  const [dLon, dLat] = delta(lon, lat);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → WGS 84 by iteration (residual below 1e-12°); unchanged outside the box. */
export function gcj02ToWgs84(lon, lat) {
  if (!inChinaBox(lon, lat)) return [lon, lat];
  let [dLon, dLat] = delta(lon, lat);
  let x = lon - dLon;
  let y = lat - dLat;
  for (let i = 0; i < 50; i++) {
    const [fx, fy] = wgs84ToGcj02(x, y);
    const ex = fx - lon;
    const ey = fy - lat;
    x -= ex;
    y -= ey;
    if (Math.abs(ex) < 1e-12 && Math.abs(ey) < 1e-12) break;
  }
  return [x, y];
}
