//! The protocol over the memory store, mailer and spool (the moto tests repeat it on AWS APIs).

use super::*;
use crate::clock::ManualClock;
use crate::spool::SpoolEntry;
use crate::store::TicketStore;
use crate::testing::{attach, contract, memory_worker, ticket, MemoryWorker, PNG};

/// A stored ticket numbered `n`, received now.
async fn stored(local: &MemoryWorker, n: u32) -> Ticket {
    let id = format!("HC-00000000{n}-AAAA");
    let t = ticket(
        &id,
        &format!("sub-{n}"),
        "billing",
        &rfc3339_ms(local.clock.now()),
    );
    local.store.put(&t).await.unwrap();
    t
}

fn sent_ids(local: &MemoryWorker) -> Vec<String> {
    local.mailer.sent().into_iter().map(|e| e.id).collect()
}

const BOTH: Notified = Notified {
    team: Step::Sent,
    ack: Step::Sent,
};

#[tokio::test]
async fn each_email_goes_once() {
    let local = memory_worker();
    let t = stored(&local, 1).await;
    assert_eq!(local.notifier().notify(&t).await.unwrap(), BOTH);
    let again = local.notifier().notify(&t).await.unwrap();
    assert_eq!(
        (again.team, again.ack),
        (Step::AlreadyClaimed, Step::AlreadyClaimed)
    );
    assert_eq!(
        sent_ids(&local),
        ["HC-000000001-AAAA.team", "HC-000000001-AAAA.ack"]
    );
}

#[tokio::test]
async fn a_failed_send_is_retried_and_then_sent_once() {
    let local = memory_worker();
    let t = stored(&local, 1).await;
    local.mailer.set_failing(true);
    let error = local.notifier().notify(&t).await.unwrap_err();
    assert!(
        matches!(
            error,
            NotifyError::Mail {
                notice: Notice::Team,
                ..
            }
        ),
        "{error}"
    );
    local.mailer.set_failing(false);
    assert_eq!(local.notifier().notify(&t).await.unwrap(), BOTH);
    local.notifier().notify(&t).await.unwrap();
    assert_eq!(sent_ids(&local).len(), 2);
}

#[tokio::test]
async fn three_acknowledgements_per_address_and_hour() {
    let local = memory_worker();
    let mut steps = Vec::new();
    for n in 1..=4 {
        let t = stored(&local, n).await;
        steps.push(local.notifier().notify(&t).await.unwrap().ack);
        local.clock.advance(Duration::from_secs(60));
    }
    assert_eq!(steps, [Step::Sent, Step::Sent, Step::Sent, Step::OverLimit]);
    let team = sent_ids(&local)
        .iter()
        .filter(|id| id.ends_with(".team"))
        .count();
    assert_eq!(team, 4, "every ticket is routed");
    local.clock.advance(Duration::from_secs(3600));
    let t = stored(&local, 5).await;
    assert_eq!(
        local.notifier().notify(&t).await.unwrap().ack,
        Step::Sent,
        "a new hour"
    );
}

#[tokio::test]
async fn a_late_write_of_a_fallback_ticket_gets_only_its_acknowledgement() {
    let local = memory_worker();
    let t = stored(&local, 1).await;
    let entry = SpoolEntry {
        ticket: t.clone(),
        fallback_emailed: true,
    };
    local.spool.put(&entry).await.unwrap();
    let done = local.notifier().notify(&t).await.unwrap();
    assert_eq!((done.team, done.ack), (Step::ArrivedByFallback, Step::Sent));
    assert_eq!(sent_ids(&local), ["HC-000000001-AAAA.ack"]);
    assert_eq!(local.spool.get(&t.ticket_id).await.unwrap(), None);
    let stored = local.store.get(&t.ticket_id).await.unwrap().unwrap();
    assert_eq!(stored.arrived_via, Some(ArrivedVia::Fallback));
}

