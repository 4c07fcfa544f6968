//! Builds the example help center (`content/` with the real theme in `site/`) once and checks the
//! output with a real HTML parser: languages and directions, hreflang alternates, the language
//! switcher, ticket links, every internal link and anchor, the sitemap, the ticket form against the
//! contract, the untranslated-article notice, the root pages and the hashed assets; the security
//! headers and pages that keep to them in `example_site/security.rs`.

mod cli_support;
#[path = "example_site/security.rs"]
mod security;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use helpcenter::config::{Config, Direction};
use scraper::{ElementRef, Html, Selector};
use sha2::{Digest, Sha256};
use ticket_function::contract::TicketContract;

const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content");

/// The built example, shared by every test of this file.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    config: Config,
    /// Every HTML page: its URL path (`/en/users/`, `/404.html`) → its HTML.
    pages: BTreeMap<String, String>,
}

fn site() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("public");
        cli_support::build_example(&out);
        let config = Config::load(Path::new(CONTENT)).expect("the example's helpcenter.yaml loads");
        let mut pages = BTreeMap::new();
        for entry in cli_support::files_under(&out) {
            if entry.extension().is_some_and(|e| e == "html") {
                let rel = entry
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                pages.insert(url_of(&rel), std::fs::read_to_string(&entry).unwrap());
            }
        }
        assert!(
            pages.len() > 100,
            "the example should have many pages, found {}",
            pages.len()
        );
        Built {
            _dir: dir,
            out,
            config,
            pages,
        }
    })
}

/// `en/users/index.html` → `/en/users/`; `404.html` → `/404.html`.
fn url_of(rel_file: &str) -> String {
    match rel_file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{rel_file}"),
    }
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

fn attr<'a>(e: &ElementRef<'a>, name: &str) -> &'a str {
    e.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> without `{name}`: {}", e.value().name(), e.html()))
}

fn text(e: &ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("percent-encoded UTF-8")
}

impl Built {
    fn parse(&self, url: &str) -> Html {
        Html::parse_document(
            self.pages
                .get(url)
                .unwrap_or_else(|| panic!("no page at {url}")),
        )
    }

    fn origin(&self) -> &str {
        self.config.origin()
    }

    fn codes(&self) -> Vec<&str> {
        self.config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect()
    }

    /// The language folder a page is in (root pages are in the default language).
    fn language_of(&self, url: &str) -> &str {
        let first = url.trim_start_matches('/').split('/').next().unwrap_or("");
        self.codes()
            .into_iter()
            .find(|c| *c == first)
            .unwrap_or(&self.config.default_language)
    }

    /// The file a site path is served from, if the output has it.
    fn file_for(&self, path: &str) -> Option<PathBuf> {
        let rel = path.trim_start_matches('/');
        let file = self.out.join(rel);
        if rel.is_empty() || rel.ends_with('/') || file.is_dir() {
            let index = file.join("index.html");
            index.is_file().then_some(index)
        } else {
            file.is_file().then_some(file)
        }
    }

    /// Where a link on the page at `page_url` goes, as (site path without query, fragment);
    /// `None` for external and `mailto:` links.
    fn resolve(&self, page_url: &str, href: &str) -> Option<(String, Option<String>)> {
        let href = href.trim();
        if href.starts_with("mailto:") || href.starts_with("tel:") {
            return None;
        }
        let href = match href.strip_prefix(self.origin()) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                if rest.is_empty() {
                    "/"
                } else {
                    rest
                }
            }
            _ if href.starts_with("http://")
                || href.starts_with("https://")
                || href.starts_with("//") =>
            {
                return None
            }
            _ => href,
        };
        let (rest, fragment) = match href.split_once('#') {
            Some((r, f)) => (r, Some(percent_decode(f))),
            None => (href, None),
        };
        let path = rest.split('?').next().unwrap_or("");
        let path = if path.is_empty() {
            page_url.to_string()
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
            normalize(&format!("{dir}{path}"))
        };
        Some((path, fragment.filter(|f| !f.is_empty())))
    }

    /// The URL path of an absolute URL of this site.
    fn path_of(&self, absolute: &str) -> String {
        absolute
            .strip_prefix(self.origin())
            .unwrap_or_else(|| panic!("`{absolute}` is not on {}", self.origin()))
            .to_string()
    }

    fn is_noindex(doc: &Html) -> bool {
        doc.select(&sel("meta[name=robots]"))
            .any(|m| m.value().attr("content").unwrap_or("").contains("noindex"))
    }

    fn alternates(doc: &Html) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for link in doc.select(&sel("link[rel=alternate][hreflang]")) {
            let previous = map.insert(
                attr(&link, "hreflang").to_string(),
                attr(&link, "href").to_string(),
            );
            assert!(
                previous.is_none(),
                "hreflang {} listed twice",
                attr(&link, "hreflang")
            );
        }
        map
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// Front matter of a content file, parsed as YAML.
fn front_matter(path: &Path) -> serde_norway::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---"))
        .map(|(y, _)| y)
        .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
    serde_norway::from_str(yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fm_str<'a>(fm: &'a serde_norway::Value, key: &str) -> Option<&'a str> {
    fm.get(key).and_then(|v| v.as_str())
}

/// An article as the content folder describes it.
struct SourceArticle {
    audience: String,
    category: String,
    key: String,
    /// Per language code: whether the language has its own translation.
    translated: BTreeMap<String, bool>,
    /// Per language code: the article's URL path there.
    urls: BTreeMap<String, String>,
}

