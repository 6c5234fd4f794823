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
             degrees."
        );
        if x.abs() > 360.0 || y.abs() > 360.0 {
            m.push_str(&format!(
                " Numbers this large are projected metres, not degrees: is the CRS really {crs}? "
            ));
            m.push_str(&projected_guess(x, y));
        } else if y.abs() > 90.0 && x.abs() <= 90.0 && y.abs() <= 180.0 {
            m.push_str(" It looks like latitude, longitude order: wangge expects longitude first.");
        }
        return m;
    }
    if let Some(gk) = crs.gauss_kruger_zone() {
        let zone = gk.zone;
        let mut m = if gk.zone_in_easting {
            format!(
                "{head}: this Gauss–Krüger zone {zone} CRS expects eastings from {zone}000000 to \
                 {zone}999999 m (zone number first)."
            )
        } else {
            format!(
                "{head}: this Gauss–Krüger CRS (central meridian {}°E) expects eastings from 0 \
                 to 999999 m, without a zone number.",
                gk.central_meridian()
            )
        };
        if let Some(s) = gauss_kruger_guess(x, y) {
            m.push(' ');
            m.push_str(&s);
        }
        return m;
    }
    if crs == Crs::Epsg(EPSG_WEB_MERCATOR) {
        return format!(
            "{head}: Web Mercator coordinates lie within ±{WEB_MERCATOR_MAX:.0} m. Is the CRS \
             really {crs}? {}",
            projected_guess(x, y)
        );
    }
    format!("{head}: is the CRS really {crs}?")
}

/// A guess, as a sentence, at the CRS of projected metres `(x, y)`.
fn projected_guess(x: f64, y: f64) -> String {
    if let Some(s) = gauss_kruger_guess(x, y) {
        return s;
    }
    if x.abs() <= WEB_MERCATOR_MAX && y.abs() <= WEB_MERCATOR_MAX {
        return "These could be Web Mercator (EPSG:3857); declare the projected CRS the data \
                is in."
            .to_string();
    }
    "The numbers fit none of the supported CRSs.".to_string()
}

/// If `(x, y)` looks like a Gauss–Krüger coordinate in China, a sentence naming the EPSG
/// code(s) it fits.
fn gauss_kruger_guess(x: f64, y: f64) -> Option<String> {
    // Northings of China lie between about 0 and 6 000 km.
    if !(0.0..=7e6).contains(&y) {
        return None;
    }
    let zone = (x / 1e6).floor();
    if (25.0..=45.0).contains(&zone) {
        let zone = zone as u32;
        return Some(format!(
            "The easting starts with zone number {zone}, which fits EPSG:{} (CGCS2000 \
             Gauss–Krüger zone {zone} with the zone number).",
            GK_ZONED_FIRST + zone - 25
        ));
    }
    if (0.0..1e6).contains(&x) {
        return Some(format!(
            "An easting under 1000000 m without a zone number fits EPSG:{GK_CM_FIRST}–{} \
             (CGCS2000 Gauss–Krüger CM 75E–135E; pick the central meridian of the data).",
            GK_CM_FIRST + 20
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausibility_per_crs() {
        assert!(plausible(Crs::Wgs84, 116.4, 39.9));
        assert!(!plausible(Crs::Wgs84, 180.1, 0.0) && !plausible(Crs::Wgs84, 0.0, -90.1));
        assert!(plausible(Crs::Epsg(4527), 39_448_688.9, 4_418_598.0));
        assert!(!plausible(Crs::Epsg(4527), 448_688.9, 4_418_598.0));
        assert!(plausible(Crs::Epsg(4548), 448_688.9, 4_418_598.0));
        assert!(!plausible(Crs::Epsg(4548), 39_448_688.9, 4_418_598.0));
        assert!(plausible(
            Crs::Epsg(3857),
            -WEB_MERCATOR_MAX,
            WEB_MERCATOR_MAX
        ));
        assert!(!plausible(Crs::Epsg(3857), 0.0, 2.5e7));
        assert!(!plausible(Crs::Epsg(3857), f64::NAN, 0.0));
    }

    #[test]
    fn messages_name_the_likely_crs() {
        let m = out_of_range_message(Crs::Wgs84, 12_957_310.4, 4_852_683.7);
        assert!(
            m.contains("(12957310.4, 4852683.7)") && m.contains("EPSG:3857"),
            "{m}"
        );
        let m = out_of_range_message(Crs::Epsg(3857), 39_448_688.9, 4_418_598.0);
        assert!(m.contains("EPSG:4527"), "{m}");
        let m = out_of_range_message(Crs::Gcj02, 39.9, 116.4);
        assert!(m.contains("GCJ-02") && m.contains("longitude first"), "{m}");
        let m = out_of_range_message(Crs::Wgs84, 1e300, 1e300);
        assert!(m.contains("fit none"), "{m}");
    }
}
