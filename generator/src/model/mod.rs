//! Step 2, model: turns what was loaded into the site's structure — languages, audiences,
//! categories, articles and their translations, URLs, related articles and the ticket contract —
//! and reports structural problems (unknown folders, missing labels, duplicate URLs).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ticket_function::contract::TicketContract;

use crate::config::{Config, Direction};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::KeyLines;
use crate::history::ContentHistory;
use crate::i18n::Strings;
use crate::ids::{ArticleId, AudienceId, CategoryId, LangId, PerLanguage, TiSlice, TiVec};
use crate::load::{
    ArticleKey, ArticleMeta, CategoryMeta, ContactMeta, Doc, IndexMeta, LangSource, Origins,
    Source, CONTACT_FILE, INDEX_FILE,
};

mod aliases;
mod contract;
mod translations;

pub use aliases::Alias;
pub use translations::{Behind, StatusBasis};

/// How many related articles an article shows.
const RELATED_LIMIT: usize = 4;

#[derive(Debug)]
pub struct Language {
    pub code: String,
    pub name: String,
    pub dir: Direction,
}

#[derive(Debug)]
pub struct Audience {
    pub id: String,
    pub categories: Vec<CategoryId>,
    /// Per language (site order); a missing translation borrows the default language's doc.
    pub docs: PerLanguage<Doc<IndexMeta>>,
}

#[derive(Debug)]
pub struct Category {
    pub audience: AudienceId,
    pub id: String,
    pub queue: String,
    pub articles: Vec<ArticleId>,
    pub docs: PerLanguage<Doc<CategoryMeta>>,
}

#[derive(Debug)]
pub struct Article {
    pub category: CategoryId,
    /// The file stem: the same in every language.
    pub key: String,
    /// Per language; `None` where the article is not translated.
    pub docs: PerLanguage<Option<Doc<ArticleMeta>>>,
    pub related: Vec<ArticleId>,
}

#[derive(Debug)]
pub struct Site {
    pub content_dir: PathBuf,
    pub config: Config,
    pub languages: PerLanguage<Language>,
    pub default_lang: LangId,
    pub homes: PerLanguage<Doc<IndexMeta>>,
    pub contacts: PerLanguage<Doc<ContactMeta>>,
    pub audiences: TiVec<AudienceId, Audience>,
    pub categories: TiVec<CategoryId, Category>,
    pub articles: TiVec<ArticleId, Article>,
    pub contract: TicketContract,
    pub static_files: Vec<PathBuf>,
    /// Every snippet file, and whether a page includes it.
    pub snippets: Vec<(PathBuf, bool)>,
    /// Old paths of moved articles, each a page that sends visitors on.
    pub aliases: Vec<Alias>,
    /// Translations behind their original, per language and article.
    pub behind: HashMap<(LangId, ArticleId), Behind>,
    /// What [`Site::behind`] was judged by.
    pub status_basis: StatusBasis,
    by_key: HashMap<(String, String, String), ArticleId>,
}

/// What a link to a content file points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Home,
    Contact,
    Section(AudienceId),
    Category(CategoryId),
    Article(ArticleId),
}

