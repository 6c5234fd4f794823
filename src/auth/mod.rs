//! Users, roles, region scope, sessions, API tokens, login rate limiting and the audit
//! trail (PRODUCT.md §3.7).
//!
//! Owns what a role may do ([`Permission`]), what a user sees ([`Scope`]: regions with
//! their descendants, or a grid worker's grids), the logged-in [`Caller`] of a request and
//! the [`Auth`] service that logs in, resolves tokens (with a short cache so that the
//! lookup hot path does not query the database) and writes the audit log. Calls the
//! [`store`](crate::store) for every stored fact and [`model`](crate::model) for the roles;
//! the HTTP side (extractor, endpoints) is in `api::auth`.

pub mod limit;
pub mod secret;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

pub use crate::model::UserRole as Role;
pub use crate::store::BuildingScope;
use crate::store::{NewAuditEntry, Store, StoreError, User};
use limit::FailureWindow;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "wangge_session";

/// What a role may do beyond reading what its scope shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See people's names, ID numbers and phone numbers unmasked (each read is audited).
    Unmask,
    /// Change grid boundaries and building assignments by hand.
    EditGrids,
    /// Compute draft plans (balancing).
    RunPlans,
    /// Publish a plan, replacing a community's grids.
    PublishPlans,
    /// Import data.
    Import,
    /// Create, disable and issue tokens for users.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 7] = [
        Permission::Unmask,
        Permission::EditGrids,
        Permission::RunPlans,
        Permission::PublishPlans,
        Permission::Import,
        Permission::ManageUsers,
        Permission::ReadAudit,
    ];
}

/// Whether `role` has `permission`.
///
/// | role | unmask | edit grids | run / publish plans | import | manage users, read audit |
/// |---|---|---|---|---|---|
/// | administrator | yes | yes | yes | yes | yes |
/// | planner | — | yes | yes | yes | — |
/// | command_staff | yes | — | — | — | — |
/// | grid_worker | yes (own grids) | — | — | — | — |
/// | viewer | — | — | — | — | — |
pub fn role_may(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Administrator => true,
        Role::Planner => matches!(permission, EditGrids | RunPlans | PublishPlans | Import),
        Role::CommandStaff | Role::GridWorker => matches!(permission, Unmask),
        Role::Viewer => false,
    }
}

/// What a user sees. `None` sets mean "everything".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Regions as configured (the user's regions, or a grid worker's communities).
    pub configured_regions: Option<Vec<i64>>,
    /// Grids as configured (grid workers).
    pub configured_grids: Option<Vec<i64>>,
    /// Visible regions: the configured ones and their descendants (or a grid worker's
    /// communities).
    pub regions: Option<HashSet<i64>>,
    /// Visible grids of any plan: those of visible communities, or a grid worker's own.
    pub grids: Option<HashSet<i64>>,
    /// Buildings are visible by community (region scope) or else by published grid.
    pub by_grid: bool,
}

impl Scope {
    /// The whole database.
    pub fn all() -> Scope {
        Scope::default()
    }

    /// The scope of `user`, given every region's parent and every grid's community.
    pub fn of(user: &User, parents: &[(i64, Option<i64>)], grids: &[(i64, i64)]) -> Scope {
        if user.scope_all {
            return Scope::all();
        }
        if user.role == Role::GridWorker || !user.grids.is_empty() {
            let own: HashSet<i64> = user.grids.iter().copied().collect();
            let communities: BTreeSet<i64> = grids
                .iter()
                .filter(|(g, _)| own.contains(g))
                .map(|&(_, c)| c)
                .collect();
            return Scope {
                configured_regions: Some(communities.iter().copied().collect()),
                configured_grids: Some(user.grids.clone()),
                regions: Some(communities.into_iter().collect()),
                grids: Some(own),
                by_grid: true,
            };
        }
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for &(id, parent) in parents {
            if let Some(p) = parent {
                children.entry(p).or_default().push(id);
            }
        }
        let mut visible: HashSet<i64> = HashSet::new();
        let mut stack: Vec<i64> = user.regions.clone();
        while let Some(r) = stack.pop() {
            if visible.insert(r) {
                stack.extend(children.get(&r).into_iter().flatten().copied());
            }
        }
        let grids = grids
            .iter()
            .filter(|(_, c)| visible.contains(c))
            .map(|&(g, _)| g)
            .collect();
        Scope {
            configured_regions: Some(user.regions.clone()),
            configured_grids: None,
            regions: Some(visible),
            grids: Some(grids),
            by_grid: false,
        }
    }

