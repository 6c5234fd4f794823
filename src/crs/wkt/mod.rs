//! Which supported [`Crs`] a WKT definition describes: the `.prj` beside a Shapefile
//! (ESRI WKT), a GeoPackage's `gpkg_spatial_ref_sys.definition` (OGC WKT1 as GDAL writes
//! it, or WKT2).
//!
//! In order: a top-level `AUTHORITY["EPSG","N"]` (WKT1) or `ID["EPSG",N]` (WKT2); else
//! the CRS's name (ESRI names such as `GCS_WGS_1984`,
//! `GCS_China_Geodetic_Coordinate_System_2000`, `CGCS2000_3_Degree_GK_Zone_39`,
//! `CGCS2000_3_Degree_GK_CM_117E`, `WGS_1984_Web_Mercator_Auxiliary_Sphere`, and the EPSG
//! names GDAL writes); else, for a geographic CRS, its datum (WGS 84 or CGCS2000). For a
//! Gauss–Krüger zone the central meridian, false easting and scale factor, where the
//! definition gives them, must agree with the zone. Anything else is an error naming the
//! CRS and the supported list.

mod parse;
#[cfg(test)]
mod tests;

use super::system::{GK_CM_FIRST, GK_ZONED_FIRST};
use super::{Crs, CrsError};
use parse::Node;

/// Keywords of a projected CRS (WKT1, WKT2 and its long form).
const PROJECTED: &[&str] = &["PROJCS", "PROJCRS", "PROJECTEDCRS"];
/// Keywords of a geographic CRS.
const GEOGRAPHIC: &[&str] = &[
    "GEOGCS",
    "GEOGCRS",
    "GEOGRAPHICCRS",
    "GEODCRS",
    "GEODETICCRS",
];

/// The supported CRS a WKT definition describes.
///
/// Errors: [`CrsError::WktSyntax`] when the text is not WKT, [`CrsError::WktUnsupported`]
/// when it is a CRS wangge does not convert (with its EPSG code when it names one),
/// [`CrsError::WktMismatch`] when its parameters contradict the zone its code or name says.
pub fn identify(wkt: &str) -> Result<Crs, CrsError> {
    let text = wkt.trim().trim_start_matches('\u{feff}');
    let root = parse::parse(text).map_err(CrsError::WktSyntax)?;
    let name = root.name().unwrap_or("").to_string();
    let projected = is(&root, PROJECTED);
    if !projected && !is(&root, GEOGRAPHIC) {
        return Err(CrsError::WktUnsupported {
            name: format!("{name} ({})", root.keyword),
            epsg: epsg_code(&root),
        });
    }
    let crs = match epsg_code(&root) {
        Some(code) => match Crs::parse(&format!("EPSG:{code}")) {
            Ok(crs) => crs,
            Err(_) => {
                return Err(CrsError::WktUnsupported {
                    name,
                    epsg: Some(code),
                })
            }
        },
        None => by_name(&name, projected)
            .or_else(|| (!projected).then(|| by_datum(&root)).flatten())
            .ok_or_else(|| CrsError::WktUnsupported {
                name: name.clone(),
                epsg: None,
            })?,
    };
    if projected == crs.is_geographic() {
        return Err(CrsError::WktUnsupported {
            name: format!(
                "{name} (a {} definition, but {crs} is {})",
                if projected { "projected" } else { "geographic" },
                if projected { "geographic" } else { "projected" }
            ),
            epsg: crs.epsg(),
        });
    }
    check_zone(&root, &name, crs)?;
    Ok(crs)
}

fn is(node: &Node, keywords: &[&str]) -> bool {
    keywords
        .iter()
        .any(|k| node.keyword.eq_ignore_ascii_case(k))
}

/// The EPSG code of a top-level `AUTHORITY["EPSG","4527"]` or `ID["EPSG",4527]`.
fn epsg_code(root: &Node) -> Option<u32> {
    root.children(&["AUTHORITY", "ID"]).find_map(|n| {
        let mut items = n.items.iter();
        let authority = match items.next()? {
            parse::Item::Text(t) | parse::Item::Word(t) => t,
            _ => return None,
        };
        if !authority.eq_ignore_ascii_case("EPSG") {
            return None;
        }
        match items.next()? {
            parse::Item::Text(t) => t.trim().parse().ok(),
            parse::Item::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e9 => Some(*n as u32),
            _ => None,
        }
    })
}

