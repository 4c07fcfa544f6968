//! Step 3, render: every page of the site as HTML through the theme's Tera templates. Rust passes
//! data; the templates in `site/templates/` are the only place that knows HTML structure.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};
use tera::Tera;
use ticket_function::contract::{self, TicketContract};

use crate::config::DepartmentKind;
use crate::diagnostics::Diagnostic;
use crate::i18n::{self, Strings};
use crate::load::Doc;
use crate::markdown::{self, Heading, SiteLink};
use crate::model::{Site, Target};

/// Every page the site has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/`: the language chooser.
    Root,
    /// `/404.html`.
    RootNotFound,
    Home(usize),
    NotFound(usize),
    Contact(usize),
    Thanks(usize),
    Search(usize),
    Section(usize, usize),
    Category(usize, usize),
    Article(usize, usize),
}

/// One rendered page, and what the build checks or indexes once all pages exist.
pub struct Output {
    /// Where the page goes, relative to the site root.
    pub file: String,
    pub html: String,
    /// Links found in the page's Markdown, with the file they were written in.
    pub links: Vec<(PathBuf, SiteLink)>,
    /// For article pages: language, article and heading ids (the page's anchors).
    pub anchors: Option<(usize, usize, Vec<String>)>,
    /// For translated article pages: what the search index gets (`search.rs`).
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
}

pub struct Renderer<'s> {
    site: &'s Site,
    tera: Tera,
    strings: Vec<Strings>,
    /// Theme asset name → hashed URL.
    assets: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

#[derive(Serialize)]
struct Switch {
    code: String,
    name: String,
    url: String,
    current: bool,
}

/// What every page's template gets.
#[derive(Serialize)]
struct Common<'a> {
    lang: &'a str,
    dir: &'a str,
    t: &'a Strings,
    site_title: &'a str,
    home_url: String,
    contact_url: String,
    search_url: String,
    fallback_email: &'a str,
    assets: &'a BTreeMap<String, String>,
    title: String,
    description: String,
    canonical: String,
    alternates: Vec<Alternate>,
    switcher: Vec<Switch>,
    breadcrumbs: Vec<Link>,
    /// Set on pages shown in the default language because the translation is missing.
    untranslated: bool,
    content_lang: &'a str,
    content_dir: &'a str,
}

impl<'s> Renderer<'s> {
    /// Parses the theme's templates once.
    pub fn new(
        site: &'s Site,
        site_dir: &Path,
        strings: Vec<Strings>,
        assets: BTreeMap<String, String>,
    ) -> Result<Self, Diagnostic> {
        let pattern = site_dir.join("templates").join("**").join("*.html");
        let mut tera =
            Tera::new(&pattern.to_string_lossy()).map_err(|e| template_error(site_dir, &e))?;
        tera.autoescape_on(vec![".html"]);
        // Tera's own escaper also turns `/` into `&#x2F;`, which bloats every URL; these five
        // characters are all that HTML text and double-quoted attributes need.
        tera.set_escape_fn(escape);
        Ok(Renderer {
            site,
            tera,
            strings,
            assets,
        })
    }

    pub fn pages(&self) -> Vec<Page> {
        let site = self.site;
        let mut pages = vec![Page::Root, Page::RootNotFound];
        for l in 0..site.languages.len() {
            pages.extend([
                Page::Home(l),
                Page::NotFound(l),
                Page::Contact(l),
                Page::Thanks(l),
                Page::Search(l),
            ]);
            pages.extend((0..site.audiences.len()).map(|a| Page::Section(l, a)));
            pages.extend((0..site.categories.len()).map(|c| Page::Category(l, c)));
            pages.extend((0..site.articles.len()).map(|a| Page::Article(l, a)));
        }
        pages
    }

    /// The URL of a page (with the base path); the file it is written to follows from it.
    pub fn url(&self, page: Page) -> String {
        let site = self.site;
        match page {
            Page::Root => format!("{}/", site.base()),
            Page::RootNotFound => format!("{}/404.html", site.base()),
            Page::Home(l) => site.home_url(l),
            Page::NotFound(l) => format!("{}404.html", site.home_url(l)),
            Page::Contact(l) => site.contact_url(l),
            Page::Thanks(l) => site.thanks_url(l),
            Page::Search(l) => site.search_url(l),
            Page::Section(l, a) => site.section_url(l, a),
            Page::Category(l, c) => site.category_url(l, c),
            Page::Article(l, a) => site.article_url(l, a),
        }
    }

