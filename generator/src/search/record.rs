//! The record of an article: what the render pass, where the article's text is in hand, gives
//! the index. Its words are tokenized and their locations packed and encoded then (in parallel),
//! and its fragment compressed, so that the bundle only merges records in page order.

use std::collections::BTreeMap;
use std::hash::BuildHasher as _;
use std::rc::Rc;

use pagefind_stem::Stemmer;

use super::compress::{compress, FRAGMENT_LEVEL};
use super::format::{Fragment, FragmentAnchor};
use super::postings::{write_locs, write_meta};
use super::tokenize::{tokenize, Loc, MetaLoc, PageWords, Slot};
use super::words::{stemmer, Dictionary};

/// Weights, as Pagefind stores them (weight × 24). The body's is 25 rather than Pagefind's 24:
/// Pagefind's format stores 25 as the default and every other weight with a marker (2 bytes
/// per word and page), so 25 makes the index about a fifth smaller for the same ranking.
pub(super) const TITLE_WEIGHT: u8 = 7 * 24;
pub(super) const SUMMARY_WEIGHT: u8 = 2 * 24;
pub(super) const BODY_WEIGHT: u8 = 25;
/// Meta fields of every page, sorted; only the title's words are searchable.
pub(super) const META_FIELDS: [&str; 2] = ["category", "title"];
pub(super) const TITLE_FIELD: u16 = 1;

/// What an article page gives the index.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// Unique within the language (the article's number): names the fragment file.
    pub key: usize,
    pub url: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// The body as plain text.
    pub text: &'a str,
    /// Shown with results, not searched.
    pub category: &'a str,
    /// Filter name and value, e.g. `("audience", "creators")`.
    pub filters: &'a [(&'a str, &'a str)],
    /// The body's sections, in order: Pagefind's runtime gives the matches under each as a
    /// sub-result (`url#id`, the heading as its title).
    pub headings: &'a [Heading<'a>],
}

/// A heading of the body.
#[derive(Debug, Clone, Copy)]
pub struct Heading<'a> {
    /// 1 to 6 (`h1`…`h6`).
    pub level: u8,
    pub id: &'a str,
    pub text: &'a str,
    /// Where its text starts in [`Document::text`] (bytes).
    pub offset: usize,
}

/// The elements of headings, as a fragment's anchors name them.
const HEADING_ELEMENTS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];

/// What the bundle keeps of an article until it is written: its words, compactly encoded, and
/// its fragment (compressed).
#[derive(Debug, Clone)]
pub struct Record {
    /// Unique within the language: names the fragment.
    pub(super) key: usize,
    pub(super) word_count: u32,
    pub(super) filters: Box<[(Box<str>, Box<str>)]>,
    /// Per word: key, its locations on this page (see [`encode_record`]).
    words: Box<[u8]>,
    pub(super) fragment: Box<[u8]>,
    /// Of the fragment's JSON: the bundle's fragments are named after all of them.
    pub(super) hash: u64,
}

/// The languages' tokenizers.
pub struct Indexer {
    languages: Vec<String>,
    stemmers: Vec<Option<Stemmer>>,
    /// Also index words with `đ` as with `d` (see [`Dictionary::get`]); off only to compare
    /// with Pagefind's own indexer.
    fold_strokes: bool,
}

impl Indexer {
    pub fn new<S: AsRef<str>>(languages: &[S]) -> Self {
        Indexer {
            languages: languages.iter().map(|l| l.as_ref().to_string()).collect(),
            stemmers: languages
                .iter()
                .map(|l| stemmer(l.as_ref()).map(Stemmer::create))
                .collect(),
            fold_strokes: true,
        }
    }

    /// Without `đ` folding, as Pagefind's own indexer (to compare with it).
    #[cfg(test)]
    pub(super) fn like_pagefind(mut self) -> Self {
        self.fold_strokes = false;
        self
    }

