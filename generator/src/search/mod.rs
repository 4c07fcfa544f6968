//! Step 3b, index: the search index of each language, fed by the render pass.
//!
//! The index is written in [Pagefind](https://pagefind.app)'s format (version [`VERSION`]) into
//! `/<lang>/pagefind/`, one self-contained bundle per language, and the browser searches it with
//! Pagefind's own runtime (`pagefind.js` and its WebAssembly, taken from the `pagefind` crate). So
//! ranking (BM25 with weights), stemming, diacritic-insensitive matching, excerpts with highlighted
//! matches and filters are Pagefind's; only the writing of the index is ours:
//!
//! - Articles are tokenized where their text is already in hand, in the parallel render pass
//!   ([`Indexer::page`]): each gives a compact [`Record`]: its words' locations, already encoded,
//!   and its fragment (the JSON a result shows), compressed. Nothing else of the page is kept.
//! - [`write_bundle`] merges a language's records in page order straight into the encoded word
//!   lists, so the postings are never held as objects, and gives the files to write.
//!
//! Why not `pagefind::api::PagefindIndex::add_custom_record`: measured on the benchmark corpus
//! (10,000 articles), it took 15.7 s of CPU and 740 MB (it keeps every page's word map, clones
//! all pages before building, searches its page list linearly on every insert, and compresses
//! every file at the highest level on one thread) — several times the whole site's build. The
//! writer here gives the same index as Pagefind's for the same records (tested against it below),
//! except where that saves download or finds more: a body weight of 25 (see `BODY_WEIGHT`), the
//! commonest words' lists capped (`Postings::cap`), chunks cut by size (`CHUNK_BYTES`), page
//! counts rounded and fragments named `<version>/<article>` (the metadata is smaller), and `đ`
//! also indexed as `d` (Vietnamese typed without diacritics).
//!
//! What the index holds per article: the title (weight 7, and the `title` meta field), the summary
//! (weight 2) and the body text (weight 1), as words; the filters `audience` and `category` (ids);
//! the meta fields `title` and `category` (its title, for display). Untranslated pages are left out:
//! results are in the page's language only.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasher as _, Hasher as _};
use std::rc::Rc;

use pagefind_stem::{Algorithm, Stemmer};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// The Pagefind version whose format this writes and whose runtime the site ships.
pub const VERSION: &str = "1.6.0";
/// The bundle's folder inside a language's folder: `/<lang>/pagefind/`.
pub const BUNDLE_DIR: &str = "pagefind";
/// Characters that count as part of a word (Unicode "Punctuation, Connector"), as in Pagefind.
const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];
/// Roughly how many bytes of word lists (before compression, about 2.5× what is downloaded) go
/// into one index chunk. A query loads the chunk of each of its words, so this bounds its
/// download. (Pagefind cuts after 20,000 locations: about 85 KB.)
const CHUNK_BYTES: usize = 24_000;
/// The most bytes (before compression) a word's list may take: see [`Postings::cap`].
const WORD_BYTES: usize = 48_000;
/// Weights, as Pagefind stores them (weight × 24). The body's is 25 rather than Pagefind's 24:
/// Pagefind's format stores 25 as the default and every other weight with a marker (2 bytes
/// per word and page), so 25 makes the index about a fifth smaller for the same ranking.
const TITLE_WEIGHT: u8 = 7 * 24;
const SUMMARY_WEIGHT: u8 = 2 * 24;
const BODY_WEIGHT: u8 = 25;
/// Meta fields of every page, sorted; only the title's words are searchable.
const META_FIELDS: [&str; 2] = ["category", "title"];
const TITLE_FIELD: u16 = 1;
/// Fragments are fetched only for the results shown, and compressed in the render pass: fast
/// compression. The index and metadata are fetched by every first query: within 3% of the
/// smallest, in a third of the time.
const FRAGMENT_LEVEL: u32 = 2;
const INDEX_LEVEL: u32 = 4;

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
}

/// What the bundle keeps of an article until it is written: its words, compactly encoded, and
/// its fragment (compressed).
#[derive(Debug, Clone)]
pub struct Record {
    /// Unique within the language: names the fragment.
    key: usize,
    word_count: u32,
    filters: Box<[(Box<str>, Box<str>)]>,
    /// Per word: key, its locations on this page (see [`encode_record`]).
    words: Box<[u8]>,
    fragment: Box<[u8]>,
    /// Of the fragment's JSON: the bundle's fragments are named after all of them.
    hash: u64,
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

    /// Tokenizes an article of language `l` (an index into the languages given to [`Indexer::new`]).
    pub fn page(&self, l: usize, doc: &Document) -> Record {
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
                json,
                entry,
            } = scratch;
            let dictionary = dictionary.for_language(&self.languages[l], self.fold_strokes);
            tokenize(
                &runs,
                &[(TITLE_FIELD, doc.title)],
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
                anchors: [],
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
                words: encode_record(words, dictionary, entry).into(),
                fragment: compress(json, FRAGMENT_LEVEL).into(),
                hash: foldhash::fast::FixedState::with_seed(0).hash_one(&json[..]),
            }
        })
    }
}

/// Pagefind's fragment: what a result shows (`content` gives the excerpt).
#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: BTreeMap<&'a str, Vec<&'a str>>,
    meta: BTreeMap<&'a str, &'a str>,
    anchors: [(); 0],
}

/// The folder of a language's bundle, relative to the site root: `<lang>/pagefind`.
pub fn bundle_dir(language: &str) -> String {
    format!("{language}/{BUNDLE_DIR}")
}

/// The snowball stemmer Pagefind uses for a language (the same runs on the query in the browser).
fn stemmer(code: &str) -> Option<Algorithm> {
    Some(match code.split('-').next().unwrap_or(code) {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    })
}

// --- tokenizing: Pagefind's rules (fossick/splitting.rs) ------------------------------------

/// A word's location on the page: position, weight, and its form before diacritics were removed.
#[derive(Debug, Clone, PartialEq)]
struct Loc {
    position: u32,
    weight: u8,
    original: Option<Rc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
struct MetaLoc {
    field: u16,
    position: u32,
    original: Option<Rc<str>>,
}

/// Hash maps of the hot paths: foldhash rather than SipHash (the input is the site's own text).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The words of the page being indexed: per indexed word, its locations. Kept by the thread
/// and reused from page to page (no allocation per word and page).
#[derive(Default)]
struct PageWords {
    /// The words, separated by single spaces: what excerpts are cut from.
    content: String,
    word_count: usize,
    slots: Vec<Slot>,
    used: usize,
    /// This page's number for the thread, and per word number: the page it was last seen on and
    /// its slot there.
    page: u32,
    seen_on: Vec<(u32, u32)>,
}

#[derive(Default)]
struct Slot {
    number: u32,
    locs: Vec<Loc>,
    metas: Vec<MetaLoc>,
}

impl PageWords {
    fn start(&mut self) {
        self.page += 1;
        self.content.clear();
        self.used = 0;
    }

    /// The slot of word `number` on this page, added on first sight.
    fn slot(&mut self, number: u32) -> &mut Slot {
        let n = number as usize;
        if n >= self.seen_on.len() {
            self.seen_on.resize(n + 1, (0, 0));
        }
        if self.seen_on[n].0 != self.page {
            if self.used == self.slots.len() {
                self.slots.push(Slot::default());
            }
            let slot = &mut self.slots[self.used];
            slot.number = number;
            slot.locs.clear();
            slot.metas.clear();
            self.seen_on[n] = (self.page, self.used as u32);
            self.used += 1;
        }
        let i = self.seen_on[n].1 as usize;
        &mut self.slots[i]
    }

