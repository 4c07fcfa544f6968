//! The load test of the ticket handler (`tests/load/run.sh` starts moto and runs it): the real
//! handler with the AWS store, mailer, spool and uploads against moto, `--tickets` submissions
//! from as many simulated clients (each its own address, so the rate limiter lets each through),
//! `--concurrency` at a time, `--retry-percent` of them sent a second time with the same
//! `submission_id` right after their answer (a client that missed it). With `--fault-seconds`, the
//! store (DynamoDB alone, behind `proxy.rs`) is unreachable for that long once half the tickets
//! are answered. Afterwards `check.rs` proves that nothing was lost or doubled, and this prints
//! throughput and latency. Exits 1 when a check fails.

#[path = "../../tests/support/mod.rs"]
mod support;

mod check;
mod proxy;
mod serial;

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use futures_util::stream::{self, StreamExt};
use ticket_function::aws::aws_sdk_dynamodb::config::retry::RetryConfig;
use ticket_function::aws::{aws_sdk_dynamodb, dynamodb_config, DynamoStore};
use ticket_function::aws::{S3Spool, S3Uploads, SesMailer};
use ticket_function::{handle, ClientAddr, Deps, SystemClock};

use support::{StackOptions, SITE};

pub(crate) type LoadDeps = Deps<serial::SerialStore, SesMailer, S3Spool, S3Uploads, SystemClock>;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    tickets: usize,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    #[arg(long, default_value_t = 5)]
    retry_percent: usize,
    /// Seconds the store is unreachable, from when half the tickets are answered (0: no fault).
    #[arg(long, default_value_t = 0)]
    fault_seconds: u64,
    /// A moto of its own for DynamoDB (default: `AWS_ENDPOINT_URL`'s): moto's `data.json`, which
    /// the check reads for the emails, then stays small and quick.
    #[arg(long)]
    dynamodb_endpoint: Option<String>,
}

/// One request and its answer.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) client: usize,
    pub(crate) latency: Duration,
    pub(crate) status: u16,
    pub(crate) ticket_id: Option<String>,
    /// The answer's `status` (`stored`, `emailed`, `spooled`) or `error`.
    pub(crate) said: String,
}

/// The run's submission id of a client.
pub(crate) fn submission_id(run: &str, client: usize) -> String {
    format!("{run}-{client}")
}

fn request(run: &str, client: usize) -> http::Request<Bytes> {
    let mut body = ticket_function::testing::valid_json();
    body["submission_id"] = submission_id(run, client).into();
    body["subject"] = format!("Load test ticket {client}").into();
    body["email"] = format!("client{client}@example.org").into();
    let mut request = http::Request::post("/tickets")
        .header("content-type", "application/json")
        .header("origin", SITE)
        .body(Bytes::from(body.to_string()))
        .expect("a valid request");
    let [_, a, b, c] = u32::try_from(client).unwrap_or(u32::MAX).to_be_bytes();
    let address = IpAddr::V4(Ipv4Addr::new(10, a, b, c));
    request.extensions_mut().insert(ClientAddr(address));
    request
}

pub(crate) async fn send(deps: &LoadDeps, run: &str, client: usize) -> Sent {
    let started = Instant::now();
    let response = handle(request(run, client), deps).await;
    let latency = started.elapsed();
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
    let text = |key: &str| body[key].as_str().map(str::to_owned);
    Sent {
        client,
        latency,
        status: response.status().as_u16(),
        ticket_id: text("ticket_id"),
        said: text("status")
            .or(text("error"))
            .unwrap_or_else(|| "?".into()),
    }
}

/// Every client's requests, `concurrency` clients at a time; `answered` counts first answers.
async fn load(deps: &LoadDeps, run: &str, args: &Args, answered: &AtomicUsize) -> Vec<Sent> {
    let retry_every = 100 / args.retry_percent.clamp(1, 100);
    let clients = stream::iter(0..args.tickets).map(|client| async move {
        let first = send(deps, run, client).await;
        answered.fetch_add(1, Ordering::Relaxed);
        let mut sent = vec![first];
        if args.retry_percent > 0 && client % retry_every == retry_every / 2 {
            sent.push(send(deps, run, client).await);
        }
        sent
    });
    let all: Vec<Vec<Sent>> = clients.buffer_unordered(args.concurrency).collect().await;
    all.into_iter().flatten().collect()
}

/// Takes the store away for `seconds` once half the tickets are answered.
async fn fault(proxy: &proxy::Proxy, answered: &AtomicUsize, half: usize, seconds: u64) {
    while answered.load(Ordering::Relaxed) < half {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!("fault: the store is unreachable for {seconds} s");
    proxy.set_down(true);
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    proxy.set_down(false);
    eprintln!("fault: the store is back");
}

/// Writes queue behind each other (serial.rs) on a moto far slower than DynamoDB: a write waits
/// for up to `concurrency` others, longer than production's 2.5 s. The fault cuts connections,
/// which fails at once.
const STORE_TIMEOUT: Duration = Duration::from_secs(120);

/// The DynamoDB store through the proxy, with one attempt per call: an SDK retry after an attempt
/// timed out would overlap the first attempt still running in moto (see serial.rs).
async fn store(endpoint: &str, table: &str) -> DynamoStore {
    let shared = support::sdk_config().await;
    let config = dynamodb_config(&shared, STORE_TIMEOUT)
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::disabled());
    let client = aws_sdk_dynamodb::Client::from_conf(config.build());
    DynamoStore::new(client, table, Duration::from_secs(86_400))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // The handler's own logs (why a store call failed), on stderr, when RUST_LOG asks for them.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        let logs = tracing_subscriber::fmt().with_writer(std::io::stderr);
        logs.with_env_filter(filter).with_target(false).init();
    }
    let dynamodb = args
        .dynamodb_endpoint
        .clone()
        .unwrap_or_else(support::endpoint);
    let resources = check::resources(&dynamodb).await;
    let proxy = proxy::Proxy::start(&dynamodb)
        .await
        .expect("a loopback port for the proxy");
    let options = StackOptions {
        rate_limit_per_minute: 10,
        store_timeout: Some(STORE_TIMEOUT),
        ..StackOptions::default()
    };
    let (_, mailer, spool, uploads, config) = support::clients(options, &resources).await;
    let store = serial::SerialStore::new(store(&proxy.url(), &resources.table).await);
    let deps = Arc::new(Deps::new(
        store,
        mailer,
        spool,
        uploads,
        SystemClock,
        config,
    ));
    let run = support::unique("load");
    let answered = AtomicUsize::new(0);
    let started = Instant::now();
    let sent = if args.fault_seconds > 0 {
        let half = args.tickets / 2;
        let (sent, ()) = tokio::join!(
            load(&deps, &run, &args, &answered),
            fault(&proxy, &answered, half, args.fault_seconds)
        );
        sent
    } else {
        load(&deps, &run, &args, &answered).await
    };
    let elapsed = started.elapsed();
    check::print_stats(&sent, args.tickets, elapsed);
    let problems = check::all(&deps, &dynamodb, &resources, &run, args.tickets, &sent).await;
    if problems.is_empty() {
        println!("checks: passed");
        ExitCode::SUCCESS
    } else {
        println!("checks: FAILED\n  {}", problems.join("\n  "));
        ExitCode::FAILURE
    }
}
