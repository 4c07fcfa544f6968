//! The real DynamoDB store with its writes sent to moto one at a time. moto's TransactWriteItems
//! is not safe under concurrency: it deep-copies the table before each transaction and puts the
//! copy back when one is cancelled (a retried submission's guard condition), which silently
//! undoes every write that committed in between — tickets answered "stored" vanished in the
//! first runs of this test. DynamoDB has no such window, so the load test serialises the writes
//! rather than measure moto's bug. Each write runs in a task of its own: a caller that gives up
//! (the handler's timeout) does not cut it off halfway and let the next one overlap it; for the
//! same reason the store's client makes one attempt per call (`main.rs`).

use std::sync::Arc;

use ticket_function::aws::DynamoStore;
use ticket_function::store::{Counters, Feedback, FeedbackFilter, PutOutcome, StoreError};
use ticket_function::{FeedbackStore, Ticket, TicketStore};
use tokio::sync::Mutex;

pub(crate) struct SerialStore {
    inner: Arc<DynamoStore>,
    writing: Arc<Mutex<()>>,
}

impl SerialStore {
    pub(crate) fn new(inner: DynamoStore) -> Self {
        SerialStore {
            inner: Arc::new(inner),
            writing: Arc::default(),
        }
    }
}

impl FeedbackStore for SerialStore {
    async fn count(&self, feedback: &Feedback, month: &str) -> Result<(), StoreError> {
        self.inner.count(feedback, month).await
    }

    async fn counters(&self, filter: &FeedbackFilter) -> Result<Counters, StoreError> {
        self.inner.counters(filter).await
    }
}

impl TicketStore for SerialStore {
    async fn put(&self, ticket: &Ticket) -> Result<PutOutcome, StoreError> {
        let (inner, writing, ticket) = (self.inner.clone(), self.writing.clone(), ticket.clone());
        let write = tokio::spawn(async move {
            let _one_at_a_time = writing.lock().await;
            inner.put(&ticket).await
        });
        match write.await {
            Ok(outcome) => outcome,
            Err(e) => Err(StoreError::Unavailable(format!(
                "the write task failed: {e}"
            ))),
        }
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<Ticket>, StoreError> {
        self.inner.get(ticket_id).await
    }

    async fn ticket_of_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.inner.ticket_of_submission(submission_id).await
    }

    async fn list_queue(&self, queue: &str, limit: usize) -> Result<Vec<Ticket>, StoreError> {
        self.inner.list_queue(queue, limit).await
    }
}