    /// Everything is visible.
    pub fn is_all(&self) -> bool {
        self.regions.is_none() && self.grids.is_none()
    }

    /// The scope as the API shows it: `{"regions": [ids] | null, "grids": [ids] | null}`.
    pub fn to_json(&self) -> Value {
        json!({ "regions": self.configured_regions, "grids": self.configured_grids })
    }
}

/// A logged-in user as resolved from a session or token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
}

/// The caller of a request: who, with what role and scope, from where.
/// In handlers it is an extractor (401 without a valid session or token).
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Arc<Principal>,
    /// The client's address, when the server knows it.
    pub remote: Option<IpAddr>,
}

/// Why authentication or authorisation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No valid session or token, or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller lacks a permission.
    #[error("your role ({role}) may not {what}")]
    Forbidden { role: Role, what: String },
    /// Too many failed logins.
    #[error("too many failed logins for {key}: try again in {} s", retry_after.as_secs().max(1))]
    RateLimited { key: String, retry_after: Duration },
    /// A request is malformed (e.g. an empty username).
    #[error("{0}")]
    BadRequest(String),
    /// Hashing failed.
    #[error(transparent)]
    Secret(#[from] secret::SecretError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Caller {
    /// User id.
    pub fn user_id(&self) -> i64 {
        self.principal.user_id
    }
    /// Username.
    pub fn username(&self) -> &str {
        &self.principal.username
    }
    /// Role.
    pub fn role(&self) -> Role {
        self.principal.role
    }
    /// Scope.
    pub fn scope(&self) -> &Scope {
        &self.principal.scope
    }

    /// Whether the caller's role has `p`.
    pub fn may(&self, p: Permission) -> bool {
        role_may(self.role(), p)
    }

    /// `Ok` when the caller's role has `p`, else 403 naming what was refused.
    pub fn require(&self, p: Permission, what: &str) -> Result<(), AuthError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AuthError::Forbidden {
                role: self.role(),
                what: what.to_string(),
            })
        }
    }

    /// May see people's personal data unmasked (reads must then be audited).
    pub fn can_unmask(&self) -> bool {
        self.may(Permission::Unmask)
    }

    /// Sees the whole database.
    pub fn sees_all(&self) -> bool {
        self.scope().is_all()
    }

    /// Sees region `id` (district, street or community).
    pub fn sees_region(&self, id: i64) -> bool {
        self.scope()
            .regions
            .as_ref()
            .is_none_or(|r| r.contains(&id))
    }

    /// Sees all of region `id`, not only some grids of it (plans are whole communities:
    /// grid workers do not see them).
    pub fn sees_whole_region(&self, id: i64) -> bool {
        self.sees_region(id) && !self.scope().by_grid
    }

    /// Sees grid `id` (of any plan).
    pub fn sees_grid(&self, id: i64) -> bool {
        self.scope().grids.as_ref().is_none_or(|g| g.contains(&id))
    }

    /// Sees a building of `community` whose published grid is `grid`.
    pub fn sees_building(&self, community: Option<i64>, grid: Option<i64>) -> bool {
        let s = self.scope();
        if s.is_all() {
            return true;
        }
        if s.by_grid {
            grid.is_some_and(|g| self.sees_grid(g))
        } else {
            community.is_some_and(|c| self.sees_region(c))
        }
    }

    /// The building filter of a scoped caller (`None`: everything).
    pub fn building_scope(&self) -> Option<BuildingScope> {
        let s = self.scope();
        if s.is_all() {
            return None;
        }
        let sorted = |set: &Option<HashSet<i64>>| {
            let mut v: Vec<i64> = set.iter().flatten().copied().collect();
            v.sort_unstable();
            v
        };
        Some(if s.by_grid {
            BuildingScope {
                communities: vec![],
                grids: sorted(&s.grids),
            }
        } else {
            BuildingScope {
                communities: sorted(&s.regions),
                grids: vec![],
            }
        })
    }

    /// The user as `/api/login` and `/api/me` show it.
    pub fn to_json(&self) -> Value {
        json!({
            "username": self.username(),
            "role": self.role(),
            "scope": self.scope().to_json(),
            "can_unmask": self.can_unmask(),
        })
    }

    /// An audit entry by this caller.
    pub fn audit_entry(
        &self,
        action: &str,
        target: &str,
        detail: impl Into<String>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            user_id: Some(self.user_id()),
            actor: self.username().to_string(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.into(),
            remote: self.remote.map(|a| a.to_string()).unwrap_or_default(),
        }
    }
}