    #[cfg(test)]
    fn get<'a>(&'a self, dictionary: &Dictionary, key: &str) -> Option<(&'a [Loc], &'a [MetaLoc])> {
        self.slots[..self.used]
            .iter()
            .find(|s| &*dictionary.keys[s.number as usize] == key)
            .map(|s| (s.locs.as_slice(), s.metas.as_slice()))
    }
}

/// Splits weighted runs of text into words and indexes them, plus the words of meta fields.
fn tokenize(
    runs: &[(&str, u8)],
    meta: &[(u16, &str)],
    stemmer: Option<&Stemmer>,
    dictionary: &mut Dictionary,
    out: &mut PageWords,
) {
    out.start();
    let mut position: u32 = 0;
    let mut last = 0;
    for &(text, weight) in runs {
        for word in text.split_whitespace() {
            let word: Cow<str> = if word.contains('\u{200B}') {
                Cow::Owned(word.replace('\u{200B}', ""))
            } else {
                Cow::Borrowed(word)
            };
            if word.is_empty() {
                continue;
            }
            out.content.push_str(&word);
            out.content.push(' ');
            let i = dictionary.get(&word, stemmer);
            let found = &dictionary.found[i];
            let partial = if found.compound > 0 && weight > 0 {
                (weight / found.compound).max(1)
            } else {
                0
            };
            for (number, is_part, original) in &found.words {
                out.slot(*number).locs.push(Loc {
                    position,
                    weight: if *is_part { partial } else { weight },
                    original: original.clone(),
                });
            }
            last = position;
            position += 1;
        }
    }
    out.content.pop();
    out.word_count = last as usize + 1;
    for &(field, text) in meta {
        for (position, word) in text.split_whitespace().enumerate() {
            let i = dictionary.get(word, stemmer);
            let found = &dictionary.found[i];
            for (number, _, original) in &found.words[..found.words.len() - found.tails] {
                out.slot(*number).metas.push(MetaLoc {
                    field,
                    position: position as u32,
                    original: original.clone(),
                });
            }
        }
    }
}

/// What a raw word is indexed as, remembered across the pages a thread indexes in one language
/// (help articles repeat most of their words); indexed words get numbers, so that a page gathers
/// its locations without hashing strings again.
#[derive(Default)]
struct Dictionary {
    language: String,
    fold_strokes: bool,
    /// Raw word → its entry in `found`.
    index: Map<RawWord, usize>,
    found: Vec<Found>,
    /// Indexed word → number, and back.
    numbers: Map<Rc<str>, u32>,
    keys: Vec<Rc<str>>,
}

struct Found {
    /// Word number, compound part?, form with diacritics: [`indexable_words`], then the dotted
    /// tails (body text only).
    words: Vec<(u32, bool, Option<Rc<str>>)>,
    tails: usize,
    /// How many are compound parts (they share the word's weight).
    compound: u8,
}

impl Dictionary {
    const MAX_WORDS: usize = 100_000;

    fn for_language(&mut self, language: &str, fold_strokes: bool) -> &mut Self {
        if self.language != language
            || self.fold_strokes != fold_strokes
            || self.found.len() > Self::MAX_WORDS
            || self.keys.len() > Self::MAX_WORDS
        {
            *self = Dictionary {
                language: language.to_string(),
                fold_strokes,
                ..Dictionary::default()
            };
        }
        self
    }

    fn get(&mut self, raw: &str, stemmer: Option<&Stemmer>) -> usize {
        let key = RawWord::new(raw);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let mut words = indexable_words(raw, stemmer);
        // `đ` is a letter of its own, not d with a mark: Pagefind keeps it, so `dat` would not find
        // `đặt`. Such words are also indexed with `d` (their written form kept for ranking).
        if self.fold_strokes {
            let normalized = normalize_word(raw);
            if normalized.contains('đ') {
                let mut folded = stem_word(&normalized.replace('đ', "d"), stemmer, false);
                folded.original = Some(normalized.into());
                if !words.iter().any(|w| w.stemmed == folded.stemmed) {
                    words.push(folded);
                }
            }
        }
        let tails = dotted_tails(raw, stemmer, &words);
        let tail_count = tails.len();
        words.extend(tails);
        let compound = u8::try_from(words.iter().filter(|w| w.compound).count()).unwrap_or(u8::MAX);
        let words = words
            .into_iter()
            .map(|w| {
                let number = *self.numbers.entry(w.stemmed.clone()).or_insert_with(|| {
                    self.keys.push(w.stemmed);
                    (self.keys.len() - 1) as u32
                });
                (number, w.compound, w.original)
            })
            .collect();
        self.found.push(Found {
            words,
            tails: tail_count,
            compound,
        });
        self.index.insert(key, self.found.len() - 1);
        self.found.len() - 1
    }
}

/// A raw word as a map key: short words (nearly all) in place, so that a lookup compares bytes
/// in the table instead of following a pointer.
#[derive(PartialEq, Eq, Hash)]
enum RawWord {
    Short(u8, [u8; 22]),
    Long(Box<str>),
}

impl RawWord {
    fn new(word: &str) -> Self {
        match word.len() {
            len @ 0..=22 => {
                let mut bytes = [0; 22];
                bytes[..len].copy_from_slice(word.as_bytes());
                RawWord::Short(len as u8, bytes)
            }
            _ => RawWord::Long(word.into()),
        }
    }
}

/// A thread's dictionary, page buffers and scratch space.
#[derive(Default)]
struct Scratch {
    dictionary: Dictionary,
    words: PageWords,
    json: Vec<u8>,
    entry: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

#[derive(Debug, PartialEq)]
struct Indexable {
    stemmed: Rc<str>,
    compound: bool,
    original: Option<Rc<str>>,
}

/// The words a raw word is found by: itself (normalized, stemmed) and the parts of a compound.
fn indexable_words(raw: &str, stemmer: Option<&Stemmer>) -> Vec<Indexable> {
    let mut out = Vec::with_capacity(1);
    let normalized = normalize_word(raw);
    if !normalized.is_empty() {
        out.push(stem_word(&normalized, stemmer, false));
    }
    let possibly_compound =
        raw.chars().any(|c| !c.is_alphanumeric()) || raw.chars().skip(1).any(char::is_uppercase);
    if !possibly_compound || normalized.is_empty() {
        return out;
    }
    let parts = discrete_words(raw);
    if parts.contains(char::is_whitespace) || !normalized.starts_with(&parts) {
        for part in parts.split_whitespace().filter(|p| p.len() > 1) {
            let plain = normalize_diacritics(part);
            let base = plain.as_deref().unwrap_or(part);
            let stemmed = stemmer.map_or_else(|| base.to_string(), |s| s.stem(base).into_owned());
            out.push(Indexable {
                stemmed: stemmed.into(),
                compound: true,
                original: plain.map(|_| part.into()),
            });
        }
    }
    out
}

/// `sysconfig.is_python_build` is also found by `is_python_build`.
fn dotted_tails(raw: &str, stemmer: Option<&Stemmer>, existing: &[Indexable]) -> Vec<Indexable> {
    let mut tails: Vec<Indexable> = Vec::new();
    if !raw.contains('.') {
        return tails;
    }
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = rest
            .char_indices()
            .nth(64)
            .map_or(rest, |(end, _)| &rest[..end]);
        let compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(char::is_uppercase);
        if !compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let word = stem_word(&normalized, stemmer, true);
        if !existing
            .iter()
            .chain(&tails)
            .any(|w| w.stemmed == word.stemmed)
        {
            tails.push(word);
        }
    }
    tails
}

