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

/// `application/x-www-form-urlencoded` body of `pairs`.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", super::urlencode(k), super::urlencode(v))).collect::<Vec<_>>().join("&")
}
