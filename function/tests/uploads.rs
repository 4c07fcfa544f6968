//! Attachments end to end through the handler: upload slots, the browser's `PUT`, the checks on
//! submit, the move to `tickets/<ticket_id>/`, and every bad input of the issue. Each scenario
//! runs twice: in memory, and against moto's S3 and DynamoDB (presigned `PUT`s sent over HTTP).
//! Refused files leave nothing stored.

mod support;

use bytes::Bytes;
use http::StatusCode;
use serde_json::{json, Value};
use support::{
    body_json, fresh_resources, s3_admin, sdk_config, stack, stack_on, StackOptions, CLOSED, SITE,
};
use ticket_function::contract::MIB;
use ticket_function::testing::{memory_deps, valid_json, PNG};
use ticket_function::{handle, Clock, Deps, Mailer, Spool, TicketStore, Uploads};

/// A slot as the page gets it.
struct Slot {
    key: String,
    url: String,
    headers: Vec<(String, String)>,
}

/// What the browser does with a slot: one `PUT` of the bytes; its status.
trait Browser {
    fn put(&self, slot: &Slot, bytes: &[u8]) -> u16;
}

/// The browser of the memory scenarios writes straight into the memory bucket.
struct MemoryBrowser<'a>(&'a ticket_function::MemoryUploads);

impl Browser for MemoryBrowser<'_> {
    fn put(&self, slot: &Slot, bytes: &[u8]) -> u16 {
        let content_type = slot.headers.iter().find(|(k, _)| k == "content-type");
        let content_type = content_type.map_or("", |(_, v)| v.as_str());
        self.0.receive(&slot.key, bytes.to_vec(), content_type);
        200
    }
}

/// The browser of the moto scenarios sends the presigned request over HTTP.
struct HttpBrowser;

impl Browser for HttpBrowser {
    fn put(&self, slot: &Slot, bytes: &[u8]) -> u16 {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.put(&slot.url);
        for (name, value) in &slot.headers {
            request = request.header(name, value);
        }
        request.send(bytes).expect("moto answers").status().as_u16()
    }
}

fn post(path: &str, content_type: &str, body: impl Into<Bytes>) -> http::Request<Bytes> {
    http::Request::post(path)
        .header("content-type", content_type)
        .header("origin", SITE)
        .header("x-forwarded-for", "198.51.100.77")
        .body(body.into())
        .expect("a valid request")
}

async fn ask<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    submission_id: &str,
    name: &str,
    size: u64,
    content_type: &str,
) -> (StatusCode, Value) {
    let body =
        json!({"submission_id": submission_id, "name": name, "size": size, "type": content_type});
    let response = handle(post("/uploads", "application/json", body.to_string()), deps).await;
    (response.status(), body_json(&response))
}

/// A slot for `name`, then the browser's `PUT` of `bytes`: the key.
async fn upload<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    browser: &impl Browser,
    submission_id: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> String {
    let (status, answer) = ask(deps, submission_id, name, bytes.len() as u64, content_type).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let headers = answer["headers"].as_object().expect("headers");
    let slot = Slot {
        key: answer["key"].as_str().expect("key").to_owned(),
        url: answer["url"].as_str().expect("url").to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
    };
    assert!(
        slot.key.starts_with(&format!("pending/{submission_id}/")),
        "{}",
        slot.key
    );
    assert_eq!(browser.put(&slot, bytes), 200, "the PUT to {}", slot.url);
    slot.key
}

fn ticket_json(submission_id: &str, keys: &[&str]) -> Value {
    let mut body = valid_json();
    body["submission_id"] = submission_id.into();
    body["attachments"] = json!(keys);
    body
}

async fn submit<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    body: &Value,
) -> (StatusCode, Value) {
    let response = handle(post("/tickets", "application/json", body.to_string()), deps).await;
    (response.status(), body_json(&response))
}

/// Nothing of `submission_id` was stored: no ticket, no file under `tickets/`.
async fn nothing_stored<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    submission_id: &str,
) {
    let stored = deps
        .store
        .ticket_of_submission(submission_id)
        .await
        .unwrap();
    assert_eq!(stored, None, "no ticket for {submission_id}");
    assert_eq!(
        deps.uploads.list("tickets/").await.unwrap(),
        Vec::<String>::new()
    );
}

fn new_sid(name: &str) -> String {
    format!("sub-{name}-{}", support::unique("u").replace('-', ""))
}

