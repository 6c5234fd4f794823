//! `wangge serve`: the API and the web map.

use std::path::PathBuf;
use std::time::Duration;

use wangge::api::AppState;
use wangge::config;
use wangge::store::Store;

use super::chain;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = config::DEFAULT_BIND)]
    bind: String,
    /// Folder of the web map's built files (`npm run build` in web/ writes web/dist).
    #[arg(long, default_value = "web/dist")]
    web: PathBuf,
    /// Longest time a request may take before it is answered 503, in seconds.
    #[arg(long, default_value_t = 60)]
    request_timeout: u64,
    /// Lifetime of a login session, in hours.
    #[arg(long, default_value_t = 8)]
    session_hours: u64,
    /// Mark the session cookie `Secure` on every login (behind an HTTPS proxy that does
    /// not send `X-Forwarded-Proto: https`; with that header it is marked anyway).
    #[arg(long)]
    secure_cookies: bool,
}

pub async fn run(store: Store, url: &str, args: Args) -> Result<(), String> {
    let state = AppState::load(store)
        .await
        .map_err(|e| chain(&e))?
        .with_request_timeout(Duration::from_secs(args.request_timeout.max(1)))
        .with_auth_config(wangge::auth::AuthConfig {
            session_ttl: Duration::from_secs(args.session_hours.max(1) * 3600),
            secure_cookies: args.secure_cookies,
            ..Default::default()
        });
    // Follows imports and edits made by other processes.
    state.watch(Duration::from_secs(1));
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "wangge serving {} on http://{local}/ (web files from {})",
        wangge::store::redact(url),
        args.web.display()
    );
    // Connect info gives the client address to login rate limiting and the audit log.
    let app = wangge::api::router(state, args.web)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server failed: {e}"))
}
