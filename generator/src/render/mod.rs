//! Step 3, render: every page of the site as HTML through the theme's Tera templates. Rust passes
//! typed data ([`context`]); the templates in `site/templates/` are the only place that knows
//! HTML structure. [`pages`] builds each page's data, [`form`] the ticket form's, [`feedback`]
//! the article's "Was this article helpful?".

mod context;
mod feedback;
mod form;
mod pages;
mod redirect;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::i18n::Strings;
use crate::ids::{ArticleId, LangId, PerLanguage};
use crate::load::Doc;
use crate::markdown::{self, Heading, SiteLink};
use crate::model::{Site, Target};
use crate::page::Page;
use crate::urls::ROBOTS_FILE;

/// One rendered page, and what the build checks or indexes once all pages exist.
pub struct Output {
    /// Where the page goes, relative to the site root.
    pub file: String,
    /// UTF-8, as Tera writes it: kept as bytes, since it only goes to a file.
    pub html: Vec<u8>,
    /// Links found in the page's Markdown, with the file they were written in.
    pub links: Vec<SiteLink>,
    /// For article pages: language, article and heading ids (the page's anchors).
    pub anchors: Option<(LangId, ArticleId, Vec<String>)>,
    /// For translated article pages: what the search index gets (`search`).
    pub search: Option<SearchEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchEntry {
    pub title: String,
    pub url: String,
    pub summary: String,
    /// The body as plain text.
    pub text: String,
    pub audience: String,
    pub category_id: String,
    /// The category's title.
    pub category: String,
    /// The body's sections (their texts start in `text`).
    pub headings: Vec<Heading>,
}

pub struct Renderer<'s> {
    site: &'s Site,
    tera: Tera,
    strings: PerLanguage<Strings>,
    /// Per language: a Tera context with what all its pages share (`site`, `t`), serialized once
    /// instead of into every page's data (the UI strings alone were 5% of a build).
    shared: PerLanguage<tera::Context>,
    /// Copies of `shared` that no render is using: a render takes one, adds its page's data and
    /// gives it back without it, so that the shared part is cloned once per thread, not per page.
    idle: PerLanguage<Mutex<Vec<tera::Context>>>,
}

impl<'s> Renderer<'s> {
    /// Parses the theme's templates once.
    pub fn new(
        site: &'s Site,
        site_dir: &Path,
        strings: PerLanguage<Strings>,
        assets: BTreeMap<String, String>,
    ) -> Result<Self, Diagnostic> {
        let tera = templates(site_dir)?;
        let shared = site.languages.keys().map(|l| {
            let mut context = tera::Context::new();
            context.insert("site", &pages::shared(site, l, &assets));
            context.insert("t", &strings[l]);
            context
        });
        let shared: PerLanguage<tera::Context> = shared.collect();
        Ok(Renderer {
            site,
            tera,
            strings,
            idle: shared.iter().map(|_| Mutex::new(Vec::new())).collect(),
            shared,
        })
    }

    pub fn render(&self, page: Page) -> Result<Output, Vec<Diagnostic>> {
        let mut out = Output {
            file: self.site.page_file(page),
            html: Vec::new(),
            links: Vec::new(),
            anchors: None,
            search: None,
        };
        let l = page.language().unwrap_or(self.site.default_lang);
        out.html = match page {
            Page::Root => self.fill_page(l, "root.html", &self.root()),
            Page::RootNotFound | Page::NotFound(_) => {
                self.fill_page(l, "404.html", &self.plain(l, page, "not_found_title"))
            }
            Page::Thanks(_) => {
                self.fill_page(l, "thanks.html", &self.plain(l, page, "thanks_title"))
            }
            Page::Search(_) => self.fill_page(l, "search.html", &self.search(l)),
            Page::Home(_) => self.fill_page(l, "home.html", &self.home(l, &mut out)?),
            Page::Contact(_) => self.fill_page(l, "contact.html", &self.contact(l, &mut out)?),
            Page::Section(_, a) => {
                self.fill_page(l, "section.html", &self.section(l, a, &mut out)?)
            }
            Page::Category(_, c) => {
                self.fill_page(l, "category.html", &self.category(l, c, &mut out)?)
            }
            Page::Article(_, a) => {
                self.fill_page(l, "article.html", &self.article(l, a, &mut out)?)
            }
        }
        .map_err(|d| vec![d])?;
        Ok(out)
    }

    pub fn robots(&self) -> Result<String, Diagnostic> {
        let sitemap_url = self.site.sitemap_url();
        self.fill(ROBOTS_FILE, &RobotsData { sitemap_url })
    }

    /// A page's template filled with its typed data and what its language's pages share.
    fn fill_page(
        &self,
        l: LangId,
        template: &str,
        data: &impl Serialize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let error = |e: &tera::Error| template_error(Path::new(template), e);
        let own = serde_json::to_value(data).map_err(|e| error(&tera::Error::json(e)))?;
        let keys: Vec<String> = own
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        let own = tera::Context::from_value(own).map_err(|e| error(&e))?;
        let idle = || self.idle[l].lock().unwrap_or_else(PoisonError::into_inner);
        let mut context = idle().pop().unwrap_or_else(|| self.shared[l].clone());
        context.extend(own);
        // Written into bytes, not a String: Tera's `render` checks the whole page is UTF-8 again,
        // and grows its buffer from 2 KB.
        let mut html = Vec::with_capacity(PAGE_CAPACITY);
        let html = (self.tera.render_to(template, &context, &mut html))
            .map(|()| html)
            .map_err(|e| error(&e));
        keys.iter().for_each(|k| drop(context.remove(k)));
        idle().push(context);
        html
    }

