// The web map's entry point: reads config.json and the session (login page when needed),
// builds the map and its modules, shows the tabs the user's role may use, and routes map
// clicks (grid, building, picked point) to the drill-down, the planner or the worker view.

import L from "./leaflet-global.js";
import "@geoman-io/leaflet-geoman-free";
import { get } from "./api.js";
import { h, fill, say } from "./dom.js";
import { t, label } from "./i18n.js";
import { geoJsonCoords } from "./proj.js";
import { DataLayers } from "./layers.js";
import { Cameras } from "./cameras.js";
import { Basemaps } from "./basemaps.js";
import { Drill } from "./drill.js";
import { Planner } from "./planner.js";
import { Worker } from "./worker.js";
import { initSearch } from "./search.js";
import { currentUser, showLogin, logout } from "./login.js";

const TABS_BY_ROLE = {
  administrator: ["drill", "layers", "planner", "worker"],
  planner: ["drill", "layers", "planner"],
  command_staff: ["drill", "layers", "worker"],
  grid_worker: ["worker", "drill", "layers"],
  viewer: ["drill", "layers"],
};

const DEFAULT_CONFIG = { bounds: { min: 300, max: 600, target: 450 }, camera_detail_zoom: 17, basemaps: [] };

async function loadConfig() {
  try {
    const c = await get("/config.json");
    return { ...DEFAULT_CONFIG, ...c, bounds: { ...DEFAULT_CONFIG.bounds, ...(c.bounds || {}) } };
  } catch {
    return DEFAULT_CONFIG;
  }
}

function setLarge(on) {
  document.body.classList.toggle("large", on);
  localStorage.setItem("wangge.large", on ? "1" : "0");
  document.getElementById("large-toggle").setAttribute("aria-pressed", on ? "true" : "false");
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  setLarge(params.get("large") === "1" || localStorage.getItem("wangge.large") === "1");
  document.getElementById("large-toggle").onclick = () => {
    setLarge(!document.body.classList.contains("large"));
    app.map?.invalidateSize();
  };

  const config = await loadConfig();
  let user = await currentUser();
  if (!user) user = await showLogin(document.getElementById("login"));
  window.addEventListener("wangge:unauthorized", () => window.location.reload());

  const app = { config, user };
  window.wangge = app; // for the console and the end-to-end tests
  document.getElementById("app").hidden = false;
  fill(
    document.getElementById("user"),
    user.noAuth ? h("span", { class: "note" }, t.noAuth) : h("span", { id: "user-name" }, `${user.username}（${label(t.roles, user.role)}）`),
    user.noAuth ? null : h("button", { id: "logout", onclick: logout }, t.logout),
  );

  const map = L.map("map", { maxZoom: 20, minZoom: 3, zoomControl: true, preferCanvas: false, attributionControl: true }).setView([30.62, 104.07], 14);
  map.attributionControl.setPrefix("Leaflet");
  app.map = map;
  app.shiftBounds = (geojson, maxZoom = 17) => ({ bounds: L.geoJSON(geojson, geoJsonCoords).getBounds(), maxZoom });
  app.fitTo = ({ bounds, maxZoom }) => bounds && bounds.isValid() && map.fitBounds(bounds, { padding: [24, 24], maxZoom, animate: false });
  app.layers = new DataLayers(map, config);
  app.cameras = new Cameras(map, config);
  app.basemaps = new Basemaps(map, config);
  app.drill = new Drill(app, document.getElementById("crumbs"), document.getElementById("detail"));
  app.planner = new Planner(app, document.getElementById("tab-planner"));
  app.worker = new Worker(app, document.getElementById("tab-worker"));
  app.confirm = (text) => confirmDialog(text);

  // Tabs for the role.
  const tabs = TABS_BY_ROLE[user.role] || TABS_BY_ROLE.viewer;
  const names = { drill: t.tabDrill, layers: t.tabLayers, planner: t.tabPlanner, worker: t.tabWorker };
  const nav = document.getElementById("tabs");
  app.showTab = (name) => {
    for (const b of nav.querySelectorAll("button")) b.setAttribute("aria-selected", b.dataset.tab === name ? "true" : "false");
    for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== `tab-${name}`;
    if (name !== "planner" && app.planner.plan) app.layers.setHighlight(app.planner.movedIds());
  };
  fill(nav, tabs.map((name) => h("button", { role: "tab", dataset: { tab: name }, id: `tabbtn-${name}`, onclick: () => app.showTab(name) }, names[name])));

  // Clicks on the map's features.
  app.layers.handlers.grid = (p, e) => {
    if (app.worker.picking) return app.worker.pickAt(e.latlng);
    const current = app.drill.idAt("community");
    if (current !== p.community_id) app.drill.go({ level: "community", id: p.community_id });
    else app.drill.go({ level: "grid", id: p.id });
    if (!document.getElementById("tab-drill").hidden || !tabs.includes("planner")) app.showTab("drill");
  };
  app.layers.handlers.building = (p, e) => {
    if (app.worker.picking) return app.worker.pickAt(e.latlng);
    if (!document.getElementById("tab-planner").hidden && app.planner.pickBuilding(p)) return;
    app.showTab("drill");
    app.drill.go({ level: "building", id: p.id });
  };

  try {
    await app.layers.loadBase();
  } catch (e) {
    say(`${t.error}${e.message}`, "error");
  }
  renderLayersPanel(app);
  app.planner.render();
  app.worker.render();
  initSearch(document.getElementById("search"), document.getElementById("search-list"), {
    grids: () => app.layers.data.grids?.features || [],
    open: async (it) => {
      app.showTab("drill");
      if (it.level === "grid") return app.drill.go({ level: "grid", id: it.id });
      await app.drill.go({ level: "building", id: it.id });
      if (it.room) {
        const records = app.drill.building?.properties?.household_records || [];
        const hh = records.find((r) => r && String(r.room ?? "").endsWith(`-${it.room.number}`) && (it.room.unit == null || r.unit === it.room.unit));
        if (hh) app.drill.go({ level: "household", id: hh.id, record: hh, building: app.drill.building });
      }
    },
  });
  app.showTab(tabs[0]);
  await app.drill.go({ level: "root" });
  app.cameras
    .load()
    .then((n) => {
      const box = document.getElementById("layer-cameras");
      if (n && box?.checked) app.cameras.group.addTo(map);
      document.getElementById("cameras-count").textContent = n ? `（${n}）` : `（${t.camerasUnavailable}）`;
    })
    .catch((e) => {
      console.error("cameras:", e);
      document.getElementById("cameras-count").textContent = `（${t.camerasUnavailable}）`;
    });
  document.body.dataset.ready = "1";
}

