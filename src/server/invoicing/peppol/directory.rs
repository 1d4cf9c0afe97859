//! Who can receive over Peppol, asked of the Peppol Directory's search
//! (`GET /search/1.0/json?participant=iso6523-actorid-upis::0208:NUMBER`).
//!
//! Twikey's API describes no such lookup, so Encaisse asks the network's public directory:
//! `directory.peppol.eu` with Twikey's production API, `test-directory.peppol.eu` with its test
//! environment (`api.beta.twikey.com`), and the Twikey URL's own server otherwise (a stand-in such
//! as twikey-sandbox serves the same search). The directory lists the receivers that publish a
//! business card, which Belgian access points do for their customers; a receiver missing from it
//! gets its documents by e-mail.

use super::access_point::AccessPointError;
use serde_json::Value;
use std::time::Duration;

/// The Peppol scheme of Belgian enterprise numbers (KBO/BCE).
pub const BELGIAN_ENTERPRISE_SCHEME: &str = "0208";

#[derive(Clone, Debug)]
pub struct Directory {
    http: reqwest::Client,
    base: String,
}

/// The directory that goes with a Twikey API URL.
pub fn base_for(twikey_base: &str) -> String {
    let Ok(url) = url::Url::parse(twikey_base) else {
        return "https://directory.peppol.eu".into();
    };
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    if host == "twikey.com" || host.ends_with(".twikey.com") {
        if host.contains(".beta.") {
            "https://test-directory.peppol.eu".into()
        } else {
            "https://directory.peppol.eu".into()
        }
    } else {
        url.origin().ascii_serialization()
    }
}

impl Directory {
    pub fn new(base: String, timeout: Duration) -> Result<Directory, AccessPointError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(format!("encaisse/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AccessPointError::Refused(e.to_string()))?;
        Ok(Directory { http, base: base.trim_end_matches('/').to_string() })
    }

    /// Whether `scheme:value` is a registered receiver (of invoices).
    pub async fn is_registered(&self, scheme: &str, value: &str) -> Result<bool, AccessPointError> {
        let participant = format!("{scheme}:{value}");
        let resp = self
            .http
            .get(format!("{}/search/1.0/json", self.base))
            .query(&[("participant", format!("iso6523-actorid-upis::{participant}"))])
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| AccessPointError::Temporary(format!("Peppol Directory: {e}")))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(AccessPointError::Temporary(format!("Peppol Directory answered {status}")));
        }
        let body: Value = resp.json().await.map_err(|e| AccessPointError::Temporary(format!("Peppol Directory: {e}")))?;
        Ok(registered_in(&body, &participant))
    }
}

/// Whether a directory answer lists the participant (and, when it lists document types, an
/// invoice among them).
fn registered_in(body: &Value, participant: &str) -> bool {
    body.get("matches").and_then(Value::as_array).into_iter().flatten().any(|m| {
        let id = m.pointer("/participantID/value").and_then(Value::as_str).unwrap_or("");
        let invoices = match m.get("docTypes").and_then(Value::as_array) {
            Some(types) if !types.is_empty() => types
                .iter()
                .any(|t| t.get("value").and_then(Value::as_str).is_some_and(|v| v.contains("Invoice-2::Invoice"))),
            _ => true,
        };
        id.eq_ignore_ascii_case(participant) && invoices
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_directory_of_each_twikey() {
        assert_eq!(base_for("https://api.twikey.com/creditor"), "https://directory.peppol.eu");
        assert_eq!(base_for("https://acme.twikey.com/api/creditor"), "https://directory.peppol.eu");
        assert_eq!(base_for("https://api.beta.twikey.com/creditor"), "https://test-directory.peppol.eu");
        assert_eq!(base_for("http://127.0.0.1:3100/creditor"), "http://127.0.0.1:3100");
    }

    #[test]
    fn reads_the_search_answer() {
        let found = json!({"total-result-count": 1, "matches": [{"participantID": {"scheme": "iso6523-actorid-upis", "value": "0208:0403170701"},
            "docTypes": [{"scheme": "busdox-docid-qns", "value": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"}]}]});
        assert!(registered_in(&found, "0208:0403170701"));
        assert!(!registered_in(&found, "0208:0403170702"));
        assert!(!registered_in(&json!({"total-result-count": 0, "matches": []}), "0208:0403170701"));
        let orders_only = json!({"matches": [{"participantID": {"value": "0208:0403170701"}, "docTypes": [{"value": "urn:oasis:names:specification:ubl:schema:xsd:Order-2::Order##x"}]}]});
        assert!(!registered_in(&orders_only, "0208:0403170701"));
    }
}
