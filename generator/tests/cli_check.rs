//! `helpcenter check`: the build's diagnostics without any output, plus unlinked articles, empty
//! categories, missing images, translation status and external links; the formats (GitHub: exactly
//! one annotation per diagnostic) and the exit codes (0 clean, 1 errors, 2 usage).

mod cli_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use cli_support::pages::add_key;
use cli_support::*;

fn diagnostics(json: &serde_json::Value) -> &Vec<serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
}

fn with_message<'j>(json: &'j serde_json::Value, part: &str) -> Vec<&'j serde_json::Value> {
    diagnostics(json)
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains(part))
        .collect()
}

#[test]
fn reports_without_writing_anything_and_exits_0_when_clean() {
    let dir = workspace(&fixture("minimal"));
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("translations:\n  it    1/2 translated, 1 missing, 0 behind\n"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("checked ") && out.contains(": 0 error(s), "),
        "{out}"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["content", "site"], "check writes nothing");
}

#[test]
fn errors_exit_1_and_strict_fails_on_warnings() {
    let broken = workspace(&fixture("broken/several-errors"));
    let output = run(broken.path(), &["check"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("unknown field `author`")
            && stderr(&output).contains("broken link"),
        "{}",
        stderr(&output)
    );

    let anchor = workspace(&fixture("broken/broken-anchor"));
    let output = run(anchor.path(), &["check"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("has no heading `#check-your-inbox`"),
        "{}",
        stderr(&output)
    );

    let warned = workspace(&fixture("minimal"));
    assert_eq!(
        code(&run(warned.path(), &["check", "--strict"])),
        1,
        "the fixture has warnings"
    );
}

#[test]
fn finds_unlinked_articles_empty_categories_and_missing_images() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    for lang in ["en", "it"] {
        write(
            &content.join(lang).join("users/empty/_index.md"),
            "---\ntitle: Empty\n---\n",
        );
    }
    let article = content.join("en/users/account/reset-password.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        format!("{text}\n![Screen](/images/missing.png)\n"),
    )
    .unwrap();

    let output = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&output), 0, "warnings only");
    let report = json(&output);
    let unlinked = with_message(&report, "unlinked article");
    assert_eq!(unlinked.len(), 1, "{report:#}");
    assert_eq!(
        unlinked[0]["file"], "content/en/users/account/change-email.md",
        "reset-password is linked from change-email"
    );
    let empty = with_message(&report, "empty category");
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0]["file"], "content/en/users/empty/_index.md");
    let image = with_message(&report, "missing file");
    assert_eq!(image.len(), 1, "{report:#}");
    assert_eq!(
        image[0]["file"],
        "content/en/users/account/reset-password.md"
    );
    assert!(image[0]["line"].as_u64().is_some());
}

