//! Identification of real WKT texts: every fixture below was produced on this project's
//! machine by GDAL 3.6.2's `gdalsrsinfo -o wkt1 | wkt_esri | wkt2 EPSG:N` and pasted here
//! unchanged (the `.prj` files GDAL writes are the `wkt_esri` form on one line).

use super::*;

/// `gdalsrsinfo -o wkt1 EPSG:4326`
const WKT1_4326: &str = r#"GEOGCS["WGS 84",
    DATUM["WGS_1984",
        SPHEROID["WGS 84",6378137,298.257223563,
            AUTHORITY["EPSG","7030"]],
        AUTHORITY["EPSG","6326"]],
    PRIMEM["Greenwich",0,
        AUTHORITY["EPSG","8901"]],
    UNIT["degree",0.0174532925199433,
        AUTHORITY["EPSG","9122"]],
    AXIS["Latitude",NORTH],
    AXIS["Longitude",EAST],
    AUTHORITY["EPSG","4326"]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:4326`
const ESRI_4326: &str = r#"GEOGCS["GCS_WGS_1984",
    DATUM["D_WGS_1984",
        SPHEROID["WGS_1984",6378137.0,298.257223563]],
    PRIMEM["Greenwich",0.0],
    UNIT["Degree",0.0174532925199433]]"#;

/// `gdalsrsinfo -o wkt2 EPSG:4326`
const WKT2_4326: &str = r#"GEOGCRS["WGS 84",
    ENSEMBLE["World Geodetic System 1984 ensemble",
        MEMBER["World Geodetic System 1984 (Transit)"],
        MEMBER["World Geodetic System 1984 (G730)"],
        MEMBER["World Geodetic System 1984 (G873)"],
        MEMBER["World Geodetic System 1984 (G1150)"],
        MEMBER["World Geodetic System 1984 (G1674)"],
        MEMBER["World Geodetic System 1984 (G1762)"],
        MEMBER["World Geodetic System 1984 (G2139)"],
        ELLIPSOID["WGS 84",6378137,298.257223563,
            LENGTHUNIT["metre",1]],
        ENSEMBLEACCURACY[2.0]],
    PRIMEM["Greenwich",0,
        ANGLEUNIT["degree",0.0174532925199433]],
    CS[ellipsoidal,2],
        AXIS["geodetic latitude (Lat)",north,
            ORDER[1],
            ANGLEUNIT["degree",0.0174532925199433]],
        AXIS["geodetic longitude (Lon)",east,
            ORDER[2],
            ANGLEUNIT["degree",0.0174532925199433]],
    USAGE[
        SCOPE["Horizontal component of 3D system."],
        AREA["World."],
        BBOX[-90,-180,90,180]],
    ID["EPSG",4326]]"#;

/// `gdalsrsinfo -o wkt1 EPSG:4490`
const WKT1_4490: &str = r#"GEOGCS["China Geodetic Coordinate System 2000",
    DATUM["China_2000",
        SPHEROID["CGCS2000",6378137,298.257222101,
            AUTHORITY["EPSG","1024"]],
        AUTHORITY["EPSG","1043"]],
    PRIMEM["Greenwich",0,
        AUTHORITY["EPSG","8901"]],
    UNIT["degree",0.0174532925199433,
        AUTHORITY["EPSG","9122"]],
    AXIS["Latitude",NORTH],
    AXIS["Longitude",EAST],
    AUTHORITY["EPSG","4490"]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:4490`
const ESRI_4490: &str = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",
    DATUM["D_China_2000",
        SPHEROID["CGCS2000",6378137.0,298.257222101]],
    PRIMEM["Greenwich",0.0],
    UNIT["Degree",0.0174532925199433]]"#;

/// `gdalsrsinfo -o wkt2 EPSG:4490`
const WKT2_4490: &str = r#"GEOGCRS["China Geodetic Coordinate System 2000",
    DATUM["China 2000",
        ELLIPSOID["CGCS2000",6378137,298.257222101,
            LENGTHUNIT["metre",1]]],
    PRIMEM["Greenwich",0,
        ANGLEUNIT["degree",0.0174532925199433]],
    CS[ellipsoidal,2],
        AXIS["geodetic latitude (Lat)",north,
            ORDER[1],
            ANGLEUNIT["degree",0.0174532925199433]],
        AXIS["geodetic longitude (Lon)",east,
            ORDER[2],
            ANGLEUNIT["degree",0.0174532925199433]],
    USAGE[
        SCOPE["Horizontal component of 3D system."],
        AREA["China - onshore and offshore."],
        BBOX[16.7,73.62,53.56,134.77]],
    ID["EPSG",4490]]"#;

