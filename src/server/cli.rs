//! Start-up: configuration, logging, state, serve until Ctrl-C / SIGTERM.

use super::config::{Command, Config};
use super::invoicing::scheduler;
use super::{router, seed, telemetry, AppState};
use clap::Parser;

pub async fn run() -> Result<(), String> {
    let config = Config::parse();
    config.validate()?;
    telemetry::init(&config.log_level);
    let seed_demo = config.seed_demo;
    let public_url = config.public_url.clone();
    let listen = config.listen;
    let command = config.command.clone();
    let interval = config.scheduler_interval_secs;
    let state = AppState::build(config).await?;
    if let Some(Command::RunScheduler { as_of }) = command {
        let as_of = as_of.unwrap_or_else(|| state.today());
        let report = scheduler::run_once(&state, &scheduler::RunOptions::as_of(as_of))
            .await
            .map_err(|e| format!("scheduler run failed: {e}"))?;
        println!("Scheduler as of {as_of}: {} invoice(s) created, {} e-mail(s) delivered", report.invoices_created, report.emails_delivered);
        return Ok(());
    }
    if seed_demo && seed::seed_demo(&state.db).await.map_err(|e| format!("seeding the demo company failed: {e}"))? {
        // Twikey's part needs Twikey (the sandbox of `make run`); without it the demo stays offline.
        match seed::connect_demo_to_twikey(&state).await {
            Ok(()) => println!("Demo company connected to Twikey at {}", state.config.twikey_api_url),
            Err(e) => println!("Demo company not connected to Twikey ({e}); switch it on under Applications & connections"),
        }
        println!("Demo company created. Log in at {public_url}login with {} / {}", seed::DEMO_EMAIL, seed::DEMO_PASSWORD);
    }
    scheduler::spawn(state.clone(), interval);
    let sync_interval = std::time::Duration::from_secs(state.config.twikey_sync_interval_secs);
    tokio::spawn(super::twikey::sync::run_periodically(state.clone(), sync_interval));
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY small responses wait for the peer's delayed ACK (~40 ms each).
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    tracing::info!(%listen, %public_url, "Encaisse is serving");
    println!("Encaisse listening on http://{listen} (public URL {public_url})");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
