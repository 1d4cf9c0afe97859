//! Live updates: changes (a mandate signed, a payment received) are published per company and
//! streamed to open pages as server-sent events, so they refresh without a reload.

use super::session::AuthUser;
use axum::extract::Extension;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use http::StatusCode;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub company_id: i64,
    /// `mandates`, `invoices`, `settings`
    pub topic: &'static str,
}

#[derive(Clone)]
pub struct LiveHub {
    tx: broadcast::Sender<LiveEvent>,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub { tx: broadcast::channel(256).0 }
    }
}

impl LiveHub {
    pub fn publish(&self, company_id: i64, topic: &'static str) {
        // No receiver (no open page) is fine.
        let _ = self.tx.send(LiveEvent { company_id, topic });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }
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
            Ok(e) if e.company_id == company_id => Some(Ok::<_, std::convert::Infallible>(Event::default().data(e.topic))),
            // A lagging page missed events: tell it to refresh everything.
            Err(_) => Some(Ok(Event::default().data("all"))),
            _ => None,
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response()
}
