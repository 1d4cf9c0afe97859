//! Injected faults (`POST /_sandbox/faults`).
//!
//! Body: one object or an array of objects:
//! - `{"path":"/creditor/transaction","method":"POST","count":1,"status":500}`: the next
//!   `count` calls whose path matches answer `status` (optional `code`, `message`;
//!   401 answers `err_no_login`, 429 carries `X-Rate-Limit-Retry-After-Seconds` = `retry_after`).
//!   `path` matches exactly, or as a prefix when it ends in `*`; `/api/creditor/...` is the same
//!   as `/creditor/...`. `method` is optional.
//! - `{"path":...,"delay_ms":3000}`: wait before handling the call, then handle it normally,
//!   in a task of its own, so a client that timed out and closed the connection has still
//!   made its change.
//! - `{"path":...,"drop":true}`: close the connection without answering (call not handled).
//! - `{"webhooks":"drop"|"duplicate"|"reorder","count":N}`: the next N webhooks are not sent,
//!   sent twice, or held back and sent after the following one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FaultSpec {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub drop: Option<bool>,
    #[serde(default)]
    pub webhooks: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFault {
    Drop,
    Duplicate,
    Reorder,
}

/// The pending faults, each with its remaining count.
#[derive(Debug, Default)]
pub struct Faults {
    calls: Vec<(FaultSpec, u32)>,
    webhooks: Vec<(WebhookFault, u32)>,
}

/// `/api/creditor/x` → `/creditor/x`; no trailing slash.
pub fn normalize_path(p: &str) -> String {
    let p = p.strip_prefix("/api").filter(|r| r.starts_with("/creditor")).unwrap_or(p);
    let p = p.trim_end_matches('/');
    if p.is_empty() { "/".into() } else { p.to_string() }
}

impl Faults {
    pub fn add(&mut self, spec: FaultSpec) -> Result<(), String> {
        let count = spec.count.unwrap_or(1);
        if let Some(w) = &spec.webhooks {
            let kind = match w.as_str() {
                "drop" => WebhookFault::Drop,
                "duplicate" => WebhookFault::Duplicate,
                "reorder" => WebhookFault::Reorder,
                other => return Err(format!("unknown webhook fault {other}")),
            };
            self.webhooks.push((kind, count));
            return Ok(());
        }
        if spec.path.is_none() {
            return Err("a call fault needs a path".into());
        }
        if spec.status.is_none() && spec.delay_ms.is_none() && spec.drop != Some(true) {
            return Err("a call fault needs status, delay_ms or drop".into());
        }
        self.calls.push((spec, count));
        Ok(())
    }

    pub fn clear(&mut self) {
        self.calls.clear();
        self.webhooks.clear();
    }

    pub fn list(&self) -> serde_json::Value {
        serde_json::json!({
            "calls": self.calls.iter().map(|(s, n)| serde_json::json!({"fault": s, "remaining": n})).collect::<Vec<_>>(),
            "webhooks": self.webhooks.iter().map(|(k, n)| serde_json::json!({"fault": format!("{k:?}").to_lowercase(), "remaining": n})).collect::<Vec<_>>(),
        })
    }

    /// Takes one use of the first fault matching this call.
    pub fn take_call_fault(&mut self, method: &str, path: &str) -> Option<FaultSpec> {
        let path = normalize_path(path);
        let i = self.calls.iter().position(|(s, _)| {
            let want = normalize_path(s.path.as_deref().unwrap_or(""));
            let path_ok = match want.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == want,
            };
            path_ok && s.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let spec = self.calls[i].0.clone();
        self.calls[i].1 -= 1;
        if self.calls[i].1 == 0 {
            self.calls.remove(i);
        }
        Some(spec)
    }

    pub fn take_webhook_fault(&mut self) -> Option<WebhookFault> {
        let (kind, n) = self.webhooks.first_mut()?;
        let kind = *kind;
        *n -= 1;
        if *n == 0 {
            self.webhooks.remove(0);
        }
        Some(kind)
    }
}