/// `gdalsrsinfo -o wkt1 EPSG:3857`
const WKT1_3857: &str = r#"PROJCS["WGS 84 / Pseudo-Mercator",
    GEOGCS["WGS 84",
        DATUM["WGS_1984",
            SPHEROID["WGS 84",6378137,298.257223563,
                AUTHORITY["EPSG","7030"]],
            AUTHORITY["EPSG","6326"]],
        PRIMEM["Greenwich",0,
            AUTHORITY["EPSG","8901"]],
        UNIT["degree",0.0174532925199433,
            AUTHORITY["EPSG","9122"]],
        AUTHORITY["EPSG","4326"]],
    PROJECTION["Mercator_1SP"],
    PARAMETER["central_meridian",0],
    PARAMETER["scale_factor",1],
    PARAMETER["false_easting",0],
    PARAMETER["false_northing",0],
    UNIT["metre",1,
        AUTHORITY["EPSG","9001"]],
    AXIS["Easting",EAST],
    AXIS["Northing",NORTH],
    EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],
    AUTHORITY["EPSG","3857"]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:3857`
const ESRI_3857: &str = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",
    GEOGCS["GCS_WGS_1984",
        DATUM["D_WGS_1984",
            SPHEROID["WGS_1984",6378137.0,298.257223563]],
        PRIMEM["Greenwich",0.0],
        UNIT["Degree",0.0174532925199433]],
    PROJECTION["Mercator_Auxiliary_Sphere"],
    PARAMETER["False_Easting",0.0],
    PARAMETER["False_Northing",0.0],
    PARAMETER["Central_Meridian",0.0],
    PARAMETER["Standard_Parallel_1",0.0],
    PARAMETER["Auxiliary_Sphere_Type",0.0],
    UNIT["Meter",1.0]]"#;

/// `gdalsrsinfo -o wkt2 EPSG:3857`
const WKT2_3857: &str = r#"PROJCRS["WGS 84 / Pseudo-Mercator",
    BASEGEOGCRS["WGS 84",
        ENSEMBLE["World Geodetic System 1984 ensemble",
            MEMBER["World Geodetic System 1984 (Transit)"],
            MEMBER["World Geodetic System 1984 (G730)"],
            MEMBER["World Geodetic System 1984 (G873)"],
            MEMBER["World Geodetic System 1984 (G1150)"],
            MEMBER["World Geodetic System 1984 (G1674)"],
            MEMBER["World Geodetic System 1984 (G1762)"],
            MEMBER["World Geodetic System 1984 (G2139)"],
            ELLIPSOID["WGS 84",6378137,298.257223563,
                LENGTHUNIT["metre",1]],
            ENSEMBLEACCURACY[2.0]],
        PRIMEM["Greenwich",0,
            ANGLEUNIT["degree",0.0174532925199433]],
        ID["EPSG",4326]],
    CONVERSION["Popular Visualisation Pseudo-Mercator",
        METHOD["Popular Visualisation Pseudo Mercator",
            ID["EPSG",1024]],
        PARAMETER["Latitude of natural origin",0,
            ANGLEUNIT["degree",0.0174532925199433],
            ID["EPSG",8801]],
        PARAMETER["Longitude of natural origin",0,
            ANGLEUNIT["degree",0.0174532925199433],
            ID["EPSG",8802]],
        PARAMETER["False easting",0,
            LENGTHUNIT["metre",1],
            ID["EPSG",8806]],
        PARAMETER["False northing",0,
            LENGTHUNIT["metre",1],
            ID["EPSG",8807]]],
    CS[Cartesian,2],
        AXIS["easting (X)",east,
            ORDER[1],
            LENGTHUNIT["metre",1]],
        AXIS["northing (Y)",north,
            ORDER[2],
            LENGTHUNIT["metre",1]],
    USAGE[
        SCOPE["Web mapping and visualisation."],
        AREA["World between 85.06°S and 85.06°N."],
        BBOX[-85.06,-180,85.06,180]],
    ID["EPSG",3857]]"#;

/// `gdalsrsinfo -o wkt1 EPSG:4527`
const WKT1_4527: &str = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger zone 39",
    GEOGCS["China Geodetic Coordinate System 2000",
        DATUM["China_2000",
            SPHEROID["CGCS2000",6378137,298.257222101,
                AUTHORITY["EPSG","1024"]],
            AUTHORITY["EPSG","1043"]],
        PRIMEM["Greenwich",0,
            AUTHORITY["EPSG","8901"]],
        UNIT["degree",0.0174532925199433,
            AUTHORITY["EPSG","9122"]],
        AUTHORITY["EPSG","4490"]],
    PROJECTION["Transverse_Mercator"],
    PARAMETER["latitude_of_origin",0],
    PARAMETER["central_meridian",117],
    PARAMETER["scale_factor",1],
    PARAMETER["false_easting",39500000],
    PARAMETER["false_northing",0],
    UNIT["metre",1,
        AUTHORITY["EPSG","9001"]],
    AXIS["Northing",NORTH],
    AXIS["Easting",EAST],
    AUTHORITY["EPSG","4527"]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:4527`