    /// A template filled with its typed data.
    fn fill(&self, template: &str, data: &impl Serialize) -> Result<String, Diagnostic> {
        let context = tera::Context::from_serialize(data)
            .map_err(|e| template_error(Path::new(template), &e))?;
        self.tera
            .render(template, &context)
            .map_err(|e| template_error(Path::new(template), &e))
    }

    /// A UI string of language `l` (its key where the theme lacks it).
    fn s(&self, l: LangId, key: &str) -> String {
        self.strings[l]
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// Renders the Markdown body of a doc shown on a page in language `l`.
    fn markdown<M>(
        &self,
        l: LangId,
        doc: &Doc<M>,
        out: &mut Output,
    ) -> Result<markdown::Rendered, Vec<Diagnostic>> {
        let site = self.site;
        let rel = doc.path.strip_prefix(&site.content_dir).ok();
        let doc_lang = rel
            .and_then(|p| p.iter().next())
            .and_then(|c| c.to_str())
            .and_then(|c| site.languages.position(|x| x.code == c));
        // Relative to content/, so that a content folder given as `../content` works too.
        let doc_dir = rel.and_then(Path::parent);
        let resolve = |dest: &str, anchor: Option<&str>| -> Option<String> {
            let rel = normalize(&doc_dir?.join(dest));
            let (lang, target) = site.resolve_content_path(&rel)?;
            // A link within the doc's own language stays in the page's language, except a link to
            // a heading from a page borrowed from another language: heading ids follow the text,
            // so the anchor exists only where the target shows the same text as the doc.
            let same_text = doc_lang == Some(l)
                || anchor.is_none()
                || matches!(target, Target::Article(a) if !site.is_translated(l, a));
            let lang = if Some(lang) == doc_lang && same_text {
                l
            } else {
                lang
            };
            Some(site.target_url(lang, target))
        };
        let t = &self.strings[l];
        let get = |k: &'static str| -> &str { t.get(k).map_or(k, String::as_str) };
        let cx = markdown::Context {
            origins: &doc.origins,
            allow_html: site.config.markdown.allow_html,
            base: site.base(),
            resolve_md: &resolve,
            callout_titles: [
                get("callout_note"),
                get("callout_tip"),
                get("callout_important"),
                get("callout_warning"),
                get("callout_caution"),
            ],
            anchor_label: get("anchor_label"),
        };
        let (rendered, problems) = markdown::render(&doc.body, &cx);
        if !problems.is_empty() {
            return Err(problems);
        }
        out.links.extend(rendered.links.iter().cloned());
        Ok(rendered)
    }
}

/// What a page's buffer starts with: most pages are smaller.
const PAGE_CAPACITY: usize = 32 * 1024;

/// Templates a site needs even when its theme leaves them out; the theme's own copy wins.
const BUILTIN: [(&str, &str); 2] = [
    (
        ROBOTS_FILE,
        include_str!("../../../site/templates/robots.txt"),
    ),
    (
        redirect::REDIRECT_TEMPLATE,
        include_str!("../../../site/templates/redirect.html"),
    ),
];

#[derive(Serialize)]
struct RobotsData {
    sitemap_url: String,
}

/// The theme's templates: its pages (`*.html`) and the built-in files.
fn templates(site_dir: &Path) -> Result<Tera, Diagnostic> {
    let dir = site_dir.join("templates");
    let pattern = dir.join("**").join("*.html");
    let mut tera =
        Tera::new(&pattern.to_string_lossy()).map_err(|e| template_error(site_dir, &e))?;
    for (name, builtin) in BUILTIN {
        let own = dir.join(name);
        let added = if own.is_file() {
            tera.add_template_file(&own, Some(name))
        } else {
            tera.add_raw_template(name, builtin)
        };
        added.map_err(|e| template_error(&own, &e))?;
    }
    tera.autoescape_on(vec![".html"]);
    // Tera's own escaper also turns `/` into `&#x2F;`, which bloats every URL; these five
    // characters are all that HTML text and double-quoted attributes need.
    tera.set_escape_fn(escape);
    Ok(tera)
}

fn escape(s: &str) -> String {
    markdown::escape_html(s)
}

/// Resolves `.` and `..` without touching the file system (the target may not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn template_error(file: &Path, e: &tera::Error) -> Diagnostic {
    // Tera's useful detail is in the error's sources.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Diagnostic::error(
        file,
        None,
        format!("template error: {message}"),
        "fix the theme template named above (site/templates/)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_without_robots_txt_gets_the_builtin_one() {
        let theme = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(theme.path().join("templates")).unwrap();
        let tera = templates(theme.path()).unwrap();
        let data = RobotsData {
            sitemap_url: "https://h.example/sitemap.xml".into(),
        };
        let context = tera::Context::from_serialize(data).unwrap();
        let robots = tera.render(ROBOTS_FILE, &context).unwrap();
        assert!(
            robots.ends_with("Sitemap: https://h.example/sitemap.xml\n"),
            "{robots}"
        );
    }

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(
            normalize(Path::new("content/en/users/account/../billing/x.md")),
            PathBuf::from("content/en/users/billing/x.md")
        );
    }
}