    /// Pages that are their own canonical version (the sitemap lists exactly these), with their
    /// translations.
    pub fn canonical_alternates(&self, page: Page) -> Option<Vec<(usize, Page)>> {
        let site = self.site;
        let all = |f: &dyn Fn(usize) -> Page| {
            Some((0..site.languages.len()).map(|l| (l, f(l))).collect())
        };
        match page {
            Page::Home(_) => all(&Page::Home),
            Page::Contact(_) => all(&Page::Contact),
            Page::Section(_, a) => all(&|l| Page::Section(l, a)),
            Page::Category(_, c) => all(&|l| Page::Category(l, c)),
            Page::Article(l, a) if site.is_translated(l, a) => Some(
                (0..site.languages.len())
                    .filter(|&x| site.is_translated(x, a))
                    .map(|x| (x, Page::Article(x, a)))
                    .collect(),
            ),
            _ => None,
        }
    }

    pub fn render(&self, page: Page) -> Result<Output, Vec<Diagnostic>> {
        let file = output_file(&self.url(page), self.site.base());
        let mut out = Output {
            file,
            html: String::new(),
            links: Vec::new(),
            anchors: None,
            search: None,
        };
        let (template, context) = match page {
            Page::Root => ("root.html", self.root()),
            Page::RootNotFound => (
                "404.html",
                self.common_only(self.site.default_lang, page, "not_found_title"),
            ),
            Page::NotFound(l) => ("404.html", self.common_only(l, page, "not_found_title")),
            Page::Thanks(l) => ("thanks.html", self.common_only(l, page, "thanks_title")),
            Page::Search(l) => ("search.html", self.common_only(l, page, "search_title")),
            Page::Home(l) => ("home.html", self.home(l, &mut out)?),
            Page::Contact(l) => ("contact.html", self.contact(l, &mut out)?),
            Page::Section(l, a) => ("section.html", self.section(l, a, &mut out)?),
            Page::Category(l, c) => ("category.html", self.category(l, c, &mut out)?),
            Page::Article(l, a) => ("article.html", self.article(l, a, &mut out)?),
        };
        let context = tera::Context::from_value(context).map_err(|e| {
            vec![Diagnostic::error(
                &out.file,
                None,
                format!("internal: page data is not an object: {e}"),
                "",
            )]
        })?;
        out.html = self
            .tera
            .render(template, &context)
            .map_err(|e| vec![template_error(Path::new(template), &e)])?;
        Ok(out)
    }

