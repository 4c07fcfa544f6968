//! `helpcenter serve` as a writer uses it: the preview follows edits, new files, deletions and
//! renames; open tabs hear about each build; a content error is shown (terminal and tabs) while
//! the last good site stays served; the ticket form works locally.

mod cli_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use cli_support::serve::*;
use cli_support::*;
use serde_json::Value;

fn article(dir: &Path, name: &str) -> PathBuf {
    dir.join("content/en/users/account").join(name)
}

#[test]
fn follows_edits_new_files_renames_and_deletions() {
    let dir = workspace(&fixture("minimal"));
    let served = serve(dir.path());
    let page = format!("{}/en/users/account/reset-password/", served.url);
    let (status, html) = get(&page);
    assert_eq!(status, 200);
    assert!(
        html.contains(
            "<script src=\"/_helpcenter/live.js\" data-site=\"1\" defer></script>\n</body>"
        ),
        "{html}"
    );
    let (status, script) = get(&format!("{}/_helpcenter/live.js", served.url));
    assert!(status == 200 && script.contains("EventSource"));

    let events = events(&served.url);
    let (name, first) = next_event(&events);
    assert_eq!(
        (name.as_str(), &first["site"]),
        ("built", &Value::from(1)),
        "a tab learns the current site at once"
    );

    // An edit: only that page changed.
    let text = std::fs::read_to_string(article(dir.path(), "reset-password.md")).unwrap();
    std::fs::write(
        article(dir.path(), "reset-password.md"),
        format!("{text}\nFreshly edited.\n"),
    )
    .unwrap();
    let (name, built) = next_event(&events);
    assert_eq!(name, "built");
    assert_eq!(built["site"], 2);
    assert_eq!(
        built["changed"],
        serde_json::json!(["/en/users/account/reset-password/"])
    );
    assert!(get(&page).1.contains("Freshly edited."));

    // A new file.
    std::fs::write(
        article(dir.path(), "new-article.md"),
        "---\ntitle: Brand new\n---\nHello.\n",
    )
    .unwrap();
    let (_, built) = next_event(&events);
    assert!(
        built["changed"]
            .as_array()
            .unwrap()
            .contains(&Value::from("/en/users/account/new-article/")),
        "{built}"
    );
    assert!(
        get(&format!("{}/en/users/account/new-article/", served.url))
            .1
            .contains("Brand new")
    );

    // A rename.
    std::fs::rename(
        article(dir.path(), "new-article.md"),
        article(dir.path(), "renamed-article.md"),
    )
    .unwrap();
    next_event(&events);
    assert_eq!(
        get(&format!("{}/en/users/account/new-article/", served.url)).0,
        404
    );
    assert_eq!(
        get(&format!("{}/en/users/account/renamed-article/", served.url)).0,
        200
    );

    // A deletion.
    std::fs::remove_file(article(dir.path(), "renamed-article.md")).unwrap();
    next_event(&events);
    assert_eq!(
        get(&format!("{}/en/users/account/renamed-article/", served.url)).0,
        404
    );
}

