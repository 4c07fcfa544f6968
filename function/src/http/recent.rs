//! The submissions this instance answered lately, with the answer each got. A client that missed
//! its answer sends the same `submission_id` again: while the store was down that emailed the
//! team a second time under another ticket number (also for a submission stored just before the
//! outage), and once the store was back a fallen-back one was stored under another number than
//! the email's (the load test, `tests/load/`, found both). The first answer is given again
//! instead, and nothing is sent or stored: the table or the spool has the ticket, and the replay
//! stores a spooled one under that same number. Per instance only: the HTTP function cannot read
//! the spool (by design), so a retry that reaches another instance still falls back, or is
//! stored, anew.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use super::response::Saved;

/// Enough for a long outage at a busy help center; about 100 bytes each.
const KEPT: usize = 10_000;

#[derive(Debug, Default)]
pub(super) struct RecentAnswers {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    answers: HashMap<String, Saved>,
    /// Oldest first: the first to go when full.
    order: VecDeque<String>,
}

impl RecentAnswers {
    /// The answer the submission got, if this instance gave it.
    pub(super) fn get(&self, submission_id: &str) -> Option<Saved> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.answers.get(submission_id).cloned()
    }

    /// Keeps an answer, unless the ticket was lost (it is kept nowhere: a retry must try again).
    pub(super) fn remember(&self, submission_id: &str, saved: &Saved) {
        if *saved == Saved::Lost {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let kept = &mut *kept;
        if kept
            .answers
            .insert(submission_id.to_owned(), saved.clone())
            .is_none()
        {
            kept.order.push_back(submission_id.to_owned());
        }
        while kept.order.len() > KEPT {
            if let Some(oldest) = kept.order.pop_front() {
                kept.answers.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_answers_but_lost_ones_and_forgets_the_oldest() {
        let recent = RecentAnswers::default();
        recent.remember("lost", &Saved::Lost);
        recent.remember("stored", &Saved::Stored("HC-1".into()));
        assert_eq!(recent.get("lost"), None);
        assert_eq!(recent.get("stored"), Some(Saved::Stored("HC-1".into())));
        for i in 0..=KEPT {
            recent.remember(&format!("s{i}"), &Saved::Emailed(format!("HC-{i}")));
        }
        assert_eq!(recent.get("s0"), None, "the oldest went");
        assert_eq!(recent.get("s1"), Some(Saved::Emailed("HC-1".into())));
        let last = format!("s{KEPT}");
        assert_eq!(
            recent.get(&last),
            Some(Saved::Emailed(format!("HC-{KEPT}")))
        );
    }
}
