//! Every URL of the site and the file each one is written to. Pages, search bundles, theme
//! assets and generated files get their addresses here and nowhere else, so `build`, `render`,
//! `check` and `serve` agree by construction.
//!
//! URLs carry the base path of `base_url` (`/docs/en/users/`); output files are relative to the
//! site root (`en/users/index.html`).

use std::collections::HashSet;

use crate::ids::{ArticleId, AudienceId, CategoryId, LangId};
use crate::model::{Alias, Site, Target};
use crate::page::Page;

/// The folder of the theme's (hashed) CSS, JS and other static files in the built site.
pub const ASSETS_DIR: &str = "assets";
pub const SITEMAP_FILE: &str = "sitemap.xml";
pub const ROBOTS_FILE: &str = "robots.txt";
/// Old paths and where they lead, for hosts that read it (Netlify, Cloudflare Pages).
pub const REDIRECTS_FILE: &str = "_redirects";
pub use ticket_function::contract::CONTRACT_FILE;
/// The folder of a language's search bundle, under that language's home (`en/pagefind/`).
pub const SEARCH_DIR: &str = "pagefind";
const INDEX_HTML: &str = "index.html";
const NOT_FOUND_HTML: &str = "404.html";

/// `name/` appended to a folder's URL: one string per URL rather than one per level (the
/// URLs of every page's links, switcher and lists are built by the hundred per page).
fn push_folder(url: &mut String, name: &str) {
    url.push_str(name);
    url.push('/');
}

impl Site {
    /// The base path of `base_url` (`/docs`, or empty at a domain's root).
    pub fn base(&self) -> &str {
        self.config.base_path()
    }

    pub fn absolute(&self, url: &str) -> String {
        format!("{}{}", self.config.origin(), url)
    }

    /// The URL of any page.
    pub fn page_url(&self, page: Page) -> String {
        match page {
            Page::Root => format!("{}/", self.base()),
            Page::RootNotFound => format!("{}/{NOT_FOUND_HTML}", self.base()),
            Page::Home(l) => self.home_url(l),
            Page::NotFound(l) => format!("{}{NOT_FOUND_HTML}", self.home_url(l)),
            Page::Contact(l) => self.contact_url(l),
            Page::Thanks(l) => self.thanks_url(l),
            Page::Search(l) => self.search_url(l),
            Page::Section(l, a) => self.section_url(l, a),
            Page::Category(l, c) => self.category_url(l, c),
            Page::Article(l, a) => self.article_url(l, a),
        }
    }

    /// The file a page is written to.
    pub fn page_file(&self, page: Page) -> String {
        output_file(&self.page_url(page), self.base())
    }

    pub fn home_url(&self, l: LangId) -> String {
        // Room for the folders below: most URLs start here and grow in place (`push_folder`).
        let mut url = String::with_capacity(96);
        url.push_str(self.base());
        url.push('/');
        push_folder(&mut url, &self.languages[l].code);
        url
    }

    pub fn contact_url(&self, l: LangId) -> String {
        format!("{}contact/", self.home_url(l))
    }

    pub fn thanks_url(&self, l: LangId) -> String {
        format!("{}contact/thanks/", self.home_url(l))
    }

    pub fn search_url(&self, l: LangId) -> String {
        format!("{}search/", self.home_url(l))
    }

    /// The folder of language `l`'s search bundle (its `pagefind.js` and index files).
    pub fn search_bundle_url(&self, l: LangId) -> String {
        format!("{}{SEARCH_DIR}/", self.home_url(l))
    }

    pub fn section_url(&self, l: LangId, a: AudienceId) -> String {
        let mut url = self.home_url(l);
        push_folder(&mut url, &self.audiences[a].id);
        url
    }

    pub fn category_url(&self, l: LangId, c: CategoryId) -> String {
        let category = &self.categories[c];
        let mut url = self.section_url(l, category.audience);
        push_folder(&mut url, &category.id);
        url
    }

    pub fn article_url(&self, l: LangId, a: ArticleId) -> String {
        let mut url = self.category_url(l, self.articles[a].category);
        push_folder(&mut url, self.article_slug(l, a));
        url
    }

    /// The URL of an article's old path: a folder, or the file itself when it ends in `.html`.
    pub fn alias_url(&self, alias: &Alias) -> String {
        self.path_url(alias.lang, &alias.path)
    }

    /// The URL of `path` under language `l`'s home (`users/account/x` → `/en/users/account/x/`):
    /// a folder, or the file itself when it ends in `.html`.
    pub fn path_url(&self, l: LangId, path: &str) -> String {
        let slash = if path.ends_with(".html") { "" } else { "/" };
        format!("{}{path}{slash}", self.home_url(l))
    }

    /// The URL of every page of the site.
    pub fn page_urls(&self) -> HashSet<String> {
        self.pages().into_iter().map(|p| self.page_url(p)).collect()
    }

    /// The last segment of an article's URL in language `l`: its `slug`, else its file name.
    pub(crate) fn article_slug(&self, l: LangId, a: ArticleId) -> &str {
        let article = &self.articles[a];
        article.docs[l]
            .as_ref()
            .and_then(|d| d.meta.slug.as_deref())
            .unwrap_or(&article.key)
    }

