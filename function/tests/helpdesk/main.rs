//! `helpdesk`'s commands against both stores it runs on, with the same test bodies: DynamoDB and
//! S3 in moto (started by `tests/run`) and `helpcenter serve`'s state folder (files).

mod stores;
#[path = "../support/mod.rs"]
mod support;

use stores::{DiesAfter, Files, Moto, Stores};

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use support::{clients, fresh_resources, StackOptions};
use ticket_function::aws::aws_sdk_dynamodb;
use ticket_function::helpdesk::erase::erase;
use ticket_function::helpdesk::export::{export, ExportFormat};
use ticket_function::helpdesk::feedback::{feedback, write_feedback};
use ticket_function::helpdesk::queue::queue;
use ticket_function::helpdesk::show::show;
use ticket_function::helpdesk::status::set_status;
use ticket_function::helpdesk::table::Format;
use ticket_function::helpdesk::{replay, Desk, DeskError};
use ticket_function::store::{Feedback, FeedbackFilter, StatusChange, TicketFilter};
use ticket_function::testing::{ticket, PNG};
use ticket_function::uploads::{pending_prefix, ticket_key};
use ticket_function::{
    Attachment, DeskStore, FeedbackStore, Notice, NoticeStore, Spool, SpoolEntry, Ticket,
    TicketStore, Uploads,
};

/// Each case twice: `<case>_moto` and `<case>_files`.
macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod moto {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $case() {
                super::$case::<super::Moto>().await;
            })*
        }
        mod files {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $case() {
                super::$case::<super::Files>().await;
            })*
        }
    };
}

both!(
    a_queue_is_worked_oldest_first,
    show_tells_everything_with_fresh_links,
    close_and_reopen_are_conditional,
    export_filters_and_streams,
    export_while_tickets_are_written,
    erase_removes_everything_of_an_address_once,
    an_interrupted_erase_finishes_when_run_again,
    replay_moves_the_spool_in,
    feedback_ranks_articles_and_missed_searches,
);

/// A ticket from `email`, `n` minutes into 2025 (so ids and times sort alike).
fn numbered(n: u32, queue: &str, email: &str) -> Ticket {
    let mut t = ticket(
        &format!("HC-0000000{n:02}-AAAA"),
        &format!("sub-{}-{n:04}", queue),
        queue,
        &format!("2025-01-01T00:{n:02}:00.000Z"),
    );
    t.email = Some(email.into());
    t
}

async fn put_all<S: TicketStore>(store: &S, tickets: &[Ticket]) {
    for t in tickets {
        store.put(t).await.expect("stored");
    }
}

fn ids(tickets: &[Ticket]) -> Vec<&str> {
    tickets.iter().map(|t| t.ticket_id.as_str()).collect()
}

async fn a_queue_is_worked_oldest_first<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let mut closed = numbered(1, "billing", "a@example.org");
    closed.status = "closed".into();
    let tickets = [
        numbered(3, "billing", "a@example.org"),
        closed,
        numbered(2, "billing", "b@example.org"),
        numbered(4, "other", "a@example.org"),
    ];
    put_all(&desk.store, &tickets).await;
    let open = queue(&desk.store, "billing", Some("open"), 10)
        .await
        .unwrap();
    assert_eq!(ids(&open), ["HC-000000002-AAAA", "HC-000000003-AAAA"]);
    let all = queue(&desk.store, "billing", None, 10).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].ticket_id, "HC-000000001-AAAA");
    let first = queue(&desk.store, "billing", None, 1).await.unwrap();
    assert_eq!(ids(&first), ["HC-000000001-AAAA"]);
    let billing = TicketFilter {
        queue: Some("billing".into()),
        ..TicketFilter::default()
    };
    let page = desk.store.page(&billing, None, 2).await.unwrap();
    let rest = desk
        .store
        .page(&billing, page.next.as_deref(), 2)
        .await
        .unwrap();
    assert_eq!(
        page.tickets.len() + rest.tickets.len(),
        3,
        "pages cover the queue"
    );
    let none_closed = queue(&desk.store, "other", Some("closed"), 10)
        .await
        .unwrap();
    assert!(none_closed.is_empty(), "a known queue may be empty");
    let unknown = queue(&desk.store, "biling", None, 10).await.unwrap_err();
    assert!(matches!(unknown, DeskError::UnknownQueue(q) if q == "biling"));
}

