// Null-safe text helpers for what the API answers. Imported data leaves many fields out
// (OSM communities have no administrative code, most buildings no name, floors, units or
// address), so every name, code and address the page shows or sorts by goes through here:
// a missing value is shown as "—" (or a fallback such as the id) and sorts last, and
// nothing here throws on null, undefined, numbers or empty strings.

/** What the page shows for a missing value. */
export const DASH = "—";

const collator = new Intl.Collator("zh", { numeric: true });

/** Whether `v` carries something to show: not null, undefined, NaN or blank text. */
export function present(v) {
  if (v === null || v === undefined) return false;
  if (typeof v === "number") return Number.isFinite(v);
  return String(v).trim() !== "";
}

/** `v` as text, or `fallback` ("—") when it is missing. */
export function text(v, fallback = DASH) {
  return present(v) ? String(v) : fallback;
}

/**
 * Compares two values as the page sorts names and codes: numbers by value, text in
 * Chinese collation with numeric parts as numbers ("2" before "10"), missing values last.
 */
export function compareText(a, b) {
  const pa = present(a);
  const pb = present(b);
  if (!pa || !pb) return pa === pb ? 0 : pa ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

/** A comparator over several keys (functions of an item), each compared by `compareText`. */
export function by(...keys) {
  return (x, y) => {
    for (const key of keys) {
      const c = compareText(key(x), key(y));
      if (c) return c;
    }
    return 0;
  };
}

/** The name of a region or grid: its name, else its code, else `#id`. */
export function placeName(p) {
  if (!p) return DASH;
  if (present(p.name)) return String(p.name);
  if (present(p.code)) return String(p.code);
  return present(p.id) ? `#${p.id}` : DASH;
}

/** The name of a building: its name, else `#id`. */
export function buildingName(p) {
  if (!p) return DASH;
  if (present(p.name)) return String(p.name);
  return present(p.id) ? `#${p.id}` : DASH;
}

/** The last three characters of a grid code (its number within the community), or "—". */
export function shortCode(code) {
  return present(code) ? String(code).slice(-3) : DASH;
}

const CJK = /[\u3400-\u9fff]/;

/**
 * A standard address ({road, house_number, compound, building_no}, any part missing)
 * written the way its script writes it: "锦官路66号 金桂名都1栋" or "Mannerheimintie 12";
 * "" when it has no part.
 */
export function formatAddress(a) {
  if (!a || typeof a !== "object") return "";
  const road = present(a.road) ? String(a.road).trim() : "";
  const number = present(a.house_number) ? String(a.house_number).trim() : "";
  const compound = present(a.compound) ? String(a.compound).trim() : "";
  const building = present(a.building_no) ? String(a.building_no).trim() : "";
  if (CJK.test(road) || CJK.test(compound) || (!road && CJK.test(number))) {
    const street = number ? `${road}${number}${number.endsWith("号") ? "" : "号"}` : road;
    const place = building ? `${compound}${building}${/^[0-9A-Za-z]+$/.test(building) ? "栋" : ""}` : compound;
    return [street, place].filter(Boolean).join(" ");
  }
  return [[road, number].filter(Boolean).join(" "), compound, building].filter(Boolean).join(" ");
}
