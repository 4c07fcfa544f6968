//! `helpdesk`, the support team's command line, wiring only: the command line, then the
//! store, spool and uploads — DynamoDB and S3 from the function's settings, or `--local DIR`
//! (`helpcenter serve`'s state folder) — then the command (`ticket_function::helpdesk`).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use ticket_function::aws::{self, aws_sdk_dynamodb, aws_sdk_s3, DynamoStore, S3Spool, S3Uploads};
use ticket_function::helpdesk::cli::Cli;
use ticket_function::helpdesk::settings::HelpdeskSettings;
use ticket_function::helpdesk::{local, Desk, DeskError, EXIT_FAILED, EXIT_USAGE};

type AwsDesk = Desk<DynamoStore, S3Spool, S3Uploads>;

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit 2
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("helpdesk: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}

struct Failure {
    code: u8,
    error: anyhow::Error,
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let on = match &cli.local {
        Some(dir) => format!("on {}", dir.display()),
        None => "on AWS".to_owned(),
    };
    let result = match &cli.local {
        Some(dir) => match local::open(dir) {
            Ok(desk) => cli.command.run(&desk, &mut out).await,
            Err(error) => Err(error),
        },
        None => {
            let settings = HelpdeskSettings::from_env().map_err(|e| Failure {
                code: EXIT_USAGE,
                error: anyhow::Error::new(e).context("settings (or pass --local DIR)"),
            })?;
            cli.command.run(&aws_desk(settings).await, &mut out).await
        }
    };
    let result = result.and_then(|()| out.flush().map_err(DeskError::from));
    match result {
        Ok(()) => Ok(()),
        // `helpdesk export | head`: the reader had enough, which is no failure.
        Err(DeskError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure {
            code: EXIT_FAILED,
            error: anyhow::Error::new(error).context(on),
        }),
    }
}

/// DynamoDB and S3 clients with the function's timeouts; the tickets `replay` stores keep the
/// retention, their guards too (as the worker's replay).
async fn aws_desk(settings: HelpdeskSettings) -> AwsDesk {
    let shared = aws::load_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws::dynamodb_config(&shared, settings.store_timeout).build(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(aws::s3_config(&shared, settings.s3_timeout).build());
    let store = DynamoStore::new(dynamodb, &settings.tickets_table, settings.ticket_retention)
        .with_ticket_retention(settings.ticket_retention);
    Desk {
        store,
        spool: S3Spool::new(s3.clone(), &settings.uploads_bucket),
        uploads: match settings.links {
            Some(links) => S3Uploads::new(s3, &settings.uploads_bucket).with_links(links),
            None => S3Uploads::new(s3, &settings.uploads_bucket),
        },
        outbox: None,
        replay_settle: settings.replay_settle,
    }
}