/// Letters, digits and word symbols, lowercased.
fn normalize_word(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

fn stem_word(normalized: &str, stemmer: Option<&Stemmer>, compound: bool) -> Indexable {
    let plain = normalize_diacritics(normalized);
    let base = plain.as_deref().unwrap_or(normalized);
    let stemmed = stemmer.map_or_else(|| base.to_string(), |s| s.stem(base).into_owned());
    Indexable {
        stemmed: stemmed.into(),
        compound,
        original: plain.map(|_| normalized.into()),
    }
}

/// `tài` → `tai`: the word without combining marks (kana sound marks kept), if that differs.
fn normalize_diacritics(word: &str) -> Option<String> {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    let decomposes = |c: char| {
        let mut differs = false;
        decompose_canonical(c, |part| differs |= part != c);
        differs
    };
    if word.is_ascii() || !word.chars().any(|c| is_combining_mark(c) || decomposes(c)) {
        return None;
    }
    let kana_mark = |c: char| matches!(c, '\u{3099}' | '\u{309A}');
    let stripped: String = word
        .nfd()
        .filter(|&c| !is_combining_mark(c) || kana_mark(c))
        .collect();
    let stripped = if stripped.chars().any(kana_mark) {
        stripped.nfc().collect()
    } else {
        stripped
    };
    (stripped != word).then_some(stripped)
}

/// ASCII punctuation to spaces, then lower case split at case and digit boundaries.
fn discrete_words(raw: &str) -> String {
    use convert_case::Casing;
    let spaced = raw.replace(|c: char| c.is_ascii_punctuation(), " ");
    spaced
        .to_case(convert_case::Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// --- the record of a page --------------------------------------------------------------------

/// Per word: `key`, then the page's entry (locations, meta locations) if it has locations
/// without diacritics, then its variants (form, entry). Entries are already CBOR, minus the page
/// number that is known only when the bundle is written.
fn encode_record(words: &mut PageWords, dictionary: &Dictionary, entry: &mut Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.used * 16);
    for slot in &mut words.slots[..words.used] {
        let key = &dictionary.keys[slot.number as usize];
        varint(&mut out, key.len() as u64);
        out.extend_from_slice(key.as_bytes());
        // Grouped by form: the word itself (no diacritics) first, then its forms in order, as
        // Pagefind does; meta-only forms come last.
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
        let variants = loc_groups.iter().filter(|(f, _)| f.is_some()).count()
            + meta_groups
                .iter()
                .filter(|(f, _)| f.is_some() && !loc_groups.iter().any(|(g, _)| g == f))
                .count();
        out.push(u8::from(has_main));
        varint(&mut out, variants as u64);
        let mut write_entry =
            |out: &mut Vec<u8>, form: Option<&str>, locs: &mut [Loc], metas: &mut [MetaLoc]| {
                if let Some(form) = form {
                    varint(out, form.len() as u64);
                    out.extend_from_slice(form.as_bytes());
                }
                entry.clear();
                write_locs(entry, locs);
                write_meta(entry, metas);
                varint(out, entry.len() as u64);
                out.extend_from_slice(entry);
            };
        if has_main {
            write_entry(
                &mut out,
                None,
                &mut slot.locs[main_locs],
                &mut slot.metas[main_metas],
            );
        }
        for (form, range) in loc_groups.iter().filter(|(f, _)| f.is_some()) {
            write_entry(
                &mut out,
                form.as_deref(),
                &mut slot.locs[range.clone()],
                &mut slot.metas[metas_of(form)],
            );
        }
        for (form, range) in meta_groups
            .iter()
            .filter(|(f, _)| f.is_some() && !loc_groups.iter().any(|(g, _)| g == f))
        {
            write_entry(
                &mut out,
                form.as_deref(),
                &mut [],
                &mut slot.metas[range.clone()],
            );
        }
    }
    out
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

/// Locations as Pagefind packs them: sorted by weight (the usual weight first) and position,
/// delta-encoded, with `-(weight + 1), position` where the weight changes.
fn write_locs(out: &mut Vec<u8>, locs: &mut [Loc]) {
    locs.sort_unstable_by_key(|l| (if l.weight == 25 { 0 } else { l.weight }, l.position));
    let changes = locs
        .iter()
        .scan(25, |w, l| Some(std::mem::replace(w, l.weight) != l.weight))
        .filter(|&c| c)
        .count();
    cbor::head(out, cbor::ARRAY, (locs.len() + changes) as u64);
    let (mut weight, mut last) = (25, 0);
    for loc in locs.iter() {
        if loc.weight != weight {
            cbor::int(out, -i32::from(loc.weight) - 1);
            cbor::int(out, loc.position as i32);
            weight = loc.weight;
        } else {
            cbor::int(out, (loc.position - last) as i32);
        }
        last = loc.position;
    }
}

fn packed_locs(mut locs: Vec<Loc>) -> Vec<i32> {
    let mut bytes = Vec::new();
    write_locs(&mut bytes, &mut locs);
    cbor_ints(&mut bytes.as_slice())
}

/// Meta locations: `-(field + 1)` then delta-encoded positions, per field.
fn write_meta(out: &mut Vec<u8>, metas: &mut [MetaLoc]) {
    metas.sort_unstable_by_key(|m| (m.field, m.position));
    let fields = metas
        .iter()
        .scan(None, |f, m| Some(f.replace(m.field) != Some(m.field)))
        .filter(|&c| c)
        .count();
    cbor::head(out, cbor::ARRAY, (metas.len() + fields) as u64);
    let (mut field, mut last) = (None, 0);
    for meta in metas.iter() {
        if field != Some(meta.field) {
            cbor::int(out, -(i32::from(meta.field) + 1));
            field = Some(meta.field);
            last = 0;
        }
        cbor::int(out, (meta.position - last) as i32);
        last = meta.position;
    }
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
    /// A string as its bytes: records only hold the UTF-8 they were given.
    fn str(&mut self) -> &'a [u8] {
        let len = self.varint() as usize;
        self.bytes(len)
    }
    fn entry(&mut self) -> &'a [u8] {
        let len = self.varint() as usize;
        self.bytes(len)
    }
}

/// One word of a page's record.
struct RecordWord<'a> {
    key: &'a [u8],
    /// The page's entry for the word itself (locations without diacritics), CBOR minus page.
    main: Option<&'a [u8]>,
    /// Entries of its diacritic forms.
    variants: Vec<(&'a [u8], &'a [u8])>,
}

impl Record {
    fn words(&self) -> impl Iterator<Item = RecordWord<'_>> {
        let mut r = Reader(&self.words);
        std::iter::from_fn(move || {
            if r.0.is_empty() {
                return None;
            }
            let key = r.str();
            let has_main = r.bytes(1)[0] == 1;
            let variants = r.varint();
            let main = has_main.then(|| r.entry());
            let variants = (0..variants).map(|_| (r.str(), r.entry())).collect();
            Some(RecordWord {
                key,
                main,
                variants,
            })
        })
    }
}