const ESRI_4527: &str = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_39",
    GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",
        DATUM["D_China_2000",
            SPHEROID["CGCS2000",6378137.0,298.257222101]],
        PRIMEM["Greenwich",0.0],
        UNIT["Degree",0.0174532925199433]],
    PROJECTION["Gauss_Kruger"],
    PARAMETER["False_Easting",39500000.0],
    PARAMETER["False_Northing",0.0],
    PARAMETER["Central_Meridian",117.0],
    PARAMETER["Scale_Factor",1.0],
    PARAMETER["Latitude_Of_Origin",0.0],
    UNIT["Meter",1.0]]"#;

/// `gdalsrsinfo -o wkt2 EPSG:4527`
const WKT2_4527: &str = r#"PROJCRS["CGCS2000 / 3-degree Gauss-Kruger zone 39",
    BASEGEOGCRS["China Geodetic Coordinate System 2000",
        DATUM["China 2000",
            ELLIPSOID["CGCS2000",6378137,298.257222101,
                LENGTHUNIT["metre",1]]],
        PRIMEM["Greenwich",0,
            ANGLEUNIT["degree",0.0174532925199433]],
        ID["EPSG",4490]],
    CONVERSION["3-degree Gauss-Kruger zone 39",
        METHOD["Transverse Mercator",
            ID["EPSG",9807]],
        PARAMETER["Latitude of natural origin",0,
            ANGLEUNIT["degree",0.0174532925199433],
            ID["EPSG",8801]],
        PARAMETER["Longitude of natural origin",117,
            ANGLEUNIT["degree",0.0174532925199433],
            ID["EPSG",8802]],
        PARAMETER["Scale factor at natural origin",1,
            SCALEUNIT["unity",1],
            ID["EPSG",8805]],
        PARAMETER["False easting",39500000,
            LENGTHUNIT["metre",1],
            ID["EPSG",8806]],
        PARAMETER["False northing",0,
            LENGTHUNIT["metre",1],
            ID["EPSG",8807]]],
    CS[Cartesian,2],
        AXIS["northing (X)",north,
            ORDER[1],
            LENGTHUNIT["metre",1]],
        AXIS["easting (Y)",east,
            ORDER[2],
            LENGTHUNIT["metre",1]],
    USAGE[
        SCOPE["Cadastre, engineering survey, topographic mapping (large scale)."],
        AREA["China - onshore between 115°30'E and 118°30'E."],
        BBOX[22.6,115.5,49.88,118.5]],
    ID["EPSG",4527]]"#;

