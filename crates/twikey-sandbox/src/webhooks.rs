//! Signed webhook delivery: GET with the data in the query string and `X-Signature`,
//! retried with exponential backoff (bounded) while the receiver fails.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::faults::WebhookFault;
use super::state::OutgoingWebhook;
use twikey::sign_webhook;

const MAX_ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// How long a webhook held back by a `reorder` fault waits for a successor.
const REORDER_HOLD: Duration = Duration::from_secs(1);

/// What happened to one webhook (`GET /_sandbox/webhooks`).
#[derive(Debug, Clone, Serialize)]
pub struct WebhookRecord {
    pub id: u64,
    pub url: String,
    pub query: String,
    pub signature: String,
    pub attempts: u32,
    pub status: Option<u16>,
    pub delivered: bool,
    /// Not sent because of a `drop` fault.
    pub dropped: bool,
    pub time: DateTime<Utc>,
}

#[derive(Clone)]
pub struct WebhookSender {
    http: reqwest::Client,
    log: Arc<Mutex<Vec<WebhookRecord>>>,
    held: Arc<Mutex<Option<(u64, OutgoingWebhook)>>>,
    next_id: Arc<AtomicU64>,
}

impl WebhookSender {
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .user_agent("twikey-sandbox")
            .build()
            .expect("webhook HTTP client");
        Self { http, log: Default::default(), held: Default::default(), next_id: Arc::new(AtomicU64::new(1)) }
    }

    pub fn log(&self) -> Vec<WebhookRecord> {
        self.log.lock().expect("webhook log poisoned").clone()
    }

    pub fn clear_log(&self) {
        self.log.lock().expect("webhook log poisoned").clear();
        self.held.lock().expect("held webhook poisoned").take();
    }

    /// Queues a webhook, applying a webhook fault if one is pending. Needs a tokio runtime.
    pub fn send(&self, w: OutgoingWebhook, fault: Option<WebhookFault>) {
        match fault {
            Some(WebhookFault::Drop) => {
                let id = self.next_id.fetch_add(1, Ordering::Relaxed);
                let signature = signature(&w);
                self.log.lock().expect("webhook log poisoned").push(WebhookRecord {
                    id, url: w.url, query: w.query, signature, attempts: 0, status: None,
                    delivered: false, dropped: true, time: Utc::now(),
                });
            }
            Some(WebhookFault::Duplicate) => {
                self.deliver(w.clone(), Duration::ZERO);
                self.deliver(w, Duration::from_millis(50));
            }
            Some(WebhookFault::Reorder) => {
                let id = self.next_id.fetch_add(1, Ordering::Relaxed);
                let previous = self.held.lock().expect("held webhook poisoned").replace((id, w));
                if let Some((_, p)) = previous {
                    self.deliver(p, Duration::ZERO);
                }
                let me = self.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(REORDER_HOLD).await;
                    let mut held = me.held.lock().expect("held webhook poisoned");
                    if held.as_ref().is_some_and(|(h, _)| *h == id) {
                        let (_, w) = held.take().expect("checked");
                        drop(held);
                        me.deliver(w, Duration::ZERO);
                    }
                });
            }
            None => {
                let held = self.held.lock().expect("held webhook poisoned").take();
                self.deliver(w, Duration::ZERO);
                if let Some((_, h)) = held {
                    // Sent after the newer one: that is the reordering.
                    self.deliver(h, Duration::from_millis(100));
                }
            }
        }
    }

    fn deliver(&self, w: OutgoingWebhook, delay: Duration) {
        let me = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let id = me.next_id.fetch_add(1, Ordering::Relaxed);
            let signature = signature(&w);
            let sep = if w.url.contains('?') { '&' } else { '?' };
            let target = format!("{}{sep}{}", w.url, w.query);
            let mut record = WebhookRecord {
                id, url: w.url.clone(), query: w.query.clone(), signature: signature.clone(), attempts: 0,
                status: None, delivered: false, dropped: false, time: Utc::now(),
            };
            let mut backoff = FIRST_BACKOFF;
            while record.attempts < MAX_ATTEMPTS {
                record.attempts += 1;
                match me.http.get(&target).header("X-Signature", &signature).send().await {
                    Ok(r) => {
                        record.status = Some(r.status().as_u16());
                        if r.status().is_success() {
                            record.delivered = true;
                            break;
                        }
                    }
                    Err(e) => tracing::debug!("webhook delivery failed: {e}"),
                }
                if record.attempts < MAX_ATTEMPTS {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
            }
            me.log.lock().expect("webhook log poisoned").push(record);
        });
    }
}

/// Signs the percent-decoded query, so decoding and non-decoding verifiers agree whenever
/// the values need no escaping (API.md §5.2).
fn signature(w: &OutgoingWebhook) -> String {
    let decoded = percent_encoding::percent_decode_str(&w.query).decode_utf8_lossy().into_owned();
    sign_webhook(&w.api_key, &decoded)
}
