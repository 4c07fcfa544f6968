//! The real `helpdesk` binary: output, exit codes (0 done, 1 not found / failed, 2 usage), a
//! state folder that is not serve's, and DynamoDB refusing or never answering.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::spool::silent_endpoint;
use support::CLOSED;
use ticket_function::testing::ticket;
use ticket_function::{FeedbackStore, FileStore, TicketStore};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `helpdesk args` with only `env` of the AWS settings (none leak in from the runner).
fn helpdesk(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpdesk"));
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") || ["TICKETS_TABLE", "UPLOADS_BUCKET"].contains(&name.as_str())
        {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("helpdesk runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A serve state folder with two open tickets of ada in `billing` and one of bob in `other`.
fn state() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = FileStore::open(dir.path().join("tickets")).expect("serve's store");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for (n, queue, email) in [
        (1, "billing", "ada@example.org"),
        (2, "billing", "ada@example.org"),
        (3, "other", "bob@example.org"),
    ] {
        let mut t = ticket(
            &format!("HC-00000000{n}-AAAA"),
            &format!("sub-{n}-0000"),
            queue,
            &format!("2025-01-0{n}T00:00:00.000Z"),
        );
        t.email = Some(email.into());
        t.subject = format!("Question {n}");
        runtime.block_on(store.put(&t)).expect("stored");
    }
    dir
}

fn local(dir: &Path) -> String {
    dir.to_str().expect("a UTF-8 path").to_owned()
}

#[test]
fn a_queue_as_a_table_and_as_json() {
    let dir = state();
    let run = helpdesk(&["--local", &local(dir.path()), "queue", "billing"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("TICKET             RECEIVED"),
        "{}",
        run.stdout
    );
    assert!(
        lines[1].starts_with("HC-000000001-AAAA  2025-01-01"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 3);
    let run = helpdesk(
        &[
            "queue",
            "billing",
            "--limit",
            "1",
            "--format",
            "json",
            "--local",
            &local(dir.path()),
        ],
        &[],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    let run = helpdesk(&["--local", &local(dir.path()), "queue", "biling"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no ticket was ever filed in queue \"biling\""),
        "{}",
        run.stderr
    );
}

#[test]
fn show_close_and_reopen_with_their_exit_codes() {
    let dir = state();
    let dir = local(dir.path());
    let run = helpdesk(&["--local", &dir, "show", "hc-000000001-aaaa"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("arrived via: form"), "{}", run.stdout);
    assert!(
        run.stdout.contains("team told:   not yet"),
        "{}",
        run.stdout
    );
    let run = helpdesk(&["--local", &dir, "close", "HC-000000001-AAAA"], &[]);
    assert_eq!(
        (run.code, run.stdout.trim()),
        (0, "HC-000000001-AAAA: open → closed")
    );
    let run = helpdesk(
        &[
            "--local",
            &dir,
            "close",
            "HC-000000001-AAAA",
            "--format",
            "json",
        ],
        &[],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["changed"], false);
    let run = helpdesk(
        &["--local", &dir, "queue", "billing", "--status", "closed"],
        &[],
    );
    assert!(run.stdout.contains("HC-000000001-AAAA"), "{}", run.stdout);
    let run = helpdesk(&["--local", &dir, "reopen", "HC-000000001-AAAA"], &[]);
    assert_eq!(run.code, 0);
    for command in ["show", "close", "reopen"] {
        let run = helpdesk(&["--local", &dir, command, "HC-000000009-ZZZZ"], &[]);
        assert_eq!(run.code, 1, "{command}");
        assert!(
            run.stderr.contains("no ticket HC-000000009-ZZZZ"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn export_csv_and_a_malformed_since() {
    let dir = state();
    let dir = local(dir.path());
    let run = helpdesk(
        &[
            "--local",
            &dir,
            "export",
            "--format",
            "csv",
            "--since",
            "2025-01-02",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("\u{feff}\"ticket_id\""),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("\r\n").count(),
        3,
        "a header and two tickets"
    );
    let run = helpdesk(
        &[
            "--local", &dir, "export", "--format", "jsonl", "--queue", "other",
        ],
        &[],
    );
    assert_eq!(run.stdout.lines().count(), 1);
    let run = helpdesk(
        &[
            "--local",
            &dir,
            "export",
            "--format",
            "csv",
            "--since",
            "last week",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a date"), "{}", run.stderr);
    let run = helpdesk(&["--local", &dir, "export"], &[]);
    assert_eq!(run.code, 2, "--format is required");
}

#[test]
fn erase_dry_run_then_for_good_then_nothing() {
    let dir = state();
    std::fs::create_dir_all(dir.path().join("outbox")).unwrap();
    std::fs::write(
        dir.path().join("outbox/HC-000000001-AAAA.ack.eml"),
        "To: ada@example.org",
    )
    .unwrap();
    let dir_arg = local(dir.path());
    let erase = |extra: &[&str]| {
        let mut args = vec!["--local", &dir_arg, "erase", "--email", "ada@example.org"];
        args.extend(extra);
        helpdesk(&args, &[])
    };
    let run = erase(&["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("would remove"), "{}", run.stdout);
    let line = run.stdout.lines().find(|l| l.starts_with("outbox email"));
    assert!(
        line.is_some_and(|l| l.ends_with(" HC-000000001-AAAA.ack.eml")),
        "{}",
        run.stdout
    );
    let run = erase(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        json["tickets"],
        serde_json::json!(["HC-000000001-AAAA", "HC-000000002-AAAA"])
    );
    assert!(!dir.path().join("outbox/HC-000000001-AAAA.ack.eml").exists());
    let text = std::fs::read_to_string(dir.path().join("tickets/tickets.jsonl")).unwrap();
    assert!(!text.contains("ada@example.org") && text.contains("bob@example.org"));
    let run = erase(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("nothing is stored for ada@example.org"),
        "{}",
        run.stderr
    );
    let run = helpdesk(
        &["--local", &dir_arg, "erase", "--email", "not an address"],
        &[],
    );
    assert_eq!(run.code, 2);
}

#[test]
fn a_folder_serve_did_not_make_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = helpdesk(&["--local", &local(dir.path()), "queue", "billing"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("is not a `helpcenter serve` state folder"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing created in it"
    );
    let project = tempfile::tempdir().unwrap();
    let nested = project.path().join(".helpcenter/tickets");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("tickets.jsonl"), "").unwrap();
    let run = helpdesk(
        &["--local", &local(project.path()), "queue", "billing"],
        &[],
    );
    assert!(run.stderr.contains("did you mean"), "{}", run.stderr);
}

fn aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("TICKETS_TABLE", "tickets".into()),
        ("UPLOADS_BUCKET", "uploads".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
        ("AWS_ENDPOINT_URL", endpoint.into()),
        ("DYNAMODB_TIMEOUT_MS", "1000".into()),
    ]
}

fn with_aws(args: &[&str], endpoint: &str) -> (Run, Duration) {
    let env = aws_env(endpoint);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let started = Instant::now();
    (helpdesk(args, &env), started.elapsed())
}

#[test]
fn dynamodb_refusing_or_silent_fails_clearly_within_the_timeout() {
    let silent = silent_endpoint();
    for (endpoint, within) in [
        (CLOSED, Duration::from_secs(3)),
        (silent.as_str(), Duration::from_secs(4)),
    ] {
        for args in [
            &["queue", "billing"][..],
            &["show", "HC-000000001-AAAA"],
            &["close", "HC-000000001-AAAA"],
        ] {
            let (run, took) = with_aws(args, endpoint);
            assert_eq!(run.code, 1, "{args:?} on {endpoint}: {}", run.stderr);
            assert!(
                run.stderr.contains("ticket store unavailable"),
                "{}",
                run.stderr
            );
            assert!(took < within, "{args:?} on {endpoint} took {took:?}");
        }
    }
}

#[test]
fn settings_and_usage_errors_exit_2() {
    let run = helpdesk(&["queue", "billing"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("TICKETS_TABLE"), "{}", run.stderr);
    assert_eq!(helpdesk(&["queue"], &[]).code, 2);
    assert_eq!(helpdesk(&["frobnicate"], &[]).code, 2);
    let help = helpdesk(&["--help"], &[]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit codes:"), "{}", help.stdout);
}

#[test]
fn feedback_as_tables_and_json_and_a_malformed_month() {
    let dir = state();
    let store = FileStore::open(dir.path().join("tickets")).expect("serve's store");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let page = "/en/users/billing/refunds/";
    let vote = ticket_function::store::Feedback::Vote {
        language: "en".into(),
        page: page.into(),
        helpful: false,
        reason: Some("outdated".into()),
    };
    let miss = ticket_function::store::Feedback::SearchMiss {
        language: "en".into(),
        query: "\u{1b}[2Jrefund".into(),
    };
    for feedback in [&vote, &miss] {
        runtime.block_on(store.count(feedback, "2025-01")).unwrap();
    }
    let dir = local(dir.path());
    let run = helpdesk(&["--local", &dir, "feedback"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("0%"), "{}", run.stdout);
    assert!(run.stdout.contains("outdated 1"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\\u{1b}[2Jrefund") && !run.stdout.contains('\u{1b}'),
        "escaped for the terminal: {}",
        run.stdout
    );
    let run = helpdesk(
        &[
            "--local", &dir, "feedback", "--since", "2025-02", "--format", "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json, serde_json::json!({"articles": [], "searches": []}));
    let run = helpdesk(&["--local", &dir, "feedback", "--since", "2025-1"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a month"), "{}", run.stderr);
}