/// Settings of the [`Auth`] service.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// How long a session lasts after login.
    pub session_ttl: Duration,
    /// How long a resolved token is trusted without asking the store again (a disabled
    /// user or a logout in another process takes effect within this time).
    pub cache_ttl: Duration,
    /// Failed logins allowed per username within `failure_window`.
    pub failures_per_user: usize,
    /// Failed logins allowed per client address within `failure_window`.
    pub failures_per_address: usize,
    pub failure_window: Duration,
    /// Mark the session cookie `Secure` whatever the request says (it is marked anyway when
    /// the request came through HTTPS: `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_ttl: Duration::from_secs(8 * 3600),
            cache_ttl: Duration::from_secs(5),
            failures_per_user: 5,
            failures_per_address: 20,
            failure_window: Duration::from_secs(60),
            secure_cookies: false,
        }
    }
}

struct Cached {
    principal: Arc<Principal>,
    /// The grids revision the scope was expanded at.
    generation: i64,
    expires_at: DateTime<Utc>,
    fetched: Instant,
}

/// Logs users in and out and resolves the token of every request.
pub struct Auth {
    store: Store,
    config: AuthConfig,
    /// Resolved tokens by [`secret::fingerprint`].
    cache: Mutex<HashMap<[u8; 32], Cached>>,
    by_user: FailureWindow,
    by_address: FailureWindow,
}

/// A new session: the token to put in the cookie, and who it is for.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub caller: Caller,
}

