//! The `wangge` command: imports, the demo street, statistics and the server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use wangge::api::AppState;
use wangge::crs::Crs;
use wangge::import::estimate::{EstimateParams, DEFAULT_DWELLING_M2};
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::osm::{CommunitySource, OsmOptions};
use wangge::import::prepare::PrepareOptions;
use wangge::import::{self, ImportReport};
use wangge::index::{GridIndex, LiveIndex};
use wangge::lookup::LiveAddressBook;
use wangge::plan::{self, ModeName, PlanRequest};
use wangge::store::Store;
use wangge::{config, demo, lookup};

/// wangge (网格): grid-based community governance — store, lookup, balancing and web map.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Database URL: postgres://USER:PASS@HOST:PORT/DB or sqlite:PATH.
    /// Default: sqlite:data/wangge.sqlite.
    #[arg(long, global = true, env = "DATABASE_URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import data; each import is one transaction and re-running it updates by source id.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate the demo street (deterministic by seed) into the database.
    Demo {
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Empty the database first (otherwise the demo is merged by source id; users and
        /// the audit log are kept).
        #[arg(long)]
        fresh: bool,
        /// Password of every demo user (default: a random one each, printed once).
        #[arg(long)]
        demo_password: Option<String>,
    },
    /// Users: add, list, disable, issue API tokens (the only way to manage users).
    #[command(subcommand)]
    User(UserCommand),
    /// Print row counts of the database as JSON.
    Stats,
    /// Which grid is responsible for a point (JSON), or for every row of a CSV file
    /// (CSV out: the input columns plus grid_id and grid_code).
    Lookup {
        /// Longitude (or x in --crs).
        #[arg(allow_negative_numbers = true, required_unless_present = "file")]
        lon: Option<f64>,
        /// Latitude (or y in --crs).
        #[arg(allow_negative_numbers = true, required_unless_present = "file")]
        lat: Option<f64>,
        /// CSV with lon/lat (or x/y) columns, at most 10,000 rows.
        #[arg(long, conflicts_with_all = ["lon", "lat"])]
        file: Option<PathBuf>,
        /// CRS of the input: 4326 (default), 4490, 3857, 4513–4554, gcj02, bd09.
        #[arg(long)]
        crs: Option<String>,
    },
    /// Buildings matching an address, best first (JSON).
    Geocode {
        /// The address, e.g. "锦江路88号锦绣花园3栋2单元501" or "Mannerheimintie 12".
        query: String,
        /// Most results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Balance a community into grids: stores a draft plan and prints its metrics.
    Partition {
        /// Community id.
        community: i64,
        #[arg(long, default_value_t = 300)]
        min: u32,
        #[arg(long, default_value_t = 600)]
        max: u32,
        #[arg(long, default_value_t = 450)]
        target: u32,
        /// target, most or fewest.
        #[arg(long, default_value = "target")]
        mode: ModeName,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Barrier classes that separate grids, comma-separated (default: major roads,
        /// railways, rivers).
        #[arg(long, value_delimiter = ',')]
        hard_barriers: Option<Vec<String>>,
        /// Buildings that keep their grid (ids, comma-separated).
        #[arg(long, value_delimiter = ',')]
        pin_buildings: Vec<i64>,
        /// Current grids that keep exactly their buildings (ids, comma-separated).
        #[arg(long, value_delimiter = ',')]
        pin_grids: Vec<i64>,
        /// Ignore the published plan (a fresh run, not the fewest moves).
        #[arg(long)]
        fresh: bool,
        /// Publish the draft at once.
        #[arg(long)]
        publish: bool,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Edit a draft plan.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Export data.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Serve the API and the web map.
    Serve {
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
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin.
    Add {
        username: String,
        /// administrator, planner, command_staff, grid_worker or viewer.
        #[arg(long)]
        role: wangge::auth::Role,
        /// Regions (with their descendants) the user sees; none: the whole database.
        #[arg(long = "region", num_args = 1..)]
        regions: Vec<i64>,
        /// Grids a grid worker sees.
        #[arg(long = "grid", num_args = 1..)]
        grids: Vec<i64>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with role, scope and status.
    List,
    /// Disable a user and end their sessions and API tokens.
    Disable { username: String },
    /// Issue an API token for scripts (printed once; send it as Authorization: Bearer).
    Token {
        username: String,
        /// Days the token is valid.
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
}

/// The actor of command-line writes in the audit log.
fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into())
    )
}

/// An audit entry for a command-line action.
fn cli_entry(action: &str, target: &str, detail: String) -> wangge::store::NewAuditEntry {
    wangge::store::NewAuditEntry {
        user_id: None,
        actor: cli_actor(),
        action: action.into(),
        target: target.into(),
        detail,
        remote: "local".into(),
    }
}

/// Appends a command-line action to the audit log.
async fn audit_cli(
    store: &Store,
    action: &str,
    target: &str,
    detail: String,
) -> Result<(), String> {
    store
        .append_audit(&cli_entry(action, target, detail))
        .await
        .map(|_| ())
        .map_err(|e| chain(&e))
}

async fn run_user(store: &Store, cmd: UserCommand) -> Result<(), String> {
    use wangge::auth;
    match cmd {
        UserCommand::Add {
            username,
            role,
            regions,
            grids,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
                (line.trim_end_matches(['\n', '\r']).to_string(), false)
            } else {
                (auth::secret::new_password(16), true)
            };
            let id = auth::add_user(store, &username, &password, role, &regions, &grids, false)
                .await
                .map_err(|e| chain(&e))?;
            audit_cli(
                store,
                "user.add",
                &format!("user/{username}"),
                serde_json::json!({"role": role, "regions": regions, "grids": grids}).to_string(),
            )
            .await?;
            println!("user {username} ({role}) created with id {id}");
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            println!("{:<20} {:<14} {:<9} scope", "username", "role", "status");
            for u in store.users().await.map_err(|e| chain(&e))? {
                let scope = if u.scope_all {
                    "everything".to_string()
                } else if !u.grids.is_empty() {
                    format!("grids {:?}", u.grids)
                } else {
                    format!("regions {:?}", u.regions)
                };
                let status = if u.disabled { "disabled" } else { "active" };
                println!("{:<20} {:<14} {:<9} {scope}", u.username, u.role, status);
            }
        }
        UserCommand::Disable { username } => {
            if !store
                .set_user_disabled(&username, true)
                .await
                .map_err(|e| chain(&e))?
            {
                return Err(format!("user {username:?} does not exist"));
            }
            audit_cli(
                store,
                "user.disable",
                &format!("user/{username}"),
                String::new(),
            )
            .await?;
            println!("user {username} disabled; their sessions and tokens are ended");
        }
        UserCommand::Token { username, days } => {
            let token = auth::issue_token(store, &username, days)
                .await
                .map_err(|e| chain(&e))?;
            audit_cli(
                store,
                "user.token",
                &format!("user/{username}"),
                format!("valid {days} days"),
            )
            .await?;
            println!("{token}");
        }
    }
    Ok(())
}

#[derive(Args)]
struct Common {
    /// Name of the street created for communities without one (default: from the file name).
    #[arg(long)]
    street: Option<String>,
    /// Mean gross floor area of one dwelling in m², for household estimates.
    #[arg(long, default_value_t = DEFAULT_DWELLING_M2)]
    dwelling_m2: f64,
    /// Print the full import report as JSON.
    #[arg(long)]
    json: bool,
}

impl Common {
    fn prepare_options(&self) -> PrepareOptions {
        PrepareOptions {
            street_name: self.street.clone(),
            estimate: EstimateParams {
                dwelling_m2: self.dwelling_m2,
            },
        }
    }
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Move buildings of a draft to a neighbouring grid of the draft by hand, checked like
    /// `POST /api/plans/{id}/moves` (neighbours, bounds, contiguity) and stored.
    Move {
        /// Draft plan id.
        id: i64,
        /// Code of the draft grid the buildings join.
        #[arg(long)]
        to: String,
        /// Building ids (repeat or comma-separate).
        #[arg(long = "building", value_delimiter = ',', required = true)]
        buildings: Vec<i64>,
        /// Print the plan's metrics as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A plan's grids and building assignment as GeoJSON (features with "layer": "grid" or "building").
    Plan {
        id: i64,
        #[arg(long, default_value = "geojson")]
        format: ExportFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Geojson,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// OpenStreetMap .osm.pbf or .osm (XML).
    Osm {
        file: PathBuf,
        /// Which areas are communities: residential (landuse=residential), city_block
        /// (place=city_block) or admin_level=N (boundary=administrative).
        #[arg(long, default_value = "residential")]
        communities: CommunitySource,
        #[command(flatten)]
        common: Common,
    },
    /// One GeoJSON layer.
    Geojson {
        /// districts, streets, communities, grids, buildings, cameras, barriers or addresses.
        #[arg(long)]
        layer: Layer,
        file: PathBuf,
        /// CRS of the coordinates: 4326, 4490, 3857, 4513–4554 (CGCS2000 Gauss–Krüger), gcj02, bd09.
        /// Default: the file's "crs" member, else EPSG:4326.
        #[arg(long)]
        crs: Option<String>,
        /// Source name used to match features on re-import (default: the file stem).
        #[arg(long)]
        source: Option<String>,
        /// Skip unusable features (listed in the report) instead of failing.
        #[arg(long)]
        skip_invalid: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Household register CSV (see README for columns).
    Households { file: PathBuf },
    /// People register CSV (see README for columns).
    People { file: PathBuf },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "wangge=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line each.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(&format!("\n  caused by: {text}"));
        }
        source = s.source();
    }
    out
}

async fn run(cli: Cli) -> Result<(), String> {
    let url = config::database_url(cli.db.as_deref());
    let store = Store::open(&url).await.map_err(|e| chain(&e))?;
    match cli.command {
        Command::User(cmd) => run_user(&store, cmd).await?,
        Command::Import(cmd) => {
            let (report, json) = run_import(&store, cmd).await.map_err(|e| chain(&e))?;
            audit_cli(
                &store,
                &format!("import.{}", report.kind),
                &report.path,
                serde_json::to_string(&report.written).unwrap_or_default(),
            )
            .await?;
            print_report(&report, json);
        }
        Command::Demo {
            seed,
            fresh,
            demo_password,
        } => {
            if fresh {
                store.clear().await.map_err(|e| chain(&e))?;
            }
            let dataset = demo::generate(seed);
            let report = import::import_dataset(
                &store,
                dataset,
                "demo",
                std::path::Path::new(&format!("demo:seed={seed}")),
                &PrepareOptions::default(),
                vec![],
            )
            .await
            .map_err(|e| chain(&e))?;
            audit_cli(
                &store,
                "import.demo",
                &report.path,
                serde_json::to_string(&report.written).unwrap_or_default(),
            )
            .await?;
            print_report(&report, false);
            let users = wangge::auth::create_demo_users(&store, demo_password.as_deref())
                .await
                .map_err(|e| chain(&e))?;
            audit_cli(&store, "user.demo", "users/demo-*", String::new()).await?;
            println!("demo users (log in at the web map or POST /api/login):");
            println!(
                "  {:<14} {:<14} {:<18} scope",
                "username", "role", "password"
            );
            for u in users {
                println!(
                    "  {:<14} {:<14} {:<18} {}",
                    u.username,
                    u.role.as_ref(),
                    u.password,
                    u.scope
                );
            }
        }
        Command::Stats => {
            let counts = store.counts().await.map_err(|e| chain(&e))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&counts).unwrap_or_default()
            );
        }
        Command::Lookup {
            lon,
            lat,
            file,
            crs,
        } => {
            let crs = match crs {
                Some(c) => Crs::parse(&c).map_err(|e| e.to_string())?,
                None => Crs::Wgs84,
            };
            let index = LiveIndex::load(store)
                .await
                .map_err(|e| chain(&e))?
                .snapshot();
            match (file, lon, lat) {
                (Some(file), _, _) => lookup_file(&index, &file, crs)?,
                (None, Some(lon), Some(lat)) => {
                    let mut p = [(lon, lat)];
                    lookup::to_wgs84(&mut p, crs).map_err(|e| e.to_string())?;
                    let answer = lookup::answer(&index, p[0].0, p[0].1);
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&answer).unwrap_or_default()
                    );
                }
                _ => return Err("give LON LAT or --file FILE".into()),
            }
        }
        Command::Geocode { query, limit } => {
            let book = LiveAddressBook::load(store)
                .await
                .map_err(|e| chain(&e))?
                .snapshot();
            let hits = book.search(&query, limit);
            println!(
                "{}",
                serde_json::to_string_pretty(&hits).unwrap_or_default()
            );
        }
        Command::Partition {
            community,
            min,
            max,
            target,
            mode,
            seed,
            hard_barriers,
            pin_buildings,
            pin_grids,
            fresh,
            publish,
            json,
        } => {
            let request = PlanRequest {
                min,
                max,
                target,
                mode,
                seed,
                hard_barriers,
                pinned_buildings: pin_buildings,
                pinned_grids: pin_grids,
                warm_start: !fresh,
                author: std::env::var("USER").unwrap_or_else(|_| "cli".into()),
            };
            let audit = cli_entry(
                "plan.propose",
                "",
                serde_json::json!({ "community_id": community }).to_string(),
            );
            let draft = plan::propose(&store, community, &request, Some(&audit))
                .await
                .map_err(|e| chain(&e))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&draft).unwrap_or_default()
                );
            } else {
                print_draft(&draft);
            }
            if publish {
                let audit = cli_entry(
                    "plan.publish",
                    &format!("plan/{}", draft.plan_id),
                    serde_json::json!({ "community_id": community }).to_string(),
                );
                plan::publish(&store, draft.plan_id, Some(&audit))
                    .await
                    .map_err(|e| chain(&e))?;
                println!("plan {} published", draft.plan_id);
            }
        }
        Command::Plan(PlanCommand::Move {
            id,
            to,
            buildings,
            json,
        }) => {
            let request = plan::MoveRequest {
                buildings,
                to_grid: to,
            };
            let community_id = store
                .plan(id)
                .await
                .map_err(|e| chain(&e))?
                .map(|p| p.community_id);
            let audit = cli_entry(
                "plan.move",
                &format!("plan/{id}"),
                serde_json::json!({
                    "community_id": community_id,
                    "buildings": request.buildings,
                    "to_grid": request.to_grid,
                })
                .to_string(),
            );
            let moved = plan::move_buildings(&store, id, &request, Some(audit))
                .await
                .map_err(|e| chain(&e))?;
            let metrics: serde_json::Value =
                serde_json::from_str(&moved.metrics).unwrap_or_default();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&metrics).unwrap_or_default()
                );
            } else {
                println!(
                    "draft plan {id}: buildings {} moved to grid {}; {} households in buildings moved against the published plan",
                    request
                        .buildings
                        .iter()
                        .map(|b| b.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    request.to_grid,
                    metrics["households_moved"]
                );
                for g in metrics["grids"].as_array().into_iter().flatten() {
                    println!(
                        "  {}  {:>5} households  {:>4} buildings  compactness {:.2}{}",
                        g["code"].as_str().unwrap_or(""),
                        g["households"],
                        g["buildings"],
                        g["polsby_popper"].as_f64().unwrap_or(0.0),
                        if g["within_bounds"] == true {
                            ""
                        } else {
                            "  outside the bounds"
                        }
                    );
                }
            }
        }
        Command::Export(ExportCommand::Plan {
            id,
            format: ExportFormat::Geojson,
        }) => {
            let out = export_plan(&store, id).await?;
            println!("{}", serde_json::to_string(&out).unwrap_or_default());
        }
        Command::Serve {
            bind,
            web,
            request_timeout,
            session_hours,
            secure_cookies,
        } => {
            let state = AppState::load(store)
                .await
                .map_err(|e| chain(&e))?
                .with_request_timeout(std::time::Duration::from_secs(request_timeout.max(1)))
                .with_auth_config(wangge::auth::AuthConfig {
                    session_ttl: std::time::Duration::from_secs(session_hours.max(1) * 3600),
                    secure_cookies,
                    ..Default::default()
                });
            // Follows imports and edits made by other processes.
            state.watch(std::time::Duration::from_secs(1));
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            println!(
                "wangge serving {} on http://{local}/ (web files from {})",
                wangge::store::redact(&url),
                web.display()
            );
            // Connect info gives the client address to login rate limiting and the audit log.
            let app = wangge::api::router(state, web)
                .into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| format!("server failed: {e}"))?;
        }
    }
    Ok(())
}