/// `gdalsrsinfo -o wkt1 EPSG:4547`
const WKT1_4547: &str = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",
    GEOGCS["China Geodetic Coordinate System 2000",
        DATUM["China_2000",
            SPHEROID["CGCS2000",6378137,298.257222101,
                AUTHORITY["EPSG","1024"]],
            AUTHORITY["EPSG","1043"]],
        PRIMEM["Greenwich",0,
            AUTHORITY["EPSG","8901"]],
        UNIT["degree",0.0174532925199433,
            AUTHORITY["EPSG","9122"]],
        AUTHORITY["EPSG","4490"]],
    PROJECTION["Transverse_Mercator"],
    PARAMETER["latitude_of_origin",0],
    PARAMETER["central_meridian",114],
    PARAMETER["scale_factor",1],
    PARAMETER["false_easting",500000],
    PARAMETER["false_northing",0],
    UNIT["metre",1,
        AUTHORITY["EPSG","9001"]],
    AXIS["Northing",NORTH],
    AXIS["Easting",EAST],
    AUTHORITY["EPSG","4547"]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:4547`
const ESRI_4547: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_114E",
    GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",
        DATUM["D_China_2000",
            SPHEROID["CGCS2000",6378137.0,298.257222101]],
        PRIMEM["Greenwich",0.0],
        UNIT["Degree",0.0174532925199433]],
    PROJECTION["Gauss_Kruger"],
    PARAMETER["False_Easting",500000.0],
    PARAMETER["False_Northing",0.0],
    PARAMETER["Central_Meridian",114.0],
    PARAMETER["Scale_Factor",1.0],
    PARAMETER["Latitude_Of_Origin",0.0],
    UNIT["Meter",1.0]]"#;

/// `gdalsrsinfo -o wkt2 EPSG:4547`
const WKT2_4547: &str = r#"PROJCRS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",
    BASEGEOGCRS["China Geodetic Coordinate System 2000",
        DATUM["China 2000",
            ELLIPSOID["CGCS2000",6378137,298.257222101,
                LENGTHUNIT["metre",1]]],
        PRIMEM["Greenwich",0,
            ANGLEUNIT["degree",0.0174532925199433]],
        ID["EPSG",4490]],
    CONVERSION["3-degree Gauss-Kruger CM 114E",
        METHOD["Transverse Mercator",
            ID["EPSG",9807]],
        PARAMETER["Latitude of natural origin",0,
            ANGLEUNIT["degree",0.0174532925199433],
            ID["EPSG",8801]],
        PARAMETER["Longitude of natural origin",114,
            ANGLEUNIT["degree",0.0174532925199433],
            ID["EPSG",8802]],
        PARAMETER["Scale factor at natural origin",1,
            SCALEUNIT["unity",1],
            ID["EPSG",8805]],
        PARAMETER["False easting",500000,
            LENGTHUNIT["metre",1],
            ID["EPSG",8806]],
        PARAMETER["False northing",0,
            LENGTHUNIT["metre",1],
            ID["EPSG",8807]]],
    CS[Cartesian,2],
        AXIS["northing (X)",north,
            ORDER[1],
            LENGTHUNIT["metre",1]],
        AXIS["easting (Y)",east,
            ORDER[2],
            LENGTHUNIT["metre",1]],
    USAGE[
        SCOPE["Cadastre, engineering survey, topographic mapping (large scale)."],
        AREA["China - onshore between 112°30'E and 115°30'E."],
        BBOX[21.52,112.5,45.45,115.5]],
    ID["EPSG",4547]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:32650`
const ESRI_32650: &str = r#"PROJCS["WGS_1984_UTM_Zone_50N",
    GEOGCS["GCS_WGS_1984",
        DATUM["D_WGS_1984",
            SPHEROID["WGS_1984",6378137.0,298.257223563]],
        PRIMEM["Greenwich",0.0],
        UNIT["Degree",0.0174532925199433]],
    PROJECTION["Transverse_Mercator"],
    PARAMETER["False_Easting",500000.0],
    PARAMETER["False_Northing",0.0],
    PARAMETER["Central_Meridian",117.0],
    PARAMETER["Scale_Factor",0.9996],
    PARAMETER["Latitude_Of_Origin",0.0],
    UNIT["Meter",1.0]]"#;

/// `gdalsrsinfo -o wkt_esri EPSG:2435`
const ESRI_2435: &str = r#"PROJCS["Beijing_1954_3_Degree_GK_CM_114E",
    GEOGCS["GCS_Beijing_1954",
        DATUM["D_Beijing_1954",
            SPHEROID["Krasovsky_1940",6378245.0,298.3]],
        PRIMEM["Greenwich",0.0],
        UNIT["Degree",0.0174532925199433]],
    PROJECTION["Gauss_Kruger"],
    PARAMETER["False_Easting",500000.0],
    PARAMETER["False_Northing",0.0],
    PARAMETER["Central_Meridian",114.0],
    PARAMETER["Scale_Factor",1.0],
    PARAMETER["Latitude_Of_Origin",0.0],
    UNIT["Meter",1.0]]"#;

