//! The ticket worker against moto's DynamoDB, DynamoDB Streams and SES v2 (started by
//! `tests/run`): tickets go in through the real `DynamoStore`, the table's stream records come
//! back from the Streams API and reach the worker as the Lambda event carries them, the tickets'
//! files live in moto's S3, and the emails are read back from what SES accepted.

mod support;

use std::time::{Duration, Instant};

use mail_parser::MimeHeaders;
use serde_json::json;
use support::worker::{
    body, deliver, download, env, failures, first, header_names, new_ticket, one, parse, sent,
    setup, ticket_sequences,
};
use support::{unique, CLOSED, FALLBACK, SENDER};
use ticket_function::aws::aws_sdk_dynamodb::types::AttributeValue;
use ticket_function::aws::{SesMailer, PARTITION_KEY};
use ticket_function::contract::MIB;
use ticket_function::mail::{Email, MailError};
use ticket_function::testing::{attach, PNG};
use ticket_function::ticket::ArrivedVia;
use ticket_function::worker::WorkerSettings;
use ticket_function::{FileSpool, Mailer, MemorySpool, Spool, SpoolEntry, TicketStore};

#[tokio::test]
async fn the_team_email_has_every_field_and_goes_to_the_queue_route() {
    let mut s = setup().await;
    let routes = r#"{"billing": "billing-team@example.com", "*": "everyone@example.com"}"#;
    let worker = s.worker(s.mailer(None), MemorySpool::new(), s.config(Some(routes)));
    let mut billing = new_ticket("Refund for order 77 missing");
    billing.username = Some("ada".into());
    billing.page = Some("/en/users/billing/refunds/".into());
    let mut general = new_ticket("An idea for the editor");
    (general.audience, general.category, general.subcategory) =
        ("creators".into(), "feedback".into(), None);
    general.queue = "general".into();
    general.language = "it".into();
    s.put(&billing).await;
    s.put(&general).await;
    assert_eq!(
        failures(&deliver(&worker, s.reader.next_event()).await),
        Vec::<&str>::new()
    );

    let raw = one(&billing.ticket_id, "team");
    let email = parse(&raw);
    assert_eq!(
        first(email.to()).as_deref(),
        Some("billing-team@example.com")
    );
    assert_eq!(first(email.from()).as_deref(), Some(SENDER));
    assert_eq!(first(email.reply_to()).as_deref(), Some("ada@example.org"));
    let subject = format!("[{}] Refund for order 77 missing", billing.ticket_id);
    assert_eq!(email.subject(), Some(subject.as_str()));
    let expected = format!(
        "Occupation: Users (users)\n\
         Category: Billing › Refunds (billing › refunds)\n\
         Language: English (en)\n\
         Answer in English: the person wrote in that language.\n\
         Page: /en/users/billing/refunds/\n\
         Username: ada\n\
         Email: ada@example.org\n\
         Received at: {}\n\
         \n\
         Message:\n\
         Charged twice for order 77.\nThe second charge = 9,99 € — please refund.\n",
        billing.received_at
    );
    assert_eq!(body(&raw), expected);

    let raw = one(&general.ticket_id, "team");
    assert_eq!(
        first(parse(&raw).to()).as_deref(),
        Some("everyone@example.com"),
        "the \"*\" route"
    );
    let text = body(&raw);
    assert!(text.contains("Category: Feedback (feedback)\n"), "{text}");
    assert!(
        text.contains("Language: Italiano (it)\nAnswer in Italiano:"),
        "{text}"
    );

    // QUEUE_ROUTES unset: every queue to FALLBACK_EMAIL.
    let unrouted = s.worker(s.mailer(None), MemorySpool::new(), s.config(None));
    let t = new_ticket("Unrouted");
    s.put(&t).await;
    deliver(&unrouted, s.reader.next_event()).await;
    assert_eq!(
        first(parse(&one(&t.ticket_id, "team")).to()).as_deref(),
        Some(FALLBACK)
    );
}

