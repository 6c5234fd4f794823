// Optional online basemaps from config.json (OpenStreetMap, TianDiTu, AMap...), off by
// default: with none the map draws only wangge's own layers and works offline. Choosing a
// basemap in GCJ-02 (AMap) switches the drawing CRS so every layer is shifted to match it.

import L from "./leaflet-global.js";
import { setMode } from "./proj.js";

export class Basemaps {
  constructor(map, config) {
    this.map = map;
    this.list = (config.basemaps || []).filter((b) => b.enabled);
    this.layer = null;
  }

  /** Shows basemap `id` (null: none). */
  use(id) {
    if (this.layer) this.map.removeLayer(this.layer);
    this.layer = null;
    const b = this.list.find((x) => x.id === id);
    setMode(b ? b.crs : "wgs84");
    if (!b) return;
    const layers = [L.tileLayer(b.url, { subdomains: b.subdomains || "abc", maxZoom: b.max_zoom || 19, attribution: b.attribution || "" })];
    if (b.overlay_url) layers.push(L.tileLayer(b.overlay_url, { subdomains: b.subdomains || "abc", maxZoom: b.max_zoom || 19 }));
    this.layer = L.layerGroup(layers).addTo(this.map);
  }
}