async fn show_tells_everything_with_fresh_links<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let mut t = numbered(1, "billing", "a@example.org");
    let key = ticket_key(&t.ticket_id, "0123456789", "shot.png");
    desk.uploads
        .put(&key, Bytes::from_static(PNG), "image/png", "shot.png")
        .await
        .unwrap();
    t.attachments.push(Attachment {
        key: key.clone(),
        name: "shot.png".into(),
        size: PNG.len() as u64,
        content_type: "image/png".into(),
    });
    t.arrived_via = Some(ticket_function::ticket::ArrivedVia::Fallback);
    desk.store.put(&t).await.unwrap();
    let at = "2025-01-01T00:01:20.000Z";
    assert!(desk
        .store
        .claim_notice(&t.ticket_id, Notice::Team, at)
        .await
        .unwrap());
    let shown = show(&desk, "hc-000000001-aaaa").await.unwrap();
    assert_eq!(shown.ticket, t);
    assert_eq!(shown.arrived, "fallback");
    assert_eq!(shown.claims.team_notified_at.as_deref(), Some(at));
    assert_eq!(shown.claims.ack_notified_at, None);
    let url = shown.links[0].url.as_deref().expect("a link");
    assert!(url.contains("shot.png"), "{url}");
    let json = serde_json::to_value(&shown).unwrap();
    assert_eq!(json["team_notified_at"], at);
    assert_eq!(json["subject"], t.subject);
    let missing = show(&desk, "HC-000000009-ZZZZ").await.unwrap_err();
    assert!(matches!(missing, DeskError::UnknownTicket(_)), "{missing}");
    let nonsense = show(&desk, "ticket 12").await.unwrap_err();
    assert!(matches!(nonsense, DeskError::NotATicketId(_)), "{nonsense}");
}

async fn close_and_reopen_are_conditional<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let t = numbered(1, "billing", "a@example.org");
    desk.store.put(&t).await.unwrap();
    let (id, change) = set_status(&desk.store, &t.ticket_id, "closed")
        .await
        .unwrap();
    assert_eq!(
        (id.as_str(), change),
        (
            t.ticket_id.as_str(),
            StatusChange::Changed {
                from: "open".into()
            }
        )
    );
    let (_, again) = set_status(&desk.store, &t.ticket_id, "closed")
        .await
        .unwrap();
    assert_eq!(again, StatusChange::Unchanged);
    let stored = desk.store.get(&t.ticket_id).await.unwrap().unwrap();
    assert_eq!(stored.status, "closed");
    assert_eq!(
        Ticket {
            status: "open".into(),
            ..stored
        },
        t,
        "only the status changed"
    );
    let (_, reopened) = set_status(&desk.store, &t.ticket_id, "open").await.unwrap();
    assert_eq!(
        reopened,
        StatusChange::Changed {
            from: "closed".into()
        }
    );
    let unknown = set_status(&desk.store, "HC-000000009-ZZZZ", "closed")
        .await
        .unwrap_err();
    assert!(matches!(unknown, DeskError::UnknownTicket(_)));
    let guard = format!("submission#{}", t.submission_id);
    assert!(
        set_status(&desk.store, &guard, "closed").await.is_err(),
        "guards are not tickets"
    );
}

async fn export_filters_and_streams<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let mut hostile = numbered(3, "billing", "a@example.org");
    hostile.subject = "=cmd|' /C calc'!A0".into();
    let tickets = [
        numbered(1, "billing", "a@example.org"),
        numbered(2, "other", "b@example.org"),
        hostile,
    ];
    put_all(&desk.store, &tickets).await;
    let lines = |out: Vec<u8>| -> Vec<Ticket> {
        let text = String::from_utf8(out).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).expect("a ticket per line"))
            .collect()
    };
    let mut out = Vec::new();
    let all = TicketFilter::default();
    assert_eq!(
        export(&desk.store, &all, ExportFormat::Jsonl, &mut out)
            .await
            .unwrap(),
        3
    );
    let mut exported = lines(out);
    exported.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id));
    assert_eq!(exported, tickets.to_vec(), "every ticket, every field");
    let since = TicketFilter {
        since: Some("2025-01-01T00:02:00.000Z".into()),
        queue: Some("billing".into()),
        ..TicketFilter::default()
    };
    let mut out = Vec::new();
    export(&desk.store, &since, ExportFormat::Jsonl, &mut out)
        .await
        .unwrap();
    assert_eq!(ids(&lines(out)), ["HC-000000003-AAAA"]);
    let mut out = Vec::new();
    export(&desk.store, &all, ExportFormat::Csv, &mut out)
        .await
        .unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert_eq!(csv.matches("\r\n").count(), 4, "a header and 3 rows");
    assert!(csv.contains("\"'=cmd|' /C calc'!A0\""), "{csv}");
}