/// Lower case, every run of other characters than letters and digits as one `_`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// A CRS by its ESRI or EPSG name.
fn by_name(name: &str, projected: bool) -> Option<Crs> {
    let n = normalise(name);
    if !projected {
        return match n.as_str() {
            "gcs_wgs_1984" | "wgs_84" | "wgs84" | "wgs_1984" => Some(Crs::Wgs84),
            "gcs_china_geodetic_coordinate_system_2000"
            | "china_geodetic_coordinate_system_2000"
            | "gcs_cgcs2000"
            | "cgcs2000" => Some(Crs::Epsg(super::system::EPSG_CGCS2000)),
            _ => None,
        };
    }
    match n.as_str() {
        "wgs_1984_web_mercator_auxiliary_sphere"
        | "wgs_84_pseudo_mercator"
        | "wgs_1984_web_mercator"
        | "web_mercator"
        | "pseudo_mercator"
        | "popular_visualisation_crs_mercator"
        | "google_maps_global_mercator" => {
            return Some(Crs::Epsg(super::system::EPSG_WEB_MERCATOR))
        }
        _ => {}
    }
    let rest = n.strip_prefix("cgcs2000_3_degree_")?;
    let rest = rest
        .strip_prefix("gk_")
        .or_else(|| rest.strip_prefix("gauss_kruger_"))?;
    if let Some(zone) = rest.strip_prefix("zone_") {
        let zone: u32 = zone.parse().ok()?;
        return (25..=45)
            .contains(&zone)
            .then(|| Crs::Epsg(GK_ZONED_FIRST + zone - 25));
    }
    let cm: u32 = rest.strip_prefix("cm_")?.strip_suffix('e')?.parse().ok()?;
    (cm % 3 == 0 && (75..=135).contains(&cm)).then(|| Crs::Epsg(GK_CM_FIRST + cm / 3 - 25))
}

/// A geographic CRS by its datum, for definitions with an unfamiliar name.
fn by_datum(root: &Node) -> Option<Crs> {
    let datum = root
        .child(&["DATUM", "GEODETICDATUM", "ENSEMBLE"])?
        .name()?;
    match normalise(datum).as_str() {
        "wgs_1984"
        | "d_wgs_1984"
        | "world_geodetic_system_1984"
        | "world_geodetic_system_1984_ensemble" => Some(Crs::Wgs84),
        "china_2000" | "d_china_2000" | "china_geodetic_coordinate_system_2000" | "cgcs2000" => {
            Some(Crs::Epsg(super::system::EPSG_CGCS2000))
        }
        _ => None,
    }
}

/// The value of the first `PARAMETER` (WKT1/ESRI at the top, WKT2 inside `CONVERSION`)
/// whose normalised name is one of `names`.
fn parameter(root: &Node, names: &[&str]) -> Option<f64> {
    let top = root.children(&["PARAMETER"]);
    let conversion = root
        .child(&["CONVERSION"])
        .into_iter()
        .flat_map(|c| c.children(&["PARAMETER"]));
    top.chain(conversion)
        .find(|p| {
            p.name()
                .is_some_and(|n| names.contains(&normalise(n).as_str()))
        })
        .and_then(Node::number)
}

/// For a Gauss–Krüger zone: the central meridian, false easting and scale factor given in
/// the definition agree with the zone.
fn check_zone(root: &Node, name: &str, crs: Crs) -> Result<(), CrsError> {
    let Some(zone) = crs.gauss_kruger_zone() else {
        return Ok(());
    };
    let false_easting = if zone.zone_in_easting {
        f64::from(zone.zone) * 1e6 + 5e5
    } else {
        5e5
    };
    let checks: [(&str, &[&str], f64, f64); 3] = [
        (
            "central meridian",
            &[
                "central_meridian",
                "longitude_of_natural_origin",
                "longitude_of_origin",
            ],
            zone.central_meridian(),
            1e-9,
        ),
        ("false easting", &["false_easting"], false_easting, 1e-3),
        (
            "scale factor",
            &["scale_factor", "scale_factor_at_natural_origin"],
            1.0,
            1e-12,
        ),
    ];
    for (what, names, expected, tolerance) in checks {
        if let Some(found) = parameter(root, names) {
            if (found - expected).abs() > tolerance {
                return Err(CrsError::WktMismatch {
                    name: name.to_string(),
                    crs,
                    parameter: what,
                    found,
                    expected,
                });
            }
        }
    }
    Ok(())
}
