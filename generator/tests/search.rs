//! The search index of the example help center: one Pagefind bundle per language under
//! `/<lang>/pagefind/`, holding that language's translated articles only, with its words findable
//! without diacritics, and small enough for a quick first query.

mod cli_support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content");
const LANGUAGES: [&str; 6] = ["en", "it", "es", "ru", "vi", "ar"];

fn site() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("public");
        cli_support::build_example(&out);
        (dir, out)
    });
    out
}

fn bundle(lang: &str) -> PathBuf {
    site().join(lang).join("pagefind")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .len()
}

/// A Pagefind file's content: gzip, then the `pagefind_dcd` signature.
fn unpack(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(
        &out[..12],
        b"pagefind_dcd",
        "{} has Pagefind's signature",
        path.display()
    );
    out.split_off(12)
}

fn entry(lang: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(bundle(lang).join("pagefind-entry.json")).unwrap())
        .unwrap()
}

/// The articles written in `lang` (not borrowed from the default language, not drafts).
fn translated_articles(lang: &str) -> usize {
    let mut count = 0;
    for audience in files(&Path::new(CONTENT).join(lang))
        .into_iter()
        .filter(|p| p.is_dir())
    {
        for category in files(&audience).into_iter().filter(|p| p.is_dir()) {
            for article in files(&category) {
                let name = article.file_name().unwrap().to_string_lossy().into_owned();
                if name.ends_with(".md")
                    && name != "_index.md"
                    && !std::fs::read_to_string(&article)
                        .unwrap()
                        .contains("\ndraft: true")
                {
                    count += 1;
                }
            }
        }
    }
    count
}

/// The words of a language's index (every chunk, decompressed).
fn index_bytes(lang: &str) -> Vec<u8> {
    files(&bundle(lang).join("index"))
        .iter()
        .flat_map(|p| unpack(p))
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn every_language_has_its_own_bundle_of_its_own_articles() {
    for lang in LANGUAGES {
        let dir = bundle(lang);
        for file in ["pagefind.js", "pagefind-entry.json"] {
            assert!(dir.join(file).is_file(), "{lang}: {file}");
        }
        let entry = entry(lang);
        assert_eq!(entry["version"], helpcenter::search::VERSION);
        let languages = entry["languages"].as_object().unwrap();
        assert_eq!(
            languages.keys().collect::<Vec<_>>(),
            [lang],
            "{lang}: results in the page's language only"
        );
        let index = &languages[lang];
        let pages = index["page_count"].as_u64().unwrap() as usize;
        assert_eq!(
            pages,
            translated_articles(lang),
            "{lang}: the translated articles, and only those"
        );
        let versions = files(&dir.join("fragment"));
        assert_eq!(versions.len(), 1, "{lang}: one version of the fragments");
        assert_eq!(
            files(&versions[0]).len(),
            pages,
            "{lang}: one fragment per article"
        );
        let meta = dir.join(format!(
            "pagefind.{}.pf_meta",
            index["hash"].as_str().unwrap()
        ));
        assert!(meta.is_file(), "{lang}: {}", meta.display());
        let wasm = match index["wasm"].as_str() {
            Some(w) => format!("wasm.{w}.pagefind"),
            None => "wasm.unknown.pagefind".into(),
        };
        assert!(dir.join(&wasm).is_file(), "{lang}: {wasm}");
        assert!(!files(&dir.join("index")).is_empty(), "{lang}: word index");
        assert_eq!(
            files(&dir.join("filter")).len(),
            2,
            "{lang}: audience and category filters"
        );
    }
    // Vietnamese has no stemmer: the generic WebAssembly; Russian has one.
    assert!(entry("vi")["languages"]["vi"]["wasm"].is_null());
    assert_eq!(entry("ru")["languages"]["ru"]["wasm"], "ru");
}

#[test]
fn words_are_indexed_without_diacritics_and_stemmed() {
    // "tài khoản" (account) is found as "tai khoan"; its written form is kept for ranking.
    let vi = index_bytes("vi");
    for word in ["tai", "khoan", "tài", "khoản"] {
        assert!(contains(&vi, word), "vi index has `{word}`");
    }
    // Russian: Cyrillic, stemmed (пароль, пароля → парол).
    assert!(contains(&index_bytes("ru"), "парол"));
    // Spanish and Italian: contraseña → contrasen(a), città → citt(a).
    assert!(contains(&index_bytes("es"), "contrasen"));
    let en = index_bytes("en");
    assert!(contains(&en, "password"));
    assert!(
        !contains(&en, "contrasen"),
        "each language's index holds its own words"
    );
}

#[test]
fn fragments_carry_what_a_result_shows() {
    let dir = files(&bundle("en").join("fragment")).remove(0);
    let fragment: serde_json::Value = serde_json::from_slice(&unpack(&files(&dir)[0])).unwrap();
    assert!(fragment["url"].as_str().unwrap().starts_with("/en/"));
    assert!(!fragment["meta"]["title"].as_str().unwrap().is_empty());
    assert!(!fragment["meta"]["category"].as_str().unwrap().is_empty());
    assert!(fragment["content"].as_str().unwrap().len() > 100);
    assert_eq!(fragment["filters"]["audience"].as_array().unwrap().len(), 1);
}

/// An article's fragment, found by its URL.
fn fragment_of(lang: &str, url: &str) -> serde_json::Value {
    let dir = files(&bundle(lang).join("fragment")).remove(0);
    files(&dir)
        .iter()
        .map(|f| serde_json::from_slice::<serde_json::Value>(&unpack(f)).unwrap())
        .find(|f| f["url"] == url)
        .unwrap_or_else(|| panic!("a fragment for {url}"))
}

#[test]
fn fragments_anchor_the_articles_sections_at_their_headings() {
    let url = "/en/users/account/reset-your-password/";
    let fragment = fragment_of("en", url);
    let html = std::fs::read_to_string(site().join(&url[1..]).join("index.html")).unwrap();
    let words: Vec<&str> = fragment["content"].as_str().unwrap().split(' ').collect();
    let anchors = fragment["anchors"].as_array().unwrap();
    let ids: Vec<&str> = anchors.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "reset-your-password-from-the-sign-in-page",
            "if-the-reset-email-never-arrives",
            "if-you-no-longer-have-your-email",
            "after-you-reset"
        ]
    );
    for anchor in anchors {
        let (id, text) = (
            anchor["id"].as_str().unwrap(),
            anchor["text"].as_str().unwrap(),
        );
        assert_eq!(anchor["element"], "h2");
        assert!(
            html.contains(&format!("<h2 id=\"{id}\">{text} ")),
            "{id}: in the page"
        );
        let at = anchor["location"].as_u64().unwrap() as usize;
        let heading: Vec<&str> = text.split(' ').collect();
        assert_eq!(
            words[at..at + heading.len()],
            heading[..],
            "{id}: at its words"
        );
    }
    // An article without headings has none.
    let plain = fragment_of("en", "/en/users/account/change-your-email-address/");
    assert_eq!(plain["anchors"], serde_json::json!([]));
}

