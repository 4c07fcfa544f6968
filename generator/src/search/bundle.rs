//! A language's bundle, written from its records in page order, in phases: fragments (named
//! after the build's version), the merge of the records into word lists and filters, capping
//! the commonest words, cutting the words into chunks, then the filter, metadata and entry files
//! and the runtime.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher as _, Hasher as _};

use rayon::prelude::*;

use super::compress::{compress, crc32, CHUNK_LEVEL, META_LEVEL};
use super::format::{
    encode, Entry, EntryLanguage, FilterIndex, MetaChunk, MetaFilter, MetaIndex, MetaPage,
    PackedValue, PackedVariant, PackedWord, WordIndex,
};
use super::postings::Word;
use super::record::{Record, META_FIELDS};
use super::runtime::Runtime;
use super::words::WORD_SYMBOLS;
use super::{Map, VERSION};

/// Roughly how many bytes of word lists (before compression, about 2.5× what is downloaded) go
/// into one index chunk. A query loads the chunk of each of its words, so this bounds its
/// download. (Pagefind cuts after 20,000 locations: about 85 KB.)
const CHUNK_BYTES: usize = 24_000;

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
    let records: Vec<&Record> = records.into_iter().filter(|r| !r.is_empty()).collect();
    let (mut files, names) = fragments(&records);
    let mut merged = merge(&records, &names);
    merged.words.par_iter_mut().for_each(|(_, word)| word.cap());
    let words = sorted(merged.words);
    let chunks = cut(&words);
    let index = encode_chunks(language, &chunks);
    let bounds = chunk_bounds(
        &chunks
            .iter()
            .map(|c| (text(c[0].0), text(c[c.len() - 1].0)))
            .collect::<Vec<_>>(),
    );
    let filters = filter_files(language, &merged.filters, &mut files);
    let meta = MetaIndex {
        version: VERSION,
        pages: merged
            .pages
            .iter()
            .map(|&(hash, word_count)| MetaPage {
                hash,
                word_count: rounded(word_count),
                group_hash: "",
            })
            .collect(),
        index_chunks: bounds
            .iter()
            .zip(&index)
            .map(|((from, to), (hash, _))| MetaChunk { from, to, hash })
            .collect(),
        filters: filters
            .iter()
            .map(|(filter, hash)| MetaFilter { filter, hash })
            .collect(),
        sorts: [],
        meta_fields: if merged.pages.is_empty() {
            &[]
        } else {
            &META_FIELDS
        },
    };
    let meta_hash = meta_file(language, &meta, &mut files);
    let pages = merged.pages.len();
    files.extend(
        index
            .into_iter()
            .map(|(hash, bytes)| (format!("index/{hash}.pf_index"), bytes)),
    );
    runtime_files(language, runtime, &meta_hash, pages, &mut files);
    Bundle { files, pages }
}

/// The fragment files, named `<version>/<article>`: the version, a hash of all of them, changes
/// with any of them, so a browser never shows a cached fragment of an older build; and the
/// metadata (in every first query's download) repeats only the short, compressible article
/// numbers. Also gives the names, in page order.
fn fragments(records: &[&Record]) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let version = records.iter().fold(
        foldhash::fast::FixedState::with_seed(1).build_hasher(),
        |mut h, r| {
            h.write_u64(r.hash);
            h.write_usize(r.key);
            h
        },
    );
    let version = format!("{:08x}", version.finish() as u32);
    let names: Vec<String> = records
        .iter()
        .map(|record| format!("{version}/{:x}", record.key))
        .collect();
    let files = records
        .iter()
        .zip(&names)
        .map(|(record, name)| {
            let file = format!("fragment/{name}.pf_fragment");
            (file, record.fragment.to_vec())
        })
        .collect();
    (files, names)
}

/// The records merged: per word, its lists; per filter and value, its pages; per page, its
/// fragment's name and word count.
struct Merged<'r> {
    words: Map<&'r [u8], Word>,
    filters: BTreeMap<&'r str, BTreeMap<&'r str, Vec<u64>>>,
    pages: Vec<(&'r str, u32)>,
}

/// Merges the records in page order straight into the encoded word lists.
fn merge<'r>(records: &[&'r Record], names: &'r [String]) -> Merged<'r> {
    let mut merged = Merged {
        words: Map::default(),
        filters: BTreeMap::new(),
        pages: Vec::with_capacity(records.len()),
    };
    for (record, name) in records.iter().zip(names) {
        let page = merged.pages.len() as u64;
        merged.pages.push((name, record.word_count));
        for (name, value) in record.filters.iter() {
            merged
                .filters
                .entry(name)
                .or_default()
                .entry(value)
                .or_default()
                .push(page);
        }
        for entry in record.words() {
            let word = merged.words.entry(entry.key).or_default();
            word.push(page, entry.main, &entry.variants);
        }
    }
    merged
}

fn sorted(words: Map<&[u8], Word>) -> Vec<(&[u8], Word)> {
    let mut sorted: Vec<(&[u8], Word)> = words.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    sorted
}

