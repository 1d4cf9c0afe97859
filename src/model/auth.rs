//! What the auth pages and server functions exchange: types, form inputs and their checks.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

pub const MIN_PASSWORD_LEN: usize = 10;

/// Who is viewing: the signed-in user (if any) and the interface language. The server works it
/// out once per request (`server::session::resolve_viewer`) and writes it into the page, so the
/// server render and the browser's hydration agree on it without another round trip.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: Option<UserInfo>,
    pub lang: Lang,
    /// When the server started this page (ms since the epoch): the page's live updates ask
    /// for every change since then, so nothing between rendering and listening is missed.
    #[serde(default)]
    pub since_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub name: String,
    pub email: String,
    pub company_name: String,
}

/// A safe place to go after logging in: a path of this site only. Control characters are
/// refused: browsers drop tabs and newlines from URLs (`/\t/evil.example` becomes
/// `//evil.example`), and they cannot go into a `Location` header anyway.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.chars().any(char::is_control) => n.to_string(),
        _ => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_site() {
        assert_eq!(super::safe_next(Some("/customers?q=a")), "/customers?q=a");
        for evil in
            [Some("https://evil.example"), Some("//evil.example"), Some("/\\evil"), Some("/\t/evil.example"), Some("/\r\nX: y"), None]
        {
            assert_eq!(super::safe_next(evil), "/");
        }
    }
}