    fn common(&self, l: usize, page: Page, title: String, description: String) -> Common<'_> {
        let site = self.site;
        let lang = &site.languages[l];
        let url = self.url(page);
        let alternates = self.canonical_alternates(page).unwrap_or_default();
        let mut alt: Vec<Alternate> = alternates
            .iter()
            .map(|&(x, p)| Alternate {
                hreflang: site.languages[x].code.clone(),
                href: site.absolute(&self.url(p)),
            })
            .collect();
        if let Some(&(_, default_page)) = alternates.iter().find(|(x, _)| *x == site.default_lang) {
            alt.push(Alternate {
                hreflang: "x-default".into(),
                href: site.absolute(&self.url(default_page)),
            });
        }
        let canonical = match page {
            Page::Article(_, a) if !site.is_translated(l, a) => {
                site.absolute(&site.article_url(site.default_lang, a))
            }
            _ => site.absolute(&url),
        };
        let untranslated = matches!(page, Page::Article(_, a) if !site.is_translated(l, a));
        let content = if untranslated {
            &site.languages[site.default_lang]
        } else {
            lang
        };
        Common {
            lang: &lang.code,
            dir: dir_name(lang.dir),
            t: &self.strings[l],
            site_title: &site.homes[l].meta.title,
            home_url: site.home_url(l),
            contact_url: site.contact_url(l),
            search_url: site.search_url(l),
            fallback_email: &site.config.ticket.fallback_email,
            assets: &self.assets,
            title,
            description,
            canonical,
            alternates: alt,
            switcher: (0..site.languages.len())
                .map(|x| Switch {
                    code: site.languages[x].code.clone(),
                    name: site.languages[x].name.clone(),
                    url: self.url(self.switch_target(page, x)),
                    current: x == l,
                })
                .collect(),
            breadcrumbs: self.breadcrumbs(l, page),
            untranslated,
            content_lang: &content.code,
            content_dir: dir_name(content.dir),
        }
    }

    /// The same page in language `x`, or its nearest parent there when it is not translated.
    fn switch_target(&self, page: Page, x: usize) -> Page {
        match page {
            Page::Root | Page::RootNotFound => Page::Home(x),
            Page::Home(_) => Page::Home(x),
            Page::NotFound(_) => Page::NotFound(x),
            Page::Contact(_) => Page::Contact(x),
            Page::Thanks(_) => Page::Thanks(x),
            Page::Search(_) => Page::Search(x),
            Page::Section(_, a) => Page::Section(x, a),
            Page::Category(_, c) => Page::Category(x, c),
            Page::Article(_, a) if self.site.is_translated(x, a) => Page::Article(x, a),
            Page::Article(_, a) => Page::Category(x, self.site.articles[a].category),
        }
    }

    fn breadcrumbs(&self, l: usize, page: Page) -> Vec<Link> {
        let site = self.site;
        let home = Link {
            title: self.s(l, "home"),
            url: site.home_url(l),
        };
        let section = |a: usize| Link {
            title: site.audiences[a].docs[l].meta.title.clone(),
            url: site.section_url(l, a),
        };
        let category = |c: usize| Link {
            title: site.categories[c].docs[l].meta.title.clone(),
            url: site.category_url(l, c),
        };
        match page {
            Page::Section(..) | Page::Contact(_) | Page::Search(_) => vec![home],
            Page::Thanks(_) => vec![
                home,
                Link {
                    title: self.contact_title(l),
                    url: site.contact_url(l),
                },
            ],
            Page::Category(_, c) => vec![home, section(site.categories[c].audience)],
            Page::Article(_, a) => {
                let c = site.articles[a].category;
                vec![home, section(site.categories[c].audience), category(c)]
            }
            _ => Vec::new(),
        }
    }

    fn contact_title(&self, l: usize) -> String {
        let title = &self.site.contacts[l].meta.title;
        if title.is_empty() {
            self.s(l, "contact_us")
        } else {
            title.clone()
        }
    }

    fn s(&self, l: usize, key: &str) -> String {
        self.strings[l]
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn common_only(&self, l: usize, page: Page, title_key: &str) -> Value {
        json!({ "page": self.common(l, page, self.s(l, title_key), String::new()) })
    }

    fn root(&self) -> Value {
        let site = self.site;
        let d = site.default_lang;
        let languages: Vec<Value> = site
            .languages
            .iter()
            .enumerate()
            .map(|(l, lang)| json!({ "code": lang.code, "name": lang.name, "url": site.home_url(l), "title": site.homes[l].meta.title, "dir": dir_name(lang.dir) }))
            .collect();
        json!({ "page": self.common(d, Page::Root, site.homes[d].meta.title.clone(), site.homes[d].meta.description.clone().unwrap_or_default()), "languages": languages })
    }

    /// Renders the Markdown body of a doc shown on a page in language `l`.
    fn markdown<M>(
        &self,
        l: usize,
        doc: &Doc<M>,
        out: &mut Output,
    ) -> Result<markdown::Rendered, Vec<Diagnostic>> {
        let site = self.site;
        let content_dir = &site.content_dir;
        let doc_lang = doc
            .path
            .strip_prefix(content_dir)
            .ok()
            .and_then(|p| p.iter().next())
            .and_then(|c| c.to_str())
            .and_then(|c| site.languages.iter().position(|x| x.code == c));
        // Relative to content/, so that a content folder given as `../content` works too.
        let doc_dir = doc
            .path
            .strip_prefix(content_dir)
            .ok()
            .and_then(Path::parent);
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
            path: &doc.path,
            body_line: doc.body_line,
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
        out.links.extend(
            rendered
                .links
                .iter()
                .cloned()
                .map(|link| (doc.path.clone(), link)),
        );
        Ok(rendered)
    }

    fn home(&self, l: usize, out: &mut Output) -> Result<Value, Vec<Diagnostic>> {
        let site = self.site;
        let doc = &site.homes[l];
        let body = self.markdown(l, doc, out)?;
        let audiences: Vec<Value> = (0..site.audiences.len())
            .map(|a| {
                let meta = &site.audiences[a].docs[l].meta;
                json!({ "id": site.audiences[a].id, "title": meta.title, "description": meta.description, "url": site.section_url(l, a) })
            })
            .collect();
        let mut recent: Vec<usize> = (0..site.articles.len())
            .filter(|&a| site.article_doc(l, a).0.meta.updated.is_some())
            .collect();
        recent.sort_by(|&x, &y| {
            site.article_doc(l, y)
                .0
                .meta
                .updated
                .cmp(&site.article_doc(l, x).0.meta.updated)
                .then(x.cmp(&y))
        });
        recent.truncate(6);
        Ok(json!({
            "page": self.common(l, Page::Home(l), doc.meta.title.clone(), doc.meta.description.clone().unwrap_or_default()),
            "body": body.html,
            "audiences": audiences,
            "popular": site.popular().into_iter().map(|a| self.article_link(l, a)).collect::<Vec<_>>(),
            "recent": recent.into_iter().map(|a| self.article_link(l, a)).collect::<Vec<_>>(),
        }))
    }

    fn article_link(&self, l: usize, a: usize) -> Value {
        let (doc, translated) = self.site.article_doc(l, a);
        json!({ "title": doc.meta.title, "url": self.site.article_url(l, a), "summary": doc.meta.summary, "translated": translated })
    }

    fn section(&self, l: usize, a: usize, out: &mut Output) -> Result<Value, Vec<Diagnostic>> {
        let site = self.site;
        let audience = &site.audiences[a];
        let doc = &audience.docs[l];
        let body = self.markdown(l, doc, out)?;
        let limit = site.config.section_article_limit;
        let categories: Vec<Value> = audience
            .categories
            .iter()
            .map(|&c| {
                let category = &site.categories[c];
                let meta = &category.docs[l].meta;
                let articles: Vec<Value> = category.articles.iter().take(limit).map(|&x| self.article_link(l, x)).collect();
                json!({ "title": meta.title, "description": meta.description, "url": site.category_url(l, c), "articles": articles, "count": category.articles.len(), "more": category.articles.len() > limit })
            })
            .collect();
        Ok(json!({
            "page": self.common(l, Page::Section(l, a), doc.meta.title.clone(), doc.meta.description.clone().unwrap_or_default()),
            "body": body.html,
            "categories": categories,
            "ticket_url": site.ticket_url(l, a, None),
        }))
    }

    fn category(&self, l: usize, c: usize, out: &mut Output) -> Result<Value, Vec<Diagnostic>> {
        let site = self.site;
        let category = &site.categories[c];
        let doc = &category.docs[l];
        let body = self.markdown(l, doc, out)?;
        Ok(json!({
            "page": self.common(l, Page::Category(l, c), doc.meta.title.clone(), doc.meta.description.clone().unwrap_or_default()),
            "body": body.html,
            "articles": category.articles.iter().map(|&a| self.article_link(l, a)).collect::<Vec<_>>(),
            "ticket_url": site.ticket_url(l, category.audience, Some(c)),
        }))
    }

    fn article(&self, l: usize, a: usize, out: &mut Output) -> Result<Value, Vec<Diagnostic>> {
        let site = self.site;
        let article = &site.articles[a];
        let category = &site.categories[article.category];
        let (doc, _) = site.article_doc(l, a);
        let body = self.markdown(l, doc, out)?;
        let updated = doc
            .meta
            .updated
            .map(|date| i18n::format_date(&self.strings[l], date));
        let toc: Vec<&Heading> = body.headings.iter().filter(|h| h.level <= 3).collect();
        let toc = if toc.len() >= site.config.markdown.toc_min_headings {
            toc
        } else {
            Vec::new()
        };
        let position = category.articles.iter().position(|&x| x == a).unwrap_or(0);
        let prev = position
            .checked_sub(1)
            .map(|p| self.article_link(l, category.articles[p]));
        let next = category
            .articles
            .get(position + 1)
            .map(|&x| self.article_link(l, x));
        let title = doc.meta.title.clone();
        let summary = doc.meta.summary.clone().unwrap_or_default();
        let context = json!({
            "page": self.common(l, Page::Article(l, a), title.clone(), summary.clone()),
            "body": body.html,
            "toc": toc,
            "updated": updated,
            "updated_iso": doc.meta.updated,
            "tags": doc.meta.tags,
            "related": article.related.iter().map(|&x| self.article_link(l, x)).collect::<Vec<_>>(),
            "prev": prev,
            "next": next,
            "ticket_url": site.ticket_url(l, category.audience, Some(article.category)),
            "translated_elsewhere": self.original_url(l, a),
        });
        out.anchors = Some((l, a, body.headings.iter().map(|h| h.id.clone()).collect()));
        // Search results stay in the page's language: untranslated pages are not indexed.
        out.search = site.is_translated(l, a).then(|| SearchEntry {
            title,
            url: site.article_url(l, a),
            summary,
            text: body.text,
            audience: site.audiences[category.audience].id.clone(),
            category_id: category.id.clone(),
            category: category.docs[l].meta.title.clone(),
        });
        Ok(context)
    }

    /// For an untranslated page: the original's URL, for the notice.
    fn original_url(&self, l: usize, a: usize) -> Option<String> {
        (!self.site.is_translated(l, a)).then(|| self.site.article_url(self.site.default_lang, a))
    }

    fn contact(&self, l: usize, out: &mut Output) -> Result<Value, Vec<Diagnostic>> {
        let site = self.site;
        let doc = &site.contacts[l];
        let body = self.markdown(l, doc, out)?;
        let config = &site.config.contact;
        let title = self.contact_title(l);
        let departments = |kind: DepartmentKind| -> Vec<Value> {
            config
                .departments
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| {
                    let text = doc.meta.departments.get(&d.id);
                    json!({ "id": d.id, "email": d.email, "title": text.map(|t| t.title.clone()).unwrap_or_else(|| d.id.clone()), "description": text.and_then(|t| t.description.clone()) })
                })
                .collect()
        };
        let hours: Vec<Value> = config.hours.iter().map(|h| json!({ "days": i18n::format_days(&self.strings[l], &h.days), "from": h.from, "to": h.to })).collect();
        Ok(json!({
            "page": self.common(l, Page::Contact(l), title, doc.meta.description.clone().unwrap_or_default()),
            "body": body.html,
            "form": form(&site.contract, &site.languages[l].code, &self.url(Page::Contact(l))),
            "hours": hours,
            "timezone": config.timezone,
            "response_hours": site.config.ticket.response_hours.to_string(),
            "billing": departments(DepartmentKind::Billing),
            "elsewhere": departments(DepartmentKind::Elsewhere),
            "social": config.social,
            "thanks_url": site.thanks_url(l),
        }))
    }
}