/// Every published article of the default language, with its URL in every language, computed from
/// the files (the translation's slug, else the file name).
fn source_articles(built: &Built) -> Vec<SourceArticle> {
    let content = Path::new(CONTENT);
    let d = &built.config.default_language;
    let mut articles = Vec::new();
    for audience in &built.config.audiences {
        let mut categories: Vec<PathBuf> = std::fs::read_dir(content.join(d).join(audience))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        categories.sort();
        for category_dir in categories {
            let category = category_dir
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&category_dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
                .collect();
            files.sort();
            for file in files {
                let original = front_matter(&file);
                if original.get("draft").and_then(|v| v.as_bool()) == Some(true) {
                    continue;
                }
                let key = file.file_stem().unwrap().to_string_lossy().to_string();
                let mut translated = BTreeMap::new();
                let mut urls = BTreeMap::new();
                for code in built.codes() {
                    let here = content
                        .join(code)
                        .join(audience)
                        .join(&category)
                        .join(format!("{key}.md"));
                    let fm = here
                        .is_file()
                        .then(|| front_matter(&here))
                        .filter(|fm| fm.get("draft").and_then(|v| v.as_bool()) != Some(true));
                    // An untranslated page keeps the file name (the slug is the translation's).
                    let slug = fm
                        .as_ref()
                        .and_then(|fm| fm_str(fm, "slug"))
                        .unwrap_or(&key)
                        .to_string();
                    translated.insert(code.to_string(), fm.is_some());
                    urls.insert(
                        code.to_string(),
                        format!("/{code}/{audience}/{category}/{slug}/"),
                    );
                }
                articles.push(SourceArticle {
                    audience: audience.clone(),
                    category: category.clone(),
                    key,
                    translated,
                    urls,
                });
            }
        }
    }
    assert!(
        articles.len() >= 40,
        "the example has at least 40 articles, found {}",
        articles.len()
    );
    articles
}

#[derive(Debug, PartialEq, Eq)]
enum Kind<'a> {
    Section(&'a str),
    Category(&'a str, &'a str),
    Article(&'a str, &'a str),
    Other,
}

fn kind<'a>(built: &Built, url: &'a str) -> Kind<'a> {
    let parts: Vec<&str> = url.trim_matches('/').split('/').collect();
    if !url.ends_with('/')
        || !built.codes().contains(&parts[0])
        || parts.len() < 2
        || !built.config.audiences.iter().any(|a| a == parts[1])
    {
        return Kind::Other;
    }
    match parts[1..] {
        [a] => Kind::Section(a),
        [a, c] => Kind::Category(a, c),
        [a, c, _] => Kind::Article(a, c),
        _ => Kind::Other,
    }
}

