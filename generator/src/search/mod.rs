//! Step 3b, index: the search index of each language, fed by the render pass.
//!
//! The index is written in [Pagefind](https://pagefind.app)'s format (version [`VERSION`]) into
//! `/<lang>/pagefind/`, one self-contained bundle per language, and the browser searches it with
//! Pagefind's own runtime (`pagefind.js` and its WebAssembly, taken from the `pagefind` crate). So
//! ranking (BM25 with weights), stemming, diacritic-insensitive matching, excerpts with highlighted
//! matches and filters are Pagefind's; only the writing of the index is ours:
//!
//! - Articles are tokenized where their text is already in hand, in the parallel render pass
//!   ([`Indexer::page`]): each gives a compact [`Record`]: its words' locations, already
//!   encoded, and its fragment (the JSON a result shows), compressed. Nothing else of the page is
//!   kept.
//! - [`write_bundle`] merges a language's records in page order straight into the encoded word
//!   lists, so the postings are never held as objects, and gives the files to write.
//!
//! Why not `pagefind::api::PagefindIndex::add_custom_record`: measured on the benchmark corpus
//! (10,000 articles), it took 15.7 s of CPU and 740 MB (it keeps every page's word map, clones
//! all pages before building, searches its page list linearly on every insert, and compresses
//! every file at the highest level on one thread) — several times the whole site's build. The
//! writer here gives the same index as Pagefind's for the same records (tested against it in
//! `tests.rs`), except where that saves download or finds more: a body weight of 25 (see
//! `record.rs`), the commonest words' lists capped (`postings.rs`), chunks cut by size
//! (`bundle.rs`), page counts rounded and fragments named `<version>/<article>` (the metadata is
//! smaller), and `đ` also indexed as `d` (Vietnamese typed without diacritics).
//!
//! What the index holds per article: the title (weight 7, and the `title` meta field), the summary
//! (weight 2) and the body text (weight 1), as words; the filters `audience` and `category` (ids);
//! the meta fields `title` and `category` (its title, for display); and the fragment's anchors:
//! the body's headings down to level 3 (element, id, text, and the position of the heading's first
//! word, as Pagefind's indexer places them in HTML; tested against it in `tests/anchors.rs`), from
//! which Pagefind's runtime gives a result's `sub_results` (`url#id`, the heading as title, an
//! excerpt of the matches under it). Untranslated pages are left out: results are in the page's
//! language only.
//!
//! The files, by concern: `words.rs` (what a word is indexed as), `tokenize.rs` (a page's words
//! and their locations), `record.rs` (an article's record), `postings.rs` (word lists: packed
//! locations, capping), `bundle.rs` (a language's bundle, phase by phase), `format.rs` (Pagefind's
//! file kinds as types), `compress.rs` (gzip as Pagefind reads it) and `runtime.rs` (Pagefind's
//! JS and WebAssembly).

use std::collections::HashMap;

mod bundle;
mod compress;
mod format;
mod postings;
mod record;
mod runtime;
mod tokenize;
mod words;

#[cfg(test)]
mod tests;

pub use bundle::{write_bundle, Bundle};
pub use record::{Document, Heading, Indexer, Record};
pub use runtime::Runtime;

/// The Pagefind version whose format this writes and whose runtime the site ships.
pub const VERSION: &str = "1.6.0";

/// Hash maps of the hot paths: foldhash rather than SipHash (the input is the site's own text).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Why the search runtime could not be had from the `pagefind` crate.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot start a runtime to ask Pagefind for its search runtime: {0}")]
    Thread(#[source] std::io::Error),
    #[error("Pagefind could not give its search runtime: {0}")]
    Pagefind(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the thread asking Pagefind for its search runtime panicked")]
    Panicked,
    #[error("the pagefind crate gave no search runtime")]
    NoRuntime,
}
