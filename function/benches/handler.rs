//! The handler path with the in-memory store: request → parse → validate → store → response.
//! Criterion measures the mean; a second pass prints p50/p99 per request (target: p99 < 1 ms).
//!
//!     CARGO_TARGET_DIR=/work/target-fn cargo bench -p ticket-function --bench handler

use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, BatchSize, Criterion};
use http::Request;
use ticket_function::testing::{memory_deps, valid_json, MemoryDeps};
use ticket_function::{handle, ClientAddr};

type BenchDeps = MemoryDeps;

/// No rate limit in the way of the measurement.
fn deps() -> BenchDeps {
    memory_deps(1_000_000)
}

/// A new submission each time (a retry would take the cheaper duplicate path).
fn json_request(n: u64) -> Request<Bytes> {
    let mut body = valid_json();
    body["submission_id"] = format!("bench-submission-{n:012}").into();
    Request::post("/tickets")
        .header("content-type", "application/json")
        .header("origin", "https://help.example.com")
        .extension(ClientAddr([198, 51, 100, (n % 250) as u8].into()))
        .body(Bytes::from(body.to_string()))
        .expect("request")
}

fn invalid_request() -> Request<Bytes> {
    let mut body = valid_json();
    body["email"] = "nope".into();
    body["subject"] = "".into();
    Request::post("/tickets")
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_string()))
        .expect("request")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let deps = deps();
    let mut n = 0u64;
    c.bench_function("valid ticket stored (json)", |b| {
        b.iter_batched(
            || {
                n += 1;
                json_request(n)
            },
            |request| rt.block_on(handle(request, &deps)),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("invalid ticket refused (json)", |b| {
        b.iter_batched(
            invalid_request,
            |request| rt.block_on(handle(request, &deps)),
            BatchSize::SmallInput,
        )
    });
}

/// p50/p99 of single requests, request building excluded.
fn percentiles() {
    let rt = runtime();
    let deps = deps();
    let mut times: Vec<Duration> = (0..20_000u64)
        .map(|n| {
            let request = json_request(1_000_000_000 + n);
            let start = Instant::now();
            let response = rt.block_on(handle(request, &deps));
            let took = start.elapsed();
            assert_eq!(response.status(), http::StatusCode::CREATED);
            took
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "handler (MemoryStore, valid JSON ticket, {} requests): p50 {:?}  p99 {:?}  max {:?}",
        times.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    percentiles();
    Criterion::default().configure_from_args().final_summary();
}