/// The ticket form of one language, from the contract: choices with their labels, limits.
fn form(contract: &TicketContract, lang: &str, page: &str) -> Value {
    let d = &contract.default_language;
    let label =
        |labels: &contract::Labels, id: &str| contract::label(labels, lang, d, id).to_string();
    let audiences: Vec<Value> = contract
        .audiences
        .iter()
        .map(|a| {
            let categories: Vec<Value> = a
                .categories
                .iter()
                .map(|c| {
                    let subcategories: Vec<Value> = c.subcategories.iter().map(|s| json!({ "id": s.id, "label": label(&s.labels, &s.id) })).collect();
                    json!({ "id": c.id, "label": label(&c.labels, &c.id), "subcategories": subcategories })
                })
                .collect();
            json!({ "id": a.id, "label": label(&a.labels, &a.id), "categories": categories })
        })
        .collect();
    let fields: BTreeMap<&str, &contract::FieldSpec> = contract
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f))
        .collect();
    json!({
        "endpoint": contract.endpoint,
        "language": lang,
        "page": page,
        "audiences": audiences,
        "fields": fields,
        "names": {
            "submission_id": contract::field::SUBMISSION_ID, "language": contract::field::LANGUAGE, "audience": contract::field::AUDIENCE,
            "category": contract::field::CATEGORY, "subcategory": contract::field::SUBCATEGORY, "username": contract::field::USERNAME,
            "email": contract::field::EMAIL, "subject": contract::field::SUBJECT, "description": contract::field::DESCRIPTION,
            "page": contract::field::PAGE, "honeypot": contract::field::HONEYPOT, "elapsed_ms": contract::field::ELAPSED_MS,
        },
        "subject_words": contract.limits.subject_words,
        "min_fill_ms": contract.limits.min_fill_ms,
        "fallback_email": contract.fallback_email,
    })
}

fn dir_name(dir: crate::config::Direction) -> &'static str {
    match dir {
        crate::config::Direction::Ltr => "ltr",
        crate::config::Direction::Rtl => "rtl",
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// `/docs/en/users/` → `en/users/index.html`; `/docs/404.html` → `404.html`.
pub fn output_file(url: &str, base: &str) -> String {
    let rel = url
        .strip_prefix(base)
        .unwrap_or(url)
        .trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
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
    fn output_files_follow_urls() {
        assert_eq!(
            output_file("/docs/en/users/", "/docs"),
            "en/users/index.html"
        );
        assert_eq!(output_file("/", ""), "index.html");
        assert_eq!(output_file("/en/404.html", ""), "en/404.html");
    }

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(
            normalize(Path::new("content/en/users/account/../billing/x.md")),
            PathBuf::from("content/en/users/billing/x.md")
        );
    }
}
