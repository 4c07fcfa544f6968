//! The ticket worker's Lambda entry point, wiring only: settings from the environment, JSON
//! logs, the AWS clients, then the runtime loop. One function gets the tickets table's stream
//! (new tickets → team email and acknowledgement) and the schedule (the spool's replay);
//! everything else lives in the library (`worker/`, `notify/`, `aws/stream.rs`).

use std::sync::Arc;

use lambda_http::{lambda_runtime, service_fn, LambdaEvent};
use ticket_function::aws::stream::{self, WorkerEvent};
use ticket_function::aws::{self, aws_sdk_dynamodb, aws_sdk_sesv2, DynamoStore, SesMailer};
use ticket_function::worker::{handle_records, WorkerDeps, WorkerSettings};
use ticket_function::{MemorySpool, SystemClock};

// lead: the S3 spool (W2's `aws::S3Spool` on UPLOADS_BUCKET) replaces this stand-in, which
// knows no spool entries: until then a late write gets a second team email, as before.
type Deps = WorkerDeps<DynamoStore, SesMailer, MemorySpool, SystemClock>;

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
        // lead: schedule → replay::replay_spool
        WorkerEvent::Schedule => Err("schedule events: spool replay not wired".into()),
        WorkerEvent::Unknown(why) => Err(format!("unexpected event: {why}").into()),
    }
}

/// The store, the mailer and the spool from the settings and the SDK environment.
async fn deps(settings: WorkerSettings) -> Deps {
    let shared = aws::load_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws::dynamodb_config(&shared, settings.store_timeout).build(),
    );
    let ses =
        aws_sdk_sesv2::Client::from_conf(aws::sesv2_config(&shared, settings.mail_timeout).build());
    WorkerDeps {
        store: DynamoStore::new(dynamodb, &settings.tickets_table, settings.ticket_retention),
        mailer: SesMailer::new(ses),
        spool: MemorySpool::new(),
        clock: SystemClock,
        config: settings.notify,
    }
}