/// Keeps the `keep` heaviest locations (earliest first among equals) of an entry.
fn cap_locations(entry: &[u8], keep: usize, out: &mut Vec<u8>) {
    let mut bytes = entry;
    let (locs_in, rest) = (cbor_ints(&mut bytes), bytes);
    if locs_in.len() <= keep {
        out.extend_from_slice(entry);
        return;
    }
    let mut locs = Vec::with_capacity(locs_in.len());
    let (mut weight, mut last, mut iter) = (25u8, 0u32, locs_in.into_iter());
    while let Some(v) = iter.next() {
        if v < 0 {
            weight = (-v - 1) as u8;
            last = iter.next().unwrap_or(0) as u32;
        } else {
            last += v as u32;
        }
        locs.push(Loc {
            position: last,
            weight,
            original: None,
        });
    }
    if locs.len() > keep {
        locs.sort_by_key(|l| (std::cmp::Reverse(l.weight), l.position));
        locs.truncate(keep);
    }
    cbor::ints(out, &packed_locs(locs));
    out.extend_from_slice(rest);
}

/// Reads a CBOR head: major type and number.
fn cbor_head(bytes: &mut &[u8]) -> (u8, u64) {
    let first = bytes[0];
    let (major, info) = (first >> 5, first & 0x1f);
    let len = match info {
        0..=23 => 0,
        24..=27 => 1 << (info - 24),
        _ => unreachable!("only definite lengths are written"),
    };
    let n = if len == 0 {
        u64::from(info)
    } else {
        bytes[1..=len]
            .iter()
            .fold(0u64, |n, &b| n << 8 | u64::from(b))
    };
    *bytes = &bytes[1 + len..];
    (major, n)
}

/// Reads a CBOR array of integers (as [`cbor::ints`] writes them).
fn cbor_ints(bytes: &mut &[u8]) -> Vec<i32> {
    let (_, count) = cbor_head(bytes);
    (0..count)
        .map(|_| match cbor_head(bytes) {
            (cbor::UINT, n) => n as i32,
            (_, n) => -1 - n as i32,
        })
        .collect()
}

// --- the bundle of a language ----------------------------------------------------------------

/// A word's page list, CBOR-encoded as pages arrive in order.
#[derive(Default)]
struct Postings {
    count: u64,
    last_page: u64,
    bytes: Vec<u8>,
}

impl Postings {
    fn push(&mut self, page: u64, entry: &[u8]) {
        cbor::head(&mut self.bytes, cbor::ARRAY, 3);
        cbor::head(&mut self.bytes, cbor::UINT, page - self.last_page);
        self.bytes.extend_from_slice(entry);
        self.last_page = page;
        self.count += 1;
    }
    fn encode(&self, out: &mut Vec<u8>) {
        cbor::head(out, cbor::ARRAY, self.count);
        out.extend_from_slice(&self.bytes);
    }
    /// Keeps the `keep` heaviest locations of each page.
    fn cap(&mut self, keep: usize) {
        let mut out = Vec::with_capacity(self.bytes.len() / 2);
        let mut rest = self.bytes.as_slice();
        while !rest.is_empty() {
            let page = rest;
            cbor_head(&mut rest); // [page, locations, meta locations]
            cbor_head(&mut rest);
            let entry = rest;
            cbor_ints(&mut rest);
            cbor_ints(&mut rest);
            out.extend_from_slice(&page[..page.len() - entry.len()]);
            cap_locations(&entry[..entry.len() - rest.len()], keep, &mut out);
        }
        self.bytes = out;
    }
}

#[derive(Default)]
struct Word {
    pages: Postings,
    variants: Vec<(Box<[u8]>, Postings)>,
}

/// The files of one bundle, relative to its folder, and the runtime to go with them.
pub struct Bundle {
    pub files: Vec<(String, Vec<u8>)>,
    pub pages: usize,
}

