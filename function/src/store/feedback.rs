//! Visitors' feedback as counters: per language, article and month the "yes" and "no" votes and
//! each reason of a "no"; per language, query and month the searches that found nothing. Never an
//! address, a client hash or a time finer than the month: nothing here points at a person.
//!
//! [`MemoryStore`] keeps them in memory; [`FileStore`] in `feedback.json` next to its tickets,
//! rewritten whole through a temporary file and a rename, so `helpdesk --local` never reads half a
//! file while `helpcenter serve` counts. DynamoDB's are in `aws/dynamodb/feedback.rs`.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{lock, FileStore, MemoryStore, StoreError};

/// One piece of feedback, validated: what gets counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feedback {
    /// "Was this article helpful?" on the article at `page` (its URL path).
    Vote {
        language: String,
        page: String,
        helpful: bool,
        /// One of the contract's reasons; only with `helpful: false`.
        reason: Option<String>,
    },
    /// A search that found nothing; `query` trimmed and lower-cased.
    SearchMiss { language: String, query: String },
}

/// The votes of one article in one language and month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCount {
    pub language: String,
    /// UTC `YYYY-MM`.
    pub month: String,
    pub page: String,
    pub yes: u64,
    pub no: u64,
    /// Reason → how many "no" votes gave it.
    #[serde(default)]
    pub reasons: BTreeMap<String, u64>,
}

/// How often one query found nothing in one language and month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchCount {
    pub language: String,
    pub month: String,
    pub query: String,
    pub count: u64,
}

/// Every counter matching a [`FeedbackFilter`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub votes: Vec<VoteCount>,
    pub searches: Vec<SearchCount>,
}

/// Which counters to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackFilter {
    /// From this month (`YYYY-MM`) on.
    pub since: Option<String>,
    pub language: Option<String>,
}

impl FeedbackFilter {
    pub fn matches(&self, language: &str, month: &str) -> bool {
        self.language.as_deref().is_none_or(|l| l == language)
            && self.since.as_deref().is_none_or(|since| month >= since)
    }
}

/// A place to count feedback. Counting is atomic: concurrent votes all add up.
pub trait FeedbackStore: Send + Sync + 'static {
    /// Adds `feedback` to the counters of `month` (UTC `YYYY-MM`).
    fn count(
        &self,
        feedback: &Feedback,
        month: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The counters matching `filter`, one per article (or query), language and month.
    fn counters(
        &self,
        filter: &FeedbackFilter,
    ) -> impl Future<Output = Result<Counters, StoreError>> + Send;
}

/// The counters of the local stores, keyed (language, month, page or query).
#[derive(Debug, Default)]
pub(super) struct Tally {
    votes: BTreeMap<(String, String, String), VoteCount>,
    searches: BTreeMap<(String, String, String), SearchCount>,
}

impl Tally {
    fn add(&mut self, feedback: &Feedback, month: &str) {
        let key = |language: &str, what: &str| (language.into(), month.into(), what.into());
        match feedback {
            Feedback::Vote {
                language,
                page,
                helpful,
                reason,
            } => {
                let count = self.votes.entry(key(language, page)).or_insert(VoteCount {
                    language: language.clone(),
                    month: month.into(),
                    page: page.clone(),
                    ..VoteCount::default()
                });
                *if *helpful {
                    &mut count.yes
                } else {
                    &mut count.no
                } += 1;
                if let Some(reason) = reason {
                    *count.reasons.entry(reason.clone()).or_default() += 1;
                }
            }
            Feedback::SearchMiss { language, query } => {
                let count = self
                    .searches
                    .entry(key(language, query))
                    .or_insert(SearchCount {
                        language: language.clone(),
                        month: month.into(),
                        query: query.clone(),
                        count: 0,
                    });
                count.count += 1;
            }
        }
    }

    fn read(&self, filter: &FeedbackFilter) -> Counters {
        Counters {
            votes: (self.votes.values())
                .filter(|v| filter.matches(&v.language, &v.month))
                .cloned()
                .collect(),
            searches: (self.searches.values())
                .filter(|s| filter.matches(&s.language, &s.month))
                .cloned()
                .collect(),
        }
    }

    fn from_counters(counters: Counters) -> Self {
        let mut tally = Tally::default();
        for v in counters.votes {
            let key = (v.language.clone(), v.month.clone(), v.page.clone());
            tally.votes.insert(key, v);
        }
        for s in counters.searches {
            let key = (s.language.clone(), s.month.clone(), s.query.clone());
            tally.searches.insert(key, s);
        }
        tally
    }

