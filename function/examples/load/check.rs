//! What the load test proves afterwards, from moto's own state (read with the SDK, not through the
//! code under test): every submission stored exactly once, or — when the store was down —
//! spooled and emailed to the fallback address once; then, with the store back, a retry of each
//! spooled submission and a spool replay leave exactly one ticket per submission.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use ticket_function::aws::{aws_sdk_dynamodb, aws_sdk_sesv2, PARTITION_KEY};
use ticket_function::replay_spool;

use super::support::spool::{spool_entry, spool_keys};
use super::support::worker::parse;
use super::support::{create_bucket, create_table, sdk_config, sent_raw_emails, unique};
use super::support::{Resources, FALLBACK, SENDER};
use super::{send, submission_id, LoadDeps, Sent};

/// The table (on `dynamodb`'s moto), the uploads bucket and the SES sender (on the main moto).
pub(crate) async fn resources(dynamodb: &str) -> Resources {
    let shared = sdk_config().await;
    let resources = Resources {
        table: unique("tickets"),
        bucket: unique("uploads"),
    };
    create_table(&table_client(&shared, dynamodb), &resources.table).await;
    create_bucket(&shared, &resources.bucket).await;
    let ses = aws_sdk_sesv2::Client::new(&shared);
    let identity = ses
        .create_email_identity()
        .email_identity(SENDER)
        .send()
        .await;
    identity.expect("CreateEmailIdentity");
    resources
}

fn table_client(shared: &aws_config::SdkConfig, endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::config::Builder::from(shared).endpoint_url(endpoint);
    aws_sdk_dynamodb::Client::from_conf(config.build())
}

/// Throughput and latency of the run.
pub(crate) fn print_stats(sent: &[Sent], tickets: usize, elapsed: Duration) {
    let mut latencies: Vec<Duration> = sent.iter().map(|s| s.latency).collect();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut answers: BTreeMap<(u16, &str), usize> = BTreeMap::new();
    for s in sent {
        *answers.entry((s.status, s.said.as_str())).or_default() += 1;
    }
    let secs = elapsed.as_secs_f64();
    println!(
        "{tickets} tickets, {} requests in {secs:.2} s: {:.1} tickets/s, {:.1} requests/s",
        sent.len(),
        tickets as f64 / secs,
        sent.len() as f64 / secs
    );
    println!(
        "latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    for ((status, said), n) in answers {
        println!("  {status} {said}: {n}");
    }
}

/// How often the check runs the replay before it gives up.
const REPLAYS: usize = 5;

/// Ticket ids per submission id of this run: (in the table, in the spool, in fallback emails).
type Found = BTreeMap<String, Vec<String>>;

/// Every ticket item of the table (guards left out), every page of a consistent scan.
async fn table(dynamodb: &str, resources: &Resources) -> Found {
    let client = table_client(&sdk_config().await, dynamodb);
    let scan = client
        .scan()
        .table_name(&resources.table)
        .consistent_read(true);
    let mut pages = scan.into_paginator().send();
    let mut found = Found::new();
    while let Some(page) = pages.next().await {
        for item in page.expect("Scan").items() {
            let text = |key: &str| item.get(key).and_then(|v| v.as_s().ok()).cloned();
            let ticket_id = text(PARTITION_KEY).filter(|pk| pk.starts_with("HC-"));
            if let (Some(ticket_id), Some(submission)) = (ticket_id, text("submission_id")) {
                found.entry(submission).or_default().push(ticket_id);
            }
        }
    }
    found
}

async fn spool(resources: &Resources) -> Found {
    let mut found = Found::new();
    for key in spool_keys(&resources.bucket).await {
        let ticket_id = key.trim_start_matches("spool/").trim_end_matches(".json");
        if let Some(entry) = spool_entry(&resources.bucket, ticket_id).await {
            let submission = entry.ticket.submission_id;
            found
                .entry(submission)
                .or_default()
                .push(ticket_id.to_owned());
        }
    }
    found
}

/// Fallback emails: their Message-ID is `<ticket id>.<submission id>@…`.
fn emails(run: &str) -> Found {
    let mut found = Found::new();
    for raw in sent_raw_emails() {
        let message = parse(&raw);
        let to_fallback = message.to().and_then(|a| a.first()?.address()) == Some(FALLBACK);
        let id = message.message_id().unwrap_or_default();
        let local = id.split('@').next().unwrap_or_default();
        if let Some((ticket_id, submission)) = local.split_once('.') {
            if to_fallback && submission.starts_with(run) {
                let ids = found.entry(submission.to_owned()).or_default();
                ids.push(ticket_id.to_owned());
            }
        }
    }
    found
}

fn count(found: &Found, submission: &str) -> usize {
    found.get(submission).map_or(0, Vec::len)
}