impl Auth {
    /// The service over `store`.
    pub fn new(store: Store, config: AuthConfig) -> Auth {
        Auth {
            by_user: FailureWindow::new(config.failures_per_user, config.failure_window),
            by_address: FailureWindow::new(config.failures_per_address, config.failure_window),
            store,
            config,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The settings.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Cached>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks a username and password; on success stores a new session. Failed attempts
    /// count against the username and the client address; over the limit the answer is
    /// [`AuthError::RateLimited`] whatever the password.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        remote: Option<IpAddr>,
    ) -> Result<Session, AuthError> {
        if username.trim().is_empty() {
            return Err(AuthError::BadRequest("username is empty".into()));
        }
        let now = Instant::now();
        let user_key = format!("user {username:?}");
        let addr_key = remote.map(|a| format!("address {a}"));
        for key in std::iter::once(&user_key).chain(addr_key.as_ref()) {
            let limiter = if key == &user_key {
                &self.by_user
            } else {
                &self.by_address
            };
            if let Some(retry_after) = limiter.check(key, now) {
                return Err(AuthError::RateLimited {
                    key: key.clone(),
                    retry_after,
                });
            }
        }
        let user = self.store.user_by_name(username).await?;
        let hash = match &user {
            Some(u) if !u.disabled => u.password_hash.clone(),
            _ => secret::dummy_hash().to_string(),
        };
        let candidate = password.to_string();
        let ok = tokio::task::spawn_blocking(move || secret::verify_password(&candidate, &hash))
            .await
            .unwrap_or(false);
        let user = match user {
            Some(u) if ok && !u.disabled => u,
            _ => {
                self.by_user.fail(&user_key, now);
                if let Some(k) = &addr_key {
                    self.by_address.fail(k, now);
                }
                return Err(AuthError::Unauthorized("wrong username or password".into()));
            }
        };
        self.by_user.clear(&user_key);
        let token = secret::new_token("wgs");
        let ttl = chrono::Duration::from_std(self.config.session_ttl)
            .unwrap_or_else(|_| chrono::Duration::hours(8));
        let expires_at = Utc::now() + ttl;
        self.store
            .create_session(&secret::digest(&token), user.id, expires_at)
            .await?;
        let principal = Arc::new(self.principal(&user).await?);
        Ok(Session {
            token,
            expires_at,
            caller: Caller { principal, remote },
        })
    }

    /// Ends the session of `token` (no error when there is none).
    pub async fn logout(&self, token: &str) -> Result<(), AuthError> {
        self.cache().remove(&secret::fingerprint(token));
        self.store.delete_session(&secret::digest(token)).await?;
        Ok(())
    }

    /// The caller holding `token` (a session or API token), or 401. `generation` is the
    /// revision of grids and regions the server currently answers from: a scope expanded
    /// at another revision (before a publish or an import) is expanded again.
    pub async fn resolve(
        &self,
        token: &str,
        remote: Option<IpAddr>,
        generation: i64,
    ) -> Result<Caller, AuthError> {
        let key = secret::fingerprint(token);
        let now = Utc::now();
        if let Some(c) = self.cache().get(&key) {
            if c.fetched.elapsed() < self.config.cache_ttl
                && c.expires_at > now
                && c.generation == generation
            {
                return Ok(Caller {
                    principal: c.principal.clone(),
                    remote,
                });
            }
        }
        let unauthorized = || {
            AuthError::Unauthorized(
                "the session or token is unknown or has expired: log in again".into(),
            )
        };
        let Some(owner) = self.store.token_owner(&hex::encode(key)).await? else {
            self.cache().remove(&key);
            return Err(unauthorized());
        };
        if owner.expires_at <= now {
            self.cache().remove(&key);
            return Err(unauthorized());
        }
        let user = match self.store.user_by_id(owner.user_id).await? {
            Some(u) if !u.disabled => u,
            _ => return Err(unauthorized()),
        };
        let principal = Arc::new(self.principal(&user).await?);
        let mut cache = self.cache();
        if cache.len() > 10_000 {
            let ttl = self.config.cache_ttl;
            cache.retain(|_, c| c.fetched.elapsed() < ttl);
        }
        cache.insert(
            key,
            Cached {
                principal: principal.clone(),
                generation,
                expires_at: owner.expires_at,
                fetched: Instant::now(),
            },
        );
        Ok(Caller { principal, remote })
    }

    /// The principal of a stored user, with the scope expanded.
    pub async fn principal(&self, user: &User) -> Result<Principal, StoreError> {
        let scope = if user.scope_all {
            Scope::all()
        } else {
            let parents = self.store.region_parents().await?;
            let grids = self.store.grid_communities().await?;
            Scope::of(user, &parents, &grids)
        };
        Ok(Principal {
            user_id: user.id,
            username: user.username.clone(),
            role: user.role,
            scope,
        })
    }

    /// Appends an entry to the audit log.
    pub async fn audit(&self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        self.store.append_audit(entry).await.map(|_| ())
    }
}

/// Creates (or with `replace`, resets) a user with a hashed password; checks the role
/// and scope fit together: a grid worker needs grids and no regions, other roles take
/// regions (none: the whole database) and no grids.
pub async fn add_user(
    store: &Store,
    username: &str,
    password: &str,
    role: Role,
    regions: &[i64],
    grids: &[i64],
    replace: bool,
) -> Result<i64, AuthError> {
    if username.trim().is_empty()
        || username.len() > 64
        || username.chars().any(char::is_whitespace)
    {
        return Err(AuthError::BadRequest(format!(
            "username {username:?} must be 1–64 characters without spaces"
        )));
    }
    match role {
        Role::GridWorker if grids.is_empty() || !regions.is_empty() => {
            return Err(AuthError::BadRequest(
                "a grid worker is scoped to their grids: give --grid ID (and no --region)".into(),
            ))
        }
        Role::GridWorker => {}
        _ if !grids.is_empty() => {
            return Err(AuthError::BadRequest(format!(
                "--grid is for grid workers; a {role} is scoped by --region"
            )))
        }
        _ => {}
    }
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || secret::hash_password(&password))
        .await
        .map_err(|e| AuthError::BadRequest(e.to_string()))??;
    let id = store
        .create_user(
            &crate::store::NewUser {
                username: username.to_string(),
                password_hash: hash,
                role,
                scope_all: regions.is_empty() && grids.is_empty(),
                regions: regions.to_vec(),
                grids: grids.to_vec(),
            },
            replace,
        )
        .await?;
    Ok(id)
}

