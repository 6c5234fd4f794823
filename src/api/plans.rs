//! Plans over HTTP: propose a draft for a community, read it with its grids and metrics,
//! compare it with the published plan, publish it, and list a community's history.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use geo::Geometry;
use serde_json::{json, Value};

use super::features::{collection, feature};
use super::{ApiError, AppState};
use crate::auth::{Caller, Permission};
use crate::plan::{self, MoveRequest, PlanError, PlanRequest};

impl From<PlanError> for ApiError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::UnknownCommunity(id) => ApiError::NotFound {
                what: "community",
                id: id.to_string(),
            },
            PlanError::UnknownPlan(id) => ApiError::NotFound {
                what: "plan",
                id: id.to_string(),
            },
            PlanError::Conflict { .. } | PlanError::NotEditable { .. } => {
                ApiError::Conflict(e.to_string())
            }
            PlanError::MoveRefused(_) => ApiError::Unprocessable(e.to_string()),
            PlanError::Store(s) => ApiError::Store(s),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

/// `POST /api/communities/{id}/plans` with a JSON [`PlanRequest`] (every field optional).
pub async fn propose(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<PlanRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Permission::RunPlans, "compute plans")?;
    let Path(id) = id?;
    let Json(mut request) = body?;
    // The author is who is logged in, whatever the body says.
    request.author = caller.username().to_string();
    // Runs to completion (draft stored and audited) even when the request times out.
    let task = {
        let (state, caller) = (state.clone(), caller.clone());
        tokio::spawn(async move {
            community_in_scope(&state, &caller, id).await?;
            let audit = caller.audit_entry(
                "plan.propose",
                "",
                json!({ "community_id": id }).to_string(),
            );
            Ok::<_, ApiError>(plan::propose(&state.store, id, &request, Some(&audit)).await?)
        })
    };
    let draft = joined(task.await)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "plan_id": draft.plan_id,
            "status": "draft",
            "metrics": draft.metrics,
            "links": {
                "self": format!("/api/plans/{}", draft.plan_id),
                "diff": format!("/api/plans/{}/diff", draft.plan_id),
                "publish": format!("/api/plans/{}/publish", draft.plan_id),
            },
        })),
    ))
}

/// `GET /api/communities/{id}/plans`: the community's plans, newest first.
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = id?;
    community_in_scope(&state, &caller, id).await?;
    let plans: Vec<Value> = state
        .store
        .plans_of(id)
        .await?
        .into_iter()
        .map(plan_json)
        .collect();
    Ok(Json(json!({ "community_id": id, "plans": plans })))
}

/// The result of a spawned write, or 500 if its task panicked.
fn joined<T>(r: Result<Result<T, ApiError>, tokio::task::JoinError>) -> Result<T, ApiError> {
    r.unwrap_or_else(|e| {
        tracing::error!("a plan task failed: {e}");
        Err(ApiError::Internal("running a plan task".into()))
    })
}

/// 404 (as for an unknown id) when community `id` does not exist or is outside the
/// caller's scope.
async fn community_in_scope(state: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    match state.store.region(id).await? {
        Some(r) if caller.sees_whole_region(r.id) => Ok(()),
        _ => Err(ApiError::NotFound {
            what: "community",
            id: id.to_string(),
        }),
    }
}

/// The plan `id` when it exists and its community is in the caller's scope, else 404.
async fn plan_in_scope(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<crate::store::Plan, ApiError> {
    match state.store.plan(id).await? {
        Some(p) if caller.sees_whole_region(p.community_id) => Ok(p),
        _ => Err(ApiError::NotFound {
            what: "plan",
            id: id.to_string(),
        }),
    }
}

fn plan_json(p: crate::store::Plan) -> Value {
    json!({
        "id": p.id,
        "community_id": p.community_id,
        "status": p.status,
        "base_plan_id": p.base_plan_id,
        "author": p.author,
        "created_at": p.created_at,
        "published_at": p.published_at,
        "parameters": serde_json::from_str::<Value>(&p.parameters).unwrap_or(Value::Null),
        "metrics": serde_json::from_str::<Value>(&p.metrics).unwrap_or(Value::Null),
    })
}

/// `GET /api/plans/{id}`: the plan, its metrics and its grids as GeoJSON.
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = id?;
    let p = plan_in_scope(&state, &caller, id).await?;
    Ok(Json(plan_detail(&state, p).await?))
}

/// A plan as `GET /api/plans/{id}` gives it: [`plan_json`] and its grids as GeoJSON.
async fn plan_detail(state: &AppState, p: crate::store::Plan) -> Result<Value, ApiError> {
    let grids = state.store.plan_grids(p.id).await?;
    let features = grids
        .iter()
        .map(|g| feature(g.id, g, &Geometry::MultiPolygon(g.boundary.clone())))
        .collect();
    let mut out = plan_json(p);
    out["grids"] = serde_json::to_value(collection(features)).unwrap_or(Value::Null);
    Ok(out)
}

/// `POST /api/plans/{id}/moves` with `{"buildings": [ids], "to_grid": "CODE"}`: moves the
/// buildings to the draft's grid with that code after checking the move on the draft's
/// adjacency graph (neighbours, bounds, contiguity, no grid left empty). 200 with the
/// updated plan as `GET /api/plans/{id}` gives it; 422 naming the buildings and the rule
/// when the move is refused; 409 when the plan is not an editable draft. Needs the
/// permission to compute plans; audited as `plan.move`.
pub async fn moves(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<MoveRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::RunPlans, "edit draft plans")?;
    let Path(id) = id?;
    let Json(request) = body?;
    let community_id = plan_in_scope(&state, &caller, id).await?.community_id;
    let audit = caller.audit_entry(
        "plan.move",
        &format!("plan/{id}"),
        json!({
            "community_id": community_id,
            "buildings": request.buildings,
            "to_grid": request.to_grid,
        })
        .to_string(),
    );
    // Runs to completion (stored and audited, in one transaction) even when the request
    // times out.
    let task = {
        let state = state.clone();
        tokio::spawn(async move {
            Ok::<_, ApiError>(plan::move_buildings(&state.store, id, &request, Some(audit)).await?)
        })
    };
    let plan = joined(task.await)?;
    Ok(Json(plan_detail(&state, plan).await?))
}

/// `GET /api/plans/{id}/diff`: buildings and households moved against the published plan.
pub async fn diff(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<plan::PlanDiff>, ApiError> {
    let Path(id) = id?;
    plan_in_scope(&state, &caller, id).await?;
    Ok(Json(plan::diff(&state.store, id).await?))
}

/// `POST /api/plans/{id}/publish`: 200 with the plan, or 409 when another plan was
/// published since the draft was computed.
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::PublishPlans, "publish plans")?;
    let Path(id) = id?;
    let community_id = plan_in_scope(&state, &caller, id).await?.community_id;
    let audit = caller.audit_entry(
        "plan.publish",
        &format!("plan/{id}"),
        json!({ "community_id": community_id }).to_string(),
    );
    // Runs to completion (published and audited in one transaction, indexes refreshed)
    // even when the request times out.
    let task = {
        let state = state.clone();
        tokio::spawn(async move {
            let published = plan::publish(&state.store, id, Some(&audit)).await?;
            // The lookup index and the address book see the new grids at the next request.
            state.refresh().await?;
            Ok::<_, ApiError>(published)
        })
    };
    Ok(Json(plan_json(joined(task.await)?)))
}