#[tokio::test]
async fn the_acknowledgement_speaks_the_ticket_language_without_the_description() {
    let mut s = setup().await;
    let routes = r#"{"*": "billing-team@example.com"}"#;
    let worker = s.worker(s.mailer(None), MemorySpool::new(), s.config(Some(routes)));
    let mut en = new_ticket("Refund missing");
    en.username = Some("Ada".into());
    let mut ar = new_ticket("لم يصل المبلغ المسترد");
    ar.language = "ar".into();
    ar.email = Some("layla@example.org".into());
    s.put(&en).await;
    s.put(&ar).await;
    deliver(&worker, s.reader.next_event()).await;

    let raw = one(&en.ticket_id, "ack");
    let email = parse(&raw);
    assert_eq!(first(email.to()).as_deref(), Some("ada@example.org"));
    assert_eq!(first(email.from()).as_deref(), Some(SENDER));
    assert_eq!(
        first(email.reply_to()).as_deref(),
        Some("billing-team@example.com")
    );
    let subject = format!("We received your request {}", en.ticket_id);
    assert_eq!(email.subject(), Some(subject.as_str()));
    let text = body(&raw);
    for line in [
        "Hello Ada,\n",
        &format!("Your ticket number: {}\n", en.ticket_id),
        "Subject: Refund missing\n",
        "We usually answer within 24 hours.\n",
        "Support hours (Europe/Rome):\nMonday–Friday 09:00–18:00\n",
        "How we handle your data: https://lumen.example/privacy\n",
        "The Lumen Help Center support team\n",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }

    let raw = one(&ar.ticket_id, "ack");
    let email = parse(&raw);
    assert_eq!(first(email.to()).as_deref(), Some("layla@example.org"));
    let subject = format!("لقد تلقّينا طلبك {}", ar.ticket_id);
    assert_eq!(email.subject(), Some(subject.as_str()));
    let text = body(&raw);
    assert!(
        text.starts_with("مرحبًا،\n"),
        "no username: the plain greeting: {text}"
    );
    assert!(
        text.contains(&format!("رقم تذكرتك: {}", ar.ticket_id)),
        "{text}"
    );
    assert!(
        text.contains("لم يصل المبلغ المسترد") && text.contains("السبت, الأحد 10:00–14:00"),
        "{text}"
    );
    for text in [body(&one(&en.ticket_id, "ack")), text] {
        assert!(
            !text.contains("Charged twice") && !text.contains("9,99"),
            "never the description"
        );
        assert_eq!(
            text.matches("://").count(),
            1,
            "the privacy link only: {text}"
        );
    }
}

#[tokio::test]
async fn subject_username_and_email_cannot_add_headers_to_either_email() {
    let mut s = setup().await;
    let worker = s.worker(s.mailer(None), MemorySpool::new(), s.config(None));
    let evil = "\r\nBcc: victim@example.net\r\nX-Evil: 1";
    let mut named = new_ticket(&format!("Hi{evil}"));
    named.username = Some(format!("ada{evil}"));
    let mut addressed = new_ticket("Plain subject");
    addressed.email = Some(format!("ada@example.org{evil}"));
    s.put(&named).await;
    s.put(&addressed).await;
    deliver(&worker, s.reader.next_event()).await;

    let emails = [
        one(&named.ticket_id, "team"),
        one(&named.ticket_id, "ack"),
        one(&addressed.ticket_id, "team"),
    ];
    for raw in &emails {
        let names = header_names(raw);
        assert!(!names.iter().any(|n| n == "bcc" || n == "x-evil"), "{raw}");
        assert!(parse(raw).bcc().is_none());
    }
    let subject = parse(&emails[0]).subject().unwrap_or_default().to_owned();
    assert!(
        subject.contains("Bcc: victim@example.net"),
        "kept as text: {subject}"
    );
    assert_eq!(
        parse(&emails[2]).reply_to(),
        None,
        "not an address: no Reply-To"
    );
    assert!(
        sent(&addressed.ticket_id, "ack").is_empty(),
        "and no acknowledgement to it"
    );
}

#[tokio::test]
async fn the_same_record_twice_sends_nothing_the_second_time() {
    let mut s = setup().await;
    let worker = s.worker(s.mailer(None), MemorySpool::new(), s.config(None));
    let t = new_ticket("Twice");
    s.put(&t).await;
    let event = s.reader.next_event();
    for _ in 0..2 {
        assert!(failures(&deliver(&worker, event.clone()).await).is_empty());
    }
    // The claims' own MODIFY records come next: ignored.
    let claims = s.reader.next_event();
    assert!(!claims["Records"].as_array().expect("records").is_empty());
    assert!(failures(&deliver(&worker, claims).await).is_empty());
    assert_eq!(
        (
            sent(&t.ticket_id, "team").len(),
            sent(&t.ticket_id, "ack").len()
        ),
        (1, 1)
    );
    let item = s.item(&t.ticket_id).await;
    assert!(item.contains_key("team_notified_at") && item.contains_key("ack_notified_at"));
}