/// The happy path: a PNG uploaded, the ticket sent, the file moved in and listed; a retry of the
/// same submission (its answer lost) is the same ticket.
async fn a_png_reaches_the_ticket<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    browser: &impl Browser,
) -> String {
    let sid = new_sid("png");
    let key = upload(deps, browser, &sid, "Screen Shot 1.png", "image/png", PNG).await;
    let log = upload(
        deps,
        browser,
        &sid,
        "app.log",
        "text/plain",
        b"12:00 sync failed\n",
    )
    .await;
    let (status, answer) = submit(deps, &ticket_json(&sid, &[&key, &log])).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert!(answer.get("attachments_failed").is_none());
    let id = answer["ticket_id"].as_str().unwrap().to_owned();
    let ticket = deps.store.get(&id).await.unwrap().expect("stored");
    let names: Vec<&str> = ticket.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Screen Shot 1.png", "app.log"]);
    let png = &ticket.attachments[0];
    assert!(
        png.key.starts_with(&format!("tickets/{id}/")),
        "{}",
        png.key
    );
    assert_eq!(
        (png.size, png.content_type.as_str()),
        (PNG.len() as u64, "image/png")
    );
    assert_eq!(
        &deps.uploads.get(&png.key).await.unwrap().expect("moved")[..],
        PNG
    );
    assert_eq!(ticket.attachments[1].content_type, "text/plain");
    let pending = deps.uploads.list(&format!("pending/{sid}/")).await.unwrap();
    assert!(pending.is_empty(), "pending uploads removed: {pending:?}");
    let (status, again) = submit(deps, &ticket_json(&sid, &[&key, &log])).await;
    assert_eq!(
        (status, again["ticket_id"].as_str()),
        (StatusCode::CREATED, Some(id.as_str()))
    );
    png.key.clone()
}

/// Files that claim to be images and are not, or are empty or too large once stored (the
/// signed length is not enforced by S3 or moto: the size is checked on submit).
async fn lying_files_are_refused<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    browser: &impl Browser,
) {
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "setup.png",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
            "unsupported_type",
        ),
        (
            "page.png",
            b"<!DOCTYPE html><html><body><script>alert(1)</script>",
            "unsupported_type",
        ),
        (
            "tool.png",
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00",
            "unsupported_type",
        ),
    ];
    for (name, bytes, code) in cases {
        let sid = new_sid("lie");
        let key = upload(deps, browser, &sid, name, "image/png", bytes).await;
        let (status, answer) = submit(deps, &ticket_json(&sid, &[&key])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {answer}");
        assert_eq!(answer["fields"]["attachments"], code, "{name}");
        assert_eq!(answer["files"][0]["name"], name);
        assert_eq!(answer["files"][0]["key"], key.as_str());
        nothing_stored(deps, &sid).await;
    }
    // A slot granted for 10 bytes, a 21 MiB body sent anyway; a slot for 1 byte, nothing sent.
    let sid = new_sid("size");
    let (_, answer) = ask(deps, &sid, "big.png", 10, "image/png").await;
    let slot = slot_of(&answer);
    let mut big = PNG.to_vec();
    big.resize((21 * MIB) as usize, 0);
    browser.put(&slot, &big);
    let (status, answer) = submit(deps, &ticket_json(&sid, &[&slot.key])).await;
    assert_eq!(
        (status, answer["fields"]["attachments"].as_str()),
        (StatusCode::BAD_REQUEST, Some("too_large"))
    );
    let (_, answer) = ask(deps, &sid, "empty.png", 1, "image/png").await;
    let slot = slot_of(&answer);
    browser.put(&slot, b"");
    let (status, answer) = submit(deps, &ticket_json(&sid, &[&slot.key])).await;
    assert_eq!(
        (status, answer["fields"]["attachments"].as_str()),
        (StatusCode::BAD_REQUEST, Some("empty_file"))
    );
    nothing_stored(deps, &sid).await;
}

fn slot_of(answer: &Value) -> Slot {
    Slot {
        key: answer["key"].as_str().expect("a slot").to_owned(),
        url: answer["url"].as_str().unwrap().to_owned(),
        headers: vec![("content-type".into(), "image/png".into())],
    }
}

