//! Minimal HTML helpers for the sandbox pages.

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}\
.error{{color:#b00020}} dt{{font-weight:bold}} label{{display:block;margin-top:1rem}}\
input{{width:100%;padding:.4rem}} button{{margin-top:1rem;padding:.5rem 1.5rem}}</style></head>\
<body><p><small>Twikey sandbox</small></p><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    )
}
