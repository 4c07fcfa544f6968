//! Each page's template data, from the model: one function per kind of page.

use std::collections::BTreeMap;

use crate::config::{DepartmentKind, Direction};
use crate::diagnostics::Diagnostic;
use crate::i18n;
use crate::ids::{ArticleId, AudienceId, CategoryId, LangId};
use crate::markdown::{self, Heading};
use crate::model::Site;
use crate::page::Page;

use super::context::{
    Alternate, ArticleLink, ArticlePage, AudienceCard, CategoryBox, CategoryPage, Common,
    ContactPage, DepartmentCard, HomePage, HoursRow, Link, Outdated, PlainPage, RootLanguage,
    RootPage, SearchPage, SectionPage, Shared, Support, Switch,
};
use super::form::form;
use super::{Output, Renderer, SearchEntry};

type Rendered<T> = Result<T, Vec<Diagnostic>>;

impl Renderer<'_> {
    fn common(&self, l: LangId, page: Page, title: String, description: String) -> Common<'_> {
        let site = self.site;
        let untranslated = matches!(page, Page::Article(_, a) if !site.is_translated(l, a));
        let canonical = match page {
            Page::Article(_, a) if untranslated => site.article_url(site.default_lang, a),
            _ => site.page_url(page),
        };
        let content = &site.languages[if untranslated { site.default_lang } else { l }];
        Common {
            title,
            description,
            canonical: site.absolute(&canonical),
            alternates: self.alternates(page),
            switcher: self.switcher(l, page),
            breadcrumbs: self.breadcrumbs(l, page),
            untranslated,
            content_lang: &content.code,
            content_dir: dir_name(content.dir),
            support: self.support(page),
        }
    }

    /// The hours for "open now?", on the pages that show it.
    fn support(&self, page: Page) -> Option<Support<'_>> {
        let shown = matches!(
            page,
            Page::Contact(_) | Page::Section(..) | Page::Category(..) | Page::Article(..)
        );
        let config = &self.site.config;
        shown.then(|| Support {
            zone: config.contact.timezone.name(),
            hours: &config.contact.hours,
            holidays: &config.contact.holidays,
            response_hours: config.ticket.response_hours,
        })
    }

    /// `hreflang` links: every translation of a canonical page, and `x-default`.
    fn alternates(&self, page: Page) -> Vec<Alternate> {
        let site = self.site;
        let translations = site.canonical_alternates(page).unwrap_or_default();
        let alternate = |hreflang: &str, p: Page| Alternate {
            hreflang: hreflang.to_string(),
            href: site.absolute(&site.page_url(p)),
        };
        let default = translations.iter().find(|(x, _)| *x == site.default_lang);
        translations
            .iter()
            .map(|&(x, p)| alternate(&site.languages[x].code, p))
            .chain(default.map(|&(_, p)| alternate("x-default", p)))
            .collect()
    }

    fn switcher(&self, l: LangId, page: Page) -> Vec<Switch> {
        let site = self.site;
        site.languages
            .keys()
            .map(|x| Switch {
                code: site.languages[x].code.clone(),
                name: site.languages[x].name.clone(),
                url: site.page_url(site.switch_target(page, x)),
                current: x == l,
            })
            .collect()
    }

    fn breadcrumbs(&self, l: LangId, page: Page) -> Vec<Link> {
        let site = self.site;
        let link = |title: String, page: Page| Link {
            title,
            url: site.page_url(page),
        };
        let home = link(self.s(l, "home"), Page::Home(l));
        let section = |a: AudienceId| {
            link(
                site.audiences[a].docs[l].meta.title.clone(),
                Page::Section(l, a),
            )
        };
        let category = |c: CategoryId| {
            link(
                site.categories[c].docs[l].meta.title.clone(),
                Page::Category(l, c),
            )
        };
        match page {
            Page::Section(..) | Page::Contact(_) | Page::Search(_) => vec![home],
            Page::Thanks(_) => vec![home, link(self.contact_title(l), Page::Contact(l))],
            Page::Category(_, c) => vec![home, section(site.categories[c].audience)],
            Page::Article(_, a) => {
                let c = site.articles[a].category;
                vec![home, section(site.categories[c].audience), category(c)]
            }
            _ => Vec::new(),
        }
    }

    fn contact_title(&self, l: LangId) -> String {
        let title = &self.site.contacts[l].meta.title;
        if title.is_empty() {
            self.s(l, "contact_us")
        } else {
            title.clone()
        }
    }

    fn article_link(&self, l: LangId, a: ArticleId) -> ArticleLink<'_> {
        let (doc, translated) = self.site.article_doc(l, a);
        ArticleLink {
            title: &doc.meta.title,
            url: self.site.article_url(l, a),
            summary: doc.meta.summary.as_deref(),
            translated,
        }
    }

    pub(super) fn plain(&self, l: LangId, page: Page, title_key: &str) -> PlainPage<'_> {
        PlainPage {
            page: self.common(l, page, self.s(l, title_key), String::new()),
        }
    }

    pub(super) fn search(&self, l: LangId) -> SearchPage<'_> {
        SearchPage {
            page: self.common(l, Page::Search(l), self.s(l, "search_title"), String::new()),
            feedback_endpoint: self.feedback_endpoint(),
        }
    }

    pub(super) fn root(&self) -> RootPage<'_> {
        let site = self.site;
        let home = &site.homes[site.default_lang].meta;
        let description = home.description.clone().unwrap_or_default();
        let languages = site.languages.iter_enumerated();
        RootPage {
            page: self.common(
                site.default_lang,
                Page::Root,
                home.title.clone(),
                description,
            ),
            languages: languages
                .map(|(l, lang)| RootLanguage {
                    code: &lang.code,
                    name: &lang.name,
                    url: site.home_url(l),
                    title: &site.homes[l].meta.title,
                    dir: dir_name(lang.dir),
                })
                .collect(),
        }
    }

    pub(super) fn home(&self, l: LangId, out: &mut Output) -> Rendered<HomePage<'_>> {
        let site = self.site;
        let doc = &site.homes[l];
        let body = self.markdown(l, doc, out)?;
        let audiences = site.audiences.keys().map(|a| {
            let meta = &site.audiences[a].docs[l].meta;
            AudienceCard {
                id: &site.audiences[a].id,
                title: &meta.title,
                description: meta.description.as_deref(),
                url: site.section_url(l, a),
            }
        });
        let description = doc.meta.description.clone().unwrap_or_default();
        Ok(HomePage {
            page: self.common(l, Page::Home(l), doc.meta.title.clone(), description),
            body: body.html,
            audiences: audiences.collect(),
            popular: site
                .popular()
                .into_iter()
                .map(|a| self.article_link(l, a))
                .collect(),
            recent: self
                .recent(l)
                .into_iter()
                .map(|a| self.article_link(l, a))
                .collect(),
        })
    }

    /// The six articles updated last, as language `l` shows them.
    fn recent(&self, l: LangId) -> Vec<ArticleId> {
        let site = self.site;
        let updated = |a: ArticleId| site.article_doc(l, a).0.meta.updated.as_ref();
        let mut recent: Vec<ArticleId> = (site.articles.keys())
            .filter(|&a| updated(a).is_some())
            .collect();
        recent.sort_by(|&x, &y| updated(y).cmp(&updated(x)).then(x.cmp(&y)));
        recent.truncate(6);
        recent
    }

    pub(super) fn section(
        &self,
        l: LangId,
        a: AudienceId,
        out: &mut Output,
    ) -> Rendered<SectionPage<'_>> {
        let site = self.site;
        let audience = &site.audiences[a];
        let doc = &audience.docs[l];
        let body = self.markdown(l, doc, out)?;
        let limit = site.config.section_article_limit;
        let categories = audience.categories.iter().map(|&c| {
            let category = &site.categories[c];
            let meta = &category.docs[l].meta;
            let articles = category.articles.iter().take(limit);
            CategoryBox {
                title: &meta.title,
                description: meta.description.as_deref(),
                url: site.category_url(l, c),
                articles: articles.map(|&x| self.article_link(l, x)).collect(),
                count: category.articles.len(),
                more: category.articles.len() > limit,
            }
        });
        let description = doc.meta.description.clone().unwrap_or_default();
        Ok(SectionPage {
            page: self.common(l, Page::Section(l, a), doc.meta.title.clone(), description),
            body: body.html,
            categories: categories.collect(),
            ticket_url: site.ticket_url(l, a, None),
        })
    }

    pub(super) fn category(
        &self,
        l: LangId,
        c: CategoryId,
        out: &mut Output,
    ) -> Rendered<CategoryPage<'_>> {
        let site = self.site;
        let category = &site.categories[c];
        let doc = &category.docs[l];
        let body = self.markdown(l, doc, out)?;
        let description = doc.meta.description.clone().unwrap_or_default();
        Ok(CategoryPage {
            page: self.common(l, Page::Category(l, c), doc.meta.title.clone(), description),
            body: body.html,
            articles: category
                .articles
                .iter()
                .map(|&a| self.article_link(l, a))
                .collect(),
            ticket_url: site.ticket_url(l, category.audience, Some(c)),
        })
    }

    pub(super) fn article(
        &self,
        l: LangId,
        a: ArticleId,
        out: &mut Output,
    ) -> Rendered<ArticlePage<'_>> {
        let site = self.site;
        let article = &site.articles[a];
        let category = &site.categories[article.category];
        let (doc, translated) = site.article_doc(l, a);
        let markdown::Rendered {
            html,
            headings,
            text,
            ..
        } = self.markdown(l, doc, out)?;
        let updated = doc
            .meta
            .updated
            .map(|date| i18n::format_date(&self.strings[l], date));
        let position = category.articles.iter().position(|&x| x == a).unwrap_or(0);
        let neighbour = |p: Option<usize>| {
            let x = p.and_then(|p| category.articles.get(p))?;
            Some(self.article_link(l, *x))
        };
        let title = doc.meta.title.clone();
        let summary = doc.meta.summary.clone().unwrap_or_default();
        out.anchors = Some((l, a, headings.iter().map(|h| h.id.clone()).collect()));
        // Search results stay in the page's language: untranslated pages are not indexed.
        out.search = translated.then(|| SearchEntry {
            title: title.clone(),
            url: site.article_url(l, a),
            summary: summary.clone(),
            text,
            audience: site.audiences[category.audience].id.clone(),
            category_id: category.id.clone(),
            category: category.docs[l].meta.title.clone(),
            headings: headings
                .iter()
                .filter(|h| h.is_section())
                .cloned()
                .collect(),
        });
        Ok(ArticlePage {
            page: self.common(l, Page::Article(l, a), title, summary),
            toc: self.toc(headings),
            body: html,
            updated,
            updated_iso: doc.meta.updated,
            tags: &doc.meta.tags,
            related: article
                .related
                .iter()
                .map(|&x| self.article_link(l, x))
                .collect(),
            prev: neighbour(position.checked_sub(1)),
            next: neighbour(Some(position + 1)),
            ticket_url: site.ticket_url(l, category.audience, Some(article.category)),
            feedback: self.feedback(l, a),
            translated_elsewhere: (!translated).then(|| site.article_url(site.default_lang, a)),
            outdated: translated.then(|| self.outdated(l, a)).flatten(),
        })
    }

    /// The notice of a translation behind its original.
    fn outdated(&self, l: LangId, a: ArticleId) -> Option<Outdated<'_>> {
        let site = self.site;
        let behind = site.behind.get(&(l, a))?;
        let original = &site.languages[site.default_lang];
        let fill = |key: &str| {
            let date = i18n::format_date(&self.strings[l], behind.original_changed);
            self.s(l, key)
                .replace("{language}", &original.name)
                .replace("{date}", &date)
        };
        Some(Outdated {
            text: fill("outdated_notice"),
            link: fill("outdated_link"),
            url: site.article_url(site.default_lang, a),
            lang: &original.code,
            dir: dir_name(original.dir),
        })
    }

    /// The table of contents: headings down to level 3, when there are enough of them.
    fn toc(&self, headings: Vec<Heading>) -> Vec<Heading> {
        let toc: Vec<Heading> = headings.into_iter().filter(Heading::is_section).collect();
        if toc.len() >= self.site.config.markdown.toc_min_headings {
            toc
        } else {
            Vec::new()
        }
    }

    pub(super) fn contact(&self, l: LangId, out: &mut Output) -> Rendered<ContactPage<'_>> {
        let site = self.site;
        let doc = &site.contacts[l];
        let body = self.markdown(l, doc, out)?;
        let config = &site.config.contact;
        let departments = |kind: DepartmentKind| -> Vec<DepartmentCard<'_>> {
            let of_kind = config.departments.iter().filter(|d| d.kind == kind);
            of_kind
                .map(|d| {
                    let text = doc.meta.departments.get(&d.id);
                    DepartmentCard {
                        id: &d.id,
                        email: &d.email,
                        title: text.map_or(d.id.as_str(), |t| t.title.as_str()),
                        description: text.and_then(|t| t.description.as_deref()),
                    }
                })
                .collect()
        };
        let hours = config.hours.iter().map(|h| HoursRow {
            days: i18n::format_days(&self.strings[l], &h.days),
            from: &h.from,
            to: &h.to,
        });
        let description = doc.meta.description.clone().unwrap_or_default();
        Ok(ContactPage {
            page: self.common(l, Page::Contact(l), self.contact_title(l), description),
            body: body.html,
            form: form(&site.contract, &site.languages[l].code, site.contact_url(l)),
            hours: hours.collect(),
            timezone: config.timezone_label(),
            response_hours: site.config.ticket.response_hours.to_string(),
            billing: departments(DepartmentKind::Billing),
            elsewhere: departments(DepartmentKind::Elsewhere),
            social: &config.social,
            thanks_url: site.thanks_url(l),
        })
    }
}

/// What all pages of language `l` share.
pub(super) fn shared<'a>(
    site: &'a Site,
    l: LangId,
    assets: &'a BTreeMap<String, String>,
) -> Shared<'a> {
    let lang = &site.languages[l];
    Shared {
        lang: &lang.code,
        dir: dir_name(lang.dir),
        title: &site.homes[l].meta.title,
        home_url: site.home_url(l),
        contact_url: site.contact_url(l),
        search_url: site.search_url(l),
        search_bundle_url: site.search_bundle_url(l),
        fallback_email: &site.config.ticket.fallback_email,
        assets,
        favicon: (site.config.favicon.as_ref()).map(|icon| format!("{}/{icon}", site.base())),
        theme_color: site.config.theme_color.as_deref(),
    }
}

pub(super) fn dir_name(dir: Direction) -> &'static str {
    match dir {
        Direction::Ltr => "ltr",
        Direction::Rtl => "rtl",
    }
}