async fn export_while_tickets_are_written<T: Stores>() {
    let stores = T::fresh().await;
    let desk = Arc::new(stores.desk().await);
    let before: Vec<Ticket> = (1..=30)
        .map(|n| numbered(n, "billing", "a@example.org"))
        .collect();
    put_all(&desk.store, &before).await;
    let writer = {
        let desk = Arc::clone(&desk);
        tokio::spawn(async move {
            let during: Vec<Ticket> = (31..=70)
                .map(|n| numbered(n, "billing", "b@example.org"))
                .collect();
            put_all(&desk.store, &during).await;
        })
    };
    let mut out = Vec::new();
    let count = export(
        &desk.store,
        &TicketFilter::default(),
        ExportFormat::Jsonl,
        &mut out,
    )
    .await
    .unwrap();
    writer.await.unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut seen: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Ticket>(l)
                .expect("whole tickets only")
                .ticket_id
        })
        .collect();
    assert_eq!(seen.len(), count);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), count, "no ticket twice");
    for t in &before {
        assert!(
            seen.contains(&t.ticket_id),
            "{} stored before the export",
            t.ticket_id
        );
    }
}

/// Two tickets and a spooled one of ada (files under each ticket and a submission), one of bob.
async fn ada_and_bob<S: DeskStore, P: Spool, U: Uploads>(desk: &Desk<S, P, U>) -> Vec<String> {
    let ada = "ada@example.org";
    let tickets = [
        numbered(1, "billing", ada),
        numbered(2, "other", "Ada@Example.org"),
        numbered(3, "billing", "bob@example.org"),
    ];
    put_all(&desk.store, &tickets).await;
    let spooled = numbered(4, "billing", ada);
    let entry = SpoolEntry {
        ticket: spooled.clone(),
        fallback_emailed: true,
    };
    desk.spool.put(&entry).await.unwrap();
    let mut keys = Vec::new();
    for t in [&tickets[0], &tickets[1], &spooled, &tickets[2]] {
        keys.push(ticket_key(&t.ticket_id, "0123456789", "shot.png"));
        keys.push(format!(
            "{}0123456789/left.png",
            pending_prefix(&t.submission_id)
        ));
    }
    for key in &keys {
        desk.uploads
            .put(key, Bytes::from_static(PNG), "image/png", "shot.png")
            .await
            .unwrap();
    }
    keys.truncate(6); // bob's are the last two
    keys
}

async fn nothing_of_ada_is_left<S: DeskStore, P: Spool, U: Uploads>(
    desk: &Desk<S, P, U>,
    keys: &[String],
) {
    for n in [1, 2] {
        let t = numbered(n, "x", "");
        assert_eq!(desk.store.get(&t.ticket_id).await.unwrap(), None);
    }
    for sub in ["sub-billing-0001", "sub-other-0002"] {
        assert_eq!(
            desk.store.ticket_of_submission(sub).await.unwrap(),
            None,
            "guard {sub}"
        );
    }
    assert!(!desk
        .spool
        .list()
        .await
        .unwrap()
        .contains(&"HC-000000004-AAAA".to_string()));
    for key in keys {
        assert_eq!(desk.uploads.get(key).await.unwrap(), None, "{key}");
    }
    assert!(
        desk.store.get("HC-000000003-AAAA").await.unwrap().is_some(),
        "bob's ticket stays"
    );
    let bob = ticket_key("HC-000000003-AAAA", "0123456789", "shot.png");
    assert!(
        desk.uploads.get(&bob).await.unwrap().is_some(),
        "bob's file stays"
    );
}

