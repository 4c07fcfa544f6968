//! How far each translation is behind its original. Where `content/` is in a git repository, a
//! translation is behind by the commits that changed the original after the last commit that
//! changed the translation (renames followed, branches merged later included); without git, or
//! for a translation whose history is not known (not committed yet, cut off by a shallow clone),
//! by the `updated` dates: the original's is later than the translation's, or the translation has
//! none.

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;

use crate::history::{Ancestry, ContentHistory, History, Since};
use crate::ids::{ArticleId, LangId};
use crate::model::Site;

/// A translation behind its original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behind {
    /// Commits that changed the original since (from git), `None` when judged by dates.
    pub changes: Option<usize>,
    /// When the original last changed: its latest commit, or its `updated` date.
    pub original_changed: Date,
}

/// What the translation status was judged by, for writers.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatusBasis {
    /// Commits that changed the content (0 without git).
    pub commits: usize,
    /// Why dates were used for every file, when they were.
    pub dates_because: Option<String>,
    /// Translations judged by dates although there is history (not committed, or shallow).
    pub by_dates: usize,
    pub shallow: bool,
}

/// Every translation behind its original, and what that was judged by.
pub(super) fn behind(
    site: &Site,
    history: &ContentHistory,
) -> (HashMap<(LangId, ArticleId), Behind>, StatusBasis) {
    let mut basis = StatusBasis::default();
    let git = match history {
        ContentHistory::Git { history, shallow } => {
            basis.commits = history.len();
            basis.shallow = *shallow;
            Some(history)
        }
        ContentHistory::NoRepository => {
            basis.dates_because = Some(format!(
                "{} is not in a git repository",
                site.content_dir.display()
            ));
            None
        }
        ContentHistory::Unreadable(why) => {
            basis.dates_because = Some(format!("its git history cannot be read: {why}"));
            None
        }
    };
    let mut ancestry = Ancestry::default();
    let mut all = HashMap::new();
    let d = site.default_lang;
    for l in site.languages.keys().filter(|&l| l != d) {
        for (a, article) in site.articles.iter_enumerated() {
            let (Some(original), Some(translation)) = (&article.docs[d], &article.docs[l]) else {
                continue;
            };
            // A placeholder for front matter that did not parse has no date to compare.
            if translation.unparsed {
                continue;
            }
            let by_git = git
                .and_then(|h| from_git(site, h, &original.path, &translation.path, &mut ancestry));
            if git.is_some() && by_git.is_none() {
                basis.by_dates += 1;
            }
            let judged = by_git
                .unwrap_or_else(|| from_dates(original.meta.updated, translation.meta.updated));
            if let Some(behind) = judged {
                all.insert((l, a), behind);
            }
        }
    }
    (all, basis)
}

/// `None` when the history does not know; `Some(None)` when the translation is current.
fn from_git(
    site: &Site,
    history: &History,
    original: &Path,
    translation: &Path,
    ancestry: &mut Ancestry,
) -> Option<Option<Behind>> {
    let rel = |p: &Path| {
        p.strip_prefix(&site.content_dir)
            .map(Path::to_path_buf)
            .ok()
    };
    match history.since(&rel(original)?, &rel(translation)?, ancestry) {
        Since::Unknown { .. } => None,
        Since::Changes { count: 0, .. } => Some(None),
        Since::Changes { count, latest } => Some(latest.map(|original_changed| Behind {
            changes: Some(count),
            original_changed,
        })),
    }
}

fn from_dates(original: Option<Date>, translation: Option<Date>) -> Option<Behind> {
    let changed = original?;
    match translation {
        Some(t) if t >= changed => None,
        _ => Some(Behind {
            changes: None,
            original_changed: changed,
        }),
    }
}
