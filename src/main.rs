//! The Encaisse server. Everything is in the library; this only starts it.

#[tokio::main]
async fn main() {
    if let Err(message) = encaisse::server::cli::run().await {
        eprintln!("encaisse: {message}");
        std::process::exit(1);
    }
}
