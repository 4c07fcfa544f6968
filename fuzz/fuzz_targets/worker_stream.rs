//! The worker's events: a Lambda payload (JSON) → a stream event or a schedule → its records →
//! `handle_records` with everything in memory. Every record not a readable new ticket is judged
//! without sending anything, an unreadable ticket item fails (so it reaches the dead-letter queue),
//! and only records of the batch are ever reported.
#![no_main]

use helpcenter_fuzz::block_on;
use libfuzzer_sys::fuzz_target;
use ticket_function::testing::memory_worker;
use ticket_function::worker::handle_records;
use ticket_function::worker::stream::{records, WorkerEvent};
use ticket_function::worker::Change;

fuzz_target!(|payload: &[u8]| {
    let Ok(payload) = serde_json::from_slice::<serde_json::Value>(payload) else {
        return;
    };
    let WorkerEvent::Stream(event) = WorkerEvent::from_json(payload) else {
        return;
    };
    let records = records(event);
    let worker = memory_worker();
    let response = block_on(handle_records(&records, &worker));
    for failure in &response.batch_item_failures {
        assert!(
            records
                .iter()
                .any(|r| r.sequence_number == failure.item_identifier),
            "reported a record not in the batch: {failure:?}"
        );
    }
    for record in &records {
        let failed = response
            .batch_item_failures
            .iter()
            .any(|f| f.item_identifier == record.sequence_number);
        match &record.change {
            Change::Unreadable(_) => assert!(failed, "an unreadable ticket item passed"),
            Change::Ignored => {}
            Change::NewTicket(_) => {}
        }
    }
    let tickets = records
        .iter()
        .filter(|r| matches!(r.change, Change::NewTicket(_)))
        .count();
    if tickets == 0 {
        assert!(
            worker.mailer.sent().is_empty(),
            "emails without a new ticket"
        );
    }
});