/// Issues an API token for `username` valid for `days`; returns the token (shown once).
pub async fn issue_token(store: &Store, username: &str, days: u32) -> Result<String, AuthError> {
    let user = store
        .user_by_name(username)
        .await?
        .ok_or_else(|| AuthError::BadRequest(format!("user {username:?} does not exist")))?;
    if user.disabled {
        return Err(AuthError::BadRequest(format!(
            "user {username:?} is disabled"
        )));
    }
    if days == 0 || days > 3650 {
        return Err(AuthError::BadRequest(format!(
            "--days {days} is outside 1..=3650"
        )));
    }
    let token = secret::new_token("wgt");
    let expires_at = Utc::now() + chrono::Duration::days(days.into());
    store
        .create_api_token(
            user.id,
            &format!("cli {}", Utc::now().format("%Y-%m-%d")),
            &secret::digest(&token),
            expires_at,
        )
        .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, regions: Vec<i64>, grids: Vec<i64>) -> User {
        User {
            id: 1,
            username: "u".into(),
            password_hash: String::new(),
            role,
            scope_all: regions.is_empty() && grids.is_empty(),
            regions,
            grids,
            disabled: false,
            created_at: Utc::now(),
        }
    }

    fn caller(u: &User) -> Caller {
        // district 1 → street 2 → communities 3, 4; street 5 → community 6
        let parents = [
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(2)),
            (5, Some(1)),
            (6, Some(5)),
        ];
        let grids = [(10, 3), (11, 3), (12, 4), (13, 6)];
        Caller {
            principal: Arc::new(Principal {
                user_id: u.id,
                username: u.username.clone(),
                role: u.role,
                scope: Scope::of(u, &parents, &grids),
            }),
            remote: None,
        }
    }

    #[test]
    fn a_region_scope_covers_its_descendants_only() {
        let c = caller(&user(Role::CommandStaff, vec![2], vec![]));
        assert!([2, 3, 4].iter().all(|&r| c.sees_region(r)));
        assert!([1, 5, 6].iter().all(|&r| !c.sees_region(r)));
        assert!(c.sees_grid(10) && c.sees_grid(12) && !c.sees_grid(13));
        assert!(c.sees_building(Some(3), None) && !c.sees_building(Some(6), Some(13)));
        assert!(!c.sees_building(None, None));
        assert_eq!(c.scope().to_json(), json!({"regions": [2], "grids": null}));
        assert_eq!(c.building_scope().unwrap().communities, vec![2, 3, 4]);
    }

    #[test]
    fn a_grid_worker_sees_their_grids_and_their_community_only() {
        let c = caller(&user(Role::GridWorker, vec![], vec![11]));
        assert!(c.sees_grid(11) && !c.sees_grid(10));
        assert!(c.sees_region(3) && !c.sees_region(2) && !c.sees_region(4));
        assert!(c.sees_building(Some(3), Some(11)));
        assert!(
            !c.sees_building(Some(3), Some(10)),
            "same community, other grid"
        );
        assert_eq!(c.scope().to_json(), json!({"regions": [3], "grids": [11]}));
    }

    #[test]
    fn an_unscoped_user_sees_everything_and_roles_decide_permissions() {
        let c = caller(&user(Role::Viewer, vec![], vec![]));
        assert!(c.sees_all() && c.sees_region(999) && c.sees_building(None, None));
        assert!(Permission::ALL.iter().all(|&p| !c.may(p)));
        assert!(Permission::ALL
            .iter()
            .all(|&p| role_may(Role::Administrator, p)));
        assert!(role_may(Role::Planner, Permission::PublishPlans));
        assert!(!role_may(Role::Planner, Permission::Unmask));
        assert!(role_may(Role::GridWorker, Permission::Unmask));
        assert!(!role_may(Role::CommandStaff, Permission::RunPlans));
        assert!(c
            .require(Permission::ReadAudit, "read the audit log")
            .is_err());
    }
}

