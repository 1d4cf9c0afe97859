//! Live updates in the browser: one `EventSource` on `/events` per page. On every change the
//! server announces, the page is fetched again and its live parts (`data-live` elements with an
//! id) take the new HTML, rendered by the server like the first time.
//!
//! - **Never stale**: the stream asks for every change since the page was rendered (`?since=`,
//!   and the browser's `Last-Event-ID` on reconnection); a change that landed before the stream
//!   (re)connected arrives at once as `all`, and the page is fetched again.
//! - **Newer wins**: fetches are numbered; an answer older than the one already shown is
//!   dropped, so an answer that was on its way before a newer change never overwrites it.
//! - **Nothing typed is lost**: what a person changed in a field (value, choice, checkbox),
//!   which disclosures are open and where the focus is are carried over to the new HTML.

use leptos::prelude::*;

/// The event stream of a signed-in page (`since_ms`: when the server rendered it).
#[island]
pub fn LiveUpdates(since_ms: i64) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::listen(since_ms));
    #[cfg(not(feature = "hydrate"))]
    let _ = since_ms;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::{self, Document, Element};
    use std::cell::Cell;
    use std::rc::Rc;

    pub fn listen(since_ms: i64) {
        let Ok(source) = web_sys::EventSource::new(&format!("/events?since={since_ms}")) else { return };
        let asked = Rc::new(Cell::new(0u64));
        let shown = Rc::new(Cell::new(0u64));
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
            if document.query_selector("[data-live][id]").ok().flatten().is_none() {
                return; // nothing on this page follows changes
            }
            let number = asked.get() + 1;
            asked.set(number);
            let shown = shown.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(Some(html)) = fetch_page().await else { return };
                if number > shown.get() {
                    shown.set(number);
                    put_in_place(&document, &html);
                }
            });
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The page lives as long as the stream: both end with the document.
        on_message.forget();
        std::mem::forget(source);
    }

    /// The page as the server renders it now; `None` when it answered something else (signed
    /// out: the log-in page).
    async fn fetch_page() -> Result<Option<String>, JsValue> {
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let init = web_sys::RequestInit::new();
        let headers = web_sys::Headers::new()?;
        headers.set("Accept", "text/html")?;
        init.set_headers(&headers);
        let href = window.location().href()?;
        let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(&href, &init)).await?.dyn_into()?;
        if !response.ok() || response.redirected() {
            return Ok(None);
        }
        let text = wasm_bindgen_futures::JsFuture::from(response.text()?).await?;
        Ok(text.as_string())
    }

    fn put_in_place(document: &Document, html: &str) {
        let Ok(parser) = web_sys::DomParser::new() else { return };
        let Ok(fresh) = parser.parse_from_string(html, web_sys::SupportedType::TextHtml) else { return };
        let Ok(parts) = document.query_selector_all("[data-live][id]") else { return };
        let focused = document.active_element().map(|e| (e.id(), selection(&e)));
        for i in 0..parts.length() {
            let Some(part) = parts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
            let Some(new) = fresh.get_element_by_id(&part.id()) else { continue };
            let kept = Kept::from(&part);
            part.set_inner_html(&new.inner_html());
            kept.restore(&part);
        }
        if let Some((id, range)) = focused.filter(|(id, _)| !id.is_empty()) {
            if let Some(element) = document.get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                if document.active_element().is_none_or(|active| active.id() != id) {
                    let _ = element.focus();
                    if let (Some((start, end)), Ok(input)) = (range, element.dyn_into::<web_sys::HtmlInputElement>()) {
                        let _ = input.set_selection_range(start, end);
                    }
                }
            }
        }
    }

    fn selection(element: &Element) -> Option<(u32, u32)> {
        let input = element.dyn_ref::<web_sys::HtmlInputElement>()?;
        Some((input.selection_start().ok()??, input.selection_end().ok()??))
    }

    /// What a person changed inside a live part, by element id.
    enum Change {
        Value(String),
        Checked(bool),
        Open,
    }

    struct Kept(Vec<(String, Change)>);

    impl Kept {
        fn from(part: &Element) -> Kept {
            let mut kept = Vec::new();
            let Ok(nodes) = part.query_selector_all("input[id], select[id], textarea[id], details[id]") else { return Kept(kept) };
            for i in 0..nodes.length() {
                let Some(node) = nodes.item(i) else { continue };
                if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
                    if matches!(input.type_().as_str(), "checkbox" | "radio") {
                        if input.checked() != input.default_checked() {
                            kept.push((input.id(), Change::Checked(input.checked())));
                        }
                    } else if input.value() != input.default_value() {
                        kept.push((input.id(), Change::Value(input.value())));
                    }
                } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                    if Ok(area.value()) != area.default_value() {
                        kept.push((area.id(), Change::Value(area.value())));
                    }
                } else if let Some(select) = node.dyn_ref::<web_sys::HtmlSelectElement>() {
                    let options = select.options();
                    let changed = (0..options.length())
                        .filter_map(|i| options.item(i).and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok()))
                        .any(|o| o.selected() != o.default_selected());
                    if changed {
                        kept.push((select.id(), Change::Value(select.value())));
                    }
                } else if let Some(details) = node.dyn_ref::<web_sys::HtmlDetailsElement>() {
                    if details.open() {
                        kept.push((details.id(), Change::Open));
                    }
                }
            }
            Kept(kept)
        }

        fn restore(self, part: &Element) {
            for (id, change) in self.0 {
                let Ok(Some(element)) = part.query_selector(&format!("#{id}")) else { continue };
                match change {
                    Change::Value(value) => {
                        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                            input.set_value(&value);
                        } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                            area.set_value(&value);
                        } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                            select.set_value(&value);
                        }
                    }
                    Change::Checked(checked) => {
                        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                            input.set_checked(checked);
                        }
                    }
                    Change::Open => {
                        if let Some(details) = element.dyn_ref::<web_sys::HtmlDetailsElement>() {
                            details.set_open(true);
                        }
                    }
                }
            }
        }
    }
}
