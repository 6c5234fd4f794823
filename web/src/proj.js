// Which coordinates the map draws in. wangge's data is WGS 84; when the chosen basemap is
// in GCJ-02 (AMap) every layer is shifted with the published transform before drawing, and
// a clicked point is shifted back (or sent to the API with crs=gcj02). Layers that draw
// data call `toMap`, map clicks call `fromMap`; `onChange` lets them redraw on a switch.

import L from "leaflet";
import { wgs84ToGcj02, gcj02ToWgs84 } from "./gcj02.js";

let mode = "wgs84";
const listeners = [];

/** The drawing CRS: "wgs84" (also CGCS2000/TianDiTu) or "gcj02". */
export const current = () => mode;

/** Switches the drawing CRS and tells every layer to redraw. */
export function setMode(next) {
  const m = next === "gcj02" ? "gcj02" : "wgs84";
  if (m === mode) return;
  mode = m;
  for (const f of listeners) f(mode);
}

/** Calls `f` after each switch of the drawing CRS. */
export const onChange = (f) => listeners.push(f);

/** WGS 84 lon/lat → the L.LatLng to draw. */
export function toMap(lon, lat) {
  if (mode === "gcj02") {
    const [x, y] = wgs84ToGcj02(lon, lat);
    return L.latLng(y, x);
  }
  return L.latLng(lat, lon);
}

/** A clicked L.LatLng → WGS 84 {lon, lat}. */
export function fromMap(latlng) {
  if (mode === "gcj02") {
    const [lon, lat] = gcj02ToWgs84(latlng.lng, latlng.lat);
    return { lon, lat };
  }
  return { lon: latlng.lng, lat: latlng.lat };
}

/** Options for L.geoJSON that draw WGS 84 GeoJSON in the current CRS. */
export const geoJsonCoords = { coordsToLatLng: (c) => toMap(c[0], c[1]) };
