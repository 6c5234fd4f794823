//! Turning stored records into GeoJSON features and collections.

use geojson::{Feature, FeatureCollection, JsonObject};
use serde::Serialize;

/// A feature with integer `id`, the record's fields as properties and `geometry`.
pub fn feature(id: i64, properties: &impl Serialize, geometry: &geo::Geometry<f64>) -> Feature {
    let properties = match serde_json::to_value(properties) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => JsonObject::new(),
    };
    Feature {
        bbox: None,
        geometry: Some(geojson::Geometry::from(geometry)),
        id: Some(geojson::feature::Id::Number(id.into())),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// A collection of features.
pub fn collection(features: Vec<Feature>) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// `f` with one more property.
pub fn with_property(mut f: Feature, key: &str, value: serde_json::Value) -> Feature {
    if let Some(props) = f.properties.as_mut() {
        props.insert(key.into(), value);
    }
    f
}