    /// Reads `path` (missing: nothing counted yet).
    pub(super) fn load(path: &Path) -> Result<Self, StoreError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Tally::default()),
            Err(source) => return Err(io(path, source)),
        };
        let counters = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            path: path.to_owned(),
            line: e.line(),
            message: e.to_string(),
        })?;
        Ok(Tally::from_counters(counters))
    }

    /// Writes everything to `path` through a temporary file and a rename (never half a file).
    fn save(&self, path: &Path) -> Result<(), StoreError> {
        let json = serde_json::to_string_pretty(&self.read(&FeedbackFilter::default()))
            .map_err(|e| StoreError::Unavailable(format!("cannot serialise counters: {e}")))?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, json).map_err(|e| io(&temporary, e))?;
        std::fs::rename(&temporary, path).map_err(|e| io(path, e))
    }
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

impl FeedbackStore for MemoryStore {
    async fn count(&self, feedback: &Feedback, month: &str) -> Result<(), StoreError> {
        self.check_up()?;
        lock(&self.feedback).add(feedback, month);
        Ok(())
    }

    async fn counters(&self, filter: &FeedbackFilter) -> Result<Counters, StoreError> {
        self.check_up()?;
        Ok(lock(&self.feedback).read(filter))
    }
}

/// The counters' file in a [`FileStore`]'s folder.
pub(super) fn feedback_path(tickets: &Path) -> PathBuf {
    tickets.with_file_name(FileStore::FEEDBACK_FILE)
}

impl FeedbackStore for FileStore {
    async fn count(&self, feedback: &Feedback, month: &str) -> Result<(), StoreError> {
        let mut tally = lock(&self.feedback);
        tally.add(feedback, month);
        tally.save(&feedback_path(&self.path))
    }

    async fn counters(&self, filter: &FeedbackFilter) -> Result<Counters, StoreError> {
        // Read afresh: `helpdesk --local` looks at what a running `serve` counted since.
        Ok(Tally::load(&feedback_path(&self.path))?.read(filter))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::tests::block_on;

    pub(crate) fn vote(page: &str, helpful: bool, reason: Option<&str>) -> Feedback {
        Feedback::Vote {
            language: "en".into(),
            page: page.into(),
            helpful,
            reason: reason.map(str::to_owned),
        }
    }

    async fn counts(store: &impl FeedbackStore) {
        let page = "/en/users/account/reset-your-password/";
        store
            .count(&vote(page, true, None), "2025-01")
            .await
            .unwrap();
        store
            .count(&vote(page, false, Some("unclear")), "2025-01")
            .await
            .unwrap();
        store
            .count(&vote(page, false, Some("unclear")), "2025-02")
            .await
            .unwrap();
        let miss = Feedback::SearchMiss {
            language: "it".into(),
            query: "<b>fattura</b>".into(),
        };
        store.count(&miss, "2025-02").await.unwrap();
        let all = store.counters(&FeedbackFilter::default()).await.unwrap();
        assert_eq!(all.votes.len(), 2);
        let january = &all.votes[0];
        assert_eq!(
            (january.yes, january.no, january.reasons["unclear"]),
            (1, 1, 1)
        );
        assert_eq!(all.searches[0].query, "<b>fattura</b>");
        let since = FeedbackFilter {
            since: Some("2025-02".into()),
            language: Some("en".into()),
        };
        let later = store.counters(&since).await.unwrap();
        assert_eq!((later.votes.len(), later.searches.len()), (1, 0));
    }

    #[test]
    fn local_stores_count_and_the_file_keeps_them() {
        block_on(counts(&MemoryStore::new()));
        let dir = tempfile::tempdir().unwrap();
        block_on(counts(&FileStore::open(dir.path()).unwrap()));
        let reopened = FileStore::open(dir.path()).unwrap();
        let all = block_on(reopened.counters(&FeedbackFilter::default())).unwrap();
        assert_eq!((all.votes.len(), all.searches.len()), (2, 1));
        block_on(reopened.count(&vote("/en/x/y/z/", true, None), "2025-03")).unwrap();
        let all = block_on(reopened.counters(&FeedbackFilter::default())).unwrap();
        assert_eq!(all.votes.len(), 3, "counted on top of what was there");
    }
}
