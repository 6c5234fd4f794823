//! Runtime configuration shared by the CLI commands: where the database is, where the
//! server listens, where the web files are. Calls nothing else in the crate.

/// The database used when neither `--db` nor `DATABASE_URL` is given: an SQLite file
/// under `data/` (created on first use).
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/wangge.sqlite";

/// The address `wangge serve` listens on by default (loopback only).
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The database URL: the explicit one, else the default SQLite file.
pub fn database_url(explicit: Option<&str>) -> String {
    match explicit {
        Some(url) if !url.trim().is_empty() => url.trim().to_string(),
        _ => DEFAULT_DATABASE_URL.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_sqlite_under_data() {
        assert_eq!(database_url(None), "sqlite:data/wangge.sqlite");
        assert_eq!(database_url(Some("  ")), "sqlite:data/wangge.sqlite");
        assert_eq!(database_url(Some("postgres://x/y")), "postgres://x/y");
    }
}