    /// Tokenizes an article of language `l` (an index into the languages given to [`Indexer::new`]).
    pub fn page(&self, l: usize, doc: &Document<'_>) -> Record {
        let runs = [
            (doc.title, TITLE_WEIGHT),
            (doc.summary, SUMMARY_WEIGHT),
            (doc.text, BODY_WEIGHT),
        ];
        let mut filters: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, value) in doc.filters {
            filters.entry(name).or_default().push(value);
        }
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch {
                dictionary,
                words,
                offsets,
                json,
                entry,
                encoded,
            } = scratch;
            let dictionary = dictionary.for_language(&self.languages[l], self.fold_strokes);
            offsets.clear();
            offsets.extend(doc.headings.iter().map(|h| h.offset));
            tokenize(
                &runs,
                &[(TITLE_FIELD, doc.title)],
                offsets,
                self.stemmers[l].as_ref(),
                dictionary,
                words,
            );
            let fragment = Fragment {
                url: doc.url,
                content: &words.content,
                word_count: words.word_count,
                filters,
                meta: BTreeMap::from([(META_FIELDS[0], doc.category), (META_FIELDS[1], doc.title)]),
                anchors: anchors(doc.headings, &words.marks),
            };
            json.clear();
            serde_json::to_writer(&mut *json, &fragment).expect("a fragment is plain data");
            Record {
                key: doc.key,
                word_count: words.word_count as u32,
                filters: doc
                    .filters
                    .iter()
                    .map(|(n, v)| (Box::from(*n), Box::from(*v)))
                    .collect(),
                words: encode_record(words, dictionary, entry, encoded).into(),
                fragment: compress(json, FRAGMENT_LEVEL).into(),
                hash: foldhash::fast::FixedState::with_seed(0).hash_one(&json[..]),
            }
        })
    }
}

/// The headings as Pagefind's anchors, each at the position of its first word.
fn anchors<'a>(headings: &[Heading<'a>], positions: &[u32]) -> Vec<FragmentAnchor<'a>> {
    headings
        .iter()
        .zip(positions)
        .map(|(h, &location)| FragmentAnchor {
            element: HEADING_ELEMENTS[usize::from(h.level.clamp(1, 6)) - 1],
            id: h.id,
            text: h.text,
            location,
        })
        .collect()
}

/// A thread's dictionary, page buffers and scratch space.
#[derive(Default)]
struct Scratch {
    dictionary: Dictionary,
    words: PageWords,
    /// Where the page's headings start in its body.
    offsets: Vec<usize>,
    json: Vec<u8>,
    entry: Vec<u8>,
    /// The record's words, encoded: copied out at their size (one allocation per page, not a
    /// guess grown and shrunk).
    encoded: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Per word: `key`, then the page's entry (locations, meta locations) if it has locations
/// without diacritics, then its variants (form, entry). Entries are already CBOR, minus the page
/// number that is known only when the bundle is written, and one run of bytes (one length).
fn encode_record<'o>(
    words: &mut PageWords,
    dictionary: &Dictionary,
    entry: &mut Vec<u8>,
    out: &'o mut Vec<u8>,
) -> &'o [u8] {
    out.clear();
    for slot in words.slots_mut() {
        let key = &dictionary.keys[slot.number as usize];
        varint(out, key.len() as u64);
        out.extend_from_slice(key.as_bytes());
        encode_forms(out, slot, entry);
    }
    out
}

/// A word's locations grouped by form: the word itself (no diacritics) first, then its forms in
/// order, as Pagefind does; meta-only forms come last.
fn encode_forms(out: &mut Vec<u8>, slot: &mut Slot, entry: &mut Vec<u8>) {
    let plain = slot.locs.iter().all(|l| l.original.is_none())
        && slot.metas.iter().all(|m| m.original.is_none());
    if plain {
        // Most words have no forms with diacritics: one group, the word's, with nothing to sort
        // or group (sorting and allocating the groups was a quarter of encoding a record).
        let has_main = !slot.locs.is_empty() || !slot.metas.is_empty();
        out.push(u8::from(has_main));
        varint(out, 0);
        if has_main {
            write_entry(out, entry, None, &mut slot.locs, &mut slot.metas);
        }
        return;
    }
    slot.locs.sort_by(|a, b| a.original.cmp(&b.original));
    slot.metas.sort_by(|a, b| a.original.cmp(&b.original));
    let loc_groups = group(&mut slot.locs, |l| &l.original);
    let meta_groups = group(&mut slot.metas, |m| &m.original);
    let metas_of = |form: &Option<Rc<str>>| {
        meta_groups
            .iter()
            .find(|(f, _)| f == form)
            .map_or(0..0, |(_, r)| r.clone())
    };
    let main_locs = loc_groups
        .iter()
        .find(|(f, _)| f.is_none())
        .map_or(0..0, |(_, r)| r.clone());
    let main_metas = metas_of(&None);
    let has_main = !main_locs.is_empty() || !main_metas.is_empty();
    let meta_only = || {
        meta_groups
            .iter()
            .filter(|(f, _)| f.is_some() && !loc_groups.iter().any(|(g, _)| g == f))
    };
    let variants = loc_groups.iter().filter(|(f, _)| f.is_some()).count() + meta_only().count();
    out.push(u8::from(has_main));
    varint(out, variants as u64);
    if has_main {
        let (locs, metas) = (&mut slot.locs[main_locs], &mut slot.metas[main_metas]);
        write_entry(out, entry, None, locs, metas);
    }
    for (form, range) in loc_groups.iter().filter(|(f, _)| f.is_some()) {
        let metas = &mut slot.metas[metas_of(form)];
        let locs = &mut slot.locs[range.clone()];
        write_entry(out, entry, form.as_deref(), locs, metas);
    }
    for (form, range) in meta_only() {
        let metas = &mut slot.metas[range.clone()];
        write_entry(out, entry, form.as_deref(), &mut [], metas);
    }
}

