//! Who is looking at the page and in which language. Worked out by the server per request,
//! written into `<html data-viewer>`, and read back by the browser before hydration.

use crate::api::auth::Viewer;
use crate::i18n::Msg;
use leptos::prelude::*;

/// The viewer of this render: from the request on the server, from the page in the browser.
pub fn initial() -> Viewer {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use_context::<Viewer>().unwrap_or_else(from_document)
    }
}

#[cfg(not(feature = "ssr"))]
fn from_document() -> Viewer {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-viewer"))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Viewer::default()
}

impl Viewer {
    /// A translator for this viewer's language.
    pub fn t(&self) -> impl Fn(Msg) -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move |msg: Msg| msg.text(lang)
    }
}

pub fn use_viewer() -> Viewer {
    use_context::<Viewer>().unwrap_or_else(initial)
}

/// The translator of the current page.
pub fn use_t() -> impl Fn(Msg) -> &'static str + Copy + Send + Sync + 'static {
    use_viewer().t()
}