    /// The ticket link: the contact page with audience and category chosen.
    pub fn ticket_url(
        &self,
        l: LangId,
        audience: AudienceId,
        category: Option<CategoryId>,
    ) -> String {
        let mut url = format!(
            "{}?audience={}",
            self.contact_url(l),
            self.audiences[audience].id
        );
        if let Some(c) = category {
            url.push_str(&format!("&category={}", self.categories[c].id));
        }
        url
    }

    /// The ticket link offered after an article did not help: its category's, with the article
    /// as `page` (the form tells support where the visitor came from).
    pub fn article_ticket_url(&self, l: LangId, a: ArticleId) -> String {
        let c = self.articles[a].category;
        let page: String =
            form_urlencoded::byte_serialize(self.article_url(l, a).as_bytes()).collect();
        let audience = self.categories[c].audience;
        format!("{}&page={page}", self.ticket_url(l, audience, Some(c)))
    }

    /// The page a link to a content file leads to, in language `l`.
    pub fn target_url(&self, l: LangId, target: Target) -> String {
        match target {
            Target::Home => self.home_url(l),
            Target::Contact => self.contact_url(l),
            Target::Section(a) => self.section_url(l, a),
            Target::Category(c) => self.category_url(l, c),
            Target::Article(a) => self.article_url(l, a),
        }
    }

    /// A file of `content/static/` (a path relative to that folder).
    pub fn static_file_url(&self, file: &std::path::Path) -> String {
        format!(
            "{}/{}",
            self.base(),
            file.to_string_lossy().replace('\\', "/")
        )
    }

    /// A theme asset written as [`asset_file`].
    pub fn asset_url(&self, file: &str) -> String {
        format!("{}/{file}", self.base())
    }

    pub fn sitemap_url(&self) -> String {
        self.absolute(&format!("{}/{SITEMAP_FILE}", self.base()))
    }

    /// Files the build writes that are not pages (sitemap, robots.txt, the contract, search
    /// bundles): links to them are fine although no page has their URL.
    pub fn is_generated_file(&self, url: &str) -> bool {
        let rel = url.strip_prefix(self.base()).unwrap_or(url);
        let file = rel.strip_prefix('/').unwrap_or("");
        [SITEMAP_FILE, ROBOTS_FILE, CONTRACT_FILE].contains(&file)
            || rel.contains(&format!("/{SEARCH_DIR}/"))
    }
}

/// Where a theme asset (`app.css`, or its hashed name) goes in the site.
pub fn asset_file(name: &str) -> String {
    format!("{ASSETS_DIR}/{name}")
}

/// Whether a site file is a theme asset (pages embed those).
pub fn is_asset_file(file: &str) -> bool {
    file.strip_prefix(ASSETS_DIR)
        .is_some_and(|r| r.starts_with('/'))
}

/// The folder of language `code`'s search bundle in the site.
pub fn search_dir(code: &str) -> String {
    format!("{code}/{SEARCH_DIR}")
}

/// `/docs/en/users/` → `en/users/index.html`; `/docs/404.html` → `404.html`.
pub fn output_file(url: &str, base: &str) -> String {
    let rel = url
        .strip_prefix(base)
        .unwrap_or(url)
        .trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}{INDEX_HTML}")
    } else {
        rel.to_string()
    }
}

/// The inverse of [`output_file`] at the site root: `en/users/index.html` → `/en/users/`.
pub fn file_url(file: &str) -> String {
    match file.strip_suffix(INDEX_HTML) {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

/// Whether a site file is an HTML page.
pub fn is_page_file(file: &str) -> bool {
    file.ends_with(".html")
}

/// The folder page a request for `file` (without its trailing `/`) should be redirected to.
pub fn folder_index_file(file: &str) -> String {
    format!("{file}/{INDEX_HTML}")
}

/// The 404 pages that may answer a request for `file`, best first: its language's, the root's.
pub fn not_found_files(file: &str) -> Vec<String> {
    let language = file.split('/').next().filter(|l| !l.is_empty());
    language
        .map(|l| format!("{l}/{NOT_FOUND_HTML}"))
        .into_iter()
        .chain([NOT_FOUND_HTML.to_string()])
        .collect()
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
    fn page_urls_follow_files() {
        assert_eq!(file_url("en/users/index.html"), "/en/users/");
        assert_eq!(file_url("index.html"), "/");
        assert_eq!(file_url("en/404.html"), "/en/404.html");
        for file in ["en/users/index.html", "index.html", "en/404.html"] {
            assert_eq!(output_file(&file_url(file), ""), file);
        }
    }

    #[test]
    fn not_found_pages_prefer_the_language() {
        assert_eq!(
            not_found_files("it/nope/index.html"),
            ["it/404.html", "404.html"]
        );
        assert_eq!(not_found_files(""), ["404.html"]);
    }

    #[test]
    fn assets_live_in_their_folder() {
        assert!(is_asset_file(&asset_file("app.1234.css")));
        assert!(!is_asset_file("assetsx/app.css"));
        assert_eq!(search_dir("vi"), "vi/pagefind");
    }
}