/// Builds a language's bundle from its records (in page order): the entry, metadata, fragments,
/// word index chunks, filters and the runtime.
pub fn write_bundle<'r>(
    language: &str,
    records: impl IntoIterator<Item = &'r Record>,
    runtime: &Runtime,
) -> Bundle {
    let records: Vec<&Record> = records
        .into_iter()
        .filter(|r| !r.words.is_empty())
        .collect();

    // Fragments are named `<version>/<article>`: the version, a hash of all of them, changes with
    // any of them, so a browser never shows a cached fragment of an older build; and the metadata
    // (in every first query's download) repeats only the short, compressible article numbers.
    let version = records.iter().fold(
        foldhash::fast::FixedState::with_seed(1).build_hasher(),
        |mut h, r| {
            h.write_u64(r.hash);
            h.write_usize(r.key);
            h
        },
    );
    let version = format!("{:08x}", version.finish() as u32);
    let mut files = Vec::new();
    let mut names = Vec::with_capacity(records.len());
    for record in &records {
        let name = format!("{version}/{:x}", record.key);
        files.push((
            format!("fragment/{name}.pf_fragment"),
            record.fragment.to_vec(),
        ));
        names.push(name);
    }

    let mut words: Map<&'r [u8], Word> = Map::default();
    let mut filters: BTreeMap<&'r str, BTreeMap<&'r str, Vec<u64>>> = BTreeMap::new();
    let mut pages: Vec<(&str, u32)> = Vec::with_capacity(records.len());
    for record in &records {
        let page = pages.len() as u64;
        pages.push((&names[page as usize], record.word_count));
        for (name, value) in record.filters.iter() {
            filters
                .entry(name)
                .or_default()
                .entry(value)
                .or_default()
                .push(page);
        }
        for entry in record.words() {
            let word = words.entry(entry.key).or_default();
            if let Some(main) = entry.main {
                word.pages.push(page, main);
            }
            for (form, bytes) in entry.variants {
                match word.variants.iter_mut().find(|(f, _)| &**f == form) {
                    Some((_, postings)) => postings.push(page, bytes),
                    None => {
                        let mut postings = Postings::default();
                        postings.push(page, bytes);
                        word.variants.push((form.into(), postings));
                    }
                }
            }
        }
    }
    // The commonest words ("the", "and"…) keep only their heaviest locations on each page, as
    // many as fit in WORD_BYTES: they barely rank, and their full lists would be most of a
    // query's download.
    words.par_iter_mut().for_each(|(_, word)| {
        let lists = || std::iter::once(&word.pages).chain(word.variants.iter().map(|(_, p)| p));
        let (count, bytes) = lists().fold((0, 0), |(c, b), p| {
            (c + p.count as usize, b + p.bytes.len())
        });
        if bytes > WORD_BYTES {
            // An entry takes about 5 bytes, and 1.5 per location.
            let keep = ((WORD_BYTES / count).saturating_sub(5) * 2 / 3).max(1);
            word.pages.cap(keep);
            word.variants.iter_mut().for_each(|(_, p)| p.cap(keep));
        }
    });

    // Word index chunks: words in order, cut after about CHUNK_BYTES of encoded lists.
    let mut sorted: Vec<(&[u8], Word)> = words.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut chunks: Vec<&[(&[u8], Word)]> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (key, word)) in sorted.iter().enumerate() {
        size += key.len()
            + word.pages.bytes.len()
            + word
                .variants
                .iter()
                .map(|(f, p)| f.len() + p.bytes.len())
                .sum::<usize>();
        if size >= CHUNK_BYTES {
            chunks.push(&sorted[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    if start < sorted.len() {
        chunks.push(&sorted[start..]);
    }
    let encoded: Vec<(String, Vec<u8>)> = chunks
        .par_iter()
        .map(|chunk| {
            let mut out = Vec::new();
            cbor::head(&mut out, cbor::ARRAY, 1);
            cbor::head(&mut out, cbor::ARRAY, chunk.len() as u64);
            for (key, word) in chunk.iter() {
                cbor::head(&mut out, cbor::ARRAY, 3);
                cbor::text_bytes(&mut out, key);
                word.pages.encode(&mut out);
                cbor::head(&mut out, cbor::ARRAY, word.variants.len() as u64);
                for (form, postings) in &word.variants {
                    cbor::head(&mut out, cbor::ARRAY, 2);
                    cbor::text_bytes(&mut out, form);
                    postings.encode(&mut out);
                }
            }
            (hash_name(language, &out), compress(&out, INDEX_LEVEL))
        })
        .collect();
    // Names are short hashes: should two chunks share one, the later gets its number added.
    let mut names = std::collections::HashSet::new();
    let encoded: Vec<(String, Vec<u8>)> = encoded
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            (
                if names.insert(name.clone()) {
                    name
                } else {
                    format!("{name}_{i}")
                },
                bytes,
            )
        })
        .collect();
    let text = |key: &[u8]| String::from_utf8_lossy(key).into_owned();
    let bounds = chunk_bounds(
        &chunks
            .iter()
            .map(|c| (text(c[0].0), text(c[c.len() - 1].0)))
            .collect::<Vec<_>>(),
    );

    let mut filter_list = Vec::new();
    for (filter, values) in &filters {
        let mut out = Vec::new();
        cbor::head(&mut out, cbor::ARRAY, 2);
        cbor::text(&mut out, filter);
        cbor::head(&mut out, cbor::ARRAY, values.len() as u64);
        for (value, pages) in values {
            cbor::head(&mut out, cbor::ARRAY, 2);
            cbor::text(&mut out, value);
            cbor::head(&mut out, cbor::ARRAY, pages.len() as u64);
            pages
                .iter()
                .for_each(|&p| cbor::head(&mut out, cbor::UINT, p));
        }
        let hash = hash_name(language, &out);
        files.push((
            format!("filter/{hash}.pf_filter"),
            compress(&out, INDEX_LEVEL),
        ));
        filter_list.push((*filter, hash));
    }

    let mut meta = Vec::with_capacity(pages.len() * 16);
    cbor::head(&mut meta, cbor::ARRAY, 6);
    cbor::text(&mut meta, VERSION);
    cbor::head(&mut meta, cbor::ARRAY, pages.len() as u64);
    for (name, word_count) in &pages {
        cbor::head(&mut meta, cbor::ARRAY, 3);
        cbor::text(&mut meta, name);
        cbor::head(&mut meta, cbor::UINT, u64::from(rounded(*word_count)));
        cbor::text(&mut meta, "");
    }
    cbor::head(&mut meta, cbor::ARRAY, encoded.len() as u64);
    for ((from, to), (hash, _)) in bounds.iter().zip(&encoded) {
        cbor::head(&mut meta, cbor::ARRAY, 3);
        cbor::text(&mut meta, from);
        cbor::text(&mut meta, to);
        cbor::text(&mut meta, hash);
    }
    cbor::head(&mut meta, cbor::ARRAY, filter_list.len() as u64);
    for (filter, hash) in &filter_list {
        cbor::head(&mut meta, cbor::ARRAY, 2);
        cbor::text(&mut meta, filter);
        cbor::text(&mut meta, hash);
    }
    cbor::head(&mut meta, cbor::ARRAY, 0);
    cbor::head(
        &mut meta,
        cbor::ARRAY,
        if pages.is_empty() {
            0
        } else {
            META_FIELDS.len() as u64
        },
    );
    if !pages.is_empty() {
        META_FIELDS.iter().for_each(|f| cbor::text(&mut meta, f));
    }
    let meta_hash = hash_name(language, &meta);
    files.push((
        format!("pagefind.{meta_hash}.pf_meta"),
        compress(&meta, INDEX_LEVEL),
    ));
    files.extend(
        encoded
            .into_iter()
            .map(|(hash, bytes)| (format!("index/{hash}.pf_index"), bytes)),
    );

    let wasm = runtime.wasm_for(language);
    let entry = serde_json::json!({
        "version": VERSION,
        "languages": { language: { "hash": meta_hash, "wasm": wasm.map(|_| language), "page_count": pages.len() } },
        "include_characters": WORD_SYMBOLS,
    });
    files.push(("pagefind-entry.json".into(), entry.to_string().into_bytes()));
    files.push(("pagefind.js".into(), runtime.js.clone()));
    match wasm {
        Some(bytes) => files.push((format!("wasm.{language}.pagefind"), bytes.to_vec())),
        None => files.push((
            "wasm.unknown.pagefind".into(),
            runtime.unknown_wasm().to_vec(),
        )),
    }
    Bundle {
        files,
        pages: pages.len(),
    }
}

/// A page's word count to 5 significant bits (within 3%): it only scales the ranking by page
/// length, and the metadata holding every page's count is in each first query's download.
fn rounded(count: u32) -> u32 {
    let shift = (32 - count.leading_zeros()).saturating_sub(5);
    ((count + (1 << shift >> 1)) >> shift) << shift
}

/// The `from`/`to` of each chunk, shortened to the prefixes that tell neighbours apart.
fn chunk_bounds(chunks: &[(String, String)]) -> Vec<(String, String)> {
    let mut bounds: Vec<(String, String)> = chunks.to_vec();
    for i in 1..bounds.len() {
        let (a, b) = (&bounds[i - 1].1, &bounds[i].0);
        let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
        let a_prefix: String = a.chars().take(common + 1).collect();
        let b_prefix: String = b.chars().take(common + 1).collect();
        if a_prefix >= bounds[i - 1].0 {
            bounds[i - 1].1 = a_prefix;
        }
        bounds[i].0 = b_prefix;
    }
    bounds
}

fn hash_name(language: &str, bytes: &[u8]) -> String {
    format!("{language}_{}", &hex(&Sha256::digest(bytes))[..8])
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Gzip with Pagefind's signature inside. Each thread keeps its compressor per level: a new one
/// per file costs more than the small files it compresses, and churns the allocator.
fn compress(bytes: &[u8], level: u32) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static DEFLATE: std::cell::RefCell<Vec<(u32, Compress)>> = std::cell::RefCell::default();
    }
    DEFLATE.with_borrow_mut(|states| {
        let i = states
            .iter()
            .position(|(l, _)| *l == level)
            .unwrap_or_else(|| {
                states.push((level, Compress::new_gzip(Compression::new(level), 15)));
                states.len() - 1
            });
        let z = &mut states[i].1;
        z.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        let step = |z: &mut Compress, out: &mut Vec<u8>, input: &[u8], flush| {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            let before = z.total_in();
            let status = z
                .compress_vec(input, out, flush)
                .expect("deflate works on memory");
            ((z.total_in() - before) as usize, status)
        };
        for mut input in [b"pagefind_dcd".as_slice(), bytes] {
            while !input.is_empty() {
                let (read, _) = step(z, &mut out, input, FlushCompress::None);
                input = &input[read..];
            }
        }
        while step(z, &mut out, &[], FlushCompress::Finish).1 != Status::StreamEnd {}
        out
    })
}