#[test]
fn a_first_query_downloads_little() {
    for lang in LANGUAGES {
        let dir = bundle(lang);
        let entry = entry(lang);
        let index = &entry["languages"][lang];
        let wasm = index["wasm"]
            .as_str()
            .map_or("wasm.unknown.pagefind".to_string(), |w| {
                format!("wasm.{w}.pagefind")
            });
        let meta = size(&dir.join(format!(
            "pagefind.{}.pf_meta",
            index["hash"].as_str().unwrap()
        )));
        let largest = |sub: &str, n: usize| {
            let mut sizes: Vec<u64> = files(&dir.join(sub))
                .iter()
                .flat_map(|p| {
                    if p.is_dir() {
                        files(p)
                    } else {
                        vec![p.clone()]
                    }
                })
                .map(|p| size(&p))
                .collect();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            sizes.into_iter().take(n).sum::<u64>()
        };
        // The worst case: two words in the two largest chunks, the audience filter, ten results.
        let first_query = size(&dir.join("pagefind.js"))
            + size(&dir.join("pagefind-entry.json"))
            + size(&dir.join(wasm))
            + meta
            + largest("index", 2)
            + largest("filter", 1)
            + largest("fragment", 10);
        assert!(
            first_query < 200_000,
            "{lang}: a first query downloads {first_query} bytes"
        );
        assert!(
            largest("index", 1) < 40_000,
            "{lang}: index chunks stay small"
        );
    }
}

#[test]
fn the_search_page_and_the_ticket_form_load_their_languages_bundle() {
    for lang in LANGUAGES {
        let search = std::fs::read_to_string(site().join(lang).join("search/index.html")).unwrap();
        assert!(
            search.contains(&format!("data-pagefind=\"/{lang}/pagefind/pagefind.js\"")),
            "{lang}: search page"
        );
        let contact =
            std::fs::read_to_string(site().join(lang).join("contact/index.html")).unwrap();
        assert!(
            contact.contains(&format!("data-pagefind=\"/{lang}/pagefind/pagefind.js\"")),
            "{lang}: ticket form"
        );
    }
}
