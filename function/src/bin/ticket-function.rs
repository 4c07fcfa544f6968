//! The Lambda entry point, wiring only: settings from the environment, JSON logs, the AWS
//! clients, then the runtime loop. Everything else lives in the library.

use std::sync::Arc;
use std::time::Instant;

use ticket_function::aws::{
    self, aws_sdk_dynamodb, aws_sdk_s3, aws_sdk_sesv2, DynamoStore, S3Spool, S3Uploads, SesMailer,
};
use ticket_function::config::Settings;
use ticket_function::uploads::LinkSigner;
use ticket_function::{Deps, SystemClock};

// One invocation at a time per Lambda instance: a single-threaded runtime is all it needs.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    let started = Instant::now();
    aws::init_logging();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            // Fail the init phase loudly: Lambda shows this in the logs and the invocation error.
            tracing::error!(error = %error, "bad configuration");
            eprintln!("ticket-function: {error}");
            std::process::exit(2);
        }
    };
    let deps = deps(settings).await;
    let ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(ready_ms, "ready");
    aws::http_lambda::run(Arc::new(deps)).await
}

/// The store, the mailer and the spool from the settings and the SDK environment.
async fn deps(settings: Settings) -> Deps<DynamoStore, SesMailer, S3Spool, S3Uploads, SystemClock> {
    let shared = aws::load_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws::dynamodb_config(&shared, settings.config.store_timeout).build(),
    );
    let ses = aws_sdk_sesv2::Client::from_conf(
        aws::sesv2_config(&shared, settings.config.mail_timeout).build(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws::s3_config(&shared, settings.config.spool_timeout).build(),
    );
    let store = DynamoStore::new(dynamodb, &settings.tickets_table, settings.submission_ttl)
        .with_ticket_retention(settings.ticket_retention);
    let spool = S3Spool::new(s3.clone(), &settings.uploads_bucket);
    // The fallback email's links, checked by this function's own `files` route.
    let links = LinkSigner::new(&settings.config.client_hash_salt, &settings.config.contract);
    let uploads = S3Uploads::new(s3, &settings.uploads_bucket).with_links(links);
    Deps::new(
        store,
        SesMailer::new(ses),
        spool,
        uploads,
        SystemClock,
        settings.config,
    )
}
