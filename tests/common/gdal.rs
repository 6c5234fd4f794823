//! GDAL's command-line tools, a test dependency (`scripts/install-deps.sh test` installs
//! gdal-bin): converting the shared GeoJSON layers at test time and reading files back.

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
