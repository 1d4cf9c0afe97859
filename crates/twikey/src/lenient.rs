//! Serde helpers for the places where Twikey is inconsistent: numbers sent as strings,
//! booleans as strings, dates with or without a time part.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn scalar_to_string(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// Any scalar (string, number, bool) as an optional string.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.and_then(scalar_to_string))
}

/// A number given as number or string (`"10.50"`); empty strings are `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .replace(',', ".")
            .parse()
            .map(Some)
            .map_err(serde::de::Error::custom),
        Some(other) => Err(serde::de::Error::custom(format!("not a number: {other}"))),
    }
}

/// An integer given as number or string.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("not an integer")),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
        Some(other) => Err(serde::de::Error::custom(format!("not an integer: {other}"))),
    }
}

/// A required integer given as number or string.
pub fn i64_any<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    opt_i64(d)?.ok_or_else(|| serde::de::Error::custom("missing integer"))
}

/// A boolean given as `true`, `"true"`, `"True"`, `1` or `"1"`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_i64() != Some(0)),
        Some(Value::String(s)) => parse_bool(&s),
        Some(_) => None,
    })
}

/// Lenient boolean parsing for form values and JSON strings.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

/// A date given as `2016-02-03` or as a datetime `2016-02-03T07:11:43Z` (the date part is kept).
pub fn parse_date_or_datetime(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() < 10 {
        return None;
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").ok()
}

/// Serde form of [`parse_date_or_datetime`]; unparsable or empty values become `None`.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Ok(opt_string(d)?.and_then(|s| parse_date_or_datetime(&s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_and_without_time() {
        let d = NaiveDate::from_ymd_opt(2016, 2, 3).unwrap();
        assert_eq!(parse_date_or_datetime("2016-02-03"), Some(d));
        assert_eq!(parse_date_or_datetime("2016-02-03T07:11:43Z"), Some(d));
        assert_eq!(parse_date_or_datetime("2016-02-03T07:11:43"), Some(d));
        assert_eq!(parse_date_or_datetime(""), None);
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("1"), Some(true));
        assert_eq!(parse_bool(""), Some(false));
    }
}