async fn erase_removes_everything_of_an_address_once<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let keys = ada_and_bob(&desk).await;
    let planned = erase(&desk, "ADA@example.org ", true).await.unwrap();
    assert_eq!(planned.tickets, ["HC-000000001-AAAA", "HC-000000002-AAAA"]);
    assert_eq!(planned.submissions, ["sub-billing-0001", "sub-other-0002"]);
    assert_eq!(planned.spool_entries, ["HC-000000004-AAAA"]);
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(planned.files, expected);
    assert!(
        desk.store.get("HC-000000001-AAAA").await.unwrap().is_some(),
        "a dry run removes nothing"
    );
    let done = erase(&desk, "ada@example.org", false).await.unwrap();
    assert_eq!(
        (done.tickets.len(), done.files.len(), done.dry_run),
        (2, 6, false)
    );
    nothing_of_ada_is_left(&desk, &keys).await;
    let again = erase(&desk, "ada@example.org", false).await.unwrap_err();
    assert!(matches!(again, DeskError::UnknownEmail(_)), "{again}");
    let unknown = erase(&desk, "nobody@example.org", true).await.unwrap_err();
    assert!(matches!(unknown, DeskError::UnknownEmail(_)), "{unknown}");
}

async fn an_interrupted_erase_finishes_when_run_again<T: Stores>() {
    let stores = T::fresh().await;
    let keys = ada_and_bob(&stores.desk().await).await;
    let desk = stores.desk().await;
    let cut = Desk {
        uploads: DiesAfter {
            inner: desk.uploads,
            deletes: std::sync::atomic::AtomicUsize::new(3),
        },
        store: desk.store,
        spool: desk.spool,
        outbox: desk.outbox,
        replay_settle: desk.replay_settle,
    };
    let failed = erase(&cut, "ada@example.org", false).await.unwrap_err();
    assert!(matches!(failed, DeskError::Uploads(_)), "{failed}");
    drop(cut);
    let desk = stores.desk().await;
    let left: usize = files_left(&desk, &keys).await;
    assert_eq!(left, 3, "stopped halfway: 3 of 6 files removed");
    assert!(
        desk.store.get("HC-000000001-AAAA").await.unwrap().is_some(),
        "tickets go last"
    );
    let rerun = erase(&desk, "ada@example.org", false).await.unwrap();
    assert_eq!(rerun.files.len(), 3, "the rest");
    nothing_of_ada_is_left(&desk, &keys).await;
}

async fn files_left<S, P, U: Uploads>(desk: &Desk<S, P, U>, keys: &[String]) -> usize {
    let mut left = 0;
    for key in keys {
        left += usize::from(desk.uploads.get(key).await.unwrap().is_some());
    }
    left
}

async fn replay_moves_the_spool_in<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let entry = SpoolEntry {
        ticket: numbered(1, "billing", "a@example.org"),
        fallback_emailed: true,
    };
    desk.spool.put(&entry).await.unwrap();
    let report = replay(&desk).await.unwrap();
    assert_eq!(report.moved, 1);
    let stored = desk
        .store
        .get("HC-000000001-AAAA")
        .await
        .unwrap()
        .expect("in the store");
    assert_eq!(
        stored.arrived_via,
        Some(ticket_function::ticket::ArrivedVia::Fallback)
    );
    assert!(desk.spool.list().await.unwrap().is_empty());
    assert_eq!(replay(&desk).await.unwrap().moved, 0, "once");
}

