// Cameras: clustered markers at low zoom (leaflet.markercluster); from the configured
// zoom on, each camera alone with its direction and field of view drawn as a sector of
// its range. A click shows name, class, status and the live stream link when configured.
// Data: the OGC API cameras collection (WGS 84 GeoJSON).

import L from "./leaflet-global.js";
import "leaflet.markercluster";
import { getOptional } from "./api.js";
import { h } from "./dom.js";
import { t, label } from "./i18n.js";
import { toMap, onChange } from "./proj.js";

const STATUS_COLORS = { online: "#2e7d32", offline: "#757575", fault: "#c62828", unknown: "#9e9e9e" };

/** Points of a field-of-view sector: apex, arc from direction − fov/2 to + fov/2 (degrees, clockwise from north). */
export function sector(lon, lat, direction, fov, range) {
  const pts = [[lon, lat]];
  const mPerDegLat = 110540;
  const mPerDegLon = 111320 * Math.cos((lat * Math.PI) / 180);
  const steps = 12;
  for (let i = 0; i <= steps; i++) {
    const a = ((direction - fov / 2 + (fov * i) / steps) * Math.PI) / 180;
    pts.push([lon + (Math.sin(a) * range) / mPerDegLon, lat + (Math.cos(a) * range) / mPerDegLat]);
  }
  pts.push([lon, lat]);
  return pts;
}

export class Cameras {
  constructor(map, config) {
    this.map = map;
    this.detailZoom = config.camera_detail_zoom || 17;
    this.features = [];
    this.cluster = L.markerClusterGroup({ disableClusteringAtZoom: this.detailZoom, showCoverageOnHover: false, maxClusterRadius: 60 });
    this.fov = L.layerGroup();
    this.group = L.layerGroup([this.cluster, this.fov]);
    this.available = false;
    map.on("zoomend", () => this.updateFov());
    onChange(() => this.draw());
  }

  /** Loads every camera page by page; false when the cameras collection is not served. */
  async load() {
    const features = [];
    let url = "/ogc/collections/cameras/items?limit=1000&f=json";
    for (let page = 0; url && page < 50; page++) {
      const fc = await getOptional(url);
      if (!fc || !Array.isArray(fc.features)) break;
      features.push(...fc.features);
      const next = (fc.links || []).find((l) => l.rel === "next");
      url = next ? next.href : null;
    }
    this.features = features.filter((f) => f.geometry && f.geometry.type === "Point");
    this.available = this.features.length > 0;
    this.draw();
    return this.features.length;
  }

  popup(p) {
    const stream = p.stream_url;
    return h(
      "div",
      { class: "camera-popup" },
      h("h3", {}, p.name || `${t.camera} ${p.id ?? ""}`),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t.cameraClass),
        h("dd", { class: "camera-class" }, label(t.cameraClasses, p.class ?? p.priority_class)),
        h("dt", {}, t.cameraStatus),
        h("dd", { class: "camera-status" }, label(t.cameraStatuses, p.status)),
        (p.direction_deg ?? p.direction) != null ? h("dt", {}, t.cameraDirection) : null,
        (p.direction_deg ?? p.direction) != null ? h("dd", {}, `${Math.round(p.direction_deg ?? p.direction)}°`) : null,
      ),
      stream && /^(https?|rtsp|rtmp):/i.test(stream)
        ? h("a", { class: "camera-stream", href: stream, target: "_blank", rel: "noopener" }, t.cameraStream)
        : h("p", { class: "note" }, t.cameraNoStream),
    );
  }

  draw() {
    this.cluster.clearLayers();
    const markers = this.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      const p = { id: f.id, ...f.properties };
      const color = STATUS_COLORS[p.status] || STATUS_COLORS.unknown;
      const icon = L.divIcon({
        className: "camera-icon",
        html: `<span style="background:${color}"></span>`,
        iconSize: [18, 18],
      });
      const m = L.marker(toMap(lon, lat), { icon, title: p.name || "", alt: t.camera });
      m.bindPopup(() => this.popup(p));
      m.feature = f;
      return m;
    });
    this.cluster.addLayers(markers);
    this.updateFov();
  }

  updateFov() {
    this.fov.clearLayers();
    if (this.map.getZoom() < this.detailZoom) return;
    for (const f of this.features) {
      const p = f.properties;
      const direction = p.direction_deg ?? p.direction;
      if (direction == null) continue;
      const [lon, lat] = f.geometry.coordinates;
      const pts = sector(lon, lat, direction, p.fov_deg ?? p.fov ?? 60, p.range_m ?? p.range ?? 40);
      this.fov.addLayer(
        L.polygon(
          pts.map(([x, y]) => toMap(x, y)),
          { color: STATUS_COLORS[p.status] || "#1565c0", weight: 1, fillOpacity: 0.2, interactive: false, className: "camera-fov" },
        ),
      );
    }
  }
}
