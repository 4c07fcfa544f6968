//! A mailer for tests: keeps what it was given, or fails on request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::{Email, MailError, Mailer};

/// Keeps sent emails in memory (tests). `set_failing(true)` makes sending fail.
#[derive(Debug, Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<Email>>,
    failing: AtomicBool,
}

impl MemoryMailer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }

    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Mailer for MemoryMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        if self.failing.load(Ordering::Relaxed) {
            return Err(MailError::Unavailable("memory mailer set to fail".into()));
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(email.clone());
        Ok(())
    }
}