/// Slots refused from what they claim; keys that are not this submission's uploads.
async fn bad_slots_and_keys<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: &Deps<S, M, P, U, C>,
    browser: &impl Browser,
) {
    let sid = new_sid("slot");
    let code = |answer: &Value| answer["fields"]["attachments"].as_str().map(str::to_owned);
    let refused = [
        ("big.mp4", 21 * MIB, "video/mp4", "too_large"),
        ("empty.txt", 0, "text/plain", "empty_file"),
        ("page.html", 100, "text/html", "unsupported_type"),
        (
            "setup.exe",
            100,
            "application/x-msdownload",
            "unsupported_type",
        ),
        ("../../etc/passwd", 100, "text/plain", "invalid_format"),
        ("a\r\nb.png", 100, "image/png", "control_chars"),
        ("invoice\u{202E}gnp.exe", 100, "image/png", "control_chars"),
    ];
    for (name, size, content_type, expected) in refused {
        let (status, answer) = ask(deps, &sid, name, size, content_type).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {answer}");
        assert_eq!(code(&answer).as_deref(), Some(expected), "{name}");
    }
    let (status, _) = ask(deps, "short", "a.png", 10, "image/png").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Ten uploads (five sent, five removed again on the page and replaced) fill a submission's
    // slots; six keys in a ticket are too many.
    let mut keys = Vec::new();
    for n in 0..10 {
        let name = format!("shot {n}.png");
        keys.push(upload(deps, browser, &sid, &name, "image/png", PNG).await);
    }
    let (status, answer) = ask(deps, &sid, "shot 10.png", 67, "image/png").await;
    assert_eq!(
        (status, code(&answer).as_deref()),
        (StatusCode::BAD_REQUEST, Some("too_many_files"))
    );
    keys.truncate(5);
    let mut six: Vec<&str> = keys.iter().map(String::as_str).collect();
    let other = new_sid("other");
    let foreign = upload(deps, browser, &other, "theirs.png", "image/png", PNG).await;
    six.push(&foreign);
    let (status, answer) = submit(deps, &ticket_json(&sid, &six)).await;
    assert_eq!(
        (status, code(&answer).as_deref()),
        (StatusCode::BAD_REQUEST, Some("too_many_files"))
    );
    // Another submission's upload, a ticket's file, a made-up key: missing from this submission.
    let made_up = format!("pending/{sid}/0123456789/never.png");
    for key in [
        foreign.as_str(),
        "tickets/HC-1/0123456789/x.png",
        made_up.as_str(),
    ] {
        let (status, answer) = submit(deps, &ticket_json(&sid, &[keys[0].as_str(), key])).await;
        assert_eq!(
            (status, code(&answer).as_deref()),
            (StatusCode::BAD_REQUEST, Some("upload_missing")),
            "{key}"
        );
        assert_eq!(answer["files"][0]["key"], key);
    }
    nothing_stored(deps, &sid).await;
}

macro_rules! both {
    ($($scenario:ident),* $(,)?) => {
        mod in_memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $scenario() {
                    let deps = memory_deps(0);
                    super::$scenario(&deps, &MemoryBrowser(&deps.uploads)).await;
                    assert!(deps.mailer.sent().is_empty(), "nothing emailed by the handler");
                }
            )*
        }
        mod against_moto {
            use super::*;
            $(
                #[tokio::test]
                async fn $scenario() {
                    let (deps, _, _) = stack(StackOptions::default()).await;
                    super::$scenario(&deps, &HttpBrowser).await;
                }
            )*
        }
    };
}

both!(
    a_png_reaches_the_ticket,
    lying_files_are_refused,
    bad_slots_and_keys
);

/// In S3 the moved file carries the sniffed type and downloads as an attachment, whatever the
/// browser claimed.
#[tokio::test]
async fn moved_files_are_stored_as_attachments_in_s3() {
    let resources = fresh_resources().await;
    let deps = stack_on(StackOptions::default(), &resources).await;
    let key = a_png_reaches_the_ticket(&deps, &HttpBrowser).await;
    let admin = s3_admin(&sdk_config().await);
    let head = admin
        .head_object()
        .bucket(&resources.bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("image/png"));
    let disposition = head.content_disposition().unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Screen%20Shot%201%2Epng"),
        "{disposition}"
    );
}

