// wangge's own map layers, drawn from the JSON API as GeoJSON (no basemap needed, so the
// map works on an offline intranet): community outlines, grids coloured by households
// against the bounds (with the legend), and buildings (of the community in view, or of
// the visible box when zoomed in). Clicks are handed to the handlers the app sets.

import L from "./leaflet-global.js";
import { get, qs } from "./api.js";
import { geoJsonCoords, onChange } from "./proj.js";
import { COLORS, gridColor } from "./colors.js";
import { t } from "./i18n.js";
import { h, num } from "./dom.js";
import { text, placeName, buildingName } from "./text.js";

/** Buildings are loaded by the visible box from this zoom on when no community is chosen. */
const BUILDINGS_BY_BOX_ZOOM = 17;

export class DataLayers {
  constructor(map, config) {
    this.map = map;
    this.bounds = config.bounds;
    this.handlers = { grid: () => {}, building: () => {}, community: () => {} };
    this.selected = { community: null, grid: null, building: null };
    this.highlight = new Set(); // building ids drawn as moved (planner)
    this.data = { communities: null, grids: null, buildings: null };
    this.buildingsKey = null;
    this.passClicks = false; // while a polygon is drawn (geoman), clicks go to the map
    for (const [name, z] of [["communities", 410], ["grids", 420], ["buildings", 430]]) {
      map.createPane(name).style.zIndex = z;
    }
    this.communities = L.geoJSON(null, {
      ...geoJsonCoords,
      pane: "communities",
      interactive: false,
      style: () => ({ color: "#24292f", weight: 3, fill: false }),
    });
    this.grids = L.geoJSON(null, {
      ...geoJsonCoords,
      pane: "grids",
      style: (f) => this.gridStyle(f),
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        // Built as DOM nodes: names from imported data are text, never HTML.
        layer.bindTooltip(() => h("span", {}, placeName(p), h("br"), text(p.code), h("br"), `${num(p.households)} 户`), { sticky: true });
        layer.on("click", (e) => {
          if (this.passClicks) return;
          L.DomEvent.stopPropagation(e);
          this.handlers.grid(p, e);
        });
      },
    });
    this.buildings = L.geoJSON(null, {
      ...geoJsonCoords,
      pane: "buildings",
      style: (f) => this.buildingStyle(f),
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        layer.bindTooltip(() => h("span", {}, `${buildingName(p)} ${num(p.households)} 户`), { sticky: true });
        layer.on("click", (e) => {
          if (this.passClicks) return;
          L.DomEvent.stopPropagation(e);
          this.handlers.building(p, e);
        });
      },
    });
    this.communities.addTo(map);
    this.grids.addTo(map);
    this.buildings.addTo(map);
    onChange(() => this.redraw());
    map.on("moveend", () => this.maybeLoadBuildingsByBox());
    this.legend = this.makeLegend().addTo(map);
  }

  gridStyle(f) {
    const p = f.properties || {};
    const sel = this.selected.grid === p.id;
    const inCommunity = this.selected.community === null || this.selected.community === p.community_id;
    return {
      color: sel ? "#0b3d91" : "#ffffff",
      weight: sel ? 4 : 1.5,
      fillColor: gridColor(p.households, this.bounds),
      fillOpacity: inCommunity ? 0.55 : 0.2,
    };
  }

  buildingStyle(f) {
    const p = f.properties || {};
    if (this.highlight.has(p.id)) return { color: "#c2185b", weight: 3, fillColor: "#e91e63", fillOpacity: 0.8 };
    if (this.selected.building === p.id) return { color: "#0b3d91", weight: 3, fillColor: "#1565c0", fillOpacity: 0.9 };
    return { color: "#37474f", weight: 1, fillColor: "#546e7a", fillOpacity: 0.75 };
  }

  makeLegend() {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const { min, max } = this.bounds;
      const row = (color, text) => h("div", { class: "legend-row" }, h("span", { class: "swatch", style: { background: color } }), text);
      return h(
        "div",
        { class: "legend", id: "legend" },
        h("strong", {}, t.legend),
        row(COLORS.under, t.legendUnder(min)),
        row(COLORS.within, t.legendWithin(min, max)),
        row(COLORS.over, t.legendOver(max)),
      );
    };
    return legend;
  }

  /** Loads community outlines and all published grids. */
  async loadBase() {
    const [communities, grids] = await Promise.all([get("/api/regions?level=community"), get("/api/grids")]);
    this.data.communities = communities;
    this.data.grids = grids;
    this.redraw();
    return { communities, grids };
  }

  /** Reloads the published grids (after a publish). */
  async reloadGrids() {
    this.data.grids = await get("/api/grids");
    this.grids.clearLayers().addData(this.data.grids);
    return this.data.grids;
  }

  /** Loads the buildings of a community (or grid); null clears them back to box loading. */
  async loadBuildings(filter) {
    if (!filter) {
      this.buildingsKey = null;
      this.data.buildings = null;
      this.buildings.clearLayers();
      this.maybeLoadBuildingsByBox();
      return null;
    }
    const key = JSON.stringify(filter);
    if (key === this.buildingsKey && this.data.buildings) return this.data.buildings;
    this.buildingsKey = key;
    const fc = await get(`/api/buildings${qs({ ...filter, limit: 10000 })}`);
    if (this.buildingsKey !== key) return fc;
    this.data.buildings = fc;
    this.buildings.clearLayers().addData(fc);
    return fc;
  }

  async maybeLoadBuildingsByBox() {
    if (this.buildingsKey && !this.buildingsKey.startsWith("box:")) return;
    if (this.map.getZoom() < BUILDINGS_BY_BOX_ZOOM) {
      if (this.buildingsKey) {
        this.buildingsKey = null;
        this.buildings.clearLayers();
      }
      return;
    }
    const b = this.map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
    const key = `box:${bbox}`;
    this.buildingsKey = key;
    try {
      const fc = await get(`/api/buildings${qs({ bbox, limit: 5000 })}`);
      if (this.buildingsKey !== key) return;
      this.data.buildings = fc;
      this.buildings.clearLayers().addData(fc);
    } catch {
      /* a failed box load leaves the previous buildings */
    }
  }

  /** Redraws every layer from its data (after a CRS switch). */
  redraw() {
    this.communities.clearLayers();
    if (this.data.communities) this.communities.addData(this.data.communities);
    this.grids.clearLayers();
    if (this.data.grids) this.grids.addData(this.data.grids);
    this.buildings.clearLayers();
    if (this.data.buildings) this.buildings.addData(this.data.buildings);
  }

  /** Marks the selected community, grid and building and restyles. */
  select(sel) {
    Object.assign(this.selected, sel);
    this.grids.setStyle((f) => this.gridStyle(f));
    this.buildings.setStyle((f) => this.buildingStyle(f));
  }

  /** Draws the buildings with these ids as moved (planner). */
  setHighlight(ids) {
    this.highlight = new Set(ids);
    this.buildings.setStyle((f) => this.buildingStyle(f));
  }

  /** The Leaflet bounds of features whose property `key` equals `value` in layer `layer`. */
  boundsOf(layer, key, value) {
    let b = null;
    this[layer].eachLayer((l) => {
      if (l.feature?.properties?.[key] === value) b = b ? b.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast());
    });
    return b;
  }

  gridFeature(id) {
    return this.data.grids?.features?.find((f) => (f.properties?.id ?? f.id) === id) || null;
  }

  communityFeature(id) {
    return this.data.communities?.features?.find((f) => f.id === id || f.properties?.id === id) || null;
  }
}
