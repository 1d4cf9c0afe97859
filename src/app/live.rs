//! Live updates in the browser: one `EventSource` on `/events` per page; every change the
//! server announces bumps a counter that resources list among their sources to refetch.
//! The stream asks for every change since the page was rendered (`?since=`, and the browser's
//! `Last-Event-ID` on reconnection): a change that landed before the stream (re)connected
//! arrives as `all`, and the page fetches again, so it never stays stale.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct LiveTick(pub RwSignal<u64>);

/// Creates the counter and, in the browser for a signed-in user, the event stream.
pub fn provide_live_updates(signed_in: bool, since_ms: i64) {
    let tick = RwSignal::new(0u64);
    provide_context(LiveTick(tick));
    #[cfg(feature = "hydrate")]
    if signed_in {
        Effect::new(move |_| {
            use leptos::wasm_bindgen::{closure::Closure, JsCast};
            let Ok(source) = leptos::web_sys::EventSource::new(&format!("/events?since={since_ms}")) else { return };
            let on_message = Closure::<dyn FnMut(leptos::web_sys::MessageEvent)>::new(move |_| {
                tick.update(|t| *t += 1);
            });
            source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            // The page lives as long as the stream: both end with the document.
            on_message.forget();
            std::mem::forget(source);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (signed_in, since_ms);
}

/// The counter to read in a resource's source to refetch on every change.
pub fn use_live_tick() -> u64 {
    use_context::<LiveTick>().map(|t| t.0.get()).unwrap_or(0)
}
