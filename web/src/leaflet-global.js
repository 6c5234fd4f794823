// Leaflet as the global `L` that the markercluster and geoman plugins extend. Imported
// before them, so it runs first.
import L from "leaflet";

window.L = L;
export default L;