impl Site {
    /// Builds the model; every structural problem goes to `diagnostics`. Returns `None` only when
    /// the default language lacks what every page needs (home, contact, audiences).
    pub fn build(
        source: Source,
        strings: &PerLanguage<Strings>,
        diagnostics: &Diagnostics,
    ) -> Option<Site> {
        let Source {
            content_dir,
            config,
            mut languages,
            static_files,
            snippets,
            history,
        } = source;
        let langs: PerLanguage<Language> = config
            .languages
            .iter()
            .map(|l| Language {
                code: l.code.clone(),
                name: l.name.clone(),
                dir: l.direction(),
            })
            .collect();
        let default_lang = langs.position(|l| l.code == config.default_language)?;
        let sources: PerLanguage<_> = langs
            .iter()
            .map(|l| languages.remove(&l.code).unwrap_or_default())
            .collect();
        let default_dir = content_dir.join(&config.default_language);
        let mut folders = Folders {
            sources,
            default_lang,
            langs: &langs,
            content_dir: &content_dir,
            diagnostics,
        };

        let (homes, contacts) = folders.home_and_contact(&config.title)?;
        check_departments(&config, &contacts, &langs, diagnostics);

        let mut audiences = folders.audiences(&config.audiences)?;

        let mut categories = collect_categories(&mut folders, &audiences);
        sort_categories(&mut audiences, &mut categories, default_lang);
        let audience_ids: TiVec<AudienceId, &str> =
            config.audiences.iter().map(String::as_str).collect();
        let mut articles = collect_articles(
            &mut folders.sources,
            default_lang,
            &langs,
            &audience_ids,
            &categories,
            &default_dir,
            diagnostics,
        );
        sort_articles(&mut categories, &mut articles, default_lang);
        report_leftovers(&folders.sources, &langs, &content_dir, diagnostics);

        let by_key = index_by_key(&audiences, &categories, &articles);
        compute_related(&mut articles, default_lang);
        let parts = contract::Parts {
            config: &config,
            langs: &langs,
            homes: &homes,
            audiences: &audiences,
            categories: &categories,
            strings,
            default_lang,
        };
        let contract = contract::build_contract(&parts, diagnostics);
        let mut site = Site {
            content_dir,
            config,
            languages: langs,
            default_lang,
            homes,
            contacts,
            audiences,
            categories,
            articles,
            contract,
            static_files,
            snippets,
            aliases: Vec::new(),
            behind: HashMap::new(),
            status_basis: StatusBasis::default(),
            by_key,
        };
        site.complete(&history, diagnostics);
        Some(site)
    }

    /// What needs the whole site: the articles' URLs (urls.rs), their aliases, the feedback
    /// contract and the translations' status.
    fn complete(&mut self, history: &ContentHistory, diagnostics: &Diagnostics) {
        self.contract.feedback = contract::feedback(self);
        self.check_urls(diagnostics);
        self.aliases = aliases::collect(self, diagnostics);
        (self.behind, self.status_basis) = translations::behind(self, history);
        self.check_popular(diagnostics);
    }

    /// The doc an article page in language `l` shows: its translation, else the default's.
    pub fn article_doc(&self, l: LangId, a: ArticleId) -> (&Doc<ArticleMeta>, bool) {
        let docs = &self.articles[a].docs;
        match &docs[l] {
            Some(doc) => (doc, true),
            None => (
                docs[self.default_lang]
                    .as_ref()
                    .expect("every article exists in the default language"),
                false,
            ),
        }
    }

    /// The ticket contract with other UI strings (its emails' words are UI strings); its
    /// feedback pages are the site's, as they are.
    pub fn contract_with(
        &self,
        strings: &PerLanguage<Strings>,
        diagnostics: &Diagnostics,
    ) -> TicketContract {
        let parts = contract::Parts {
            config: &self.config,
            langs: &self.languages,
            homes: &self.homes,
            audiences: &self.audiences,
            categories: &self.categories,
            strings,
            default_lang: self.default_lang,
        };
        TicketContract {
            feedback: self.contract.feedback.clone(),
            ..contract::build_contract(&parts, diagnostics)
        }
    }

    /// Lets the articles' Markdown go once every page is rendered (a build that is not kept).
    pub fn release_text(&mut self) {
        let docs = self.articles.iter_mut().flat_map(|a| a.docs.iter_mut());
        docs.flatten().for_each(|doc| doc.body = String::new());
    }

    pub fn is_translated(&self, l: LangId, a: ArticleId) -> bool {
        self.articles[a].docs[l].is_some()
    }

    /// What a path relative to `content/` points at, and in which language.
    pub fn resolve_content_path(&self, rel: &Path) -> Option<(LangId, Target)> {
        let parts: Vec<&str> = rel.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
        let lang = self.languages.position(|l| l.code == parts[0])?;
        let audience = |id: &str| self.audiences.position(|a| a.id == id);
        let category = |a: &str, c: &str| {
            self.categories
                .position(|x| x.id == c && self.audiences[x.audience].id == a)
        };
        let target = match parts[1..] {
            [INDEX_FILE] => Target::Home,
            [CONTACT_FILE] => Target::Contact,
            [a, INDEX_FILE] => Target::Section(audience(a)?),
            [a, c, INDEX_FILE] => Target::Category(category(a, c)?),
            [a, c, file] => {
                let stem = file.strip_suffix(".md")?;
                Target::Article(*self.by_key.get(&(
                    a.to_string(),
                    c.to_string(),
                    stem.to_string(),
                ))?)
            }
            _ => return None,
        };
        Some((lang, target))
    }