fn fail_if_any(what: &str, problems: Vec<String>) {
    if !problems.is_empty() {
        let shown: Vec<&String> = problems.iter().take(30).collect();
        panic!(
            "{} problem(s) with {what}:\n{}",
            problems.len(),
            shown
                .iter()
                .map(|s| format!("  {s}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn every_page_has_the_lang_and_dir_of_its_language_folder() {
    let built = site();
    let html_sel = sel("html");
    let mut problems = Vec::new();
    let mut rtl_pages = 0;
    for url in built.pages.keys() {
        let doc = built.parse(url);
        let html = doc.select(&html_sel).next().unwrap();
        let code = built.language_of(url);
        let dir = match built.config.language(code).unwrap().direction() {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        };
        let (lang_attr, dir_attr) = (html.value().attr("lang"), html.value().attr("dir"));
        if lang_attr != Some(code) || dir_attr != Some(dir) {
            problems.push(format!(
                "{url}: <html lang={lang_attr:?} dir={dir_attr:?}>, expected lang={code} dir={dir}"
            ));
        }
        if code == "ar" {
            assert_eq!(dir_attr, Some("rtl"), "{url}: Arabic is right-to-left");
            rtl_pages += 1;
        }
    }
    fail_if_any("<html lang dir>", problems);
    assert!(
        rtl_pages > 10,
        "the example has Arabic pages, found {rtl_pages}"
    );
}

#[test]
fn hreflang_alternates_exist_agree_and_include_x_default() {
    let built = site();
    let codes = built.codes();
    let mut problems = Vec::new();
    let mut with_alternates = 0;
    for url in built.pages.keys() {
        let doc = built.parse(url);
        let alternates = Built::alternates(&doc);
        if alternates.is_empty() {
            continue;
        }
        with_alternates += 1;
        for (lang, href) in &alternates {
            if lang != "x-default" && !codes.contains(&lang.as_str()) {
                problems.push(format!(
                    "{url}: hreflang `{lang}` is not a language of the site"
                ));
            }
            if !href.starts_with(built.origin()) {
                problems.push(format!(
                    "{url}: alternate {lang} `{href}` is not an absolute URL of the site"
                ));
                continue;
            }
            if built.file_for(&built.path_of(href)).is_none() {
                problems.push(format!("{url}: alternate {lang} `{href}` does not exist"));
            }
        }
        match alternates.get("x-default") {
            None => problems.push(format!("{url}: alternates without x-default")),
            Some(x) if alternates.get(&built.config.default_language) != Some(x) => {
                problems.push(format!(
                    "{url}: x-default `{x}` is not the {} page",
                    built.config.default_language
                ))
            }
            Some(_) => {}
        }
        // An indexable page belongs to its own cluster, and every member lists the same cluster.
        if !Built::is_noindex(&doc) {
            let own = format!("{}{url}", built.origin());
            if alternates.get(built.language_of(url)) != Some(&own) {
                problems.push(format!(
                    "{url}: its alternates do not include itself as `{}`",
                    built.language_of(url)
                ));
            }
            for href in alternates.values() {
                let other = built.path_of(href);
                if let Some(html) = built.pages.get(&other) {
                    let theirs = Built::alternates(&Html::parse_document(html));
                    if theirs != alternates {
                        problems.push(format!("{url}: alternates differ from those of {other}: {alternates:?} vs {theirs:?}"));
                    }
                }
            }
        }
    }
    fail_if_any("hreflang alternates", problems);
    assert!(
        with_alternates > 100,
        "most pages have alternates, found {with_alternates}"
    );
}

#[test]
fn language_switcher_links_exist_and_keep_the_page() {
    let built = site();
    let switch_sel = sel("nav.switcher a");
    let current_sel = sel("nav.switcher [aria-current]");
    let codes = built.codes();
    let mut problems = Vec::new();
    for url in built.pages.keys() {
        let doc = built.parse(url);
        let links: Vec<ElementRef<'_>> = doc.select(&switch_sel).collect();
        for link in &links {
            let href = attr(link, "href");
            match built.resolve(url, href) {
                Some((path, _)) if built.file_for(&path).is_some() => {}
                _ => problems.push(format!("{url}: switcher link `{href}` does not exist")),
            }
        }
        if url != "/" && url != "/404.html" {
            let mut listed: Vec<&str> = links.iter().map(|l| attr(l, "hreflang")).collect();
            listed.extend(doc.select(&current_sel).map(|c| attr(&c, "lang")));
            listed.sort();
            let mut expected = codes.clone();
            expected.sort();
            if listed != expected {
                problems.push(format!(
                    "{url}: the switcher offers {listed:?}, expected every language {expected:?}"
                ));
            }
        }
    }
    fail_if_any("the language switcher", problems);

    // On article pages each language's link goes to the same article there, or to its category
    // when that language has no translation.
    let mut checked_italian = 0;
    for article in source_articles(built) {
        for (code, url) in &article.urls {
            let doc = built.parse(url);
            for link in doc.select(&switch_sel) {
                let to = attr(&link, "hreflang");
                let expected = if article.translated[to] {
                    article.urls[to].clone()
                } else {
                    format!("/{to}/{}/{}/", article.audience, article.category)
                };
                assert_eq!(
                    attr(&link, "href"),
                    expected,
                    "{url}: the `{to}` switcher link of {}/{}/{}",
                    article.audience,
                    article.category,
                    article.key
                );
                if to == "it" && article.translated["it"] && code == &built.config.default_language
                {
                    checked_italian += 1;
                }
            }
        }
    }
    assert!(
        checked_italian >= 40,
        "articles translated into Italian: {checked_italian}"
    );
}

#[test]
fn sections_categories_and_articles_end_with_their_ticket_link() {
    let built = site();
    let ticket_sel = sel("a.ticket-link");
    let main_sel = sel("main");
    let mut counts = [0; 3];
    let mut problems = Vec::new();
    for url in built.pages.keys() {
        let expected = match kind(built, url) {
            Kind::Section(a) => {
                counts[0] += 1;
                format!("/{}/contact/?audience={a}", built.language_of(url))
            }
            Kind::Category(a, c) | Kind::Article(a, c) => {
                counts[if matches!(kind(built, url), Kind::Category(..)) {
                    1
                } else {
                    2
                }] += 1;
                format!(
                    "/{}/contact/?audience={a}&category={c}",
                    built.language_of(url)
                )
            }
            Kind::Other => continue,
        };
        let doc = built.parse(url);
        let links: Vec<ElementRef<'_>> = doc.select(&ticket_sel).collect();
        if links.is_empty() {
            problems.push(format!("{url}: no ticket link"));
            continue;
        }
        for link in &links {
            if attr(link, "href") != expected {
                problems.push(format!(
                    "{url}: ticket link `{}`, expected `{expected}`",
                    attr(link, "href")
                ));
            }
        }
        // It ends the page: the last element of <main> holds it.
        let main = doc.select(&main_sel).next().unwrap();
        let last = main.children().filter_map(ElementRef::wrap).last().unwrap();
        if last.select(&ticket_sel).next().is_none() {
            problems.push(format!(
                "{url}: the ticket link is not at the end of <main>"
            ));
        }
    }
    fail_if_any("ticket links", problems);
    let languages = built.config.languages.len();
    assert_eq!(
        counts[0],
        languages * built.config.audiences.len(),
        "section pages"
    );
    assert!(
        counts[1] >= languages * built.config.audiences.len() * 4,
        "category pages: {}",
        counts[1]
    );
    assert_eq!(
        counts[2],
        languages * source_articles(built).len(),
        "article pages"
    );
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let built = site();
    let id_sel = sel("[id]");
    let link_sel = sel("a[href], img[src]");
    let ids: HashMap<&str, HashSet<String>> = built
        .pages
        .iter()
        .map(|(url, html)| {
            (
                url.as_str(),
                Html::parse_document(html)
                    .select(&id_sel)
                    .map(|e| attr(&e, "id").to_string())
                    .collect(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut anchors = 0;
    for url in built.pages.keys() {
        let doc = built.parse(url);
        for link in doc.select(&link_sel) {
            let href = link
                .value()
                .attr("href")
                .or(link.value().attr("src"))
                .unwrap();
            let Some((path, fragment)) = built.resolve(url, href) else {
                continue;
            };
            checked += 1;
            let Some(file) = built.file_for(&path) else {
                problems.push(format!("{url}: `{href}` → {path} does not exist"));
                continue;
            };
            if let Some(fragment) = fragment {
                anchors += 1;
                let target = url_of(
                    &file
                        .strip_prefix(&built.out)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
                match ids.get(target.as_str()) {
                    Some(ids) if ids.contains(&fragment) => {}
                    Some(_) => problems.push(format!(
                        "{url}: `{href}` → no element with id `{fragment}` in {target}"
                    )),
                    None => problems.push(format!(
                        "{url}: `{href}` has an anchor but {target} is not a page"
                    )),
                }
            }
        }
    }
    fail_if_any("internal links", problems);
    assert!(checked > 5000, "links checked: {checked}");
    assert!(anchors > 100, "anchors checked: {anchors}");
}

#[test]
fn the_sitemap_lists_every_canonical_page_once() {
    let built = site();
    let xml = std::fs::read_to_string(built.out.join("sitemap.xml")).unwrap();
    let unescape = |s: &str| {
        s.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
    };
    // <url><loc>URL</loc><xhtml:link … hreflang="X" href="Y"/>…</url>
    let mut listed: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in xml.split("<url>").skip(1) {
        let loc = unescape(
            entry
                .split("<loc>")
                .nth(1)
                .and_then(|s| s.split("</loc>").next())
                .expect("<loc>"),
        );
        let mut alternates = BTreeMap::new();
        for link in entry.split("<xhtml:link ").skip(1) {
            let value = |name: &str| {
                unescape(
                    link.split(&format!("{name}=\""))
                        .nth(1)
                        .and_then(|s| s.split('"').next())
                        .unwrap_or(""),
                )
            };
            alternates.insert(value("hreflang"), value("href"));
        }
        if listed.insert(loc.clone(), alternates).is_some() {
            problems.push(format!("{loc} is listed twice"));
        }
    }

    let canonical_sel = sel("link[rel=canonical]");
    let mut canonical = BTreeSet::new();
    for url in built.pages.keys() {
        let doc = built.parse(url);
        let links: Vec<ElementRef<'_>> = doc.select(&canonical_sel).collect();
        assert_eq!(links.len(), 1, "{url}: one canonical link");
        let own = format!("{}{url}", built.origin());
        let href = attr(&links[0], "href");
        if built.file_for(&built.path_of(href)).is_none() {
            problems.push(format!("{url}: canonical `{href}` does not exist"));
        }
        if href == own && !Built::is_noindex(&doc) {
            canonical.insert(own.clone());
            // The sitemap's alternates are the page's, without x-default.
            let mut alternates = Built::alternates(&doc);
            alternates.remove("x-default");
            if let Some(in_sitemap) = listed.get(&own) {
                if in_sitemap != &alternates {
                    problems.push(format!(
                        "{url}: sitemap alternates {in_sitemap:?}, page alternates {alternates:?}"
                    ));
                }
            }
        }
    }
    let in_sitemap: BTreeSet<String> = listed.keys().cloned().collect();
    for missing in canonical.difference(&in_sitemap) {
        problems.push(format!("canonical page {missing} is not in the sitemap"));
    }
    for extra in in_sitemap.difference(&canonical) {
        problems.push(format!(
            "{extra} is in the sitemap but is not a canonical, indexable page"
        ));
    }
    fail_if_any("sitemap.xml", problems);
    assert!(
        canonical.len() > 100,
        "canonical pages: {}",
        canonical.len()
    );
}

#[test]
fn the_contact_form_offers_the_contract_choices_in_each_language() {
    let built = site();
    let contract = TicketContract::from_json(
        &std::fs::read_to_string(built.out.join("ticket-contract.json")).unwrap(),
    )
    .expect("a valid contract");
    assert_eq!(contract.languages, built.codes());
    let option = |select: &str| sel(&format!("select[name={select}] option"));
    for code in built.codes() {
        let url = format!("/{code}/contact/");
        let doc = built.parse(&url);
        let form = doc
            .select(&sel("form#ticket-form"))
            .next()
            .unwrap_or_else(|| panic!("{url}: no ticket form"));
        assert_eq!(
            attr(&form, "action"),
            contract.endpoint,
            "{url}: the form posts to the endpoint"
        );
        assert_eq!(attr(&form, "method"), "post");
        let language = doc
            .select(&sel("form#ticket-form input[name=language]"))
            .next()
            .expect("language field");
        assert_eq!(attr(&language, "value"), code);

        let choices = |select: &str, data: &[&str]| -> Vec<Vec<String>> {
            doc.select(&option(select))
                .filter(|o| !attr(o, "value").is_empty())
                .map(|o| {
                    let mut row: Vec<String> =
                        data.iter().map(|d| attr(&o, d).to_string()).collect();
                    row.extend([attr(&o, "value").to_string(), text(&o)]);
                    row
                })
                .collect()
        };
        let [audiences, categories, subcategories] = expected_choices(&contract, code);
        assert_eq!(
            choices("audience", &[]),
            audiences,
            "{url}: audience choices"
        );
        assert_eq!(
            choices("category", &["data-audience"]),
            categories,
            "{url}: category choices"
        );
        assert_eq!(
            choices("subcategory", &["data-audience", "data-category"]),
            subcategories,
            "{url}: subcategory choices"
        );
        assert!(!subcategories.is_empty());

        assert_labels_are_the_pages_titles(built, &contract, code);
    }
}

/// The contract's audience, category and subcategory choices as the form of `code` must list
/// them: the data attributes, the value and the label of each option.
fn expected_choices(contract: &TicketContract, code: &str) -> [Vec<Vec<String>>; 3] {
    let label = |labels: &BTreeMap<String, String>| {
        labels
            .get(code)
            .unwrap_or_else(|| panic!("a label in {code}: {labels:?}"))
            .clone()
    };
    let audiences: Vec<Vec<String>> = contract
        .audiences
        .iter()
        .map(|a| vec![a.id.clone(), label(&a.labels)])
        .collect();
    let categories: Vec<Vec<String>> = contract
        .audiences
        .iter()
        .flat_map(|a| {
            a.categories
                .iter()
                .map(|c| vec![a.id.clone(), c.id.clone(), label(&c.labels)])
        })
        .collect();
    let subcategories: Vec<Vec<String>> = contract
        .audiences
        .iter()
        .flat_map(|a| {
            a.categories
                .iter()
                .flat_map(move |c| c.subcategories.iter().map(move |s| (a, c, s)))
        })
        .map(|(a, c, s)| vec![a.id.clone(), c.id.clone(), s.id.clone(), label(&s.labels)])
        .collect();
    [audiences, categories, subcategories]
}

/// The form's labels are this language's: the titles of its section and category pages and the
/// subcategory titles of its category files.
fn assert_labels_are_the_pages_titles(built: &Built, contract: &TicketContract, code: &str) {
    let label = |labels: &BTreeMap<String, String>| {
        labels
            .get(code)
            .unwrap_or_else(|| panic!("a label in {code}: {labels:?}"))
            .clone()
    };
    for a in &contract.audiences {
        let section = built.parse(&format!("/{code}/{}/", a.id));
        assert_eq!(
            text(&section.select(&sel("main h1")).next().unwrap()),
            label(&a.labels),
            "{code}/{}: audience label",
            a.id
        );
        for c in &a.categories {
            let page = built.parse(&format!("/{code}/{}/{}/", a.id, c.id));
            assert_eq!(
                text(&page.select(&sel("main h1")).next().unwrap()),
                label(&c.labels),
                "{code}/{}/{}: category label",
                a.id,
                c.id
            );
            let fm = front_matter(
                &Path::new(CONTENT)
                    .join(code)
                    .join(&a.id)
                    .join(&c.id)
                    .join("_index.md"),
            );
            let titles: BTreeMap<String, String> = fm
                .get("subcategories")
                .and_then(|s| s.as_sequence())
                .map(|list| {
                    list.iter()
                        .map(|s| {
                            (
                                fm_str(s, "id").unwrap().to_string(),
                                fm_str(s, "title").unwrap().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            for s in &c.subcategories {
                assert_eq!(
                    titles.get(&s.id),
                    Some(&label(&s.labels)),
                    "{code}/{}/{}: subcategory `{}` label",
                    a.id,
                    c.id,
                    s.id
                );
            }
        }
    }
}

#[test]
fn untranslated_arabic_articles_show_the_notice_in_english() {
    let built = site();
    let notice_sel = sel(".notice");
    let article_sel = sel("article");
    let (mut translated, mut untranslated) = (0, 0);
    for article in source_articles(built) {
        let url = &article.urls["ar"];
        let doc = built.parse(url);
        let body = doc
            .select(&article_sel)
            .next()
            .unwrap_or_else(|| panic!("{url}: no <article>"));
        let has_notice = doc.select(&notice_sel).next().is_some();
        if article.translated["ar"] {
            translated += 1;
            assert!(
                !has_notice,
                "{url}: a translated article shows the untranslated notice"
            );
            assert_eq!(
                (body.value().attr("lang"), body.value().attr("dir")),
                (Some("ar"), Some("rtl")),
                "{url}: translated <article lang dir>"
            );
        } else {
            untranslated += 1;
            assert!(has_notice, "{url}: an untranslated article has no notice");
            assert_eq!(
                (body.value().attr("lang"), body.value().attr("dir")),
                (Some("en"), Some("ltr")),
                "{url}: untranslated <article lang dir>"
            );
            let canonical = doc.select(&sel("link[rel=canonical]")).next().unwrap();
            assert_eq!(
                attr(&canonical, "href"),
                format!("{}{}", built.origin(), article.urls["en"]),
                "{url}: the canonical page is the original"
            );
            assert!(
                !Built::alternates(&doc).contains_key("ar"),
                "{url}: an untranslated page is not an Arabic alternate"
            );
        }
    }
    assert!(
        translated > 0 && untranslated > 0,
        "Arabic is partial: {translated} translated, {untranslated} not"
    );
}

#[test]
fn the_root_page_lists_every_language() {
    let built = site();
    let doc = built.parse("/");
    let links: Vec<(String, String, String)> = doc
        .select(&sel("main a[hreflang]"))
        .map(|a| {
            (
                attr(&a, "hreflang").to_string(),
                attr(&a, "href").to_string(),
                text(&a),
            )
        })
        .collect();
    assert_eq!(links.len(), built.config.languages.len(), "{links:?}");
    for (link, lang) in links.iter().zip(&built.config.languages) {
        assert_eq!(link.0, lang.code);
        assert_eq!(link.1, format!("/{}/", lang.code));
        assert!(link.2.contains(&lang.name), "{link:?} names {}", lang.name);
    }
}

#[test]
fn not_found_pages_exist_at_the_root_and_per_language() {
    let built = site();
    let mut urls = vec!["/404.html".to_string()];
    urls.extend(built.codes().iter().map(|c| format!("/{c}/404.html")));
    for url in urls {
        let doc = built.parse(&url);
        assert!(
            doc.select(&sel("main h1")).next().is_some(),
            "{url}: a heading"
        );
        assert!(
            doc.select(&sel("form[role=search]")).next().is_some(),
            "{url}: a search box"
        );
    }
}

#[test]
fn assets_have_content_hashed_names_and_exist() {
    let built = site();
    let asset_sel = sel("link[rel=stylesheet], script[src]");
    let mut seen = BTreeSet::new();
    for (url, html) in &built.pages {
        let doc = Html::parse_document(html);
        let assets: Vec<String> = doc
            .select(&asset_sel)
            .map(|e| {
                e.value()
                    .attr("href")
                    .or(e.value().attr("src"))
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert!(
            assets.iter().any(|a| a.ends_with(".css")),
            "{url}: no stylesheet"
        );
        seen.extend(assets);
    }
    assert!(seen.len() >= 2, "{seen:?}");
    for asset in &seen {
        let name = asset
            .strip_prefix("/assets/")
            .unwrap_or_else(|| panic!("`{asset}` is not under /assets/"));
        let parts: Vec<&str> = name.split('.').collect();
        let [_, hash, ext] = parts[..] else {
            panic!("`{asset}` is not NAME.HASH.EXT")
        };
        assert!(["css", "js"].contains(&ext), "{asset}");
        assert!(
            hash.len() >= 8
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "`{asset}`: `{hash}` is not a hex hash"
        );
        let bytes = std::fs::read(
            built
                .file_for(asset)
                .unwrap_or_else(|| panic!("`{asset}` does not exist")),
        )
        .unwrap();
        let digest = hex::encode(Sha256::digest(&bytes));
        assert!(
            digest.starts_with(hash),
            "`{asset}`: the hash does not follow the content ({digest})"
        );
    }
}

#[test]
fn robots_txt_names_the_sitemap() {
    let built = site();
    let robots = std::fs::read_to_string(built.out.join("robots.txt")).unwrap();
    let sitemap = format!("{}/sitemap.xml", built.config.base_url);
    assert!(
        robots
            .lines()
            .any(|l| l.trim() == format!("Sitemap: {sitemap}")),
        "robots.txt:\n{robots}"
    );
    assert!(built.file_for(&built.path_of(&sitemap)).is_some());
}

/// The theme's UI strings of a language, as the site's pages got them.
fn ui_strings(code: &str) -> BTreeMap<String, String> {
    let path = Path::new(CONTENT)
        .join("../site/i18n")
        .join(format!("{code}.yaml"));
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

#[test]
fn the_contact_form_takes_files_within_the_contracts_limits_in_each_language() {
    let built = site();
    let contract = TicketContract::from_json(
        &std::fs::read_to_string(built.out.join("ticket-contract.json")).unwrap(),
    )
    .expect("a valid contract");
    assert!(contract.attachments.enabled(), "the example takes files");
    let hints: BTreeSet<String> = built
        .codes()
        .iter()
        .map(|code| assert_file_field(built, &contract, code))
        .collect();
    assert_eq!(
        hints.len(),
        built.codes().len(),
        "every language has its own hint: {hints:?}"
    );
}

/// The file field of `code`'s contact page: the control, its label, its hints in that language
/// with the contract's limits, and what the script needs. Returns the hint.
fn assert_file_field(built: &Built, contract: &TicketContract, code: &str) -> String {
    let a = &contract.attachments;
    let accept: Vec<String> = a
        .types
        .iter()
        .flat_map(|t| {
            let extensions = t.extensions().iter().map(|e| format!(".{e}"));
            std::iter::once(t.mime().to_string()).chain(extensions)
        })
        .collect();
    let labels: Vec<&str> = a.types.iter().map(|t| t.label()).collect();
    let (files, mib) = (a.max_files.to_string(), a.max_file_mib.to_string());
    let url = format!("/{code}/contact/");
    let doc = built.parse(&url);
    let t = ui_strings(code);
    let one = |css: &str| {
        doc.select(&sel(css))
            .next()
            .unwrap_or_else(|| panic!("{url}: no `{css}`"))
    };
    // Without JavaScript the files travel in the form's own post.
    assert_eq!(
        attr(&one("form#ticket-form"), "enctype"),
        "multipart/form-data"
    );
    let input = one("form#ticket-form input[type=file]");
    assert_eq!(attr(&input, "name"), "attachments", "{url}");
    assert!(input.value().attr("multiple").is_some(), "{url}: multiple");
    assert_eq!(
        attr(&input, "accept").split(',').collect::<Vec<_>>(),
        accept,
        "{url}"
    );
    let label = one(&format!("label[for={}]", attr(&input, "id")));
    assert!(
        text(&label).starts_with(&t["field_attachments"]),
        "{url}: label"
    );
    // The hints in the page's language, with the limits filled in.
    let hint = fill(
        &t["hint_attachments"],
        &[
            ("files", &files),
            ("mib", &mib),
            ("types", &labels.join(", ")),
        ],
    );
    let no_js = fill(
        &t["hint_attachments_nojs"],
        &[("mib", &a.max_post_mib.to_string())],
    );
    let described: Vec<&str> = attr(&input, "aria-describedby").split(' ').collect();
    let said: Vec<String> = described
        .iter()
        .map(|d| text(&one(&format!("#{d}"))))
        .collect();
    assert_eq!(said[..2], [hint.clone(), no_js], "{url}: hints");
    assert!(!hint.contains('{'), "{url}: {hint}");
    let error = one(&format!("#{}", described[2]));
    assert!(error.value().classes().any(|c| c == "error"), "{url}");
    // What the script needs: where slots come from, the limits, and the script itself.
    let field = one(".field[data-field=attachments]");
    assert_eq!(
        attr(&field, "data-uploads"),
        contract.sibling_endpoint("uploads")
    );
    assert_eq!(attr(&field, "data-max-files"), files);
    assert_eq!(attr(&field, "data-max-file-mib"), mib);
    one("head script[src^='/assets/uploads.']");
    // A subject whose suggestions found nothing is a missed search (feedback.js).
    one("head script[src^='/assets/feedback.']");
    let form = one("form#ticket-form");
    assert_eq!(
        attr(&form, "data-feedback"),
        contract.sibling_endpoint("feedback")
    );
    hint
}

#[test]
fn without_attachments_the_form_has_no_file_field() {
    let dir = cli_support::workspace(Path::new(CONTENT));
    let settings = dir.path().join("content/helpcenter.yaml");
    let yaml = std::fs::read_to_string(&settings).unwrap();
    let privacy = "  privacy_url: https://lumen.example/privacy\n";
    assert!(
        yaml.contains(privacy),
        "the example's ticket settings moved"
    );
    let yaml = yaml.replace(
        privacy,
        &format!("{privacy}  attachments:\n    max_files: 0\n"),
    );
    std::fs::write(&settings, yaml).unwrap();
    let out = dir.path().join("public");
    let options = helpcenter::build::BuildOptions {
        content_dir: dir.path().join("content"),
        site_dir: dir.path().join("site"),
        out_dir: out.clone(),
        base_url: None,
        ticket_endpoint: None,
    };
    helpcenter::build::build(&options).unwrap_or_else(|e| panic!("does not build: {e}"));
    let doc =
        Html::parse_document(&std::fs::read_to_string(out.join("en/contact/index.html")).unwrap());
    let form = doc
        .select(&sel("form#ticket-form"))
        .next()
        .expect("the form");
    assert_eq!(form.value().attr("enctype"), None);
    for css in [
        "input[type=file]",
        ".field[data-field=attachments]",
        "script[src^='/assets/uploads.']",
    ] {
        assert!(
            doc.select(&sel(css)).next().is_none(),
            "`{css}` without attachments"
        );
    }
}

#[test]
fn the_contract_lists_every_article_page_per_language_for_feedback() {
    let built = site();
    let contract = TicketContract::from_json(
        &std::fs::read_to_string(built.out.join("ticket-contract.json")).unwrap(),
    )
    .expect("a valid contract");
    let feedback = &contract.feedback;
    assert_eq!(
        feedback.reasons,
        ticket_function::contract::REASONS.map(String::from)
    );
    for code in built.codes() {
        // Article pages are the four-segment ones: /<lang>/<audience>/<category>/<slug>/.
        let articles: Vec<&String> = built
            .pages
            .keys()
            .filter(|url| url.starts_with(&format!("/{code}/")))
            .filter(|url| url.trim_matches('/').split('/').count() == 4)
            .collect();
        assert!(!articles.is_empty(), "{code}: no articles");
        for url in &articles {
            assert!(feedback.has_page(code, url), "{code}: {url} not listed");
        }
        let listed: usize = feedback.pages[code].values().map(|s| s.len()).sum();
        assert_eq!(listed, articles.len(), "{code}: only the articles");
    }
    assert!(feedback.has_page("en", "/en/users/account/reset-your-password/"));
    assert!(!feedback.has_page("it", "/en/users/account/reset-your-password/"));
    assert!(!feedback.has_page("en", "/en/users/account/"));
}

/// What `open-now.js` reads from a `.open-now` element: zone, hours, holidays, response time and
/// the page's sentences, all from the settings and the theme's strings.
fn assert_open_now_data(url: &str, e: &ElementRef<'_>, config: &Config, code: &str) {
    let contact = &config.contact;
    assert!(
        e.value().attr("hidden").is_some(),
        "{url}: shown without JavaScript"
    );
    assert_eq!(attr(e, "data-zone"), "Europe/Rome", "{url}");
    let hours: serde_json::Value = serde_json::from_str(attr(e, "data-hours")).unwrap();
    assert_eq!(
        hours,
        serde_json::to_value(&contact.hours).unwrap(),
        "{url}"
    );
    assert_eq!(hours[0]["days"][0], "mon", "{url}: {hours}");
    let holidays: Vec<String> = serde_json::from_str(attr(e, "data-holidays")).unwrap();
    assert_eq!(
        holidays,
        ["2026-12-25", "2026-12-26", "2027-01-01"],
        "{url}"
    );
    let response = config.ticket.response_hours.to_string();
    assert_eq!(attr(e, "data-response-hours"), response, "{url}");
    let t = ui_strings(code);
    assert_eq!(attr(e, "data-open"), t["open_now"], "{url}");
    assert_eq!(attr(e, "data-closed"), t["closed_now"], "{url}");
    assert_eq!(attr(e, "data-closed-here"), t["closed_now_here"], "{url}");
}

#[test]
fn contact_pages_and_help_blocks_carry_the_hours_for_open_now() {
    let built = site();
    let script = sel("script[src*='/open-now.']");
    for lang in &built.config.languages {
        let code = lang.code.as_str();
        let url = format!("/{code}/contact/");
        let doc = Html::parse_document(&built.pages[&url]);
        let hours = doc.select(&sel(".contact-info .open-now")).next();
        let hours = hours.unwrap_or_else(|| panic!("{url}: no open-now line by the hours"));
        assert_open_now_data(&url, &hours, &built.config, code);
        let bdi = sel(".contact-info bdi");
        let mut labels = doc.select(&bdi).map(|b| text(&b));
        assert!(
            labels.any(|l| l == "CET/CEST (UTC+1/UTC+2)"),
            "{url}: the zone's label is derived from Europe/Rome"
        );
        assert_eq!(doc.select(&script).count(), 1, "{url}");
    }
    let mut blocks = 0;
    for (url, html) in &built.pages {
        let doc = Html::parse_document(html);
        let code = url.split('/').nth(1).unwrap_or("");
        for block in doc.select(&sel(".still-need-help .open-now")) {
            assert_open_now_data(url, &block, &built.config, code);
            assert_eq!(doc.select(&script).count(), 1, "{url}: loads open-now.js");
            blocks += 1;
        }
    }
    assert!(blocks > 50, "every section, category and article: {blocks}");
    let home = Html::parse_document(&built.pages["/en/"]);
    assert_eq!(
        home.select(&script).count(),
        0,
        "pages without the line skip the script"
    );
}

#[test]
fn every_page_has_the_favicon_and_a_theme_color() {
    let built = site();
    let icon = sel("link[rel=icon]");
    let colour = sel("meta[name=theme-color]");
    for (url, html) in &built.pages {
        let doc = Html::parse_document(html);
        let icons: Vec<&str> = doc.select(&icon).map(|e| attr(&e, "href")).collect();
        assert_eq!(icons.len(), 2, "{url}: the theme's .ico and .svg");
        for href in icons {
            assert!(
                built.file_for(href).is_some(),
                "{url}: `{href}` is not in the site"
            );
        }
        let colours: Vec<&str> = doc.select(&colour).map(|e| attr(&e, "content")).collect();
        assert_eq!(colours, ["#1d4ed8"], "{url}: the theme's accent colour");
    }
    let theme_icon = std::fs::read(Path::new(CONTENT).join("../site/static/favicon.ico")).unwrap();
    let root_icon = std::fs::read(built.out.join("favicon.ico")).expect("/favicon.ico exists");
    assert_eq!(
        root_icon, theme_icon,
        "browsers ask for /favicon.ico without reading a page"
    );
}

#[test]
fn the_stylesheet_prints_the_text_with_link_addresses_and_no_chrome() {
    let built = site();
    let doc = Html::parse_document(&built.pages["/en/"]);
    let css_url = doc.select(&sel("link[rel=stylesheet]")).next().unwrap();
    let css = std::fs::read_to_string(built.file_for(attr(&css_url, "href")).unwrap()).unwrap();
    let print = css
        .split_once("@media print {")
        .map(|(_, rest)| rest)
        .expect("a print stylesheet");
    let hidden = print
        .split_once("{ display: none !important; }")
        .map(|(selectors, _)| selectors)
        .expect("a rule that hides the page's chrome");
    for part in [
        "header.top",
        "footer.bottom",
        ".search-box",
        "form",
        ".still-need-help",
    ] {
        let listed = hidden.split(',').any(|s| s.trim() == part);
        assert!(listed, "`{part}` is not hidden on paper: {hidden}");
    }
    assert!(
        print.contains("a[href]") && print.contains("attr(href)"),
        "printed links show their address"
    );
}

/// The contract the example's build wrote (the endpoint the pages post to).
fn built_contract(built: &Built) -> TicketContract {
    TicketContract::from_json(
        &std::fs::read_to_string(built.out.join("ticket-contract.json")).unwrap(),
    )
    .expect("a valid contract")
}

#[test]
fn every_article_asks_whether_it_helped_in_its_language() {
    let built = site();
    let endpoint = built_contract(built).sibling_endpoint("feedback");
    assert_eq!(endpoint, "/api/feedback");
    let mut problems = Vec::new();
    let mut checked = 0;
    for article in source_articles(built) {
        for code in built.codes() {
            let url = &article.urls[code];
            let t = ui_strings(code);
            let doc = built.parse(url);
            let expected_ticket = (
                format!("/{code}/contact/"),
                vec![
                    ("audience".to_string(), article.audience.clone()),
                    ("category".to_string(), article.category.clone()),
                    ("page".to_string(), url.clone()),
                ],
            );
            problems.extend(
                feedback_problems(&doc, &t, code, url, &endpoint, &expected_ticket)
                    .into_iter()
                    .map(|p| format!("{url}: {p}")),
            );
            checked += 1;
        }
    }
    fail_if_any("the articles' feedback forms", problems);
    assert_eq!(checked, source_articles(built).len() * built.codes().len());
}

/// What is wrong with the "Was this article helpful?" block of one article page.
fn feedback_problems(
    doc: &Html,
    t: &BTreeMap<String, String>,
    code: &str,
    url: &str,
    endpoint: &str,
    (ticket_path, ticket_query): &(String, Vec<(String, String)>),
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let Some(section) = doc.select(&sel("main > section.feedback#feedback")).next() else {
        return vec!["no <section id=feedback> in <main>".into()];
    };
    // Outside <article>: an untranslated article's text is another language's, the form is not.
    check(
        section
            .ancestors()
            .filter_map(ElementRef::wrap)
            .all(|a| a.value().name() != "article"),
        "the feedback block is inside <article>".into(),
    );
    let Some(form) = section.select(&sel("form.feedback-form")).next() else {
        return vec!["no feedback form".into()];
    };
    check(
        attr(&form, "action") == endpoint && attr(&form, "method") == "post",
        format!(
            "the form posts to `{}`, not {endpoint}",
            attr(&form, "action")
        ),
    );
    let title = section.select(&sel("#feedback-title")).next();
    check(
        title.is_some_and(|h| text(&h) == t["feedback_question"])
            && attr(&section, "aria-labelledby") == "feedback-title",
        "the question is not the section's heading".into(),
    );
    // The plain post's way back: 303 to #feedback-thanks or #feedback-error.
    let message = |id: &str| {
        section
            .select(&sel(&format!("[aria-live] #{id}.feedback-message")))
            .next()
    };
    check(
        message("feedback-thanks").is_some_and(|m| text(&m).starts_with(&t["feedback_thanks"])),
        "no #feedback-thanks with the thank-you".into(),
    );
    check(
        message("feedback-error").is_some_and(|m| text(&m) == t["feedback_error"]),
        "no #feedback-error with the message".into(),
    );
    let ticket = section
        .select(&sel("#feedback-thanks .feedback-ticket a"))
        .next();
    let href = ticket.map(|a| attr(&a, "href")).unwrap_or("");
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), percent_decode(v)))
        .collect();
    check(
        path == ticket_path && &pairs == ticket_query,
        format!("the ticket link after a \"no\" is `{href}`"),
    );
    let script = doc.select(&sel("head script[src*='/feedback.']")).count();
    check(script == 1, "the page does not load feedback.js".into());
    problems.extend(form_problems(&form, t, code, url));
    problems
}

/// The controls of the feedback form: hidden fields, honeypot, buttons and reasons.
fn form_problems(
    form: &ElementRef<'_>,
    t: &BTreeMap<String, String>,
    code: &str,
    url: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let hidden = |name: &str| {
        form.select(&sel(&format!("input[type=hidden][name={name}]")))
            .map(|i| attr(&i, "value").to_string())
            .collect::<Vec<_>>()
    };
    for (name, value) in [("kind", "vote"), ("language", code), ("page", url)] {
        check(
            hidden(name) == [value],
            format!("hidden `{name}` is {:?}, expected `{value}`", hidden(name)),
        );
    }
    let honeypot = sel(".hp[aria-hidden=true] input[name=website][tabindex='-1']");
    check(
        form.select(&honeypot).count() == 1,
        "no hidden honeypot `website`".into(),
    );
    let buttons: Vec<(String, String)> = form
        .select(&sel(".feedback-vote button[type=submit][name=helpful]"))
        .map(|b| (attr(&b, "value").to_string(), text(&b)))
        .collect();
    let expected = [("yes", "feedback_yes"), ("no", "feedback_no")]
        .map(|(v, k)| (v.to_string(), t[k].clone()));
    check(buttons == expected, format!("vote buttons {buttons:?}"));
    let legend = form
        .select(&sel("fieldset.feedback-reasons > legend"))
        .next();
    check(
        legend.is_some_and(|l| text(&l) == t["feedback_reasons"]),
        "the reasons have no legend".into(),
    );
    let reasons: Vec<(String, String)> = form
        .select(&sel("fieldset.feedback-reasons label"))
        .filter_map(|l| {
            let radio = l.select(&sel("input[type=radio][name=reason]")).next()?;
            Some((attr(&radio, "value").to_string(), text(&l)))
        })
        .collect();
    let expected: Vec<(String, String)> = ["outdated", "unclear", "not_answered", "other"]
        .iter()
        .map(|r| (r.to_string(), t[&format!("feedback_reason_{r}")].clone()))
        .collect();
    check(reasons == expected, format!("reasons {reasons:?}"));
    problems
}

#[test]
fn the_search_page_knows_where_missed_searches_go() {
    let built = site();
    let endpoint = built_contract(built).sibling_endpoint("feedback");
    for code in built.codes() {
        let url = format!("/{code}/search/");
        let doc = built.parse(&url);
        let form = doc.select(&sel("form#search-form")).next().unwrap();
        assert_eq!(attr(&form, "data-feedback"), endpoint, "{url}");
        assert_eq!(
            doc.select(&sel("head script[src*='/feedback.']")).count(),
            1,
            "{url}: feedback.js"
        );
    }
}