/// Word index chunks: words in order, cut after about `CHUNK_BYTES` of encoded lists.
fn cut<'w>(words: &'w [(&'w [u8], Word)]) -> Vec<&'w [(&'w [u8], Word)]> {
    let mut chunks = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (key, word)) in words.iter().enumerate() {
        size += key.len() + word.size();
        if size >= CHUNK_BYTES {
            chunks.push(&words[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    if start < words.len() {
        chunks.push(&words[start..]);
    }
    chunks
}

/// The chunk files' names and bytes (compressed), in order. Names are short hashes: should two
/// chunks share one, the later gets its number added.
fn encode_chunks(language: &str, chunks: &[&[(&[u8], Word)]]) -> Vec<(String, Vec<u8>)> {
    let encoded: Vec<(String, Vec<u8>)> = chunks
        .par_iter()
        .map(|chunk| {
            let index = WordIndex {
                words: chunk.iter().map(|(key, word)| packed(key, word)).collect(),
            };
            let mut out = Vec::new();
            encode(&index, &mut out);
            (hash_name(language, &out), compress(&out, CHUNK_LEVEL))
        })
        .collect();
    let mut names = HashSet::new();
    encoded
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| match names.insert(name.clone()) {
            true => (name, bytes),
            false => (format!("{name}_{i}"), bytes),
        })
        .collect()
}

fn packed<'w>(key: &'w [u8], word: &'w Word) -> PackedWord<'w> {
    PackedWord {
        word: utf8(key),
        pages: &word.pages,
        additional_variants: word
            .variants
            .iter()
            .map(|(form, pages)| PackedVariant {
                form: utf8(form),
                pages,
            })
            .collect(),
    }
}

/// Words and forms of records: the UTF-8 of `str`s.
fn utf8(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("records hold UTF-8 words")
}

/// A chunk bound: words are UTF-8.
fn text(key: &[u8]) -> String {
    String::from_utf8_lossy(key).into_owned()
}

/// The metadata file; gives its hash (the entry names it).
fn meta_file(language: &str, meta: &MetaIndex<'_>, files: &mut Vec<(String, Vec<u8>)>) -> String {
    let mut bytes = Vec::with_capacity(meta.pages.len() * 16);
    encode(meta, &mut bytes);
    let hash = hash_name(language, &bytes);
    files.push((
        format!("pagefind.{hash}.pf_meta"),
        compress(&bytes, META_LEVEL),
    ));
    hash
}

/// The filter files (one per filter, its values in order), and their names for the metadata.
fn filter_files<'f>(
    language: &str,
    filters: &BTreeMap<&'f str, BTreeMap<&'f str, Vec<u64>>>,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<(&'f str, String)> {
    let mut list = Vec::new();
    for (&filter, values) in filters {
        let index = FilterIndex {
            filter,
            values: values
                .iter()
                .map(|(&value, pages)| PackedValue { value, pages })
                .collect(),
        };
        let mut out = Vec::new();
        encode(&index, &mut out);
        let hash = hash_name(language, &out);
        files.push((
            format!("filter/{hash}.pf_filter"),
            compress(&out, META_LEVEL),
        ));
        list.push((filter, hash));
    }
    list
}

/// The entry (`pagefind-entry.json`), `pagefind.js` and the language's WebAssembly.
fn runtime_files(
    language: &str,
    runtime: &Runtime,
    meta_hash: &str,
    page_count: usize,
    files: &mut Vec<(String, Vec<u8>)>,
) {
    let wasm = runtime.wasm_for(language);
    let entry = Entry {
        include_characters: &WORD_SYMBOLS,
        languages: BTreeMap::from([(
            language,
            EntryLanguage {
                hash: meta_hash,
                page_count,
                wasm: wasm.map(|_| language),
            },
        )]),
        version: VERSION,
    };
    let entry = serde_json::to_vec(&entry).expect("the entry is plain data");
    files.push(("pagefind-entry.json".into(), entry));
    files.push(("pagefind.js".into(), runtime.js.clone()));
    match wasm {
        Some(bytes) => files.push((format!("wasm.{language}.pagefind"), bytes.to_vec())),
        None => files.push((
            "wasm.unknown.pagefind".into(),
            runtime.unknown_wasm().to_vec(),
        )),
    }
}

/// A page's word count to 5 significant bits (within 3%): it only scales the ranking by page
/// length, and the metadata holding every page's count is in each first query's download.
pub(super) fn rounded(count: u32) -> u32 {
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

/// A file's name from its content: stable, and new when the content changes (so a browser never
/// mixes cached files of two builds). The CRC-32 rather than a cryptographic hash: the names need
/// not resist forgery, and 32 bits were all that was kept of one.
pub(super) fn hash_name(language: &str, bytes: &[u8]) -> String {
    format!("{language}_{:08x}", crc32(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Document, Indexer};

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
                headings: &[],
            },
        );
        let bundle = write_bundle("en", [&empty], &runtime);
        assert_eq!(bundle.pages, 0);
    }
}
