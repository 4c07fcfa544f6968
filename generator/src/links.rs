//! The link check, once every page is rendered: each site link written in Markdown must reach a
//! page (and its heading, for `#anchor`s) or a file. Links to missing files are warnings (the
//! page still works), links to missing pages and headings errors.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::ids::{ArticleId, LangId};
use crate::load;
use crate::markdown::SiteLink;
use crate::model::Site;
use crate::page::Page;

/// An article page's heading ids: language, article, ids.
pub type Anchors<'a> = (LangId, ArticleId, &'a [String]);

/// How many of a page's headings a broken `#anchor` message suggests.
const SUGGESTED_HEADINGS: usize = 12;

/// Where site links may lead: every page's URL, the heading ids of every article page, every
/// static file. Built once per build; `serve`'s quick path keeps it and replaces the heading ids
/// of the articles it renders again.
pub struct Targets {
    urls: HashSet<String>,
    anchors: HashMap<String, HashSet<String>>,
    files: HashSet<String>,
}

impl Targets {
    pub fn new(site: &Site, pages: &[Page], anchors: &[Anchors<'_>]) -> Targets {
        let mut targets = Targets {
            urls: pages.iter().map(|&p| site.page_url(p)).collect(),
            anchors: HashMap::with_capacity(anchors.len()),
            files: (site.static_files.iter())
                .map(|f| site.static_file_url(f))
                .collect(),
        };
        for &(l, a, ids) in anchors {
            targets.set_anchors(site.article_url(l, a), ids);
        }
        targets
    }

    /// The heading ids of the article page at `url`.
    pub fn set_anchors(&mut self, url: String, ids: &[String]) {
        self.anchors.insert(url, ids.iter().cloned().collect());
    }

    /// The URL of the page a link's URL names: itself, or the folder's for `…/index.html`.
    pub fn page_of(&self, url: &str) -> String {
        if self.urls.contains(url) {
            url.to_string()
        } else {
            format!(
                "{}/",
                url.trim_end_matches("index.html").trim_end_matches('/')
            )
        }
    }

    /// The problems of the links written in page `page`.
    pub fn check(&self, site: &Site, page: Page, links: &[SiteLink]) -> Vec<Diagnostic> {
        let own_url = site.page_url(page);
        let mut problems = Vec::new();
        for link in links {
            let file = &*link.file;
            let url = if link.url.is_empty() {
                own_url.as_str()
            } else {
                link.url.as_str()
            };
            if link.is_file || self.files.contains(url) {
                if !self.files.contains(url) {
                    problems.push(missing_file(file, link, url));
                }
                continue;
            }
            let page_url = self.page_of(url);
            if !self.urls.contains(&page_url) && !site.is_generated_file(url) {
                problems.push(Diagnostic::error(
                    file,
                    Some(link.line),
                    format!("broken link: no page at `{url}`"),
                    "link to an existing page; for articles prefer their `.md` path relative to this file",
                ));
                continue;
            }
            if let (Some(anchor), Some(ids)) = (&link.anchor, self.anchors.get(&page_url)) {
                if !ids.contains(anchor.as_str()) {
                    problems.push(missing_heading(file, link, url, anchor, ids));
                }
            }
        }
        problems
    }
}

fn missing_file(file: &Path, link: &SiteLink, url: &str) -> Diagnostic {
    Diagnostic::warning(
        file,
        Some(link.line),
        format!(
            "missing file: `{url}` is not in content/{}/",
            load::STATIC_DIR
        ),
        "add the file under content/static/ or fix the path",
    )
}

fn missing_heading(
    file: &Path,
    link: &SiteLink,
    url: &str,
    anchor: &str,
    ids: &HashSet<String>,
) -> Diagnostic {
    let mut known: Vec<&String> = ids.iter().collect();
    known.sort();
    let known: Vec<String> = known
        .iter()
        .take(SUGGESTED_HEADINGS)
        .map(|s| format!("#{s}"))
        .collect();
    Diagnostic::error(
        file,
        Some(link.line),
        format!("broken link: `{url}` has no heading `#{anchor}`"),
        format!("link to one of its headings: {}", known.join(", ")),
    )
}