#[test]
fn a_content_error_keeps_the_last_good_site_and_shows_the_error() {
    let dir = workspace(&fixture("minimal"));
    let served = serve(dir.path());
    let events = events(&served.url);
    next_event(&events);
    let page = format!("{}/en/users/account/reset-password/", served.url);
    let good = get(&page).1;

    let path = article(dir.path(), "reset-password.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("title:", "titel:", 1)).unwrap();
    let (name, failed) = next_event(&events);
    assert_eq!(name, "failed");
    assert_eq!(failed["site"], 1, "the site before is still served");
    let message = failed["message"].as_str().unwrap();
    assert!(
        message.contains("content/en/users/account/reset-password.md:2")
            && message.contains("unknown field `titel`"),
        "{message}"
    );
    assert_eq!(get(&page), (200, good), "the last good page");
    let terminal: Vec<String> = std::iter::from_fn(|| served.stderr.recv_timeout(PATIENCE).ok())
        .take_while(|l| !l.starts_with("the site did not build"))
        .collect();
    assert!(
        terminal.iter().any(|l| l.contains("unknown field `titel`")),
        "{terminal:?}"
    );

    std::fs::write(&path, text).unwrap();
    let (name, built) = next_event(&events);
    assert_eq!((name.as_str(), &built["site"]), ("built", &Value::from(2)));
}

#[test]
fn the_ticket_form_works_locally() {
    let dir = workspace(&fixture("minimal"));
    let served = serve(dir.path());
    let ticket = serde_json::json!({
        "submission_id": "3b0f3c9e-3f4e-4a57-9a43-2f7f0d8f1c11",
        "language": "en", "audience": "users", "category": "account", "subcategory": "sign-in",
        "username": "", "email": "ada@example.org", "subject": "Cannot sign in since this morning",
        "description": "The sign-in page says my password is wrong, since this morning.",
        "page": "/en/users/account/reset-password/", "website": "", "elapsed_ms": 42000,
    });
    let (status, _) = post_ticket(&served.url, &ticket);
    assert_eq!(status, 201);
    let stored =
        std::fs::read_to_string(dir.path().join(".helpcenter/tickets/tickets.jsonl")).unwrap();
    assert_eq!(stored.lines().count(), 1);
}

/// A real PNG (1×1), the function's fixture.
const PNG: &[u8] = include_bytes!("../../function/tests/fixtures/pixel.png");

#[test]
fn serve_plays_the_uploads_bucket() {
    let dir = workspace(&fixture("minimal"));
    let served = serve(dir.path());
    let sid = "3b0f3c9e-3f4e-4a57-9a43-2f7f0d8f1c12";
    let ask = serde_json::json!({"submission_id": sid, "name": "shot.png", "size": PNG.len(), "type": "image/png"});
    let response = agent()
        .post(&format!("{}/api/uploads", served.url))
        .header("content-type", "application/json")
        .send(ask.to_string())
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let slot: Value = serde_json::from_reader(response.into_body().into_reader()).unwrap();
    let (url, key) = (slot["url"].as_str().unwrap(), slot["key"].as_str().unwrap());
    assert!(
        url.starts_with(&format!("{}/_helpcenter/uploads/pending/", served.url)),
        "{url}"
    );
    let put = |url: &str, content_type: &str, body: &[u8]| {
        let request = agent().put(url).header("content-type", content_type);
        request.send(body).unwrap().status().as_u16()
    };
    // The slot takes exactly the signed length and type, and only at its own key.
    assert_eq!(put(url, "image/png", b"short"), 400);
    assert_eq!(put(url, "text/html", PNG), 400);
    assert_eq!(
        put(&url.replace("shot.png", "other.png"), "image/png", PNG),
        403
    );
    assert_eq!(put(url, "image/png", PNG), 200);
    let ticket = serde_json::json!({
        "submission_id": sid, "language": "en", "audience": "users", "category": "account",
        "subcategory": "sign-in", "email": "ada@example.org",
        "subject": "Cannot sign in since this morning",
        "description": "The sign-in page says my password is wrong, since this morning.",
        "attachments": [key], "elapsed_ms": 42000,
    });
    let (status, answer) = post_ticket(&served.url, &ticket);
    assert_eq!(status, 201, "{answer}");
    let id = answer["ticket_id"].as_str().unwrap();
    let folder = dir.path().join(".helpcenter/uploads/tickets").join(id);
    let files: Vec<_> = walkdir::WalkDir::new(&folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(files.len(), 1, "{folder:?}");
    assert_eq!(std::fs::read(files[0].path()).unwrap(), PNG);
}

#[test]
fn serve_counts_feedback_with_the_functions_handler() {
    let dir = workspace(&fixture("minimal"));
    let served = serve(dir.path());
    let (status, contract) = get(&format!("{}/ticket-contract.json", served.url));
    assert_eq!(status, 200);
    let contract = ticket_function::contract::TicketContract::from_json(&contract).unwrap();
    let (category, slugs) = contract.feedback.pages["en"]
        .iter()
        .next()
        .expect("an article");
    let page = format!("{category}{}/", slugs.iter().next().unwrap());
    let post = |content_type: &str, body: String| {
        let request = agent()
            .post(&format!("{}/api/feedback", served.url))
            .header("origin", &served.url)
            .header("content-type", content_type);
        request.send(body).unwrap()
    };
    let vote =
        serde_json::json!({"kind": "vote", "language": "en", "page": page, "helpful": "yes"});
    assert_eq!(
        post("application/json", vote.to_string()).status().as_u16(),
        204
    );
    let form = format!("kind=vote&language=en&page={page}&helpful=no&reason=unclear");
    let no_redirects = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build();
    let response = ureq::Agent::from(no_redirects)
        .post(&format!("{}/api/feedback", served.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .send(form)
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.ends_with(&format!("{page}#feedback-thanks")),
        "{location}"
    );
    let huge = format!(
        "{{\"kind\":\"search_miss\",\"query\":\"{}\"}}",
        "a".repeat(1 << 20)
    );
    assert_eq!(post("application/json", huge).status().as_u16(), 413);
    let counters = dir.path().join(".helpcenter/tickets/feedback.json");
    let counted: Value = serde_json::from_str(&std::fs::read_to_string(counters).unwrap()).unwrap();
    assert_eq!(counted["votes"][0]["yes"], 1);
    assert_eq!(counted["votes"][0]["reasons"]["unclear"], 1);
}

/// Posts `ticket` as JSON to the local endpoint from the site's origin: status and answer.
fn post_ticket(url: &str, ticket: &Value) -> (u16, Value) {
    let response = agent()
        .post(&format!("{url}/api/tickets"))
        .header("origin", url)
        .header("content-type", "application/json")
        .send(ticket.to_string())
        .unwrap();
    let status = response.status().as_u16();
    let answer = serde_json::from_reader(response.into_body().into_reader()).unwrap_or_default();
    (status, answer)
}

/// The `.eml` files of the outbox once `count` are there.
fn outbox(dir: &Path, count: usize) -> Vec<(String, Vec<u8>)> {
    let outbox = dir.join(".helpcenter/outbox");
    let started = std::time::Instant::now();
    loop {
        let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&outbox)
            .into_iter()
            .flatten()
            .map_while(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .filter(|(name, _)| name.ends_with(".eml"))
            .map(|(name, path)| (name, std::fs::read(path).unwrap_or_default()))
            .collect();
        if files.len() >= count || started.elapsed() > PATIENCE {
            return files;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_stored_ticket_sends_the_team_email_and_the_acknowledgement_to_the_outbox() {
    let dir = workspace(&fixture("minimal"));
    let served = serve_with(
        dir.path(),
        &[("QUEUE_ROUTES", r#"{"*": "team@tiny.example"}"#)],
    );
    let ticket = serde_json::json!({
        "submission_id": "7c1e2a9b-0d4f-4e5a-8b6c-9d0e1f2a3b4c",
        "language": "it", "audience": "users", "category": "account", "subcategory": "sign-in",
        "username": "Ada", "email": "ada@example.org", "subject": "Non riesco ad accedere da stamattina",
        "description": "La pagina di accesso dice che la password è sbagliata.",
        "page": "/it/users/account/reset-password/", "website": "", "elapsed_ms": 42000,
    });
    let (status, answer) = post_ticket(&served.url, &ticket);
    assert_eq!(status, 201);
    let id = answer["ticket_id"].as_str().unwrap();
    let mut files = outbox(dir.path(), 2);
    files.sort();
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, [format!("{id}.ack.eml"), format!("{id}.team.eml")]);
    let parse = |bytes| mail_parser::MessageParser::default().parse(bytes).unwrap();
    let first = |a: Option<&mail_parser::Address<'_>>| {
        a.and_then(|a| a.first()?.address().map(str::to_owned))
    };

    let ack = parse(&files[0].1);
    assert_eq!(first(ack.to()).as_deref(), Some("ada@example.org"));
    assert_eq!(first(ack.reply_to()).as_deref(), Some("team@tiny.example"));
    assert_eq!(
        ack.subject(),
        Some(format!("Abbiamo ricevuto la tua richiesta {id}").as_str())
    );
    let text = ack.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(text.starts_with("Ciao Ada,\n"), "{text}");
    assert!(
        text.contains("Oggetto: Non riesco ad accedere da stamattina"),
        "{text}"
    );
    assert!(
        !text.contains("password è sbagliata"),
        "never the description: {text}"
    );

    let team = parse(&files[1].1);
    assert_eq!(first(team.to()).as_deref(), Some("team@tiny.example"));
    assert_eq!(first(team.reply_to()).as_deref(), Some("ada@example.org"));
    let subject = format!("[{id}] Non riesco ad accedere da stamattina");
    assert_eq!(team.subject(), Some(subject.as_str()));
    let text = team.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.contains("Italiano (it)\nAnswer in Italiano"),
        "English labels, Italian stated: {text}"
    );
    assert!(
        text.contains("La pagina di accesso dice che la password è sbagliata."),
        "{text}"
    );
}

#[test]
fn a_site_that_never_built_says_so_and_recovers() {
    let dir = workspace(&fixture("broken/several-errors"));
    let served = serve(dir.path());
    let (status, html) = get(&format!("{}/en/", served.url));
    assert_eq!(status, 503);
    assert!(
        html.contains("data-site=\"0\""),
        "the page still follows the builds: {html}"
    );
    let events = events(&served.url);
    let (name, failed) = next_event(&events);
    assert_eq!(
        (name.as_str(), &failed["site"]),
        ("failed", &Value::from(0))
    );

    // Fix both errors: the first good build is served.
    let account = dir.path().join("content/en/users/account");
    let email = std::fs::read_to_string(account.join("change-email.md")).unwrap();
    std::fs::write(
        account.join("change-email.md"),
        email
            .lines()
            .filter(|l| !l.starts_with("author:"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let reset = std::fs::read_to_string(account.join("reset-password.md")).unwrap();
    std::fs::write(
        account.join("reset-password.md"),
        reset.replace("change-mail.md", "change-email.md"),
    )
    .unwrap();
    let built = loop {
        let (name, data) = next_event(&events);
        if name == "built" {
            break data;
        }
    };
    assert_eq!(built["site"], 1);
    assert_eq!(get(&format!("{}/en/", served.url)).0, 200);
}