#[test]
fn translation_status_counts_missing_and_behind() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    add_key(
        &content.join("en/users/account/reset-password.md"),
        "updated: 2026-03-01",
    );
    add_key(
        &content.join("it/users/account/reset-password.md"),
        "updated: 2026-01-10",
    );

    let report = json(&run(dir.path(), &["check", "--format", "json"]));
    let it = &report["translations"][0];
    assert_eq!(it["language"], "it");
    assert_eq!(
        (it["articles"].as_u64(), it["translated"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        it["missing"],
        serde_json::json!(["content/it/users/account/change-email.md"])
    );
    assert_eq!(
        it["behind"],
        serde_json::json!(["content/it/users/account/reset-password.md"])
    );
    let behind = with_message(&report, "translation behind");
    assert_eq!(behind.len(), 1);
    assert_eq!(behind[0]["line"], 2, "points at `updated`");
    assert!(behind[0]["message"]
        .as_str()
        .unwrap()
        .contains("updated on 2026-03-01, this translation on 2026-01-10"));

    let human = run(dir.path(), &["-v", "check"]);
    let out = stdout(&human);
    assert!(
        out.contains("it    1/2 translated, 1 missing, 1 behind"),
        "{out}"
    );
    assert!(
        out.contains("missing: content/it/users/account/change-email.md")
            && out.contains("behind:  content/it/users/account/reset-password.md"),
        "{out}"
    );
}

#[test]
fn github_format_is_exactly_one_annotation_per_diagnostic() {
    let broken = fixture("broken");
    let mut cases: Vec<_> = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.push(fixture("minimal"));
    cases.sort();
    for case in cases {
        let dir = workspace(&case);
        let report = json(&run(dir.path(), &["check", "--format", "json"]));
        let github = run(dir.path(), &["check", "--format", "github"]);
        let out = stdout(&github);
        let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
        assert_eq!(
            annotations.len(),
            diagnostics(&report).len(),
            "{}: {out}",
            case.display()
        );
        for (line, d) in annotations.iter().zip(diagnostics(&report)) {
            let kind = d["severity"].as_str().unwrap();
            assert!(
                line.starts_with(&format!("::{kind} file={}", d["file"].as_str().unwrap())),
                "{line}"
            );
            if let Some(n) = d["line"].as_u64() {
                assert!(line.contains(&format!(",line={n}::")), "{line}");
            }
        }
        assert_eq!(
            code(&github),
            if report["errors"] == 0 { 0 } else { 1 },
            "{}",
            case.display()
        );
    }
}

/// A web server on 127.0.0.1 for the external link check: `/ok` answers 200, `/gone` 404, and
/// `/slow` only after 5 s.
fn link_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut request = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                reader.read_line(&mut request).unwrap();
                while let Ok(n) = reader.read_line(&mut String::new()) {
                    if n <= 2 {
                        break;
                    }
                }
                let status = match request.split_whitespace().nth(1) {
                    Some("/ok") => "200 OK",
                    Some("/slow") => {
                        std::thread::sleep(Duration::from_secs(5));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
            });
        }
    });
    port
}

#[test]
fn external_links_are_checked_only_when_asked_with_a_timeout() {
    let port = link_server();
    let dir = workspace(&fixture("minimal"));
    let article = dir
        .path()
        .join("content/en/users/account/reset-password.md");
    let text = std::fs::read_to_string(&article).unwrap();
    let links = format!("\nSee [ok](http://127.0.0.1:{port}/ok#part), [gone](http://127.0.0.1:{port}/gone) and [slow](http://127.0.0.1:{port}/slow).\n");
    std::fs::write(&article, format!("{text}{links}")).unwrap();
    let line = text.lines().count() + 2;

    let offline = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&offline), 0);
    assert!(
        with_message(&json(&offline), "127.0.0.1").is_empty(),
        "not asked without --external"
    );

    let online = run(
        dir.path(),
        &[
            "check",
            "--external",
            "--timeout",
            "1",
            "--concurrency",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&online), 1, "a dead link is an error");
    let report = json(&online);
    assert_eq!(report["external_links"], 3);
    let gone = with_message(&report, &format!("http://127.0.0.1:{port}/gone"));
    assert_eq!(gone.len(), 1);
    assert_eq!(
        (gone[0]["severity"].as_str(), gone[0]["line"].as_u64()),
        (Some("error"), Some(line as u64))
    );
    assert!(gone[0]["message"].as_str().unwrap().contains("answers 404"));
    let slow = with_message(&report, "/slow");
    assert_eq!(slow.len(), 1);
    assert_eq!(slow[0]["severity"], "warning");
    assert!(
        slow[0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be reached: no answer within 1.0 s"),
        "{}",
        slow[0]
    );
    assert!(with_message(&report, "/ok").is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let dir = workspace(&fixture("minimal"));
    for args in [
        &["check", "--timeout", "5"][..],
        &["check", "--external", "--concurrency", "0"],
        &["check", "--format", "sarif"],
    ] {
        assert_eq!(code(&run(dir.path(), args)), 2, "{args:?}");
    }
}