/// One demo user as `wangge demo` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    pub password: String,
    /// What the user sees, in words.
    pub scope: String,
}

/// Creates (or resets) one user per role over the demo street: `demo-admin` (everything),
/// `demo-planner` and `demo-command` (the street), `demo-viewer` (its first community),
/// `demo-worker` (the first grid of that community). With `password` every user gets it
/// (reproducible demos and tests); otherwise each gets a random one.
pub async fn create_demo_users(
    store: &Store,
    password: Option<&str>,
) -> Result<Vec<DemoUser>, AuthError> {
    use crate::model::RegionLevel;
    let streets = store.regions(Some(RegionLevel::Street), None).await?;
    let street = streets
        .iter()
        .find(|s| s.source == "demo")
        .or(streets.first())
        .ok_or_else(|| {
            AuthError::BadRequest("no street in the database for the demo users".into())
        })?;
    let community = store
        .regions(Some(RegionLevel::Community), Some(street.id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AuthError::BadRequest(format!("street {} has no community", street.name)))?;
    let grid = store
        .grids(Some(community.id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            AuthError::BadRequest(format!("community {} has no grid", community.name))
        })?;
    /// Username, role, regions, grids and the scope in words.
    type Spec = (&'static str, Role, Vec<i64>, Vec<i64>, String);
    let plan: [Spec; 5] = [
        (
            "demo-admin",
            Role::Administrator,
            vec![],
            vec![],
            "everything".into(),
        ),
        (
            "demo-planner",
            Role::Planner,
            vec![street.id],
            vec![],
            format!("street {} ({})", street.name, street.id),
        ),
        (
            "demo-command",
            Role::CommandStaff,
            vec![street.id],
            vec![],
            format!("street {} ({})", street.name, street.id),
        ),
        (
            "demo-worker",
            Role::GridWorker,
            vec![],
            vec![grid.id],
            format!("grid {} ({})", grid.code, grid.id),
        ),
        (
            "demo-viewer",
            Role::Viewer,
            vec![community.id],
            vec![],
            format!("community {} ({})", community.name, community.id),
        ),
    ];
    let mut out = Vec::new();
    for (username, role, regions, grids, scope) in plan {
        let password = match password {
            Some(p) => p.to_string(),
            None => secret::new_password(16),
        };
        add_user(store, username, &password, role, &regions, &grids, true).await?;
        out.push(DemoUser {
            username: username.into(),
            role,
            password,
            scope,
        });
    }
    Ok(out)
}
