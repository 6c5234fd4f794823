//! `wangge user add | list | disable | token`: the only way to manage users.

use clap::Subcommand;
use wangge::auth;
use wangge::store::Store;

use super::{audit_cli, chain};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin.
    Add {
        username: String,
        /// administrator, planner, command_staff, grid_worker or viewer.
        #[arg(long)]
        role: auth::Role,
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

pub async fn run(store: &Store, cmd: UserCommand) -> Result<(), String> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            regions,
            grids,
            password_stdin,
        } => add(store, &username, role, &regions, &grids, password_stdin).await,
        UserCommand::List => list(store).await,
        UserCommand::Disable { username } => disable(store, &username).await,
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
            Ok(())
        }
    }
}

async fn add(
    store: &Store,
    username: &str,
    role: auth::Role,
    regions: &[i64],
    grids: &[i64],
    password_stdin: bool,
) -> Result<(), String> {
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        (line.trim_end_matches(['\n', '\r']).to_string(), false)
    } else {
        (auth::secret::new_password(16), true)
    };
    let id = auth::add_user(store, username, &password, role, regions, grids, false)
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
    Ok(())
}

async fn list(store: &Store) -> Result<(), String> {
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
    Ok(())
}

async fn disable(store: &Store, username: &str) -> Result<(), String> {
    if !store
        .set_user_disabled(username, true)
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
    Ok(())
}