#[tokio::test]
async fn tickets_expire_after_the_retention_and_guards_sooner() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let resources = fresh_resources().await;
    let (store, ..) = clients(StackOptions::default(), &resources).await;
    let store = store.with_ticket_retention(Duration::from_secs(30 * 86_400));
    let t = numbered(1, "billing", "a@example.org");
    store.put(&t).await.unwrap();
    let admin = aws_sdk_dynamodb::Client::new(&support::sdk_config().await);
    let expires = |pk: String| {
        let admin = admin.clone();
        let table = resources.table.clone();
        async move {
            let item = admin
                .get_item()
                .table_name(table)
                .key("pk", AttributeValue::S(pk))
                .send()
                .await
                .unwrap();
            let n = item.item().unwrap()["expires_at"]
                .as_n()
                .unwrap()
                .parse::<u64>()
                .unwrap();
            n - SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        }
    };
    let ticket_left = expires(t.ticket_id.clone()).await;
    assert!(
        (29 * 86_400..=30 * 86_400).contains(&ticket_left),
        "{ticket_left}"
    );
    let guard_left = expires(format!("submission#{}", t.submission_id)).await;
    assert!(
        guard_left <= 86_400,
        "the guard keeps its own, shorter TTL: {guard_left}"
    );
    assert!(
        store.get(&t.ticket_id).await.unwrap().is_some(),
        "the TTL attribute is not a field"
    );
}

fn vote(language: &str, page: &str, helpful: bool, reason: Option<&str>) -> Feedback {
    Feedback::Vote {
        language: language.into(),
        page: page.into(),
        helpful,
        reason: reason.map(str::to_owned),
    }
}

fn miss(language: &str, query: &str) -> Feedback {
    Feedback::SearchMiss {
        language: language.into(),
        query: query.into(),
    }
}

async fn feedback_ranks_articles_and_missed_searches<T: Stores>() {
    let stores = T::fresh().await;
    let desk = stores.desk().await;
    let (good, bad) = (
        "/en/users/account/two-factor/",
        "/en/users/billing/refunds/",
    );
    let italian = "/it/users/account/two-factor/";
    let counted = [
        (vote("en", good, true, None), "2025-01"),
        (vote("en", good, true, None), "2025-02"),
        (vote("en", good, false, Some("other")), "2025-02"),
        (vote("en", bad, false, Some("outdated")), "2025-01"),
        (vote("en", bad, false, Some("unclear")), "2025-02"),
        (vote("en", bad, true, None), "2025-02"),
        (vote("it", italian, false, None), "2025-02"),
        (miss("en", "refund"), "2025-01"),
        (miss("en", "refund"), "2025-02"),
        (miss("en", "<b>invoice</b>"), "2025-02"),
        (miss("it", "fattura"), "2025-02"),
    ];
    for (f, month) in &counted {
        desk.store.count(f, month).await.expect("counted");
    }
    // Another desk on the same data (serve counts, helpdesk reads).
    let desk = stores.desk().await;
    let all = feedback(&desk.store, &FeedbackFilter::default(), 20)
        .await
        .unwrap();
    let order: Vec<(&str, u64, u64)> = all
        .articles
        .iter()
        .map(|a| (a.page.as_str(), a.yes, a.no))
        .collect();
    assert_eq!(order, [(italian, 0, 1), (bad, 1, 2), (good, 2, 1)]);
    assert_eq!(
        all.articles[1].reasons,
        [("outdated".into(), 1), ("unclear".into(), 1)].into()
    );
    let misses: Vec<(&str, &str, u64)> = all
        .searches
        .iter()
        .map(|s| (s.language.as_str(), s.query.as_str(), s.count))
        .collect();
    assert_eq!(
        misses,
        [
            ("en", "refund", 2),
            ("en", "<b>invoice</b>", 1),
            ("it", "fattura", 1)
        ]
    );
    let filter = FeedbackFilter {
        since: Some("2025-02".into()),
        language: Some("en".into()),
    };
    let recent = feedback(&desk.store, &filter, 1).await.unwrap();
    let order: Vec<(&str, u64, u64)> = recent
        .articles
        .iter()
        .map(|a| (a.page.as_str(), a.yes, a.no))
        .collect();
    assert_eq!(
        order,
        [(good, 1, 1), (bad, 1, 1)],
        "equal ratios: page order"
    );
    assert_eq!(recent.searches.len(), 1, "top 1");
    let mut text = Vec::new();
    write_feedback(&all, Format::Table, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("outdated 1, unclear 1"), "{text}");
    assert!(text.contains("33%"), "{text}");
    let mut json = Vec::new();
    write_feedback(&recent, Format::Json, &mut json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    // From February, both English queries missed once: ties go by the query's text.
    assert_eq!(json["searches"][0]["query"], "<b>invoice</b>");
}