/// A form (unless the word's own), then its entry: locations and meta locations, after their
/// length.
fn write_entry(
    out: &mut Vec<u8>,
    entry: &mut Vec<u8>,
    form: Option<&str>,
    locs: &mut [Loc],
    metas: &mut [MetaLoc],
) {
    if let Some(form) = form {
        varint(out, form.len() as u64);
        out.extend_from_slice(form.as_bytes());
    }
    entry.clear();
    write_locs(entry, locs);
    write_meta(entry, metas);
    varint(out, entry.len() as u64);
    out.extend_from_slice(entry);
}

/// The runs of equal forms of a sorted list.
fn group<T>(
    items: &mut [T],
    form: impl Fn(&T) -> &Option<Rc<str>>,
) -> Vec<(Option<Rc<str>>, std::ops::Range<usize>)> {
    let mut groups: Vec<(Option<Rc<str>>, std::ops::Range<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match groups.last_mut() {
            Some((f, range)) if f == form(item) => range.end = i + 1,
            _ => groups.push((form(item).clone(), i..i + 1)),
        }
    }
    groups
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> u64 {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let byte = self.0[0];
            self.0 = &self.0[1..];
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return n;
            }
            shift += 7;
        }
    }
    fn bytes(&mut self, len: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        head
    }
    /// A string as its bytes (records only hold the UTF-8 they were given), or an entry.
    fn str(&mut self) -> &'a [u8] {
        let len = self.varint() as usize;
        self.bytes(len)
    }
    fn entry(&mut self) -> Entry<'a> {
        Entry(self.str())
    }
}

/// A word's locations on a page, then its meta locations (without the page number): two CBOR
/// arrays, as encoded.
#[derive(Clone, Copy)]
pub(super) struct Entry<'a>(pub(super) &'a [u8]);

/// One word of a page's record.
pub(super) struct RecordWord<'a> {
    pub(super) key: &'a [u8],
    /// The page's entry for the word itself (locations without diacritics).
    pub(super) main: Option<Entry<'a>>,
    /// Entries of its diacritic forms.
    pub(super) variants: Vec<(&'a [u8], Entry<'a>)>,
}

impl Record {
    /// Whether it has no words (nor a title): such pages are left out of the index.
    pub(super) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub(super) fn words(&self) -> impl Iterator<Item = RecordWord<'_>> {
        let mut r = Reader(&self.words);
        std::iter::from_fn(move || {
            if r.0.is_empty() {
                return None;
            }
            let key = r.str();
            let has_main = r.bytes(1)[0] == 1;
            let variants = r.varint();
            let main = has_main.then(|| r.entry());
            // Most words have none: skip the (not inlined) collecting then.
            let variants = match variants {
                0 => Vec::new(),
                n => (0..n).map(|_| (r.str(), r.entry())).collect(),
            };
            Some(RecordWord {
                key,
                main,
                variants,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_d_with_stroke_is_also_found_as_d() {
        let indexer = Indexer::new(&["vi"]);
        let record = indexer.page(
            0,
            &Document {
                key: 0,
                url: "/vi/x/",
                title: "Đặt lại mật khẩu",
                summary: "",
                text: "Bạn có thể đặt lại.",
                category: "",
                filters: &[],
                headings: &[],
            },
        );
        let keys: Vec<&[u8]> = record.words().map(|w| w.key).collect();
        for key in ["dat", "đat", "lai", "mat", "khau"] {
            assert!(
                keys.contains(&key.as_bytes()),
                "`{key}` in {:?}",
                keys.iter()
                    .map(|k| String::from_utf8_lossy(k))
                    .collect::<Vec<_>>()
            );
        }
        let dat = record.words().find(|w| w.key == b"dat").unwrap();
        assert!(dat.main.is_none());
        assert_eq!(
            dat.variants
                .iter()
                .map(|(form, _)| *form)
                .collect::<Vec<_>>(),
            [b"\xc4\x91\xe1\xba\xb7t".as_slice()],
            "found as `đặt`"
        );
    }
}