    /// Two articles of one category and language must not share a URL.
    fn check_urls(&self, diagnostics: &Diagnostics) {
        for l in self.languages.keys() {
            for category in &self.categories {
                let mut seen: HashMap<&str, &Path> = HashMap::new();
                for &a in &category.articles {
                    let slug = self.article_slug(l, a);
                    let doc = self.article_doc(l, a).0;
                    let path = &doc.path;
                    // A `slug:` was checked when loading; the file name stands in for a missing one.
                    if let Err(invalid) = crate::frontmatter::check_slug(slug) {
                        diagnostics.push(Diagnostic::error(
                            path,
                            None,
                            format!("the file name {invalid}"),
                            format!(
                                "rename the file, or give the article a `slug`: {}",
                                crate::frontmatter::SLUG_RULE
                            ),
                        ));
                    } else if let Some(first) = seen.insert(slug, path) {
                        diagnostics.push(Diagnostic::error(
                            path,
                            doc.lines.get("slug"),
                            format!(
                                "duplicate URL {}: {} has it too",
                                self.article_url(l, a),
                                first.display()
                            ),
                            "give one of the two articles another `slug` (or file name)",
                        ));
                    }
                }
            }
        }
    }

    fn check_popular(&self, diagnostics: &Diagnostics) {
        let config_path = self.content_dir.join(crate::config::CONFIG_FILE);
        for (i, path) in self.config.home.popular.iter().enumerate() {
            let rel = Path::new(&self.config.default_language).join(format!("{path}.md"));
            if !matches!(
                self.resolve_content_path(&rel),
                Some((_, Target::Article(_)))
            ) {
                diagnostics.push(Diagnostic::error(&config_path, self.config.lines.get(&format!("home.popular[{i}]")), format!("`home.popular` names `{path}`, which is not an article"), format!("write the path of an article under content/{}/ without `.md`, e.g. `users/account/reset-your-password`", self.config.default_language)));
            }
        }
    }

    /// Popular articles from the settings, in the order given.
    pub fn popular(&self) -> Vec<ArticleId> {
        let default = &self.config.default_language;
        self.config
            .home
            .popular
            .iter()
            .filter_map(|p| {
                match self.resolve_content_path(&Path::new(default).join(format!("{p}.md"))) {
                    Some((_, Target::Article(a))) => Some(a),
                    _ => None,
                }
            })
            .collect()
    }
}

/// Articles by (audience id, category id, file stem): what a `.md` link names.
fn index_by_key(
    audiences: &TiSlice<AudienceId, Audience>,
    categories: &TiSlice<CategoryId, Category>,
    articles: &TiSlice<ArticleId, Article>,
) -> HashMap<(String, String, String), ArticleId> {
    let key = |a: &Article| {
        let c = &categories[a.category];
        (
            audiences[c.audience].id.clone(),
            c.id.clone(),
            a.key.clone(),
        )
    };
    articles
        .iter_enumerated()
        .map(|(i, a)| (key(a), i))
        .collect()
}

/// One doc per language.
type Docs<M> = PerLanguage<Doc<M>>;

/// The loaded language folders, in site order, with what is needed to report what they lack.
struct Folders<'a> {
    sources: PerLanguage<LangSource>,
    default_lang: LangId,
    langs: &'a TiSlice<LangId, Language>,
    content_dir: &'a Path,
    diagnostics: &'a Diagnostics,
}