/// The CBOR that Pagefind's `minicbor` structures are encoded as: definite arrays of fields.
mod cbor {
    pub const UINT: u8 = 0;
    pub const NEGATIVE: u8 = 1;
    pub const TEXT: u8 = 3;
    pub const ARRAY: u8 = 4;

    pub fn head(out: &mut Vec<u8>, major: u8, n: u64) {
        let major = major << 5;
        if n < 24 {
            out.push(major | n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[major | 24, n as u8]);
        } else if n <= 0xffff {
            out.push(major | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(major | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(major | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }

    pub fn text(out: &mut Vec<u8>, s: &str) {
        text_bytes(out, s.as_bytes());
    }

    /// Text given as its UTF-8 bytes.
    pub fn text_bytes(out: &mut Vec<u8>, s: &[u8]) {
        head(out, TEXT, s.len() as u64);
        out.extend_from_slice(s);
    }

    pub fn ints(out: &mut Vec<u8>, values: &[i32]) {
        head(out, ARRAY, values.len() as u64);
        values.iter().for_each(|&v| int(out, v));
    }

    pub fn int(out: &mut Vec<u8>, v: i32) {
        if v >= 0 {
            head(out, UINT, v as u64);
        } else {
            head(out, NEGATIVE, (-1 - i64::from(v)) as u64);
        }
    }
}

// --- the browser runtime ---------------------------------------------------------------------

/// Pagefind's search runtime: `pagefind.js` and the WebAssembly per stemming language, as the
/// `pagefind` crate ships them (the files are embedded in it; its API is the way to get them).
pub struct Runtime {
    js: Vec<u8>,
    wasm: HashMap<String, Vec<u8>>,
}

impl Runtime {
    /// The files for the given languages, asked of Pagefind once per process (`serve` rebuilds
    /// reuse them). Pagefind is asked in a thread of its own: its API is async, and this may be
    /// called from within another async runtime (`helpcenter serve`).
    pub fn load<S: AsRef<str> + Sync>(languages: &[S]) -> anyhow::Result<std::sync::Arc<Runtime>> {
        static LOADED: std::sync::Mutex<Option<std::sync::Arc<Runtime>>> =
            std::sync::Mutex::new(None);
        let mut loaded = LOADED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let has_all = |r: &Runtime| {
            languages
                .iter()
                .all(|l| stemmer(l.as_ref()).is_none() || r.wasm.contains_key(l.as_ref()))
        };
        if let Some(runtime) = loaded.as_ref().filter(|r| has_all(r)) {
            return Ok(runtime.clone());
        }
        let mut wanted: Vec<String> = languages.iter().map(|l| l.as_ref().to_string()).collect();
        wanted.extend(
            loaded
                .iter()
                .flat_map(|r| r.wasm.keys().filter(|k| *k != "unknown").cloned()),
        );
        wanted.sort();
        wanted.dedup();
        let runtime = std::thread::scope(|scope| {
            scope
                .spawn(|| Self::load_here(&wanted))
                .join()
                .map_err(|_| anyhow::anyhow!("the Pagefind runtime thread panicked"))
        })??;
        let runtime = std::sync::Arc::new(runtime);
        *loaded = Some(runtime.clone());
        Ok(runtime)
    }

    fn load_here<S: AsRef<str>>(languages: &[S]) -> anyhow::Result<Runtime> {
        use pagefind::{api::PagefindIndex, options::PagefindServiceConfig};
        let rt = tokio::runtime::Builder::new_current_thread().build()?;
        rt.block_on(async {
            let mut index = PagefindIndex::new(Some(PagefindServiceConfig::builder().build()))?;
            for language in languages {
                let language = language.as_ref();
                index
                    .add_custom_record(
                        format!("/{language}/"),
                        "runtime".into(),
                        language.into(),
                        None,
                        None,
                        None,
                    )
                    .await?;
            }
            let mut runtime = Runtime {
                js: Vec::new(),
                wasm: HashMap::new(),
            };
            for file in index.get_files().await? {
                let name = file.filename.to_string_lossy().into_owned();
                if name == "pagefind.js" {
                    runtime.js = file.contents;
                } else if let Some(language) = name
                    .strip_prefix("wasm.")
                    .and_then(|n| n.strip_suffix(".pagefind"))
                {
                    runtime.wasm.insert(language.to_string(), file.contents);
                }
            }
            anyhow::ensure!(
                !runtime.js.is_empty() && runtime.wasm.contains_key("unknown"),
                "the pagefind crate gave no search runtime"
            );
            Ok(runtime)
        })
    }

    /// The WebAssembly with the language's stemmer, if Pagefind has one.
    fn wasm_for(&self, language: &str) -> Option<&[u8]> {
        stemmer(language)?;
        self.wasm.get(language).map(Vec::as_slice)
    }

    fn unknown_wasm(&self) -> &[u8] {
        &self.wasm["unknown"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod corpus;
    use std::io::Read as _;

    /// A generic CBOR value: all that Pagefind's files use.
    #[derive(Debug, Clone, PartialEq)]
    enum Cbor {
        Uint(u64),
        Negative(u64),
        Text(String),
        Array(Vec<Cbor>),
    }

    fn decode(bytes: &mut &[u8]) -> Cbor {
        let first = bytes[0];
        *bytes = &bytes[1..];
        let (major, info) = (first >> 5, first & 0x1f);
        let n = match info {
            0..=23 => u64::from(info),
            24..=27 => {
                let len = 1 << (info - 24);
                let n = bytes[..len]
                    .iter()
                    .fold(0u64, |n, &b| n << 8 | u64::from(b));
                *bytes = &bytes[len..];
                n
            }
            _ => panic!("indefinite lengths are not used"),
        };
        match major {
            0 => Cbor::Uint(n),
            1 => Cbor::Negative(n),
            3 => {
                let text = String::from_utf8(bytes[..n as usize].to_vec()).unwrap();
                *bytes = &bytes[n as usize..];
                Cbor::Text(text)
            }
            4 => Cbor::Array((0..n).map(|_| decode(bytes)).collect()),
            other => panic!("unexpected CBOR major type {other}"),
        }
    }

    fn unpack(file: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(&out[..12], b"pagefind_dcd");
        out.split_off(12)
    }

    fn cbor_file(file: &[u8]) -> Cbor {
        let bytes = unpack(file);
        let mut slice = bytes.as_slice();
        let value = decode(&mut slice);
        assert!(slice.is_empty(), "trailing bytes");
        value
    }

    fn array(value: &Cbor) -> &[Cbor] {
        match value {
            Cbor::Array(items) => items,
            other => panic!("not an array: {other:?}"),
        }
    }

    fn text(value: &Cbor) -> &str {
        match value {
            Cbor::Text(s) => s,
            other => panic!("not text: {other:?}"),
        }
    }

    struct Doc<'a> {
        url: &'a str,
        title: &'a str,
        summary: &'a str,
        text: &'a str,
        audience: &'a str,
    }

    const EN: &[Doc<'static>] = &[
        Doc { url: "/en/users/account/reset-password/", title: "Reset your password", summary: "When you forgot it.", text: "Open Settings → Account. Choose “Reset password” and check your e-mail; the link works once. On an iPhone, see helpcenter.yaml or U.S.A. rules.", audience: "users" },
        Doc { url: "/en/creators/payouts/tax-forms/", title: "Tax forms for payouts", summary: "", text: "Payouts need a tax form. Café owners and naïve résumé writers: the form is the same. Passwords are never asked.", audience: "creators" },
        Doc { url: "/en/users/account/two-factor/", title: "Two-factor sign-in", summary: "Protect your account with a second step.", text: "Turn on two-factor authentication (2FA) under Settings. Codes change every 30 seconds; keep backup codes safe.", audience: "users" },
    ];

    const VI: &[Doc<'static>] = &[
        Doc {
            url: "/vi/users/account/doi-mat-khau/",
            title: "Đổi mật khẩu tài khoản",
            summary: "Khi bạn quên mật khẩu.",
            text: "Mở Cài đặt → Tài khoản, chọn “Đặt lại mật khẩu” và kiểm tra email của bạn.",
            audience: "users",
        },
        Doc {
            url: "/vi/creators/payouts/thue/",
            title: "Biểu mẫu thuế",
            summary: "",
            text: "Thanh toán cần biểu mẫu thuế cho tài khoản nhà sáng tạo.",
            audience: "creators",
        },
    ];

    const RU: &[Doc<'static>] = &[
        Doc { url: "/ru/users/account/smena-parolya/", title: "Смена пароля учётной записи", summary: "Если вы забыли пароль.", text: "Откройте Настройки → Аккаунт и выберите «Сбросить пароль». Проверьте почту: ссылка действует один раз.", audience: "users" },
        Doc { url: "/ru/creators/payouts/nalogi/", title: "Налоговые формы", summary: "", text: "Для выплат нужна налоговая форма. Ёлка и ёж — слова с буквой ё.", audience: "creators" },
    ];

    fn ours(language: &str, docs: &[Doc<'_>], runtime: &Runtime) -> Bundle {
        let indexer = Indexer {
            fold_strokes: false,
            ..Indexer::new(&[language])
        };
        write_bundle(language, &records(&indexer, docs), runtime)
    }

    /// The records of `docs`, in order, as the render pass makes them.
    fn records(indexer: &Indexer, docs: &[Doc<'_>]) -> Vec<Record> {
        docs.iter()
            .enumerate()
            .map(|(key, d)| {
                indexer.page(
                    0,
                    &Document {
                        key,
                        url: d.url,
                        title: d.title,
                        summary: d.summary,
                        text: d.text,
                        category: "",
                        filters: &[("audience", d.audience), ("category", "c")],
                    },
                )
            })
            .collect()
    }

    /// Pagefind's own index of the same records, through its API.
    fn reference(language: &str, docs: &[Doc<'_>]) -> HashMap<String, Vec<u8>> {
        use pagefind::{api::PagefindIndex, options::PagefindServiceConfig};
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut index = PagefindIndex::new(Some(PagefindServiceConfig::builder().force_language(language.to_string()).build())).unwrap();
            for d in docs {
                // (25/24: our body weight.)
                let content = format!("___PAGEFIND_WEIGHT___7 {} ___END_PAGEFIND_WEIGHT___ ___PAGEFIND_WEIGHT___2 {} ___END_PAGEFIND_WEIGHT___ ___PAGEFIND_WEIGHT___1.0417 {} ___END_PAGEFIND_WEIGHT___", d.title, d.summary, d.text);
                let meta = BTreeMap::from([("category".to_string(), String::new()), ("title".to_string(), d.title.to_string())]);
                let filters = BTreeMap::from([("audience".to_string(), vec![d.audience.to_string()]), ("category".to_string(), vec!["c".to_string()])]);
                index.add_custom_record(d.url.into(), content, language.into(), Some(meta), Some(filters), None).await.unwrap();
            }
            index.get_files().await.unwrap().into_iter().map(|f| (f.filename.to_string_lossy().into_owned(), f.contents)).collect()
        })
    }

    fn meta_of(files: &HashMap<String, Vec<u8>>) -> Cbor {
        let (_, bytes) = files
            .iter()
            .find(|(name, _)| name.ends_with(".pf_meta"))
            .expect("a pf_meta file");
        cbor_file(bytes)
    }

    /// The same records give the same index as Pagefind's own indexer: word chunks, filters and
    /// fragments byte for byte (after decompression), metadata up to the file names.
    fn assert_same_as_pagefind(language: &str, docs: &[Doc<'_>]) {
        let runtime = Runtime::load(&[language]).unwrap();
        let mine: HashMap<String, Vec<u8>> =
            ours(language, docs, &runtime).files.into_iter().collect();
        let theirs = reference(language, docs);
        let (my_meta, their_meta) = (meta_of(&mine), meta_of(&theirs));
        let (m, t) = (array(&my_meta), array(&their_meta));
        assert_eq!(m.len(), 6);
        assert_eq!(m[0], t[0], "version");
        assert_eq!(m[4], t[4], "sorts");
        assert_eq!(m[5], t[5], "meta fields");
        // pages: same word counts, and the same fragments
        assert_eq!(array(&m[1]).len(), docs.len());
        for (mp, tp) in array(&m[1]).iter().zip(array(&t[1])) {
            let (mp, tp) = (array(mp), array(tp));
            assert_eq!(mp[1], tp[1], "word count");
            let mine_fragment = unpack(&mine[&format!("fragment/{}.pf_fragment", text(&mp[0]))]);
            let their_fragment = unpack(&theirs[&format!("fragment/{}.pf_fragment", text(&tp[0]))]);
            assert_eq!(
                String::from_utf8(mine_fragment).unwrap(),
                String::from_utf8(their_fragment).unwrap()
            );
        }
        // word index chunks: same bounds, same content
        assert_eq!(array(&m[2]).len(), array(&t[2]).len());
        for (mc, tc) in array(&m[2]).iter().zip(array(&t[2])) {
            let (mc, tc) = (array(mc), array(tc));
            assert_eq!((&mc[0], &mc[1]), (&tc[0], &tc[1]), "chunk bounds");
            let mine_chunk = cbor_file(&mine[&format!("index/{}.pf_index", text(&mc[2]))]);
            let their_chunk = cbor_file(&theirs[&format!("index/{}.pf_index", text(&tc[2]))]);
            for (mw, tw) in array(&array(&mine_chunk)[0])
                .iter()
                .zip(array(&array(&their_chunk)[0]))
            {
                assert_eq!(mw, tw);
            }
            assert_eq!(mine_chunk, their_chunk);
        }
        // filters
        assert_eq!(array(&m[3]).len(), array(&t[3]).len());
        for (mf, tf) in array(&m[3]).iter().zip(array(&t[3])) {
            let (mf, tf) = (array(mf), array(tf));
            assert_eq!(mf[0], tf[0]);
            assert_eq!(
                unpack(&mine[&format!("filter/{}.pf_filter", text(&mf[1]))]),
                unpack(&theirs[&format!("filter/{}.pf_filter", text(&tf[1]))])
            );
        }
        // the runtime is Pagefind's
        assert_eq!(mine["pagefind.js"], theirs["pagefind.js"]);
        let wasm = mine.keys().find(|k| k.starts_with("wasm.")).unwrap();
        assert_eq!(mine[wasm], theirs[wasm]);
        let entry: serde_json::Value =
            serde_json::from_slice(&mine["pagefind-entry.json"]).unwrap();
        let their_entry: serde_json::Value =
            serde_json::from_slice(&theirs["pagefind-entry.json"]).unwrap();
        assert_eq!(entry["version"], their_entry["version"]);
        assert_eq!(
            entry["include_characters"],
            their_entry["include_characters"]
        );
        assert_eq!(
            entry["languages"][language]["wasm"],
            their_entry["languages"][language]["wasm"]
        );
        assert_eq!(
            entry["languages"][language]["page_count"],
            their_entry["languages"][language]["page_count"]
        );
    }

    #[test]
    fn english_index_is_pagefinds() {
        assert_same_as_pagefind("en", EN);
    }

    #[test]
    fn vietnamese_index_is_pagefinds() {
        assert_same_as_pagefind("vi", VI);
    }

    #[test]
    fn russian_index_is_pagefinds() {
        assert_same_as_pagefind("ru", RU);
    }

    #[test]
    fn diacritics_are_removed_from_keys_and_kept_as_variants() {
        assert_eq!(normalize_diacritics("tài").as_deref(), Some("tai"));
        assert_eq!(normalize_diacritics("khoản").as_deref(), Some("khoan"));
        assert_eq!(
            normalize_diacritics("contraseña").as_deref(),
            Some("contrasena")
        );
        assert_eq!(normalize_diacritics("città").as_deref(), Some("citta"));
        assert_eq!(normalize_diacritics("ёлка").as_deref(), Some("елка"));
        assert_eq!(normalize_diacritics("account"), None);
        assert_eq!(normalize_diacritics("пароль"), None);
        let (mut dictionary, mut words) = (Dictionary::default(), PageWords::default());
        tokenize(
            &[("Tài khoản", BODY_WEIGHT)],
            &[],
            None,
            &mut dictionary,
            &mut words,
        );
        let (locs, _) = words.get(&dictionary, "tai").unwrap();
        assert_eq!(locs[0].original.as_deref(), Some("tài"));
        assert!(words.get(&dictionary, "khoan").is_some());
    }

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

    #[test]
    fn titles_weigh_more_than_the_body() {
        let en = Stemmer::create(Algorithm::English);
        let (mut dictionary, mut words) = (Dictionary::default(), PageWords::default());
        tokenize(
            &[
                ("Passwords", TITLE_WEIGHT),
                ("", SUMMARY_WEIGHT),
                ("reset the password", BODY_WEIGHT),
            ],
            &[(TITLE_FIELD, "Passwords")],
            Some(&en),
            &mut dictionary,
            &mut words,
        );
        let (locs, metas) = words.get(&dictionary, "password").unwrap();
        let mut found: Vec<_> = locs.iter().map(|l| (l.position, l.weight)).collect();
        found.sort();
        assert_eq!(found, [(0, TITLE_WEIGHT), (3, BODY_WEIGHT)]);
        assert_eq!(
            metas
                .iter()
                .map(|m| (m.field, m.position))
                .collect::<Vec<_>>(),
            [(TITLE_FIELD, 0)]
        );
        assert_eq!(words.content, "Passwords reset the password");
        assert_eq!(packed_locs(locs.to_vec()), [3, -169, 0]);
    }

    #[test]
    fn compounds_are_found_by_their_parts() {
        let keys = |w: &str| {
            indexable_words(w, None)
                .into_iter()
                .map(|i| i.stemmed.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys("e-mail"), ["email", "mail"]);
        assert_eq!(keys("iPhone"), ["iphone", "phone"]);
        assert_eq!(keys("password."), ["password"]);
    }

    #[test]
    fn frequent_words_keep_their_heaviest_locations() {
        let locs = [
            (3, BODY_WEIGHT),
            (0, TITLE_WEIGHT),
            (9, BODY_WEIGHT),
            (5, BODY_WEIGHT),
            (12, BODY_WEIGHT),
        ];
        let packed = packed_locs(
            locs.iter()
                .map(|&(position, weight)| Loc {
                    position,
                    weight,
                    original: None,
                })
                .collect(),
        );
        let mut entry = Vec::new();
        cbor::ints(&mut entry, &packed);
        cbor::ints(&mut entry, &[-2, 0]);
        let mut capped = Vec::new();
        cap_locations(&entry, 3, &mut capped);
        let mut bytes = capped.as_slice();
        assert_eq!(
            cbor_ints(&mut bytes),
            packed_locs(vec![
                Loc {
                    position: 0,
                    weight: TITLE_WEIGHT,
                    original: None
                },
                Loc {
                    position: 3,
                    weight: BODY_WEIGHT,
                    original: None
                },
                Loc {
                    position: 5,
                    weight: BODY_WEIGHT,
                    original: None
                }
            ])
        );
        assert_eq!(cbor_ints(&mut bytes), [-2, 0], "meta locations are kept");
        assert!(bytes.is_empty());
        let mut short = Vec::new();
        cap_locations(&entry, 5, &mut short);
        assert_eq!(short, entry);
    }

    #[test]
    fn capping_a_word_list_keeps_its_pages() {
        let entry = |positions: &[u32]| {
            let mut e = Vec::new();
            write_locs(
                &mut e,
                &mut positions
                    .iter()
                    .map(|&position| Loc {
                        position,
                        weight: BODY_WEIGHT,
                        original: None,
                    })
                    .collect::<Vec<_>>(),
            );
            write_meta(&mut e, &mut []);
            e
        };
        let mut postings = Postings::default();
        postings.push(0, &entry(&[1, 5, 9]));
        postings.push(300, &entry(&[2]));
        postings.cap(2);
        let mut bytes = Vec::new();
        postings.encode(&mut bytes);
        let mut rest = bytes.as_slice();
        assert_eq!(cbor_head(&mut rest), (cbor::ARRAY, 2));
        for (delta, locs) in [(0, vec![1, 4]), (300, vec![2])] {
            assert_eq!(cbor_head(&mut rest), (cbor::ARRAY, 3));
            assert_eq!(cbor_head(&mut rest), (cbor::UINT, delta));
            assert_eq!(cbor_ints(&mut rest), locs);
            assert_eq!(cbor_ints(&mut rest), Vec::<i32>::new());
        }
        assert!(rest.is_empty());
    }

    #[test]
    fn word_counts_are_rounded_to_five_bits() {
        assert_eq!(
            [0, 1, 31, 32, 33, 718, 843, 10_000].map(rounded),
            [0, 1, 31, 32, 34, 704, 832, 10_240]
        );
    }

    #[test]
    fn chunk_bounds_are_shortest_distinct_prefixes() {
        let pairs = [
            ("apple", "apple"),
            ("apricot", "banana"),
            ("peach", "peach"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()));
        let bounds = chunk_bounds(&pairs);
        assert_eq!(
            bounds,
            [
                ("apple".into(), "apple".into()),
                ("apr".into(), "b".into()),
                ("p".into(), "peach".into())
            ]
        );
    }

    #[test]
    fn untitled_empty_records_are_skipped() {
        let runtime = Runtime::load(&["en"]).unwrap();
        let indexer = Indexer::new(&["en"]);
        let empty = indexer.page(
            0,
            &Document {
                key: 0,
                url: "/en/x/",
                title: "",
                summary: "",
                text: " ",
                category: "",
                filters: &[],
            },
        );
        let bundle = write_bundle("en", [&empty], &runtime);
        assert_eq!(bundle.pages, 0);
    }
}
