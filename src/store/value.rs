//! Bind values that both backends accept, so one statement text serves both.

use chrono::{DateTime, Utc};
use geo::Geometry;

/// A value bound to a statement parameter. `Geom` binds five parameters: the WKB and the
/// envelope `minx, miny, maxx, maxy` (see [`Dialect::geom_in`](super::Dialect::geom_in)).
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Geom(Geometry<f64>),
}

impl Val {
    /// A non-null text value.
    pub fn text(s: impl Into<String>) -> Val {
        Val::Text(Some(s.into()))
    }
    /// A non-null integer value.
    pub fn int(i: impl Into<i64>) -> Val {
        Val::Int(Some(i.into()))
    }
    /// How many statement parameters this value takes.
    pub fn arity(&self) -> usize {
        match self {
            Val::Geom(_) => 5,
            _ => 1,
        }
    }
}

/// Binds one [`Val`] to a sqlx query of either backend, returning the query.
macro_rules! bind_as {
    ($q:expr, $v:expr) => {
        match $v {
            $crate::store::value::Val::Int(x) => $q.bind(x),
            $crate::store::value::Val::Real(x) => $q.bind(x),
            $crate::store::value::Val::Text(x) => $q.bind(x),
            $crate::store::value::Val::Bool(x) => $q.bind(x),
            $crate::store::value::Val::Time(x) => $q.bind(x),
            $crate::store::value::Val::Geom(g) => {
                let (minx, miny, maxx, maxy) = $crate::geometry::envelope(&g);
                $q.bind($crate::geometry::to_wkb(&g))
                    .bind(minx)
                    .bind(miny)
                    .bind(maxx)
                    .bind(maxy)
            }
        }
    };
}
pub(crate) use bind_as;
