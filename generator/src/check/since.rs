//! `check --since REV`: every article page that existed at REV (a git revision, e.g. the pull
//! request's base) and whose address now leads nowhere, because the article was moved, renamed,
//! given another `slug` or deleted without an alias at its old path.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::history::{HistoryError, Repo};
use crate::load;
use crate::model::Site;

/// A revision to compare with, resolved.
#[derive(Debug, Clone)]
pub struct Since {
    pub repo: Repo,
    /// As the writer named it.
    pub rev: String,
    pub commit: String,
}

impl Since {
    /// Resolves `rev` in the repository of `content_dir`: an unknown revision, or content outside
    /// any repository, is an error before anything is checked.
    pub fn resolve(content_dir: &Path, rev: &str) -> Result<Since, HistoryError> {
        let repo = Repo::require(content_dir)?;
        let commit = repo.resolve(rev)?;
        Ok(Since {
            repo,
            rev: rev.to_string(),
            commit,
        })
    }
}

/// An article file at the revision: where it was and the URL its page had.
struct OldArticle {
    rel: PathBuf,
    lang: String,
    /// Its page's path under its language (`users/account/old-name`).
    path: String,
    url: String,
}

/// Warns for each article page of `since` that no page or alias of the site has now.
pub(super) fn gone_articles(site: &Site, since: &Since, diagnostics: &Diagnostics) {
    let mut live = site.page_urls();
    live.extend(site.aliases.iter().map(|a| site.alias_url(a)));
    let files = match since.repo.files_at(&since.commit) {
        Ok(files) => files,
        Err(e) => {
            diagnostics.push(Diagnostic::warning(
                &site.content_dir,
                None,
                format!("cannot list the content at {}: {e}", since.rev),
                "check that the revision is fetched (a shallow clone may lack it)",
            ));
            return;
        }
    };
    let current: HashSet<PathBuf> = articles_now(site);
    let old_articles = files.iter().filter_map(|rel| old_article(site, since, rel));
    for old in old_articles.filter(|old| !live.contains(&old.url)) {
        let file = site.content_dir.join(&old.rel);
        let hint = match current.contains(&old.rel) {
            true => format!("its `slug` changed: add `aliases: [{}]` to its front matter", old.path),
            false => format!("if the article moved, add `aliases: [{}]` to the front matter of its new file (in {}); if it is gone for good, add that alias to the article that replaces it", old.path, old.lang),
        };
        let message = format!("{} (this file at {}) is gone without an alias: links and bookmarks to it now lead nowhere", old.url, since.rev);
        diagnostics.push(Diagnostic::warning(file, None, message, hint));
    }
}

/// The content-relative paths of the articles there are now.
fn articles_now(site: &Site) -> HashSet<PathBuf> {
    let docs = site.articles.iter().flat_map(|a| a.docs.iter().flatten());
    docs.filter_map(|d| {
        d.path
            .strip_prefix(&site.content_dir)
            .ok()
            .map(Path::to_path_buf)
    })
    .collect()
}

/// An article file of the revision (by the layout rules of loading), with the path its page had:
/// its `slug` then, else its name.
fn old_article(site: &Site, since: &Since, rel: &Path) -> Option<OldArticle> {
    let (lang, (audience, category, stem)) = load::article_at(rel, &site.config)?;
    let l = site.languages.position(|x| x.code == lang)?;
    let text = since.repo.read_at(&since.commit, rel)?;
    let slug = slug_in(&text).unwrap_or(stem);
    let path = format!("{audience}/{category}/{slug}");
    Some(OldArticle {
        rel: rel.to_path_buf(),
        url: site.path_url(l, &path),
        lang,
        path,
    })
}

/// The `slug` of a file's front matter, if it has one (anything else in it is not looked at).
fn slug_in(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Slug {
        slug: Option<String>,
    }
    let split = crate::frontmatter::split(text, Path::new("")).ok()?;
    let parsed: Slug = serde_norway::from_str(split.yaml).ok()?;
    parsed.slug
}