/// Every check; the problems found (empty: all passed).
pub(crate) async fn all(
    deps: &LoadDeps,
    dynamodb: &str,
    resources: &Resources,
    run: &str,
    tickets: usize,
    sent: &[Sent],
) -> Vec<String> {
    let mut problems = answer_problems(sent);
    let (stored, spooled, emailed) = (
        table(dynamodb, resources).await,
        spool(resources).await,
        emails(run),
    );
    println!(
        "after the load: {} submissions stored, {} spooled, {} emailed to the fallback address",
        stored.len(),
        spooled.len(),
        emailed.len()
    );
    for client in 0..tickets {
        let id = submission_id(run, client);
        let (s, p, e) = (
            count(&stored, &id),
            count(&spooled, &id),
            count(&emailed, &id),
        );
        let answers: Vec<String> = sent
            .iter()
            .filter(|a| a.client == client)
            .map(|a| format!("{} {} {:?}", a.status, a.said, a.ticket_id))
            .collect();
        let mut fail = |what: &str| {
            problems.push(format!(
                "{id}: {what} (stored {s}, spooled {p}, emailed {e}; answered {answers:?})"
            ))
        };
        match (s, p, e) {
            (0, 0, _) => fail("lost"),
            (0, _, 0) => fail("spooled but not emailed"),
            _ => {}
        }
        if s > 1 || p > 1 || e > 1 {
            fail("twice");
        }
    }
    problems
        .extend(after_recovery(deps, (dynamodb, resources), run, tickets, sent, &spooled).await);
    problems
}

/// 5xx and other failed answers; a client told two different ticket numbers.
fn answer_problems(sent: &[Sent]) -> Vec<String> {
    let mut problems: Vec<String> = sent
        .iter()
        .filter(|s| !(s.status == 201 || s.status == 202))
        .map(|s| format!("client {}: answered {} {}", s.client, s.status, s.said))
        .collect();
    let mut told: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for s in sent {
        told.entry(s.client)
            .or_default()
            .extend(s.ticket_id.as_deref());
    }
    for (client, ids) in told {
        if ids.windows(2).any(|w| w[0] != w[1]) {
            problems.push(format!("client {client}: told ticket numbers {ids:?}"));
        }
    }
    problems
}

/// With the store back: each spooled submission sent once more (a client retrying later), which
/// must be told the ticket number it was told first; then the worker's spool replay; afterwards
/// every submission is in the table exactly once and the spool is empty.
async fn after_recovery(
    deps: &LoadDeps,
    (dynamodb, resources): (&str, &Resources),
    run: &str,
    tickets: usize,
    sent: &[Sent],
    spooled: &Found,
) -> Vec<String> {
    let mut problems = Vec::new();
    for client in (0..tickets).filter(|c| spooled.contains_key(&submission_id(run, *c))) {
        let retry = send(deps, run, client).await;
        let first = sent.iter().find(|s| s.client == client);
        let told = first.and_then(|f| f.ticket_id.clone());
        if !(retry.status == 201 || retry.status == 202) || retry.ticket_id != told {
            problems.push(format!(
                "client {client}: retry after recovery answered {} {} {:?}, first {:?}",
                retry.status,
                retry.said,
                retry.ticket_id,
                first.map(|f| (&f.said, &f.ticket_id))
            ));
        }
    }
    // Everything is settled: the replay may move every entry. The worker's schedule runs it
    // again after a failure (moto's S3 is slow to list hundreds of entries on a busy machine).
    let settled = SystemTime::now() + Duration::from_secs(60);
    for run in 1..=REPLAYS {
        match replay_spool(&deps.store, &deps.spool, settled).await {
            Ok(report) => {
                println!(
                    "late retries: {}; replay {run}: {} moved, {} stored already, {} failed",
                    spooled.len(),
                    report.moved,
                    report.already_stored,
                    report.failed.len()
                );
                break;
            }
            Err(e) if run == REPLAYS => problems.push(format!("replay failed {run} times: {e}")),
            Err(e) => eprintln!("replay {run} failed, again: {e}"),
        }
    }
    let stored = table(dynamodb, resources).await;
    let ours = stored.iter().filter(|(s, _)| s.starts_with(run)).count();
    if ours != tickets {
        problems.push(format!(
            "after the replay: {ours} submissions stored, not {tickets}"
        ));
    }
    for (submission, ids) in stored.iter().filter(|(_, ids)| ids.len() > 1) {
        problems.push(format!("{submission}: stored {} times: {ids:?}", ids.len()));
    }
    let left = spool_keys(&resources.bucket).await;
    if !left.is_empty() {
        problems.push(format!(
            "{} spool entries left after the replay",
            left.len()
        ));
    }
    problems
}
