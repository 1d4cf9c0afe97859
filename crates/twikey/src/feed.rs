//! Feed positions: Twikey feeds are queues per API key; `X-RESUME-AFTER` replays from a
//! stored position and `X-LAST` tells the position reached by a chunk.

/// A feed sequence number as given by `X-LAST` and accepted by `X-RESUME-AFTER`.
pub type FeedPosition = i64;

/// One chunk of a feed and the position to store once its items are handled.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedChunk<T> {
    pub items: Vec<T>,
    /// `X-LAST` of the last non-empty chunk read, else the position the read started from.
    /// `None` only when nothing was read and no start position was given.
    pub position: Option<FeedPosition>,
}

impl<T> FeedChunk<T> {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Reads `X-LAST` leniently (missing on empty chunks).
pub(crate) fn last_position(headers: &reqwest::header::HeaderMap) -> Option<FeedPosition> {
    headers.get("X-LAST")?.to_str().ok()?.trim().parse().ok()
}
