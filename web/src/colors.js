// Grid colours by household count against the bounds (PRODUCT.md §3.6): under the floor,
// within the bounds, over the ceiling.

export const COLORS = { under: "#f2c94c", within: "#6fcf97", over: "#eb5757", unknown: "#b0b8c0" };

/** "under" | "within" | "over" | "unknown" for `households` against {min, max}. */
export function band(households, bounds) {
  if (typeof households !== "number") return "unknown";
  if (households < bounds.min) return "under";
  if (households > bounds.max) return "over";
  return "within";
}

/** The fill colour of a grid with `households`. */
export const gridColor = (households, bounds) => COLORS[band(households, bounds)];