impl Folders<'_> {
    /// The audiences in the settings' order, each with its section doc in every language.
    fn audiences(&mut self, ids: &[String]) -> Option<TiVec<AudienceId, Audience>> {
        let audience = |folders: &mut Self, id: &String| {
            let rel = format!("{id}/{INDEX_FILE}");
            let docs = folders.required(&rel, |s| s.audiences.remove(id))?;
            Some(Audience {
                id: id.clone(),
                categories: Vec::new(),
                docs,
            })
        };
        ids.iter().map(|id| audience(self, id)).collect()
    }

    /// Every language's home and contact page (synthesized where a site has none).
    fn home_and_contact(
        &mut self,
        site_title: &str,
    ) -> Option<(Docs<IndexMeta>, Docs<ContactMeta>)> {
        let home_meta = || IndexMeta {
            title: site_title.to_string(),
            description: None,
        };
        let homes = self.page(INDEX_FILE, |s| s.home.take(), home_meta)?;
        // An empty title makes the theme use its own "Contact support" in each language.
        let contact_meta = || ContactMeta {
            title: String::new(),
            description: None,
            departments: Default::default(),
        };
        let contacts = self.page(CONTACT_FILE, |s| s.contact.take(), contact_meta)?;
        Some((homes, contacts))
    }

    /// A doc every language must have (it carries labels). A missing translation is an error and
    /// borrows the default language's doc so the rest of the build can still report its problems.
    fn required<M: Clone>(
        &mut self,
        rel: &str,
        take: impl Fn(&mut LangSource) -> Option<Doc<M>>,
    ) -> Option<PerLanguage<Doc<M>>> {
        let docs: PerLanguage<Option<Doc<M>>> = self.sources.iter_mut().map(&take).collect();
        self.complete(docs, rel)
    }

    /// Like [`Folders::required`] for pages a site may leave out entirely (home, contact): when no
    /// language has the file, every language gets a page without text of its own.
    fn page<M: Clone>(
        &mut self,
        rel: &str,
        take: impl Fn(&mut LangSource) -> Option<Doc<M>>,
        synthesize: impl Fn() -> M,
    ) -> Option<PerLanguage<Doc<M>>> {
        let docs: PerLanguage<Option<Doc<M>>> = self.sources.iter_mut().map(&take).collect();
        if docs.iter().all(Option::is_none) {
            let doc = |l: LangId| Doc {
                path: self.path(l, rel),
                meta: synthesize(),
                origins: Origins::file(&self.path(l, rel), 1),
                body: String::new(),
                includes: Vec::new(),
                lines: KeyLines::default(),
                unparsed: false,
            };
            return Some(self.langs.keys().map(doc).collect());
        }
        self.complete(docs, rel)
    }

    fn complete<M: Clone>(
        &self,
        mut docs: PerLanguage<Option<Doc<M>>>,
        rel: &str,
    ) -> Option<PerLanguage<Doc<M>>> {
        let Some(default) = docs[self.default_lang].clone() else {
            let path = self.path(self.default_lang, rel);
            self.diagnostics.push(Diagnostic::error(&path, None, format!("{rel} is missing in the default language"), "create it with at least `title: …` in its front matter (see README.md, section Content format)"));
            return None;
        };
        let missing = |l: LangId| {
            let message = format!(
                "missing required label translation: {rel} does not exist in `{}`",
                self.langs[l].code
            );
            let hint = format!(
                "translate {} into {}: its title labels navigation and the ticket form",
                default.path.display(),
                self.langs[l].name
            );
            self.diagnostics
                .push(Diagnostic::error(self.path(l, rel), None, message, hint));
            default.clone()
        };
        Some(
            docs.iter_mut_enumerated()
                .map(|(l, doc)| doc.take().unwrap_or_else(|| missing(l)))
                .collect(),
        )
    }

    fn path(&self, l: LangId, rel: &str) -> PathBuf {
        self.content_dir.join(&self.langs[l].code).join(rel)
    }
}

fn check_departments(
    config: &Config,
    contacts: &TiSlice<LangId, Doc<ContactMeta>>,
    langs: &TiSlice<LangId, Language>,
    diagnostics: &Diagnostics,
) {
    // Placeholders for front matter that did not parse have no departments to check.
    for (l, doc) in contacts.iter_enumerated().filter(|(_, d)| !d.unparsed) {
        for department in &config.contact.departments {
            if !doc.meta.departments.contains_key(&department.id) {
                diagnostics.push(Diagnostic::error(
                    &doc.path,
                    doc.lines.get("departments"),
                    format!(
                        "missing required label translation: department `{}` has no title in `{}`",
                        department.id, langs[l].code
                    ),
                    format!(
                        "add `{}: {{title: …, description: …}}` under `departments:`",
                        department.id
                    ),
                ));
            }
        }
        for id in doc.meta.departments.keys() {
            if !config.contact.departments.iter().any(|d| &d.id == id) {
                diagnostics.push(Diagnostic::error(
                    &doc.path,
                    doc.lines.get(&format!("departments.{id}")),
                    format!("unknown department `{id}`"),
                    "departments are declared under `contact.departments` in helpcenter.yaml",
                ));
            }
        }
    }
}