#[tokio::test]
async fn ses_down_fails_the_record_and_the_retry_sends_exactly_once() {
    let mut s = setup().await;
    let down = s.worker(s.mailer(Some(CLOSED)), MemorySpool::new(), s.config(None));
    let t = new_ticket("While SES is down");
    s.put(&t).await;
    let event = s.reader.next_event();
    let sequence = ticket_sequences(&event).remove(0);
    let started = Instant::now();
    let response = deliver(&down, event.clone()).await;
    assert_eq!(failures(&response), [sequence.as_str()]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !s.item(&t.ticket_id).await.contains_key("team_notified_at"),
        "claim withdrawn"
    );
    let up = s.worker(s.mailer(None), MemorySpool::new(), s.config(None));
    for _ in 0..2 {
        assert!(failures(&deliver(&up, event.clone()).await).is_empty());
    }
    assert_eq!(
        (
            sent(&t.ticket_id, "team").len(),
            sent(&t.ticket_id, "ack").len()
        ),
        (1, 1)
    );
}

/// SES, except for emails whose subject holds `FAIL`.
struct FailingFor(SesMailer);

impl Mailer for FailingFor {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        match email.subject.contains("FAIL") {
            true => Err(MailError::Unavailable("refused for the test".into())),
            false => self.0.send(email).await,
        }
    }
}

#[tokio::test]
async fn a_batch_reports_only_its_failed_records() {
    let mut s = setup().await;
    let worker = s.worker(
        FailingFor(s.mailer(None)),
        MemorySpool::new(),
        s.config(None),
    );
    let good = new_ticket("Good one");
    let failing = new_ticket("FAIL this one");
    let later = new_ticket("After the failures");
    for t in [&good, &failing, &later] {
        s.put(t).await;
    }
    let mut event = s.reader.next_event();
    let sequences = ticket_sequences(&event);
    let records = event["Records"].as_array_mut().expect("records");
    assert_eq!(sequences.len(), 3, "guards are in the stream too, ignored");
    // A ticket item that is not a ticket (no subject and more): failed, not dropped.
    let mut broken = records[records.len() - 1].clone();
    broken["dynamodb"]["NewImage"] =
        json!({"pk": {"S": "HC-000000000-0000"}, "queue": {"S": "billing"}});
    broken["dynamodb"]["Keys"] = json!({"pk": {"S": "HC-000000000-0000"}});
    broken["dynamodb"]["SequenceNumber"] = json!("999999999999999999999");
    records.insert(1, broken);
    let response = deliver(&worker, event).await;
    assert_eq!(
        failures(&response),
        ["999999999999999999999", sequences[1].as_str()]
    );
    for t in [&good, &later] {
        assert_eq!(
            (
                sent(&t.ticket_id, "team").len(),
                sent(&t.ticket_id, "ack").len()
            ),
            (1, 1)
        );
    }
    assert!(sent(&failing.ticket_id, "team").is_empty());
}

#[tokio::test]
async fn four_tickets_from_one_address_within_an_hour_get_three_acknowledgements() {
    let mut s = setup().await;
    let worker = s.worker(s.mailer(None), MemorySpool::new(), s.config(None));
    let address = format!("{}@example.org", unique("often"));
    let mut tickets = Vec::new();
    for n in 0..4 {
        let mut t = new_ticket(&format!("Question {n}"));
        // The counter goes by the address, whatever its case.
        t.email = Some(if n == 3 {
            address.to_uppercase()
        } else {
            address.clone()
        });
        s.put(&t).await;
        tickets.push(t);
    }
    assert!(failures(&deliver(&worker, s.reader.next_event()).await).is_empty());
    let acks: usize = tickets
        .iter()
        .map(|t| sent(&t.ticket_id, "ack").len())
        .sum();
    let teams: usize = tickets
        .iter()
        .map(|t| sent(&t.ticket_id, "team").len())
        .sum();
    assert_eq!((acks, teams), (3, 4));
    let counters = s
        .admin
        .scan()
        .table_name(&s.table)
        .send()
        .await
        .expect("scan");
    let counter = counters
        .items()
        .iter()
        .find(|i| {
            i[PARTITION_KEY]
                .as_s()
                .is_ok_and(|pk| pk.starts_with("ack#"))
        })
        .expect("a counter item");
    assert_eq!(counter["count"], AttributeValue::N("3".into()));
    assert!(counter.contains_key("expires_at"));
    let pk = counter[PARTITION_KEY].as_s().expect("pk");
    assert!(
        !pk.contains("often") && !pk.contains('@'),
        "never the address: {pk}"
    );
}

