//! GDAL's command-line tools, a test dependency (`scripts/install-deps.sh test` installs
//! gdal-bin, which brings python3-gdal and validate_gpkg.py): converting the shared
//! GeoJSON layers at test time, and reading exported files back as an independent
//! reader (`ogrinfo` summaries, `ogr2ogr` to GeoJSON, GDAL's GeoPackage validator).
//! These helpers fail the test clearly when GDAL is missing.

use std::path::Path;
use std::process::Command;

/// Runs a GDAL tool with `args`; fails the test clearly when GDAL is not installed or the
/// tool fails. Returns its standard output.
pub fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "{tool} cannot run ({e}): GDAL is a test dependency; install it with \
             scripts/install-deps.sh test (Debian package gdal-bin)"
        )
    });
    assert!(
        out.status.success(),
        "{tool} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ogr2ogr ARGS`.
pub fn ogr2ogr(args: &[&str]) {
    run("ogr2ogr", args);
}

/// The feature count `ogrinfo -so` reports for `layer` of `file`.
pub fn feature_count(file: &Path, layer: &str) -> usize {
    let path = file.to_string_lossy();
    let text = run("ogrinfo", &["-so", &path, layer]);
    text.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("ogrinfo gave no feature count for {path} {layer}: {text}"))
}

/// Fails the test unless `ogrinfo` runs.
pub fn require_gdal() {
    let ok = Command::new("ogrinfo")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "GDAL's ogrinfo is missing: install gdal-bin (scripts/install-deps.sh test does)"
    );
}

/// What `ogrinfo -ro -al -so` says about one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    pub name: String,
    /// As ogrinfo spells it: `Multi Polygon`, `Point`, `Multi Line String`, `Unknown (any)`.
    pub geometry: String,
    pub features: u64,
    /// The layer's CRS is EPSG:4326.
    pub wgs84: bool,
}

/// Runs `ogrinfo -ro -al -so FILE`; fails the test on a non-zero exit or anything on
/// standard error (GDAL's warnings and errors).
pub fn ogrinfo(file: &Path) -> Vec<LayerInfo> {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(file)
        .output()
        .expect("run ogrinfo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "ogrinfo {}: exit {:?}, stderr:\n{stderr}",
        file.display(),
        out.status.code()
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut layers = Vec::new();
    for block in text.split("\nLayer name: ").skip(1) {
        let name = block.lines().next().unwrap_or_default().trim().to_string();
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        layers.push(LayerInfo {
            name,
            geometry: field("Geometry: "),
            features: field("Feature Count: ").parse().expect("feature count"),
            // The last line of the layer's CRS (WKT 2) names its EPSG code.
            wgs84: block.contains("\n    ID[\"EPSG\",4326]]\n"),
        });
    }
    layers
}

/// `ogr2ogr -f GeoJSON -preserve_fid` of one layer of `file`, parsed.
pub fn ogr2ogr_geojson(file: &Path, layer: &str) -> serde_json::Value {
    let out = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON", "-preserve_fid", "/vsistdout/"])
        .arg(file)
        .arg(layer)
        .output()
        .expect("run ogr2ogr");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "ogr2ogr {} {layer}: exit {:?}, stderr:\n{stderr}",
        file.display(),
        out.status.code()
    );
    serde_json::from_slice(&out.stdout).expect("ogr2ogr writes JSON")
}

/// Runs GDAL's validate_gpkg.py (all checks, extra checks, warnings as errors) on `file`;
/// fails the test on any finding.
pub fn validate_gpkg(file: &Path) {
    let script = [
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
        "/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .expect("GDAL's validate_gpkg.py is missing: install python3-gdal (gdal-bin depends on it)");
    // Debian's interpreter, which has the osgeo module (a PATH python may not).
    let out = Command::new("/usr/bin/python3")
        .arg(script)
        .args(["-k", "--extra", "--warning-as-error"])
        .arg(file)
        .output()
        .expect("run validate_gpkg.py");
    assert!(
        out.status.success(),
        "validate_gpkg.py {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