fn collect_categories(
    folders: &mut Folders<'_>,
    audiences: &TiSlice<AudienceId, Audience>,
) -> TiVec<CategoryId, Category> {
    let d = folders.default_lang;
    let keys: Vec<(String, String)> = folders.sources[d].categories.keys().cloned().collect();
    let mut categories = TiVec::new();
    for (a, c) in keys {
        let Some(audience) = audiences.position(|x| x.id == a) else {
            continue;
        };
        let rel = format!("{a}/{c}/{INDEX_FILE}");
        let Some(docs) = folders.required(&rel, |s| s.categories.remove(&(a.clone(), c.clone())))
        else {
            continue;
        };
        if !crate::config::is_id(&c) {
            folders.diagnostics.push(Diagnostic::error(
                &docs[d].path,
                None,
                format!("category folder `{c}` is not a lowercase id"),
                "rename the folder (in every language) to lowercase letters, digits and `-`",
            ));
        }
        let queue = docs[d]
            .meta
            .queue
            .clone()
            .unwrap_or_else(|| format!("{a}-{c}"));
        check_subcategories(&docs, d, folders.langs, folders.diagnostics);
        categories.push(Category {
            audience,
            id: c,
            queue,
            articles: Vec::new(),
            docs,
        });
    }
    categories
}

fn check_subcategories(
    docs: &TiSlice<LangId, Doc<CategoryMeta>>,
    default_lang: LangId,
    langs: &TiSlice<LangId, Language>,
    diagnostics: &Diagnostics,
) {
    // Placeholders for front matter that did not parse have no subcategories to compare.
    if docs[default_lang].unparsed {
        return;
    }
    let ids: Vec<&str> = docs[default_lang]
        .meta
        .subcategories
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    for (l, doc) in docs.iter_enumerated().filter(|(_, d)| !d.unparsed) {
        let here: Vec<&str> = doc
            .meta
            .subcategories
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        for id in ids.iter().filter(|id| !here.contains(id)) {
            diagnostics.push(Diagnostic::error(
                &doc.path,
                doc.lines.get("subcategories"),
                format!(
                    "missing required label translation: subcategory `{id}` has no title in `{}`",
                    langs[l].code
                ),
                format!("add `- {{id: {id}, title: …}}` under `subcategories:`"),
            ));
        }
        for (i, id) in here.iter().enumerate().filter(|(_, id)| !ids.contains(id)) {
            diagnostics.push(Diagnostic::error(
                &doc.path,
                doc.lines.get(&format!("subcategories[{i}].id")),
                format!("unknown subcategory `{id}`: the default language does not have it"),
                format!(
                    "subcategory ids come from content/{}/…/_index.md; use one of: {}",
                    langs[default_lang].code,
                    ids.join(", ")
                ),
            ));
        }
    }
}

fn collect_articles(
    sources: &mut TiSlice<LangId, LangSource>,
    default_lang: LangId,
    langs: &TiSlice<LangId, Language>,
    audience_ids: &TiSlice<AudienceId, &str>,
    categories: &TiSlice<CategoryId, Category>,
    default_dir: &Path,
    diagnostics: &Diagnostics,
) -> TiVec<ArticleId, Article> {
    let mut index: HashMap<ArticleKey, ArticleId> = HashMap::new();
    let mut articles = TiVec::new();
    let keys: Vec<ArticleKey> = sources[default_lang].articles.keys().cloned().collect();
    for key in keys {
        let Some(category) =
            categories.position(|c| c.id == key.1 && audience_ids[c.audience] == key.0)
        else {
            // Taken out of every language: its translations are not translations without an original.
            let docs: PerLanguage<_> = sources
                .iter_mut()
                .map(|s| s.articles.remove(&key))
                .collect();
            let path = &docs[default_lang]
                .as_ref()
                .expect("the key comes from the default language")
                .path;
            diagnostics.push(Diagnostic::error(
                path,
                None,
                format!("unknown category folder `{}/{}`", key.0, key.1),
                format!(
                    "create {}/{}/{}/{INDEX_FILE} with the category's title",
                    default_dir.display(),
                    key.0,
                    key.1
                ),
            ));
            continue;
        };
        let docs: PerLanguage<Option<Doc<ArticleMeta>>> = sources
            .iter_mut()
            .map(|s| s.articles.remove(&key).filter(|d| !d.meta.draft))
            .collect();
        if docs[default_lang].is_none() {
            continue; // a draft in the default language is left out everywhere
        }
        index.insert(key.clone(), articles.next_key());
        articles.push(Article {
            category,
            key: key.2,
            docs,
            related: Vec::new(),
        });
    }
    for (l, source) in sources.iter_enumerated() {
        for (key, doc) in &source.articles {
            if !doc.meta.draft && !index.contains_key(key) {
                diagnostics.push(Diagnostic::error(&doc.path, None, format!("translation without an original: {}/{}/{}.md does not exist in `{}`", key.0, key.1, key.2, langs[default_lang].code), format!("translations keep the file path of the default language's article; rename this file (in {}) to match it, or add the original", langs[l].code)));
            }
        }
    }
    articles
}