#[test]
fn an_invalid_queue_routes_is_a_start_up_error_naming_it() {
    for routes in [
        "not json",
        r#"{"billing": "nobody"}"#,
        r#"{"billing": "billing@example.com"}"#,
    ] {
        let mut vars = env("tickets");
        vars.insert("QUEUE_ROUTES".into(), routes.into());
        let message = WorkerSettings::from_map(&vars)
            .expect_err(routes)
            .to_string();
        assert!(message.contains("QUEUE_ROUTES"), "{message}");
    }
}

#[tokio::test]
async fn a_late_write_of_an_emailed_ticket_gets_only_its_acknowledgement() {
    let mut s = setup().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = s.config(None);
    config.spool_settle = Duration::from_millis(1_500);
    let worker = s.worker(
        s.mailer(None),
        FileSpool::open(dir.path()).expect("spool"),
        config,
    );
    let t = new_ticket("Written after the function gave up");
    s.put(&t).await;
    let event = s.reader.next_event();
    // The HTTP function spools after its fallback email: the entry lands while the worker waits.
    let spool = FileSpool::open(dir.path()).expect("spool");
    let entry = SpoolEntry {
        ticket: t.clone(),
        fallback_emailed: true,
    };
    let writer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        spool.put(&entry).await.expect("spooled");
    });
    let started = Instant::now();
    assert!(failures(&deliver(&worker, event).await).is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(1_000),
        "waited for the spool to settle"
    );
    writer.await.expect("writer");
    assert!(
        sent(&t.ticket_id, "team").is_empty(),
        "the team has it by the fallback email"
    );
    assert_eq!(sent(&t.ticket_id, "ack").len(), 1);
    assert_eq!(
        worker.spool.get(&t.ticket_id).await.expect("spool"),
        None,
        "entry cleared"
    );
    let stored = worker
        .store
        .get(&t.ticket_id)
        .await
        .expect("get")
        .expect("ticket");
    assert_eq!(stored.arrived_via, Some(ArrivedVia::Fallback));
    assert!(!s.item(&t.ticket_id).await.contains_key("team_notified_at"));
}

#[tokio::test]
async fn the_team_email_attaches_the_png_and_links_a_large_video_that_downloads() {
    let mut s = setup().await;
    let worker = s.worker(s.mailer(None), MemorySpool::new(), s.config(None));
    let mut t = new_ticket("Screenshot and recording");
    let video: Vec<u8> = (0..6 * MIB).map(|i| (i % 251) as u8).collect();
    let fixtures = s.patient_uploads();
    attach(&fixtures, &mut t, "Снимок экрана.png", PNG, "image/png").await;
    attach(
        &fixtures,
        &mut t,
        "recording.mp4",
        video.clone(),
        "video/mp4",
    )
    .await;
    t.attachments_failed = vec!["notes.pdf".into()];
    s.put(&t).await;
    assert!(failures(&deliver(&worker, s.reader.next_event()).await).is_empty());

    let raw = one(&t.ticket_id, "team");
    let email = parse(&raw);
    assert_eq!(email.attachment_count(), 1, "the PNG only");
    let png = email.attachment(0).expect("the PNG");
    assert_eq!(png.attachment_name(), Some("Снимок экрана.png"));
    assert_eq!(png.content_type().map(|c| c.subtype()), Some(Some("png")));
    assert_eq!(png.contents(), PNG);
    let text = body(&raw);
    let mut lines = text.lines().skip_while(|l| *l != "Attachments:").skip(1);
    assert_eq!(
        lines.next(),
        Some("- Снимок экрана.png (67 B, PNG): attached")
    );
    let linked = lines.next().unwrap_or_default();
    assert!(
        linked.starts_with("- recording.mp4 (6.0 MB, MP4): link valid until "),
        "{text}"
    );
    let url = lines.next().unwrap_or_default().trim();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("X-Amz-Expires=604800"),
        "{url}"
    );
    assert_eq!(lines.next(), Some("- notes.pdf: not received"));
    let url = url.to_owned();
    let (status, disposition, bytes) = tokio::task::spawn_blocking(move || download(&url))
        .await
        .expect("download");
    assert_eq!(status, 200);
    assert!(
        disposition.starts_with("attachment; filename=\"recording.mp4\""),
        "{disposition}"
    );
    assert!(bytes == video, "the link gives the file");
    assert!(
        sent(&t.ticket_id, "ack")[0]
            .matches("Content-Disposition")
            .count()
            == 0
    );
}
