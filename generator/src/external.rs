//! `check --external`: every `http(s)://` link and image of the Markdown, each address asked once
//! (HEAD, then GET when a server does not answer HEAD), a few at a time, each within a timeout.
//! A page that is gone (404, 410) is an error; anything else that fails — timeouts, refused
//! connections, other statuses — is a warning, as it may pass on the next try.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostics::{line_of, Diagnostic};
use crate::load::Doc;
use crate::markdown;
use crate::model::Site;

#[derive(Debug, Clone, Copy)]
pub struct ExternalOptions {
    /// For each request, redirects included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
}

/// An external link as written: where, and to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub file: PathBuf,
    pub line: usize,
    pub url: String,
}

/// Every external link and image of the site's own Markdown files (a page borrowed from the default
/// language adds nothing new).
pub fn collect(site: &Site) -> Vec<ExternalLink> {
    let mut links = Vec::new();
    site.homes.iter().for_each(|d| links_of(d, &mut links));
    site.contacts.iter().for_each(|d| links_of(d, &mut links));
    site.audiences
        .iter()
        .flat_map(|a| &a.docs)
        .for_each(|d| links_of(d, &mut links));
    site.categories
        .iter()
        .flat_map(|c| &c.docs)
        .for_each(|d| links_of(d, &mut links));
    site.articles
        .iter()
        .flat_map(|a| a.docs.iter().flatten())
        .for_each(|d| links_of(d, &mut links));
    links.sort_by(|a, b| (&a.file, a.line, &a.url).cmp(&(&b.file, b.line, &b.url)));
    // Docs borrowed for a missing translation appear more than once.
    links.dedup();
    links
}

fn links_of<M>(doc: &Doc<M>, links: &mut Vec<ExternalLink>) {
    for (event, range) in Parser::new_ext(&doc.body, markdown::options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            if dest_url.starts_with("http://") || dest_url.starts_with("https://") {
                let (file, line) = doc.origins.locate(line_of(&doc.body, range.start) - 1);
                links.push(ExternalLink {
                    file: file.to_path_buf(),
                    line,
                    url: dest_url.to_string(),
                });
            }
        }
    }
}

/// What asking an address gave.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Fine,
    Gone(u16),
    Status(u16),
    Unreachable(String),
}

/// Asks every address once and reports each link whose address failed.
pub fn check(links: &[ExternalLink], options: ExternalOptions) -> Vec<Diagnostic> {
    let urls: Vec<&str> = links
        .iter()
        .map(|l| without_fragment(&l.url))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let answers = ask_all(&urls, options);
    links
        .iter()
        .filter_map(|link| {
            let hint = "fix or remove the link; if the site is only slow or blocks robots, check it by hand";
            match &answers[without_fragment(&link.url)] {
                Answer::Fine => None,
                Answer::Gone(status) => Some(Diagnostic::error(&link.file, Some(link.line), format!("dead link: {} answers {status}", link.url), "link to the page's new address, or remove the link")),
                Answer::Status(status) => Some(Diagnostic::warning(&link.file, Some(link.line), format!("external link {} answers {status}", link.url), hint)),
                Answer::Unreachable(why) => Some(Diagnostic::warning(&link.file, Some(link.line), format!("external link {} cannot be reached: {why}", link.url), hint)),
            }
        })
        .collect()
}

fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(u, _)| u)
}

/// `options.concurrency` threads take the next address until none is left.
fn ask_all<'u>(urls: &[&'u str], options: ExternalOptions) -> BTreeMap<&'u str, Answer> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("helpcenter-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let answers = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..options.concurrency.clamp(1, urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let answer = ask(&agent, url, options.timeout);
                    answers
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(*url, answer);
                }
            });
        }
    });
    answers.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn ask(agent: &ureq::Agent, url: &str, timeout: Duration) -> Answer {
    let status = |response: Result<http::Response<ureq::Body>, ureq::Error>| {
        response.map(|r| r.status().as_u16())
    };
    let answer = match status(agent.head(url).call()) {
        // Some servers do not answer HEAD, or answer it differently.
        Ok(405 | 403 | 501) => status(agent.get(url).call()),
        other => other,
    };
    match answer {
        Ok(200..=399) => Answer::Fine,
        Ok(code @ (404 | 410)) => Answer::Gone(code),
        Ok(code) => Answer::Status(code),
        Err(ureq::Error::Timeout(_)) => {
            Answer::Unreachable(format!("no answer within {:.1} s", timeout.as_secs_f64()))
        }
        Err(e) => Answer::Unreachable(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_external_links_and_images_with_their_lines() {
        let body = "Intro\n\nSee [docs](https://example.com/a#x) and [local](/en/).\n\n![logo](http://example.com/logo.png)\n";
        let doc = Doc {
            path: PathBuf::from("content/en/a.md"),
            meta: (),
            body: body.to_string(),
            origins: crate::load::Origins::file(std::path::Path::new("content/en/a.md"), 4),
            includes: Vec::new(),
            lines: Default::default(),
            unparsed: false,
        };
        let mut links = Vec::new();
        links_of(&doc, &mut links);
        let found: Vec<(usize, &str)> = links.iter().map(|l| (l.line, l.url.as_str())).collect();
        assert_eq!(
            found,
            [
                (6, "https://example.com/a#x"),
                (8, "http://example.com/logo.png")
            ]
        );
    }
}
