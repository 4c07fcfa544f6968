//! The ticket worker's Lambda entry point, wiring only: settings from the environment, JSON
//! logs, the AWS clients, then the runtime loop. One function gets the tickets table's stream
//! (new tickets → team email and acknowledgement) and the schedule (the spool's replay);
//! everything else lives in the library (`worker/`, `worker/stream.rs`, `notify/`).

use std::sync::Arc;

use lambda_http::{lambda_runtime, service_fn, LambdaEvent};
use ticket_function::aws::{
    self, aws_sdk_dynamodb, aws_sdk_s3, aws_sdk_sesv2, DynamoStore, S3Spool, S3Uploads, SesMailer,
};
use ticket_function::worker::stream::{self, WorkerEvent};
use ticket_function::worker::{handle_records, WorkerDeps, WorkerSettings};
use ticket_function::SystemClock;

type Deps = WorkerDeps<DynamoStore, SesMailer, S3Spool, S3Uploads, SystemClock>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    aws::init_logging();
    let settings = match WorkerSettings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            // Fail the init phase loudly: Lambda shows this in the logs and the invocation error.
            tracing::error!(error = %error, "bad configuration");
            eprintln!("ticket-worker: {error}");
            std::process::exit(2);
        }
    };
    let deps = Arc::new(deps(settings).await);
    tracing::info!("ready");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let deps = Arc::clone(&deps);
        async move { invoke(event.payload, &deps).await }
    }))
    .await
}

async fn invoke(
    payload: serde_json::Value,
    deps: &Deps,
) -> Result<serde_json::Value, lambda_runtime::Error> {
    match WorkerEvent::from_json(payload) {
        WorkerEvent::Stream(event) => {
            let response = handle_records(&stream::records(event), deps).await;
            Ok(serde_json::to_value(response)?)
        }
        WorkerEvent::Schedule => {
            let report = deps.replay().await?;
            tracing::info!(
                moved = report.moved,
                already_stored = report.already_stored,
                waiting = report.waiting,
                failed = report.failed.len(),
                "spool replayed"
            );
            Ok(
                serde_json::json!({ "moved": report.moved, "already_stored": report.already_stored, "waiting": report.waiting, "failed": report.failed.len() }),
            )
        }
        WorkerEvent::Unknown(why) => Err(format!("unexpected event: {why}").into()),
    }
}

/// The store, the mailer, the spool and the uploads from the settings and the SDK environment.
async fn deps(settings: WorkerSettings) -> Deps {
    let shared = aws::load_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws::dynamodb_config(&shared, settings.store_timeout).build(),
    );
    let ses =
        aws_sdk_sesv2::Client::from_conf(aws::sesv2_config(&shared, settings.mail_timeout).build());
    let s3 = aws_sdk_s3::Client::from_conf(aws::s3_config(&shared, settings.s3_timeout).build());
    WorkerDeps {
        // Replayed tickets expire like the HTTP function's (their guards too: a replay is rare).
        store: DynamoStore::new(dynamodb, &settings.tickets_table, settings.ticket_retention)
            .with_ticket_retention(settings.ticket_retention),
        mailer: SesMailer::new(ses),
        spool: S3Spool::new(s3.clone(), &settings.uploads_bucket),
        uploads: S3Uploads::new(s3, &settings.uploads_bucket).with_links(settings.links),
        clock: SystemClock,
        config: settings.notify,
    }
}
