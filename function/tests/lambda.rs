//! The real `ticket-function` binary under a fake Lambda Runtime API on 127.0.0.1, with DynamoDB
//! and SES on moto: checks `main`'s wiring (settings, clients, base64 event bodies, JSON logs)
//! and measures the time from process start to ready (its first poll for an event).
//!
//! `TICKET_FUNCTION_BIN=/path/to/release/ticket-function` measures another build of the binary.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};
use ticket_function::aws::aws_sdk_dynamodb;
use ticket_function::testing::valid_json;

const API: &str = "/2018-06-01/runtime/invocation";

enum Seen {
    /// The function asked for an event (it is ready).
    Poll(Instant),
    /// The function answered invocation `id`.
    Response { id: String, body: String },
    /// The function reported an error.
    Error(String),
}

/// Serves `events` one per poll, then leaves further polls unanswered.
fn fake_runtime(events: Vec<(String, Value)>) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let (tx, rx) = mpsc::channel();
    let events = std::sync::Arc::new(std::sync::Mutex::new(events.into_iter()));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (tx, events) = (tx.clone(), events.clone());
            std::thread::spawn(move || serve(stream, &tx, &events));
        }
    });
    (addr, rx)
}

type Events = std::sync::Mutex<std::vec::IntoIter<(String, Value)>>;

fn serve(stream: TcpStream, tx: &mpsc::Sender<Seen>, events: &Events) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    while let Some((method, path, body)) = read_request(&mut reader) {
        let reply = match (method.as_str(), path.as_str()) {
            ("GET", p) if p == format!("{API}/next") => {
                let _ = tx.send(Seen::Poll(Instant::now()));
                let next = events.lock().map(|mut e| e.next()).unwrap_or(None);
                let Some((id, event)) = next else {
                    std::thread::sleep(Duration::from_secs(60)); // No more events: stay silent.
                    return;
                };
                let body = event.to_string();
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nlambda-runtime-aws-request-id: {id}\r\n\
                     lambda-runtime-deadline-ms: 9999999999999\r\n\
                     lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:123456789012:function:tickets\r\n\
                     lambda-runtime-trace-id: Root=1-0-0\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
            }
            ("POST", p) if p.ends_with("/response") => {
                let id = p
                    .trim_start_matches(&format!("{API}/"))
                    .trim_end_matches("/response")
                    .to_owned();
                let _ = tx.send(Seen::Response { id, body });
                "HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}".to_owned()
            }
            _ => {
                let _ = tx.send(Seen::Error(format!("{method} {path}: {body}")));
                "HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}".to_owned()
            }
        };
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// One HTTP/1.1 request: (method, path, body); `None` when the connection closes.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, String)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let (mut length, mut chunked) = (0usize, false);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok().filter(|n| *n > 0)?;
        let header = header.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(v) = header.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        chunked |= header.starts_with("transfer-encoding:") && header.contains("chunked");
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some((method, path, String::from_utf8_lossy(&body).into_owned()))
}

/// An API Gateway HTTP API (payload 2.0) event with a base64 body, as Lambda delivers it.
fn ticket_event(body: &Value) -> Value {
    json!({
        "version": "2.0", "routeKey": "POST /tickets", "rawPath": "/tickets", "rawQueryString": "",
        "headers": {"content-type": "application/json", "origin": support::SITE},
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com", "domainPrefix": "api",
            "requestId": "gw-1", "routeKey": "POST /tickets", "stage": "$default",
            "time": "02/Jan/2025:03:04:05 +0000", "timeEpoch": 1735787045000u64,
            "http": {"method": "POST", "path": "/tickets", "protocol": "HTTP/1.1", "sourceIp": "198.51.100.40", "userAgent": "t"}
        },
        "body": base64::engine::general_purpose::STANDARD.encode(body.to_string()),
        "isBase64Encoded": true
    })
}

fn binary() -> String {
    std::env::var("TICKET_FUNCTION_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_ticket-function").to_owned())
}

fn lambda_command(runtime_api: &str) -> Command {
    let mut command = Command::new(binary());
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", "tickets")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env(
            "TICKET_CONTRACT",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/ticket-contract.json"
            ),
        )
        .env("FALLBACK_EMAIL", support::FALLBACK)
        .env("SENDER_EMAIL", support::SENDER)
        .env("ALLOWED_ORIGINS", support::SITE)
        .env("CLIENT_HASH_SALT", "lambda-test-salt-0123456789")
        .env("UPLOADS_BUCKET", "helpcenter-uploads")
        .stdin(Stdio::null());
    command
}

#[tokio::test]
async fn the_binary_serves_an_invocation_and_reports_its_start_time() {
    let endpoint = support::endpoint();
    let shared = support::sdk_config().await;
    let table = support::unique("lambda");
    support::create_table(&aws_sdk_dynamodb::Client::new(&shared), &table).await;

    let (api, seen) = fake_runtime(vec![("inv-1".into(), ticket_event(&valid_json()))]);
    let started = Instant::now();
    let mut child = lambda_command(&api)
        .env("TICKETS_TABLE", &table)
        .env("AWS_ENDPOINT_URL", &endpoint)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the binary");

    let mut ready = None;
    let mut answer = None;
    while answer.is_none() {
        match seen.recv_timeout(Duration::from_secs(20)) {
            Ok(Seen::Poll(at)) => ready = ready.or(Some(at.duration_since(started))),
            Ok(Seen::Response { id, body }) => answer = Some((id, body, started.elapsed())),
            Ok(Seen::Error(e)) => panic!("the function reported an error: {e}"),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("output");
    let logs = String::from_utf8_lossy(&output.stdout);
    let (id, body, answered) = answer.unwrap_or_else(|| {
        panic!(
            "no answer; logs:\n{logs}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let ready = ready.expect("polled for an event");
    println!("start to ready (first poll): {ready:?}; first ticket answered after {answered:?}");

    assert_eq!(id, "inv-1");
    let response: Value = serde_json::from_str(&body).expect("a JSON Lambda response");
    assert_eq!(response["statusCode"], 201, "{response}");
    let ticket: Value =
        serde_json::from_str(response["body"].as_str().expect("text body")).expect("JSON body");
    assert_eq!(ticket["status"], "stored");
    assert_eq!(
        response["headers"]["access-control-allow-origin"],
        support::SITE
    );

    // JSON logs with the Lambda request id, and no personal data.
    let lines: Vec<Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        lines.iter().any(|l| l["fields"]["message"] == "ready"),
        "{logs}"
    );
    assert!(
        lines.iter().any(|l| l["span"]["request_id"] == "inv-1"),
        "{logs}"
    );
    for private in ["ada@example.org", "198.51.100.40", "Refund for order"] {
        assert!(!logs.contains(private), "{private} in logs:\n{logs}");
    }
}

#[test]
fn the_binary_refuses_to_start_without_its_settings() {
    let output = lambda_command("127.0.0.1:1")
        .env("TICKETS_TABLE", "t")
        .env_remove("SENDER_EMAIL")
        .output()
        .expect("run the binary");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SENDER_EMAIL") && stderr.contains("missing"),
        "{stderr}"
    );
}
