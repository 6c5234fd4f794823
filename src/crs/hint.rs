//! Plausibility of coordinates for their declared CRS, and the hints of
//! [`CrsError::OutOfRange`](super::CrsError::OutOfRange) messages.
//!
//! A coordinate that is impossible in its declared CRS almost always means the CRS was
//! declared wrongly (projected metres declared as EPSG:4326, latitude and longitude
//! swapped, a Gauss–Krüger easting with or without its zone number), so the messages say
//! which CRS the numbers look like.

use super::system::{Crs, EPSG_WEB_MERCATOR, GK_CM_FIRST, GK_ZONED_FIRST};

/// Half the extent of Web Mercator, π × 6 378 137 m.
pub(crate) const WEB_MERCATOR_MAX: f64 = 20_037_508.342_789_244;

/// Whether `(x, y)` is a possible coordinate of `crs` (for the offset systems and
/// geographic CRSs: finite longitude/latitude within ±180/±90; for Web Mercator within the
/// square world of ±20037508.34 m, i.e. latitudes within ±85.05°; for Gauss–Krüger zones an
/// easting within the zone's 1000 km band and a northing within ±10000 km).
pub(crate) fn plausible(crs: Crs, x: f64, y: f64) -> bool {
    if !x.is_finite() || !y.is_finite() {
        return false;
    }
    if crs.is_geographic() {
        return (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y);
    }
    if let Some(gk) = crs.gauss_kruger_zone() {
        let base = if gk.zone_in_easting {
            f64::from(gk.zone) * 1e6
        } else {
            0.0
        };
        return (base..base + 1e6).contains(&x) && y.abs() <= 1e7;
    }
    if crs == Crs::Epsg(EPSG_WEB_MERCATOR) {
        return x.abs() <= WEB_MERCATOR_MAX + 1.0 && y.abs() <= WEB_MERCATOR_MAX + 1.0;
    }
    true
}

/// The explanation of an impossible coordinate `(x, y)` declared in `crs`.
pub(crate) fn out_of_range_message(crs: Crs, x: f64, y: f64) -> String {
    let head = format!("coordinate ({x}, {y}) is out of range for {crs}");
    if !x.is_finite() || !y.is_finite() {
        return format!("{head}: it is not a finite number");
    }
    if plausible(crs, x, y) {
        // The input is fine in itself; its conversion left the target CRS's valid range.
        return format!(
            "coordinate ({x}, {y}) in {crs} cannot be converted: the result lies outside the \
             valid range of the target CRS (e.g. a pole in Web Mercator, or far outside a \
             Gauss–Krüger zone)"
        );
    }
    if crs.is_geographic() {
        let mut m = format!(
            "{head}: x must be a longitude within [-180, 180] and y a latitude within [-90, 90] \
             degrees"
        );
        if x.abs() > 360.0 || y.abs() > 360.0 {
            m.push_str(&format!(
                "; numbers this large are projected metres, not degrees: is the CRS really \
                 {crs}? {}",
                projected_guess(x, y)
            ));
        } else if y.abs() > 90.0 && x.abs() <= 90.0 && y.abs() <= 180.0 {
            m.push_str("; it looks like latitude, longitude order: wangge expects longitude first");
        }
        return m;
    }
    if let Some(gk) = crs.gauss_kruger_zone() {
        let zone = gk.zone;
        if gk.zone_in_easting {
            let mut m = format!(
                "{head}: this Gauss–Krüger zone {zone} CRS expects eastings from {zone}000000 to \
                 {zone}999999 m (zone number first)"
            );
            m.push_str(&suggest_gk(x, y));
            return m;
        }
        let mut m = format!(
            "{head}: this Gauss–Krüger CRS (central meridian {}°E) expects eastings from 0 to \
             1000000 m without a zone number",
            gk.central_meridian()
        );
        m.push_str(&suggest_gk(x, y));
        return m;
    }
    if crs == Crs::Epsg(EPSG_WEB_MERCATOR) {
        return format!(
            "{head}: Web Mercator coordinates lie within ±{WEB_MERCATOR_MAX:.0} m; is the \
             CRS really {crs}? {}",
            projected_guess(x, y)
        );
    }
    format!("{head}: is the CRS really {crs}?")
}

/// A guess at the CRS of projected metres `(x, y)`.
fn projected_guess(x: f64, y: f64) -> String {
    let s = suggest_gk(x, y);
    if !s.is_empty() {
        return s.trim_start_matches("; ").to_string();
    }
    if x.abs() <= WEB_MERCATOR_MAX && y.abs() <= 2.0 * WEB_MERCATOR_MAX {
        return "Declare the projected CRS the data is in (e.g. EPSG:3857 or a CGCS2000 \
                Gauss–Krüger zone, EPSG:4513–4554)."
            .to_string();
    }
    "The numbers fit none of the supported CRSs.".to_string()
}

/// If `(x, y)` looks like a Gauss–Krüger coordinate in China, which EPSG code it fits.
fn suggest_gk(x: f64, y: f64) -> String {
    // Northings of China lie between about 0 and 6 000 km.
    if !(0.0..=7e6).contains(&y) {
        return String::new();
    }
    let zone = (x / 1e6).floor();
    if (25.0..=45.0).contains(&zone) {
        let zone = zone as u32;
        return format!(
            "; the easting starts with zone number {zone}: that is EPSG:{} (CGCS2000 \
             Gauss–Krüger zone {zone} with the zone number)",
            GK_ZONED_FIRST + zone - 25
        );
    }
    if (0.0..1e6).contains(&x) {
        return format!(
            "; an easting under 1000000 m without a zone number fits EPSG:{GK_CM_FIRST}–{} \
             (CGCS2000 Gauss–Krüger CM 75E–135E; pick the central meridian of the data)",
            GK_CM_FIRST + 20
        );
    }
    String::new()
}