#[tokio::test]
async fn no_address_or_acknowledgements_off_is_team_only() {
    let mut local = memory_worker();
    let mut t = stored(&local, 1).await;
    t.email = None;
    assert_eq!(
        local.notifier().notify(&t).await.unwrap().ack,
        Step::NotWanted
    );
    let mut contract = contract();
    contract.messages.acknowledge = false;
    local.config.contract = Arc::new(contract);
    let t = stored(&local, 2).await;
    assert_eq!(
        local.notifier().notify(&t).await.unwrap().ack,
        Step::NotWanted
    );
    assert!(sent_ids(&local).iter().all(|id| id.ends_with(".team")));
}

#[tokio::test]
async fn a_spool_that_cannot_be_read_sends_nothing_yet() {
    let local = memory_worker();
    let t = stored(&local, 1).await;
    local.spool.set_failing(true);
    assert!(matches!(
        local.notifier().notify(&t).await,
        Err(NotifyError::Spool(_))
    ));
    assert!(sent_ids(&local).is_empty());
}

/// A stored ticket numbered `n` with a screenshot and a recording in the bucket, and a file the
/// bucket did not take.
async fn stored_with_files(local: &MemoryWorker, n: u32) -> Ticket {
    let mut t = stored(local, n).await;
    attach(&local.uploads, &mut t, "shot.png", PNG, "image/png").await;
    attach(
        &local.uploads,
        &mut t,
        "clip.mp4",
        vec![0; 3000],
        "video/mp4",
    )
    .await;
    t.attachments_failed = vec!["notes.pdf".into()];
    local.store.put(&t).await.unwrap();
    t
}

#[tokio::test]
async fn the_team_email_attaches_the_image_and_links_the_rest() {
    let local = memory_worker();
    let t = stored_with_files(&local, 1).await;
    assert_eq!(local.notifier().notify(&t).await.unwrap(), BOTH);
    let sent = local.mailer.sent();
    let (team, ack) = (&sent[0], &sent[1]);
    let names: Vec<&str> = team.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["shot.png"]);
    assert_eq!(team.attachments[0].bytes, PNG);
    let listed = "\n\nAttachments:\n\
        - shot.png (67 B, PNG): attached\n\
        - clip.mp4 (3 KB, MP4): link valid until 2025-01-09 03:04 UTC\n  \
        memory:///tickets/HC-000000001-AAAA/0000000001/clip.mp4?expires=604800\n\
        - notes.pdf: not received\n";
    assert!(team.text.ends_with(listed), "{}", team.text);
    assert!(
        ack.attachments.is_empty() && !ack.text.contains("shot.png"),
        "{}",
        ack.text
    );
}

#[tokio::test]
async fn a_bucket_that_is_down_still_sends_the_team_email_once() {
    let local = memory_worker();
    let t = stored_with_files(&local, 1).await;
    local.uploads.set_failing(true);
    assert_eq!(local.notifier().notify(&t).await.unwrap(), BOTH);
    let again = local.notifier().notify(&t).await.unwrap();
    assert_eq!(again.team, Step::AlreadyClaimed);
    let team = &local.mailer.sent()[0];
    assert!(team.attachments.is_empty());
    assert!(
        team.text
            .contains("- shot.png (67 B, PNG): not available\n"),
        "{}",
        team.text
    );
    assert_eq!(sent_ids(&local).len(), 2);
}

#[test]
fn counters_hide_the_address_and_keep_the_hour() {
    let now = ManualClock::at_fixed_instant().now();
    let key = ack_counter("Ada@Example.org", now);
    assert_eq!(key, ack_counter("ada@example.org", now));
    assert!(
        key.starts_with("ack#") && key.ends_with("#2025-01-02T03"),
        "{key}"
    );
    assert_eq!(key.len(), "ack#".len() + 32 + "#2025-01-02T03".len());
    assert!(!key.to_lowercase().contains("ada"));
}