async fn run_import(
    store: &Store,
    cmd: ImportCommand,
) -> Result<(ImportReport, bool), import::ImportError> {
    Ok(match cmd {
        ImportCommand::Osm {
            file,
            communities,
            common,
        } => {
            let report = import::import_osm(
                store,
                &file,
                &OsmOptions { communities },
                &common.prepare_options(),
            )
            .await?;
            (report, common.json)
        }
        ImportCommand::Geojson {
            layer,
            file,
            crs,
            source,
            skip_invalid,
            common,
        } => {
            let crs = match crs {
                Some(c) => Some(Crs::parse(&c).map_err(|source| import::ImportError::Crs {
                    path: file.clone(),
                    source,
                })?),
                None => None,
            };
            let options = GeoJsonOptions {
                layer,
                crs,
                source,
                skip_invalid,
            };
            (
                import::import_geojson(store, &file, &options, &common.prepare_options()).await?,
                common.json,
            )
        }
        ImportCommand::Households { file } => {
            (import::import_households(store, &file).await?, false)
        }
        ImportCommand::People { file } => (import::import_people(store, &file).await?, false),
    })
}

/// `wangge lookup --file`: CSV in, CSV out with grid_id and grid_code appended.
fn lookup_file(index: &GridIndex, file: &std::path::Path, crs: Crs) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let (mut header, rows, mut points) =
        lookup::points_from_csv(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    lookup::to_wgs84(&mut points, crs).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    header.extend(["grid_id".to_string(), "grid_code".to_string()]);
    out.write_record(&header).map_err(|e| e.to_string())?;
    for (mut row, (lon, lat)) in rows.into_iter().zip(points) {
        match index.locate(lon, lat) {
            Some(g) => row.extend([g.id.to_string(), g.code.clone()]),
            None => row.extend([String::new(), String::new()]),
        }
        out.write_record(&row).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn print_draft(draft: &plan::Draft) {
    let m = &draft.metrics;
    println!(
        "draft plan {}: {} grids for {} households in {} buildings ({} ms)",
        draft.plan_id, m.grid_count, m.households, m.buildings, m.runtime_ms
    );
    println!(
        "  households per grid {}–{}, Polsby–Popper mean {:.3} min {:.3}",
        m.min_households, m.max_households, m.mean_polsby_popper, m.min_polsby_popper
    );
    println!(
        "  against the published plan: {} households in {} buildings moved",
        m.households_moved, m.buildings_moved
    );
    println!(
        "  {:<18} {:>10} {:>9} {:>10} {:>7}",
        "grid", "households", "buildings", "area m²", "PP"
    );
    for g in &m.grids {
        println!(
            "  {:<18} {:>10} {:>9} {:>10.0} {:>7.3}{}",
            g.code,
            g.households,
            g.buildings,
            g.area_m2,
            g.polsby_popper,
            if g.within_bounds {
                ""
            } else {
                "  outside bounds"
            }
        );
    }
    for v in &m.violations {
        println!("  ! {v}");
    }
}

/// A plan as one GeoJSON FeatureCollection: its grids, then its buildings with their grid
/// (and, for a building split by unit, `by_unit`: each unit's grid, as lookups answer).
async fn export_plan(store: &Store, id: i64) -> Result<serde_json::Value, String> {
    use serde_json::json;
    let plan = store
        .plan(id)
        .await
        .map_err(|e| chain(&e))?
        .ok_or_else(|| format!("plan {id} does not exist"))?;
    let grids = store.plan_grids(id).await.map_err(|e| chain(&e))?;
    let code_of: std::collections::HashMap<i64, String> =
        grids.iter().map(|g| (g.id, g.code.clone())).collect();
    let assignment: std::collections::HashMap<i64, i64> = store
        .plan_assignment(id)
        .await
        .map_err(|e| chain(&e))?
        .into_iter()
        .collect();
    let mut by_unit: std::collections::HashMap<i64, Vec<serde_json::Value>> = Default::default();
    for u in store
        .plan_unit_assignment(id)
        .await
        .map_err(|e| chain(&e))?
    {
        by_unit
            .entry(u.building_id)
            .or_default()
            .push(json!({ "unit": u.unit, "grid_id": u.grid_id, "code": u.grid_code }));
    }
    let buildings = store
        .buildings(&wangge::store::BuildingFilter {
            community: Some(plan.community_id),
            ..Default::default()
        })
        .await
        .map_err(|e| chain(&e))?;
    let mut features = Vec::new();
    for g in &grids {
        features.push(json!({
            "type": "Feature",
            "id": g.id,
            "properties": { "layer": "grid", "code": g.code, "name": g.name, "kind": g.kind, "plan_id": id },
            "geometry": geojson::Geometry::from(&geo::Geometry::MultiPolygon(g.boundary.clone())),
        }));
    }
    for b in &buildings {
        let grid = assignment.get(&b.id);
        let mut properties = json!({
            "layer": "building", "source_id": b.source_id, "households": b.households,
            "grid_id": grid, "grid_code": grid.and_then(|g| code_of.get(g)),
        });
        if let Some(units) = by_unit.remove(&b.id) {
            properties["by_unit"] = json!(units);
        }
        features.push(json!({
            "type": "Feature",
            "id": b.id,
            "properties": properties,
            "geometry": geojson::Geometry::from(&geo::Geometry::MultiPolygon(b.footprint.clone())),
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "plan": { "id": plan.id, "community_id": plan.community_id, "status": plan.status },
        "features": features,
    }))
}

fn print_report(report: &ImportReport, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        );
        return;
    }
    let w = &report.written;
    println!("imported {} ({})", report.path, report.kind);
    for (name, u) in [
        ("regions", w.regions),
        ("grids", w.grids),
        ("buildings", w.buildings),
        ("households", w.households),
        ("people", w.people),
        ("cameras", w.cameras),
        ("workers", w.workers),
        ("barriers", w.barriers),
        ("address points", w.address_points),
    ] {
        if u.inserted + u.updated > 0 {
            println!(
                "  {name:<15} {:>7} new {:>7} updated",
                u.inserted, u.updated
            );
        }
    }
    let p = &report.prepared;
    if w.provisional_grids > 0 {
        println!(
            "  provisional grids {} (one per community without grids)",
            w.provisional_grids
        );
    }
    if p.estimated_buildings > 0 {
        println!(
            "  households estimated: {} in {} buildings",
            p.estimated_households, p.estimated_buildings
        );
    }
    if p.buildings_outside_communities > 0 {
        println!(
            "  buildings outside every community: {} (put in the unassigned-area community)",
            p.buildings_outside_communities
        );
    }
    if !report.skipped.is_empty() {
        println!("  skipped {} features:", report.skipped.len());
        for s in report.skipped.iter().take(20) {
            println!("    {}: {}", s.place, s.reason);
        }
        if report.skipped.len() > 20 {
            println!(
                "    … and {} more (--json lists all)",
                report.skipped.len() - 20
            );
        }
    }
}
