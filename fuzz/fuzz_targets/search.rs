//! The search tokenizer: an article's title, summary, text and headings → its index record, in
//! every language the theme has a stemmer for (and one it has not).
#![no_main]

use arbitrary::Arbitrary;
use helpcenter::search::{Document, Heading, Indexer};
use libfuzzer_sys::fuzz_target;

const LANGUAGES: [&str; 10] = ["en", "de", "fr", "ru", "ar", "vi", "es", "tr", "ja", "xx"];

#[derive(Debug, Arbitrary)]
struct Article {
    language: u8,
    title: String,
    summary: String,
    text: String,
    /// Level, id, text, and where in `text` it starts (made a char boundary, in order).
    headings: Vec<(u8, String, String, u16)>,
}

fuzz_target!(|article: Article| {
    static INDEXER: std::sync::OnceLock<Indexer> = std::sync::OnceLock::new();
    let indexer = INDEXER.get_or_init(|| Indexer::new(&LANGUAGES));
    let mut offsets: Vec<usize> = article
        .headings
        .iter()
        .map(|h| {
            let mut at = usize::from(h.3) % (article.text.len() + 1);
            while !article.text.is_char_boundary(at) {
                at -= 1;
            }
            at
        })
        .collect();
    // The renderer gives headings in the order of the text.
    offsets.sort_unstable();
    let headings: Vec<Heading<'_>> = article
        .headings
        .iter()
        .zip(offsets)
        .map(|((level, id, text, _), offset)| Heading {
            level: level % 6 + 1,
            id,
            text,
            offset,
        })
        .collect();
    let doc = Document {
        key: 0,
        url: "/en/users/account/article/",
        title: &article.title,
        summary: &article.summary,
        text: &article.text,
        category: "Account",
        filters: &[("audience", "users"), ("category", "account")],
        headings: &headings,
    };
    indexer.page(usize::from(article.language) % LANGUAGES.len(), &doc);
});
