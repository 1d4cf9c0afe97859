//! Live updates: changes (a mandate signed, a payment received) are published per company and
//! streamed to open pages as server-sent events, so they refresh without a reload.
//!
//! On SQLite (one server) events go straight to this process's pages. On PostgreSQL they go
//! through `NOTIFY encaisse_live`, and every server relays what it hears to its own pages, so a
//! change made by any server reaches a browser connected to any other.

use super::session::AuthUser;
use axum::extract::Extension;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use http::StatusCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use super::db::Db;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub company_id: i64,
    /// `mandates`, `invoices`, `settings`
    pub topic: &'static str,
}

/// The PostgreSQL channel the servers share.
const CHANNEL: &str = "encaisse_live";
/// Topics pages listen to; anything else heard on the channel means "refresh everything".
const TOPICS: [&str; 3] = ["mandates", "invoices", "settings"];
/// `company_id` of an event for every company (after a lost relay connection).
const EVERYONE: i64 = 0;

#[derive(Clone)]
pub struct LiveHub {
    tx: broadcast::Sender<LiveEvent>,
    /// PostgreSQL: publish with NOTIFY; the relay task delivers to `tx`.
    notify: Option<PgPool>,
    changes: Changes,
}

/// When this server last heard of a change, per company (ms since the epoch), so a page that
/// connects late learns it missed something. `EVERYONE` holds the last "refresh everything".
#[derive(Clone)]
struct Changes {
    last: Arc<Mutex<HashMap<i64, i64>>>,
    /// Before this, this process heard nothing: a page older than that may have missed anything.
    started_ms: i64,
}

impl Changes {
    fn new() -> Changes {
        Changes { last: Arc::default(), started_ms: now_ms() }
    }

    fn note(&self, company_id: i64) {
        self.note_at(company_id, now_ms());
    }

    /// A change made at `at_ms` (by this server or, relayed, by another); never moves back.
    fn note_at(&self, company_id: i64, at_ms: i64) {
        let mut last = self.last.lock().expect("live changes poisoned");
        let t = last.entry(company_id).or_insert(at_ms);
        *t = (*t).max(at_ms);
    }

    /// Whether the company may have changed after `seen_ms`.
    fn since(&self, company_id: i64, seen_ms: i64) -> bool {
        let last = self.last.lock().expect("live changes poisoned");
        seen_ms < self.started_ms || [company_id, EVERYONE].iter().any(|c| last.get(c).is_some_and(|t| *t >= seen_ms))
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl LiveHub {
    /// A hub for this database; on PostgreSQL it starts the relay task (needs a runtime).
    pub fn new(db: &Db) -> LiveHub {
        let tx = broadcast::channel(256).0;
        let changes = Changes::new();
        match db {
            Db::Sqlite(_) => LiveHub { tx, notify: None, changes },
            Db::Postgres(pool) => {
                tokio::spawn(relay(pool.clone(), tx.clone(), changes.clone()));
                LiveHub { tx, notify: Some(pool.clone()), changes }
            }
        }
    }

    pub fn publish(&self, company_id: i64, topic: &'static str) {
        match &self.notify {
            // No receiver (no open page) is fine.
            None => {
                self.changes.note(company_id);
                let _ = self.tx.send(LiveEvent { company_id, topic });
            }
            Some(pool) => {
                // Noted here at once, so a page of this server that connects before the
                // notification comes back still catches up; the relay notes the same time.
                let at = now_ms();
                self.changes.note_at(company_id, at);
                let (pool, tx) = (pool.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(format!("{company_id}:{topic}:{at}")).execute(&pool).await;
                    if let Err(e) = sent {
                        // Other servers' pages miss this one; ours still hear it.
                        tracing::warn!(error = %e, "live update not relayed");
                        let _ = tx.send(LiveEvent { company_id, topic });
                    }
                });
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }
}

/// Relays `NOTIFY encaisse_live` to this server's pages, reconnecting when the connection drops
/// (then every page refreshes, as it may have missed something).
async fn relay(pool: PgPool, tx: broadcast::Sender<LiveEvent>, changes: Changes) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "live relay cannot connect; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "live relay cannot listen; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    if let Some((event, at)) = parse(n.payload()) {
                        changes.note_at(event.company_id, at.unwrap_or_else(now_ms));
                        let _ = tx.send(event);
                    }
                }
                // The connection was lost and is re-established: tell every page to refresh.
                Ok(None) => {
                    changes.note(EVERYONE);
                    let _ = tx.send(LiveEvent { company_id: EVERYONE, topic: "all" });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live relay failed; reconnecting");
                    changes.note(EVERYONE);
                    let _ = tx.send(LiveEvent { company_id: EVERYONE, topic: "all" });
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

/// `"<company_id>:<topic>:<ms>"` as sent by [`LiveHub::publish`] (the time may be missing).
fn parse(payload: &str) -> Option<(LiveEvent, Option<i64>)> {
    let mut parts = payload.splitn(3, ':');
    let company_id = parts.next()?.parse().ok()?;
    let topic = parts.next()?;
    let at = parts.next().and_then(|t| t.parse().ok());
    let topic = TOPICS.iter().find(|t| **t == topic).copied().unwrap_or("all");
    Some((LiveEvent { company_id, topic }, at))
}

#[derive(serde::Deserialize)]
pub struct Since {
    /// When the page was rendered (`Viewer::since_ms`).
    since: Option<i64>,
}

/// `GET /events?since=<ms>`: the signed-in user's company's changes; each event's data is its
/// topic and its id the server's time. A page that (re)connects after a change it has not seen
/// (since its rendering, or since the `Last-Event-ID` the browser sends back on reconnection)
/// first gets `all`, and catches up.
pub async fn events(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    Extension(user): Extension<Option<AuthUser>>,
    axum::extract::Query(query): axum::extract::Query<Since>,
    headers: http::HeaderMap,
) -> Response {
    let Some(user) = user else { return StatusCode::UNAUTHORIZED.into_response() };
    let company_id = user.company_id;
    // Subscribed before looking back, so a change in between is heard at least once.
    let live = BroadcastStream::new(state.live.subscribe());
    let last_event = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    let seen = match (query.since, last_event) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(i64::MIN).max(b.unwrap_or(i64::MIN))),
    };
    let missed = seen.is_some_and(|seen| state.live.changes.since(company_id, seen));
    let catch_up = futures::stream::iter(missed.then(|| Ok(Event::default().id(now_ms().to_string()).data("all"))));
    let stream = live.filter_map(move |heard| async move {
        event_for(company_id, heard).map(|topic| Ok::<_, std::convert::Infallible>(Event::default().id(now_ms().to_string()).data(topic)))
    });
    Sse::new(catch_up.chain(stream)).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response()
}

/// The topic a page of `company_id` hears for one broadcast, if any.
fn event_for(company_id: i64, event: Result<LiveEvent, tokio_stream::wrappers::errors::BroadcastStreamRecvError>) -> Option<&'static str> {
    match event {
        Ok(e) if e.company_id == company_id || e.company_id == EVERYONE => Some(e.topic),
        // A lagging page missed events: tell it to refresh everything.
        Err(_) => Some("all"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn notify_payloads_parse_back_to_events() {
        let (e, at) = super::parse("42:invoices:1796131514954").unwrap();
        assert_eq!((e.company_id, e.topic, at), (42, "invoices", Some(1796131514954)));
        assert_eq!(super::parse("42:mandates").unwrap().1, None);
        assert_eq!(super::parse("7:something-new").unwrap().0.topic, "all");
        assert!(super::parse("garbage").is_none());
        assert!(super::parse("x:invoices").is_none());
    }
}