/// `gdalsrsinfo -o wkt1 EPSG:2435`
const WKT1_2435: &str = r#"PROJCS["Beijing 1954 / 3-degree Gauss-Kruger CM 114E",
    GEOGCS["Beijing 1954",
        DATUM["Beijing_1954",
            SPHEROID["Krassowsky 1940",6378245,298.3,
                AUTHORITY["EPSG","7024"]],
            AUTHORITY["EPSG","6214"]],
        PRIMEM["Greenwich",0,
            AUTHORITY["EPSG","8901"]],
        UNIT["degree",0.0174532925199433,
            AUTHORITY["EPSG","9122"]],
        AUTHORITY["EPSG","4214"]],
    PROJECTION["Transverse_Mercator"],
    PARAMETER["latitude_of_origin",0],
    PARAMETER["central_meridian",114],
    PARAMETER["scale_factor",1],
    PARAMETER["false_easting",500000],
    PARAMETER["false_northing",0],
    UNIT["metre",1,
        AUTHORITY["EPSG","9001"]],
    AXIS["Northing",NORTH],
    AXIS["Easting",EAST],
    AUTHORITY["EPSG","2435"]]"#;

#[test]
fn every_gdal_form_of_the_supported_codes_is_identified() {
    let cases: &[(&str, &str, Crs)] = &[
        ("WKT1_4326", WKT1_4326, Crs::Wgs84),
        ("ESRI_4326", ESRI_4326, Crs::Wgs84),
        ("WKT2_4326", WKT2_4326, Crs::Wgs84),
        ("WKT1_4490", WKT1_4490, Crs::Epsg(4490)),
        ("ESRI_4490", ESRI_4490, Crs::Epsg(4490)),
        ("WKT2_4490", WKT2_4490, Crs::Epsg(4490)),
        ("WKT1_3857", WKT1_3857, Crs::Epsg(3857)),
        ("ESRI_3857", ESRI_3857, Crs::Epsg(3857)),
        ("WKT2_3857", WKT2_3857, Crs::Epsg(3857)),
        ("WKT1_4527", WKT1_4527, Crs::Epsg(4527)),
        ("ESRI_4527", ESRI_4527, Crs::Epsg(4527)),
        ("WKT2_4527", WKT2_4527, Crs::Epsg(4527)),
        ("WKT1_4547", WKT1_4547, Crs::Epsg(4547)),
        ("ESRI_4547", ESRI_4547, Crs::Epsg(4547)),
        ("WKT2_4547", WKT2_4547, Crs::Epsg(4547)),
    ];
    for (what, wkt, crs) in cases {
        assert_eq!(identify(wkt), Ok(*crs), "{what}");
        // On one line, as GDAL writes a .prj.
        let one_line: String = wkt.lines().map(str::trim).collect();
        assert_eq!(identify(&one_line), Ok(*crs), "{what} on one line");
    }
}

/// The definition with its top-level EPSG authority removed, so that the name decides.
fn without_authority(wkt: &str) -> String {
    let one_line: String = wkt.lines().map(str::trim).collect();
    for tail in [",AUTHORITY[\"EPSG\",", ",ID[\"EPSG\","] {
        if let Some(at) = one_line.rfind(tail) {
            return format!("{}]", &one_line[..at]);
        }
    }
    one_line
}

