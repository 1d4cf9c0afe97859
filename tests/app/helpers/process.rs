//! The real `encaisse` binary of this build, started as a separate process on a test's database.

use encaisse::server::config::Config;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// The binary with the test's database, data directory and secret key (every instance of one
/// deployment shares them), plus `extra_env`.
pub fn encaisse(config: &Config, args: &[&str], extra_env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_encaisse"));
    cmd.args(args)
        .env("DATABASE_URL", &config.database_url)
        .env("DATA_DIR", &config.data_dir)
        .env("ENCAISSE_SECRET_KEY", SECRET)
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd
}

/// SIGKILL: no shutdown code runs, as in a power cut.
pub fn kill9(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A server process listening on a free port; killed when dropped.
pub struct Server {
    pub base: String,
    child: Child,
}

impl Server {
    /// Starts a server and waits until `/healthz` answers. `env` adds to (or overrides) the
    /// defaults: its own address and public URL, the Twikey URL given.
    pub async fn start(config: &Config, twikey_api_url: &str, env: &[(&str, String)]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let mut all = vec![
            ("LISTEN_ADDR", format!("127.0.0.1:{port}")),
            ("PUBLIC_URL", base.clone()),
            ("TWIKEY_API_URL", twikey_api_url.to_string()),
        ];
        all.extend(env.iter().cloned());
        let child = encaisse(config, &[], &all).spawn().unwrap();
        let server = Server { base, child };
        let http = reqwest::Client::new();
        for _ in 0..300 {
            if http.get(format!("{}/healthz", server.base)).send().await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("server {} did not start", server.base);
    }

    pub fn kill(&mut self) {
        kill9(&mut self.child);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A signed-in user talking to server processes over HTTP, as the browser's client does.
pub struct Client {
    pub http: reqwest::Client,
    pub cookie: String,
}

impl Client {
    /// Signs up a company on `server`; the session cookie works on every server of the database.
    pub async fn signup(server: &Server, company: &str, email: &str) -> Client {
        let http = reqwest::Client::new();
        let pairs = [("company_name", company), ("name", "Owner"), ("email", email), ("password", "a-long-password")];
        let r = http
            .post(format!("{}/api/signup", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&pairs))
            .send()
            .await
            .unwrap();
        let cookie = r.headers().get_all("set-cookie").iter().find_map(|c| c.to_str().ok()?.split(';').next().map(str::to_string));
        let client = Client { http, cookie: cookie.unwrap_or_else(|| panic!("sign-up on {} gave no session", server.base)) };
        let details = super::company_details(company);
        let pairs: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client.ok(server, "/api/company/save", &pairs).await;
        client
    }

    /// A server function call: (status, body).
    pub async fn post(&self, server: &Server, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .http
            .post(format!("{}{path}", server.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(form(pairs))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// A call that must answer 200; its JSON body (`null` when there is none).
    pub async fn ok(&self, server: &Server, path: &str, pairs: &[(&str, &str)]) -> serde_json::Value {
        let (status, body) = self.post(server, path, pairs).await;
        assert_eq!(status, 200, "{path} on {}: {body}", server.base);
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }
}

/// `application/x-www-form-urlencoded` body of `pairs`.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", super::urlencode(k), super::urlencode(v))).collect::<Vec<_>>().join("&")
}
