//! The link check, once every page is rendered: each site link written in Markdown must reach a
//! page (and its heading, for `#anchor`s) or a file. Links to missing files are warnings (the
//! page still works), links to missing pages and headings errors.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ids::{ArticleId, LangId};
use crate::load;
use crate::markdown::SiteLink;
use crate::model::Site;
use crate::page::Page;

/// What a rendered page links to: each link with the file it is written in.
pub struct PageLinks<'a> {
    pub page: Page,
    pub links: &'a [SiteLink],
}

/// An article page's heading ids: language, article, ids.
pub type Anchors<'a> = (LangId, ArticleId, &'a [String]);

/// How many of a page's headings a broken `#anchor` message suggests.
const SUGGESTED_HEADINGS: usize = 12;

pub fn check(
    site: &Site,
    pages: &[Page],
    found: &[PageLinks<'_>],
    anchors: &[Anchors<'_>],
    diagnostics: &Diagnostics,
) {
    let urls: HashSet<String> = pages.iter().map(|&p| site.page_url(p)).collect();
    let anchors: HashMap<String, HashSet<&str>> = anchors
        .iter()
        .map(|&(l, a, ids)| {
            (
                site.article_url(l, a),
                ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let files: HashSet<String> = site
        .static_files
        .iter()
        .map(|f| site.static_file_url(f))
        .collect();
    for PageLinks { page, links } in found {
        let own_url = site.page_url(*page);
        for link in links.iter() {
            let file = &*link.file;
            let url = if link.url.is_empty() {
                own_url.clone()
            } else {
                link.url.clone()
            };
            if link.is_file || files.contains(&url) {
                if !files.contains(&url) {
                    diagnostics.push(missing_file(file, link, &url));
                }
                continue;
            }
            let page_url = if urls.contains(&url) {
                url.clone()
            } else {
                format!(
                    "{}/",
                    url.trim_end_matches("index.html").trim_end_matches('/')
                )
            };
            if !urls.contains(&page_url) && !site.is_generated_file(&url) {
                diagnostics.push(Diagnostic::error(
                    file,
                    Some(link.line),
                    format!("broken link: no page at `{url}`"),
                    "link to an existing page; for articles prefer their `.md` path relative to this file",
                ));
                continue;
            }
            if let (Some(anchor), Some(ids)) = (&link.anchor, anchors.get(&page_url)) {
                if !ids.contains(anchor.as_str()) {
                    diagnostics.push(missing_heading(file, link, &url, anchor, ids));
                }
            }
        }
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
    ids: &HashSet<&str>,
) -> Diagnostic {
    let mut known: Vec<&&str> = ids.iter().collect();
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
