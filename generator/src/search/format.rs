//! The files of a bundle as Pagefind 1.6 reads them, declared as types: the CBOR ones with
//! `minicbor` derives (the hottest, a word list's pages, by hand in `postings.rs`), field for
//! field as Pagefind declares them (`pagefind/src/index/`), and the JSON ones with `serde`. Word
//! lists are encoded as pages arrive ([`PageList`]) and enter a chunk as encoded bytes;
//! everything else is encoded from these types when written.

use std::collections::BTreeMap;
use std::convert::Infallible;

use minicbor::encode::{Encoder, Error};
use minicbor::Encode;
use serde::Serialize;

use super::postings::PageList;

/// Encodes into memory (which cannot fail).
pub(super) fn encode<T: Encode<()> + ?Sized>(value: &T, out: &mut Vec<u8>) {
    let written: Result<(), Error<Infallible>> = value.encode(&mut Encoder::new(out), &mut ());
    written.expect("encoding into memory does not fail");
}

/// `pagefind.<hash>.pf_meta`: what every search loads first.
#[derive(Encode)]
pub(super) struct MetaIndex<'a> {
    #[n(0)]
    pub(super) version: &'a str,
    #[n(1)]
    pub(super) pages: Vec<MetaPage<'a>>,
    #[n(2)]
    pub(super) index_chunks: Vec<MetaChunk<'a>>,
    #[n(3)]
    pub(super) filters: Vec<MetaFilter<'a>>,
    /// Sort orders: none (the site sorts nothing in search).
    #[n(4)]
    pub(super) sorts: [(); 0],
    #[n(5)]
    pub(super) meta_fields: &'a [&'a str],
}

/// A page: its fragment file's name, and its word count (for ranking by length).
#[derive(Encode)]
pub(super) struct MetaPage<'a> {
    #[n(0)]
    pub(super) hash: &'a str,
    #[n(1)]
    pub(super) word_count: u32,
    /// Fragments grouped into files: not used (one file per fragment).
    #[n(2)]
    pub(super) group_hash: &'a str,
}

/// The chunk (`index/<hash>.pf_index`) to load for words between `from` and `to`.
#[derive(Encode)]
pub(super) struct MetaChunk<'a> {
    #[n(0)]
    pub(super) from: &'a str,
    #[n(1)]
    pub(super) to: &'a str,
    #[n(2)]
    pub(super) hash: &'a str,
}

/// A filter's file: `filter/<hash>.pf_filter`.
#[derive(Encode)]
pub(super) struct MetaFilter<'a> {
    #[n(0)]
    pub(super) filter: &'a str,
    #[n(1)]
    pub(super) hash: &'a str,
}

/// `index/<hash>.pf_index`: the words of a chunk, in order.
#[derive(Encode)]
pub(super) struct WordIndex<'a> {
    #[n(0)]
    pub(super) words: Vec<PackedWord<'a>>,
}

/// A word: its pages (locations without diacritics), and per written form with diacritics, its
/// pages.
#[derive(Encode)]
pub(super) struct PackedWord<'a> {
    #[n(0)]
    pub(super) word: &'a str,
    #[n(1)]
    pub(super) pages: &'a PageList,
    #[n(2)]
    pub(super) additional_variants: Vec<PackedVariant<'a>>,
}

#[derive(Encode)]
pub(super) struct PackedVariant<'a> {
    #[n(0)]
    pub(super) form: &'a str,
    #[n(1)]
    pub(super) pages: &'a PageList,
}

/// `filter/<hash>.pf_filter`: a filter's values (in order) and the pages of each.
#[derive(Encode)]
pub(super) struct FilterIndex<'a> {
    #[n(0)]
    pub(super) filter: &'a str,
    #[n(1)]
    pub(super) values: Vec<PackedValue<'a>>,
}

#[derive(Encode)]
pub(super) struct PackedValue<'a> {
    #[n(0)]
    pub(super) value: &'a str,
    #[n(1)]
    pub(super) pages: &'a [u64],
}

/// `fragment/<name>.pf_fragment`: what a result shows (`content` gives the excerpt).
#[derive(Serialize)]
pub(super) struct Fragment<'a> {
    pub(super) url: &'a str,
    pub(super) content: &'a str,
    pub(super) word_count: usize,
    pub(super) filters: BTreeMap<&'a str, Vec<&'a str>>,
    pub(super) meta: BTreeMap<&'a str, &'a str>,
    pub(super) anchors: Vec<FragmentAnchor<'a>>,
}

/// An element with an id (here: a heading), at the position of its first word. Pagefind's
/// `title` (from `data-pagefind-title`) is never written: the heading's text is its title.
#[derive(Serialize)]
pub(super) struct FragmentAnchor<'a> {
    pub(super) element: &'a str,
    pub(super) id: &'a str,
    pub(super) text: &'a str,
    pub(super) location: u32,
}

/// `pagefind-entry.json`: the bundle's version and languages. (Fields in the order written.)
#[derive(Serialize)]
pub(super) struct Entry<'a> {
    pub(super) include_characters: &'a [char],
    pub(super) languages: BTreeMap<&'a str, EntryLanguage<'a>>,
    pub(super) version: &'a str,
}

#[derive(Serialize)]
pub(super) struct EntryLanguage<'a> {
    /// The metadata file: `pagefind.<hash>.pf_meta`.
    pub(super) hash: &'a str,
    pub(super) page_count: usize,
    /// The language whose WebAssembly (`wasm.<language>.pagefind`) to load, if it has its own.
    pub(super) wasm: Option<&'a str>,
}
