//! `twikey-sandbox`: a stand-in Twikey server. See this crate's `README.md`.

use twikey_sandbox::{self as sandbox, SandboxConfig};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = match SandboxConfig::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(&config.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", config.addr);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().expect("bound address");
    // Printed on stdout so scripts can wait for it; the API keys are not printed.
    println!("twikey-sandbox listening on http://{addr} (API base http://{addr}/creditor)");
    if let Err(e) = sandbox::serve(config, listener).await {
        eprintln!("twikey-sandbox stopped: {e}");
        std::process::exit(1);
    }
}
