//! Users, their scope, sessions, API tokens and the append-only audit log: every SQL
//! statement of [`crate::auth`]. Token values never reach the store, only their digests.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::types::parse_enum;
use super::value::Val;
use super::{Store, StoreError};
use crate::model::UserRole;

/// A stored user with their scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: UserRole,
    /// The whole database (no region or grid list applies).
    pub scope_all: bool,
    /// Regions whose descendants the user sees (when not `scope_all`).
    pub regions: Vec<i64>,
    /// Grids the user sees (grid workers).
    pub grids: Vec<i64>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A user to create (or to replace, for the demo users).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: UserRole,
    pub scope_all: bool,
    pub regions: Vec<i64>,
    pub grids: Vec<i64>,
}

/// One audit-log entry to append.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEntry {
    pub user_id: Option<i64>,
    /// Username, or `cli:<os user>` for command-line writes.
    pub actor: String,
    /// What was done, e.g. `plan.publish`, `household.read_unmasked`, `import.osm`.
    pub action: String,
    /// On what, e.g. `plan/12`.
    pub target: String,
    /// Free text or JSON with the particulars.
    pub detail: String,
    /// Client address, or `local` for the command line.
    pub remote: String,
}

/// A stored audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub remote: String,
}

/// A session or API token found by its digest: whose, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: String,
    scope_all: bool,
    disabled: bool,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct OwnerRow {
    user_id: i64,
    expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PairRow {
    a: i64,
    b: i64,
}

#[derive(sqlx::FromRow)]
struct ParentRow {
    id: i64,
    parent_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    n: i64,
}

const USER_COLS: &str = "id, username, password_hash, role, scope_all, disabled, created_at";

impl Store {
    /// Creates a user with their scope in one transaction. With `replace`, an existing user
    /// of that name gets the new password, role and scope and is enabled again (the demo
    /// users); without, an existing name is refused.
    pub async fn create_user(&self, user: &NewUser, replace: bool) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let existing = tx
            .fetch_id(
                "SELECT id FROM users WHERE username = $1",
                vec![Val::text(&user.username)],
                "looking up a user",
            )
            .await?;
        let id = match existing {
            Some(_) if !replace => {
                return Err(StoreError::Duplicate {
                    what: "user",
                    key: user.username.clone(),
                })
            }
            Some(id) => {
                tx.execute(
                    "UPDATE users SET password_hash = $2, role = $3, scope_all = $4, disabled = $5 WHERE id = $1",
                    vec![
                        Val::int(id),
                        Val::text(&user.password_hash),
                        Val::text(user.role.as_ref()),
                        Val::Bool(user.scope_all),
                        Val::Bool(false),
                    ],
                    "updating a user",
                )
                .await?;
                for table in ["user_regions", "user_grids", "sessions"] {
                    tx.execute(
                        &format!("DELETE FROM {table} WHERE user_id = $1"),
                        vec![Val::int(id)],
                        "resetting a user's scope",
                    )
                    .await?;
                }
                id
            }
            None => tx
                .fetch_id(
                    "INSERT INTO users (username, password_hash, role, scope_all, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    vec![
                        Val::text(&user.username),
                        Val::text(&user.password_hash),
                        Val::text(user.role.as_ref()),
                        Val::Bool(user.scope_all),
                        Val::Bool(false),
                        Val::Time(Some(Utc::now())),
                    ],
                    "creating a user",
                )
                .await?
                .ok_or_else(|| StoreError::UnknownReference {
                    what: "user",
                    reference: user.username.clone(),
                })?,
        };
        for (table, column, source, ids) in [
            ("user_regions", "region_id", "regions", &user.regions),
            ("user_grids", "grid_id", "grids", &user.grids),
        ] {
            for &scope_id in ids {
                let found = tx
                    .fetch_id(
                        &format!("SELECT id FROM {source} WHERE id = $1"),
                        vec![Val::int(scope_id)],
                        "checking a scope",
                    )
                    .await?;
                if found.is_none() {
                    return Err(StoreError::UnknownReference {
                        what: if source == "regions" {
                            "region"
                        } else {
                            "grid"
                        },
                        reference: scope_id.to_string(),
                    });
                }
                tx.execute(
                    &format!(
                        "INSERT INTO {table} (user_id, {column}) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                    ),
                    vec![Val::int(id), Val::int(scope_id)],
                    "writing a user's scope",
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn with_scope(&self, rows: Vec<UserRow>) -> Result<Vec<User>, StoreError> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let regions: Vec<PairRow> = self
                .fetch_all(
                    "SELECT user_id AS a, region_id AS b FROM user_regions WHERE user_id = $1 ORDER BY region_id",
                    vec![Val::int(r.id)],
                    "reading a user's regions",
                )
                .await?;
            let grids: Vec<PairRow> = self
                .fetch_all(
                    "SELECT user_id AS a, grid_id AS b FROM user_grids WHERE user_id = $1 ORDER BY grid_id",
                    vec![Val::int(r.id)],
                    "reading a user's grids",
                )
                .await?;
            out.push(User {
                role: parse_enum("users", r.id, &r.role)?,
                id: r.id,
                username: r.username,
                password_hash: r.password_hash,
                scope_all: r.scope_all,
                regions: regions.into_iter().map(|p| p.b).collect(),
                grids: grids.into_iter().map(|p| p.b).collect(),
                disabled: r.disabled,
                created_at: r.created_at,
            });
        }
        Ok(out)
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = self
            .fetch_all(
                &format!("SELECT {USER_COLS} FROM users ORDER BY username"),
                vec![],
                "listing users",
            )
            .await?;
        self.with_scope(rows).await
    }

    /// One user by name.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let rows = self
            .fetch_all(
                &format!("SELECT {USER_COLS} FROM users WHERE username = $1"),
                vec![Val::text(username)],
                "reading a user",
            )
            .await?;
        Ok(self.with_scope(rows).await?.pop())
    }

    /// One user by id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let rows = self
            .fetch_all(
                &format!("SELECT {USER_COLS} FROM users WHERE id = $1"),
                vec![Val::int(id)],
                "reading a user",
            )
            .await?;
        Ok(self.with_scope(rows).await?.pop())
    }

    /// Disables (or enables) a user; disabling also ends their sessions and API tokens.
    /// False when no user has that name.
    pub async fn set_user_disabled(
        &self,
        username: &str,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let Some(id) = tx
            .fetch_id(
                "SELECT id FROM users WHERE username = $1",
                vec![Val::text(username)],
                "looking up a user",
            )
            .await?
        else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE users SET disabled = $2 WHERE id = $1",
            vec![Val::int(id), Val::Bool(disabled)],
            "disabling a user",
        )
        .await?;
        if disabled {
            for table in ["sessions", "api_tokens"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE user_id = $1"),
                    vec![Val::int(id)],
                    "ending a user's sessions",
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a new session (by the digest of its token) and removes expired ones.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        tx.execute(
            "DELETE FROM sessions WHERE expires_at < $1",
            vec![Val::Time(Some(now))],
            "removing expired sessions",
        )
        .await?;
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            vec![
                Val::text(token_hash),
                Val::int(user_id),
                Val::Time(Some(now)),
                Val::Time(Some(expires_at)),
            ],
            "creating a session",
        )
        .await?;
        tx.commit().await
    }

    /// Ends a session. False when there was none.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                vec![Val::text(token_hash)],
                "ending a session",
            )
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// The user of a session or API token, by the digest of the token (expired ones
    /// included: the caller compares `expires_at`).
    pub async fn token_owner(&self, token_hash: &str) -> Result<Option<TokenOwner>, StoreError> {
        let rows: Vec<OwnerRow> = self
            .fetch_all(
                "SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 \
                 UNION ALL SELECT user_id, expires_at FROM api_tokens WHERE token_hash = $1",
                vec![Val::text(token_hash)],
                "reading a session",
            )
            .await?;
        Ok(rows.into_iter().next().map(|r| TokenOwner {
            user_id: r.user_id,
            expires_at: r.expires_at,
        }))
    }

    /// Stores an API token (by its digest) for a user.
    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.execute(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            vec![
                Val::text(token_hash),
                Val::int(user_id),
                Val::text(name),
                Val::Time(Some(Utc::now())),
                Val::Time(Some(expires_at)),
            ],
            "creating an API token",
        )
        .await?;
        tx.commit().await
    }

    /// Every region with its parent, to expand a scope to the descendants.
    pub async fn region_parents(&self) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        let rows: Vec<ParentRow> = self
            .fetch_all(
                "SELECT id, parent_id FROM regions ORDER BY id",
                vec![],
                "reading the region tree",
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.parent_id)).collect())
    }

    /// Every grid (of any plan) with its community.
    pub async fn grid_communities(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows: Vec<PairRow> = self
            .fetch_all(
                "SELECT id AS a, community_id AS b FROM grids ORDER BY id",
                vec![],
                "reading grid communities",
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.a, r.b)).collect())
    }

    /// Appends one entry to the audit log.
    pub async fn append_audit(&self, e: &NewAuditEntry) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = append_audit_in(&mut tx, e).await?;
        tx.commit().await?;
        Ok(id)
    }
    /// A page of the audit log, newest first, and the number of entries in all.
    pub async fn audit_entries(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditEntry>, i64), StoreError> {
        let entries = self
            .fetch_all(
                "SELECT id, at, user_id, actor, action, target, detail, remote FROM audit_log \
                 ORDER BY id DESC LIMIT $1 OFFSET $2",
                vec![Val::int(limit), Val::int(offset)],
                "reading the audit log",
            )
            .await?;
        let total: Vec<CountRow> = self
            .fetch_all(
                "SELECT COUNT(*) AS n FROM audit_log",
                vec![],
                "counting the audit log",
            )
            .await?;
        Ok((entries, total.first().map(|c| c.n).unwrap_or(0)))
    }
}

/// Appends one entry to the audit log inside `tx`, so that a write and its audit entry are
/// stored together or not at all.
pub(crate) async fn append_audit_in(
    tx: &mut super::tx::Tx,
    e: &NewAuditEntry,
) -> Result<i64, StoreError> {
    Ok(tx
        .fetch_id(
            "INSERT INTO audit_log (at, user_id, actor, action, target, detail, remote) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            vec![
                Val::Time(Some(Utc::now())),
                Val::Int(e.user_id),
                Val::text(&e.actor),
                Val::text(&e.action),
                Val::text(&e.target),
                Val::text(&e.detail),
                Val::text(&e.remote),
            ],
            "appending to the audit log",
        )
        .await?
        .unwrap_or_default())
}