#[test]
fn names_decide_without_an_authority() {
    for (wkt, crs) in [
        (WKT1_4326, Crs::Wgs84),
        (WKT1_4490, Crs::Epsg(4490)),
        (WKT1_3857, Crs::Epsg(3857)),
        (WKT1_4527, Crs::Epsg(4527)),
        (WKT1_4547, Crs::Epsg(4547)),
        (WKT2_4326, Crs::Wgs84),
        (WKT2_4547, Crs::Epsg(4547)),
    ] {
        let bare = without_authority(wkt);
        let root = parse::parse(&bare).unwrap();
        assert_eq!(epsg_code(&root), None, "{bare}");
        assert_eq!(identify(&bare), Ok(crs), "{bare}");
    }
    // ESRI names of other zones than the fixtures'.
    for (name, code) in [
        ("CGCS2000_3_Degree_GK_CM_120E", 4549),
        ("CGCS2000_3_Degree_GK_CM_75E", 4534),
        ("CGCS2000_3_Degree_GK_CM_135E", 4554),
        ("CGCS2000_3_Degree_GK_Zone_40", 4528),
        ("CGCS2000_3_Degree_GK_Zone_25", 4513),
        ("CGCS2000_3_Degree_GK_Zone_45", 4533),
        ("CGCS2000 / 3-degree Gauss-Kruger CM 123E", 4550),
        ("WGS_1984_Web_Mercator", 3857),
    ] {
        let wkt = format!("PROJCS[\"{name}\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"],UNIT[\"Meter\",1.0]]");
        assert_eq!(identify(&wkt), Ok(Crs::Epsg(code)), "{name}");
    }
    // A geographic CRS with an unfamiliar name is known by its datum.
    let odd = "GEOGCS[\"unnamed\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]]]";
    assert_eq!(identify(odd), Ok(Crs::Epsg(4490)));
}

#[test]
fn unsupported_systems_are_named_with_the_supported_list() {
    // UTM 50N: an EPSG name wangge does not convert, written without an authority.
    let err = identify(ESRI_32650).unwrap_err();
    assert!(
        matches!(err, CrsError::WktUnsupported { epsg: None, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("WGS_1984_UTM_Zone_50N") && msg.contains("EPSG:4490"),
        "{msg}"
    );
    // Beijing 1954 Gauss–Krüger: a GK zone, but not on CGCS2000.
    let msg = identify(ESRI_2435).unwrap_err().to_string();
    assert!(msg.contains("Beijing_1954_3_Degree_GK_CM_114E"), "{msg}");
    // With its EPSG authority the code is named too.
    let err = identify(WKT1_2435).unwrap_err();
    assert_eq!(
        err,
        CrsError::WktUnsupported {
            name: "Beijing 1954 / 3-degree Gauss-Kruger CM 114E".into(),
            epsg: Some(2435)
        }
    );
    assert!(err.to_string().contains("(EPSG:2435)"), "{err}");
    // Other kinds of CRS.
    let compound = "COMPD_CS[\"x\",GEOGCS[\"WGS 84\"],VERT_CS[\"h\"]]";
    assert!(identify(compound)
        .unwrap_err()
        .to_string()
        .contains("COMPD_CS"));
}

#[test]
fn parameters_must_agree_with_the_zone() {
    // ESRI CM 114E with the central meridian of another zone.
    let wrong = ESRI_4547.replace(
        "[\"Central_Meridian\",114.0]",
        "[\"Central_Meridian\",117.0]",
    );
    assert_ne!(wrong, ESRI_4547);
    let err = identify(&wrong).unwrap_err();
    assert!(
        matches!(err, CrsError::WktMismatch { parameter: "central meridian", found, expected, .. } if found == 117.0 && expected == 114.0),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("CGCS2000_3_Degree_GK_CM_114E"),
        "{err}"
    );
    // WKT1 zone 39 whose false easting lost the zone number.
    let wrong = WKT1_4527.replace("\"false_easting\",39500000", "\"false_easting\",500000");
    assert!(matches!(
        identify(&wrong),
        Err(CrsError::WktMismatch {
            parameter: "false easting",
            ..
        })
    ));
    // WKT2 with a UTM scale factor.
    let wrong = WKT2_4547.replace(
        "\"Scale factor at natural origin\",1,",
        "\"Scale factor at natural origin\",0.9996,",
    );
    assert!(matches!(
        identify(&wrong),
        Err(CrsError::WktMismatch {
            parameter: "scale factor",
            ..
        })
    ));
}

#[test]
fn a_projected_code_in_a_geographic_definition_is_refused() {
    let bad = "GEOGCS[\"x\",AUTHORITY[\"EPSG\",\"4547\"]]";
    assert!(identify(bad)
        .unwrap_err()
        .to_string()
        .contains("geographic"));
}

#[test]
fn garbage_is_a_syntax_error() {
    for text in ["", "hello", "GEOGCS[", "{\"type\": \"name\"}"] {
        assert!(
            matches!(identify(text), Err(CrsError::WktSyntax(_))),
            "{text:?}"
        );
    }
}
