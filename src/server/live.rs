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
}

impl LiveHub {
    /// A hub for this database; on PostgreSQL it starts the relay task (needs a runtime).
    pub fn new(db: &Db) -> LiveHub {
        let tx = broadcast::channel(256).0;
        match db {
            Db::Sqlite(_) => LiveHub { tx, notify: None },
            Db::Postgres(pool) => {
                tokio::spawn(relay(pool.clone(), tx.clone()));
                LiveHub { tx, notify: Some(pool.clone()) }
            }
        }
    }

    pub fn publish(&self, company_id: i64, topic: &'static str) {
        match &self.notify {
            // No receiver (no open page) is fine.
            None => {
                let _ = self.tx.send(LiveEvent { company_id, topic });
            }
            Some(pool) => {
                let (pool, tx) = (pool.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(format!("{company_id}:{topic}")).execute(&pool).await;
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
async fn relay(pool: PgPool, tx: broadcast::Sender<LiveEvent>) {
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
                    if let Some(event) = parse(n.payload()) {
                        let _ = tx.send(event);
                    }
                }
                // The connection was lost and is re-established: tell every page to refresh.
                Ok(None) => {
                    let _ = tx.send(LiveEvent { company_id: EVERYONE, topic: "all" });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live relay failed; reconnecting");
                    let _ = tx.send(LiveEvent { company_id: EVERYONE, topic: "all" });
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

/// `"<company_id>:<topic>"` as sent by [`LiveHub::publish`].
fn parse(payload: &str) -> Option<LiveEvent> {
    let (company, topic) = payload.split_once(':')?;
    let company_id = company.parse().ok()?;
    let topic = TOPICS.iter().find(|t| **t == topic).copied().unwrap_or("all");
    Some(LiveEvent { company_id, topic })
}

/// `GET /events`: the signed-in user's company's changes; each event's data is its topic.
pub async fn events(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    Extension(user): Extension<Option<AuthUser>>,
) -> Response {
    let Some(user) = user else { return StatusCode::UNAUTHORIZED.into_response() };
    let company_id = user.company_id;
    let stream = BroadcastStream::new(state.live.subscribe()).filter_map(move |event| async move {
        match event {
            Ok(e) if e.company_id == company_id || e.company_id == EVERYONE => Some(Ok::<_, std::convert::Infallible>(Event::default().data(e.topic))),
            // A lagging page missed events: tell it to refresh everything.
            Err(_) => Some(Ok(Event::default().data("all"))),
            _ => None,
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn notify_payloads_parse_back_to_events() {
        let e = super::parse("42:invoices").unwrap();
        assert_eq!((e.company_id, e.topic), (42, "invoices"));
        assert_eq!(super::parse("7:something-new").unwrap().topic, "all");
        assert!(super::parse("garbage").is_none());
        assert!(super::parse("x:invoices").is_none());
    }
}
