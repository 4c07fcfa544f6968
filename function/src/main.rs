//! The Lambda entry point: settings from the environment, AWS clients, JSON logs, then the
//! runtime loop. Everything else lives in the library.

use std::sync::Arc;
use std::time::Instant;

use ticket_function::aws;
use ticket_function::config::Settings;

// One invocation at a time per Lambda instance: a single-threaded runtime is all it needs.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    let started = Instant::now();
    init_logging();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            // Fail the init phase loudly: Lambda shows this in the logs and the invocation error.
            tracing::error!(error = %error, "bad configuration");
            eprintln!("ticket-function: {error}");
            std::process::exit(2);
        }
    };
    let deps = aws::lambda_deps(settings).await;
    let ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(ready_ms, "ready");
    aws::run(Arc::new(deps)).await
}

/// JSON lines on stdout (CloudWatch reads them); each carries the request span with its id.
/// `RUST_LOG` filters (default `info`). No timestamps: CloudWatch stamps every line.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .init();
}