function renderLayersPanel(app) {
  const { map, layers, cameras, basemaps } = app;
  const toggle = (id, text, layer, on, extra) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", id, checked: on, onchange: (e) => (e.target.checked ? layer.addTo(map) : map.removeLayer(layer)) }),
      text,
      extra,
    );
  const radios = [{ id: "", name: t.basemapNone }, ...basemaps.list].map((b) =>
    h("label", { class: "check" }, h("input", { type: "radio", name: "basemap", value: b.id, checked: b.id === "", onchange: () => basemaps.use(b.id || null) }), b.name),
  );
  fill(
    document.getElementById("tab-layers"),
    h("h2", {}, t.tabLayers),
    toggle("layer-communities", t.layerCommunities, layers.communities, true),
    toggle("layer-grids", t.layerGrids, layers.grids, true),
    toggle("layer-buildings", t.layerBuildings, layers.buildings, true),
    toggle("layer-cameras", t.layerCameras, cameras.group, true, h("span", { id: "cameras-count", class: "note" }, "")),
    h("h3", {}, t.basemap),
    radios,
    h("p", { class: "note" }, "OSM 导入的数据 © OpenStreetMap contributors（ODbL）"),
  );
}

function confirmDialog(text) {
  const dialog = document.getElementById("confirm");
  dialog.querySelector("#confirm-text").textContent = text;
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.querySelector("#confirm-ok").onclick = () => (dialog.close(), resolve(true));
    dialog.querySelector("#confirm-cancel").onclick = () => (dialog.close(), resolve(false));
    dialog.oncancel = () => resolve(false);
  });
}

start().catch((e) => say(`${t.error}${e.message}`, "error"));