/// A multipart body as a browser sends the form without JavaScript.
fn multipart(fields: &Value, files: &[(&str, &[u8])]) -> Bytes {
    let mut out = Vec::new();
    for (name, value) in fields.as_object().unwrap() {
        if let Some(value) = value.as_str() {
            let part = format!(
                "--B0undary\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            );
            out.extend_from_slice(part.as_bytes());
        }
    }
    for (name, bytes) in files {
        let head = format!("--B0undary\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n");
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--B0undary--\r\n");
    Bytes::from(out)
}

const MULTIPART: &str = "multipart/form-data; boundary=B0undary";

fn form_fields() -> Value {
    let mut fields = valid_json();
    let object = fields.as_object_mut().unwrap();
    object.remove("submission_id");
    object.remove("elapsed_ms");
    fields
}

fn location(response: &http::Response<Bytes>) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_form_without_javascript_posts_its_files() {
    let deps = memory_deps(0);
    let body = multipart(
        &form_fields(),
        &[("shot.png", PNG), ("notes.txt", b"steps: 1, 2")],
    );
    let to = location(&handle(post("/tickets", MULTIPART, body), &deps).await);
    assert!(to.contains("/en/contact/thanks/?ticket=HC-"), "{to}");
    let id = to
        .split("ticket=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let ticket = deps.store.get(id).await.unwrap().expect("stored");
    assert_eq!(ticket.attachments.len(), 2);
    assert_eq!(
        ticket.attachments[1].content_type, "text/plain",
        "judged by its bytes"
    );
    let stored = deps.uploads.file(&ticket.attachments[0].key).expect("kept");
    assert_eq!(
        (&stored.bytes[..], stored.content_type.as_str()),
        (PNG, "image/png")
    );
}

#[tokio::test]
async fn bad_multipart_posts_go_back_to_the_form_with_a_code() {
    let deps = memory_deps(0);
    let mut big = PNG.to_vec();
    big.resize((4 * MIB) as usize + 1, 0);
    let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("a.png", PNG)).collect();
    let exe: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00";
    let cases: Vec<(String, Bytes, &str)> = vec![
        (
            MULTIPART.into(),
            multipart(&form_fields(), &[("setup.png", exe)]),
            "attachments%3Aunsupported_type",
        ),
        (
            MULTIPART.into(),
            multipart(&form_fields(), &[("empty.png", b"")]),
            "attachments%3Aempty_file",
        ),
        (
            MULTIPART.into(),
            multipart(&form_fields(), &six),
            "attachments%3Atoo_many_files",
        ),
        (
            MULTIPART.into(),
            multipart(&form_fields(), &[("big.png", &big)]),
            "attachments%3Atoo_large",
        ),
        // A raw control character breaks the part's header; a bidi override is the name's fault.
        (
            MULTIPART.into(),
            multipart(&form_fields(), &[("a\u{7}.png", PNG)]),
            "form%3Amalformed",
        ),
        (
            MULTIPART.into(),
            multipart(&form_fields(), &[("invoice\u{202E}gnp.png", PNG)]),
            "attachments%3Acontrol_chars",
        ),
        (
            "multipart/form-data".into(),
            multipart(&form_fields(), &[]),
            "form%3Amalformed",
        ),
        (
            MULTIPART.into(),
            multipart(&form_fields(), &[("shot.png", PNG)]).slice(..400),
            "form%3Amalformed",
        ),
        (
            MULTIPART.into(),
            multipart(&form_fields(), &vec![("t.txt", &b"x"[..]); 10_000]),
            "form%3Amalformed",
        ),
    ];
    for (content_type, body, code) in cases {
        let to = location(&handle(post("/tickets", &content_type, body), &deps).await);
        assert!(
            to.contains("/en/contact/?") && to.contains(code),
            "{code}: {to}"
        );
    }
    assert!(deps.store.is_empty());
    assert!(deps.uploads.keys().is_empty(), "{:?}", deps.uploads.keys());
    assert!(deps.mailer.sent().is_empty());
}

/// The bucket down: no slots (503 with the fallback address), and a ticket whose files cannot be
/// checked is still stored, its files named as not received, and the person is told.
#[tokio::test]
async fn a_bucket_outage_never_costs_the_ticket() {
    let deps = memory_deps(0);
    let sid = new_sid("down");
    let key = upload(
        &deps,
        &MemoryBrowser(&deps.uploads),
        &sid,
        "shot.png",
        "image/png",
        PNG,
    )
    .await;
    deps.uploads.set_failing(true);
    let (status, answer) = ask(&deps, &sid, "more.png", 67, "image/png").await;
    assert_eq!(
        (status, answer["fallback_email"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("support@example.com"))
    );
    let (status, answer) = submit(&deps, &ticket_json(&sid, &[&key])).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["attachments_failed"], json!(["shot.png"]));
    let ticket = deps
        .store
        .get(answer["ticket_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(ticket.attachments.is_empty());
    assert_eq!(ticket.attachments_failed, ["shot.png"]);
    let body = multipart(&form_fields(), &[("shot.png", PNG)]);
    let to = location(&handle(post("/tickets", MULTIPART, body), &deps).await);
    assert!(
        to.contains("/thanks/?ticket=") && to.ends_with("&attachments_failed=1"),
        "{to}"
    );
}

#[tokio::test]
async fn no_slot_from_an_unreachable_bucket_in_time() {
    let options = StackOptions {
        s3_endpoint: Some(CLOSED.into()),
        ..StackOptions::default()
    };
    let resources = fresh_resources().await;
    let deps = stack_on(options, &resources).await;
    let started = std::time::Instant::now();
    let (status, _) = ask(&deps, &new_sid("closed"), "shot.png", 67, "image/png").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < deps.config.uploads_timeout * 2,
        "{:?}",
        started.elapsed()
    );
}

/// The template's lifecycle rules and CORS rule, given to moto's S3 as CloudFormation would:
/// S3 takes them, and reads back pending uploads expiring after a day.
#[tokio::test]
async fn the_templates_bucket_rules_are_valid_s3_configuration() {
    use ticket_function::aws::aws_sdk_s3::types::{
        BucketLifecycleConfiguration, CorsConfiguration, CorsRule, ExpirationStatus,
        LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
    };
    let template = support::template();
    let bucket = &template["Resources"]["UploadsBucket"]["Properties"];
    let days_default = template["Parameters"]["TicketRetentionDays"]["Default"].as_i64();
    let rules = bucket["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .unwrap();
    let rules: Vec<LifecycleRule> = rules
        .iter()
        .map(|rule| {
            let days = rule["ExpirationInDays"].as_i64().or(days_default).unwrap();
            LifecycleRule::builder()
                .id(rule["Id"].as_str().unwrap())
                .status(ExpirationStatus::Enabled)
                .filter(
                    LifecycleRuleFilter::builder()
                        .prefix(rule["Prefix"].as_str().unwrap())
                        .build(),
                )
                .expiration(LifecycleExpiration::builder().days(days as i32).build())
                .build()
                .unwrap()
        })
        .collect();
    let cors = &bucket["CorsConfiguration"]["CorsRules"][0];
    let cors = CorsRule::builder()
        .allowed_origins(SITE)
        .set_allowed_methods(Some(strings(&cors["AllowedMethods"])))
        .set_allowed_headers(Some(strings(&cors["AllowedHeaders"])))
        .max_age_seconds(cors["MaxAge"].as_i64().unwrap() as i32)
        .build()
        .unwrap();
    let resources = fresh_resources().await;
    let admin = s3_admin(&sdk_config().await);
    let name = resources.bucket.as_str();
    let lifecycle = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .unwrap();
    admin
        .put_bucket_lifecycle_configuration()
        .bucket(name)
        .lifecycle_configuration(lifecycle)
        .send()
        .await
        .unwrap();
    let cors = CorsConfiguration::builder()
        .cors_rules(cors)
        .build()
        .unwrap();
    admin
        .put_bucket_cors()
        .bucket(name)
        .cors_configuration(cors)
        .send()
        .await
        .unwrap();
    let read = admin
        .get_bucket_lifecycle_configuration()
        .bucket(name)
        .send()
        .await
        .unwrap();
    let pending = read
        .rules()
        .iter()
        .find(|r| r.id() == Some("pending-uploads"))
        .expect("the pending rule");
    assert_eq!(pending.expiration().and_then(|e| e.days()), Some(1));
    let read = admin.get_bucket_cors().bucket(name).send().await.unwrap();
    assert_eq!(read.cors_rules()[0].allowed_methods(), ["PUT"]);
    assert_eq!(read.cors_rules()[0].allowed_origins(), [SITE]);
}

fn strings(value: &serde_norway::Value) -> Vec<String> {
    let list = value.as_sequence().expect("a list");
    list.iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// S3's slot signs the length and type (a browser sending other ones is refused by S3 itself);
/// the page gets the headers it must send, never `host` or `content-length`, which it may not set.
#[tokio::test]
async fn an_s3_slot_signs_length_and_type() {
    let (deps, _, _) = stack(StackOptions::default()).await;
    let (status, answer) = ask(&deps, &new_sid("sig"), "shot.png", 67, "image/png").await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let url = answer["url"].as_str().unwrap();
    let signed = url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("X-Amz-SignedHeaders="))
        .expect("a presigned URL");
    let signed = signed.replace("%3B", ";");
    let signed: Vec<&str> = signed.split(';').collect();
    assert!(
        signed.contains(&"content-length") && signed.contains(&"content-type"),
        "{signed:?}"
    );
    assert_eq!(answer["headers"], json!({"content-type": "image/png"}));
    assert!(url.contains("X-Amz-Expires=900"), "{url}");
}