/// Orders categories by the default language's `order`, then title, and links them to their
/// audience, so every language lists them the same way.
fn sort_categories(
    audiences: &mut TiSlice<AudienceId, Audience>,
    categories: &mut TiSlice<CategoryId, Category>,
    d: LangId,
) {
    categories.raw.sort_by_cached_key(|c| {
        (
            c.audience,
            c.docs[d].meta.order.unwrap_or(i64::MAX),
            c.docs[d].meta.title.to_lowercase(),
        )
    });
    for (i, category) in categories.iter_enumerated() {
        audiences[category.audience].categories.push(i);
    }
}

/// Orders articles within their category the same way, and links them to it.
fn sort_articles(
    categories: &mut TiSlice<CategoryId, Category>,
    articles: &mut TiSlice<ArticleId, Article>,
    d: LangId,
) {
    articles.raw.sort_by_cached_key(|a| {
        let meta = &a.docs[d]
            .as_ref()
            .expect("every article exists in the default language")
            .meta;
        (
            a.category,
            meta.order.unwrap_or(i64::MAX),
            meta.title.to_lowercase(),
        )
    });
    for (i, article) in articles.iter_enumerated() {
        categories[article.category].articles.push(i);
    }
}

/// Categories whose folder exists only in a translation.
fn report_leftovers(
    sources: &TiSlice<LangId, LangSource>,
    langs: &TiSlice<LangId, Language>,
    content_dir: &Path,
    diagnostics: &Diagnostics,
) {
    for (l, source) in sources.iter_enumerated() {
        for (a, c) in source.categories.keys() {
            let path = content_dir.join(&langs[l].code).join(a).join(c);
            diagnostics.push(Diagnostic::error(&path, None, format!("unknown category folder `{a}/{c}`: the default language has no such category"), "categories come from the default language's folders; rename this folder to match one of them, or add the category there first"));
        }
    }
}

/// Related articles share tags (of the default language, so every language shows the same ones):
/// most shared tags first, then the same category, then reading order. Shared tags are counted
/// in one array per thread, indexed by article: a tag of a large help center names thousands of
/// articles, and a map per article cost a second and a half at 10,000 articles.
fn compute_related(articles: &mut TiSlice<ArticleId, Article>, d: LangId) {
    fn tags(a: &Article, d: LangId) -> &[String] {
        a.docs[d].as_ref().map_or(&[], |doc| &doc.meta.tags)
    }
    let mut by_tag: HashMap<&str, Vec<ArticleId>> = HashMap::new();
    for (i, article) in articles.iter_enumerated() {
        for tag in tags(article, d) {
            by_tag.entry(tag).or_default().push(i);
        }
    }
    let n = articles.len();
    let related: Vec<Vec<ArticleId>> = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0u32; n], Vec::new()),
            |(shared, touched), i| {
                let i = ArticleId::from(i);
                let article = &articles[i];
                for tag in tags(article, d) {
                    for &j in by_tag.get(tag.as_str()).into_iter().flatten() {
                        if j != i {
                            if shared[usize::from(j)] == 0 {
                                touched.push(j);
                            }
                            shared[usize::from(j)] += 1;
                        }
                    }
                }
                let other_category = |j: ArticleId| articles[j].category != article.category;
                let rank = |&j: &ArticleId| {
                    (
                        std::cmp::Reverse(shared[usize::from(j)]),
                        other_category(j),
                        j,
                    )
                };
                if touched.len() > RELATED_LIMIT {
                    touched.select_nth_unstable_by_key(RELATED_LIMIT, rank);
                }
                let top = touched.len().min(RELATED_LIMIT);
                touched[..top].sort_by_key(rank);
                let related = touched[..top].to_vec();
                for j in touched.drain(..) {
                    shared[usize::from(j)] = 0;
                }
                related
            },
        )
        .collect();
    for (article, related) in articles.iter_mut().zip(related) {
        article.related = related;
    }
}
