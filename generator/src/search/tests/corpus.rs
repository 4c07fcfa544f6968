//! A generated corpus big enough for what a handful of pages never reaches: 2,000 articles per
//! language, long enough that the index is cut into many chunks and the commonest words' lists
//! are capped. Compared with Pagefind's own indexer (where this writer departs from it, by the
//! departure's rule), and with a recorded listing of every file's name and bytes (the writer's
//! output must not change unnoticed).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::*;

/// Articles per language.
const ARTICLES: usize = 2_000;
/// Body length in words: long pages, so that the commonest words' lists exceed `WORD_BYTES`.
const BODY_WORDS: std::ops::Range<u64> = 60..200;
/// Every file of the corpus' bundles: name and SHA-256 (fragments together, as one digest).
const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/search-bundles.txt"
);

/// xorshift64*: the same words on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// An index into `n` items, skewed to the first (about as skewed as words in text).
    fn skewed(&mut self, n: usize) -> usize {
        let r = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((r * r * r * r) * n as f64) as usize
    }
}

/// A language's fixed vocabulary: common words first, then words made of its syllables, and
/// the odd tokens Pagefind splits specially (compounds, dotted names, punctuation).
struct Vocabulary {
    words: Vec<String>,
    odd: &'static [&'static str],
}

impl Vocabulary {
    fn of(language: &str) -> Self {
        let [common, onsets, nuclei, codas, odd]: [&[&str]; 5] = match language {
            "en" => [
                &[
                    "the", "and", "your", "account", "password", "to", "settings", "café",
                ],
                &[
                    "b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "st",
                    "tr",
                ],
                &["a", "e", "i", "o", "u", "ai", "ea", "ou", "é", "ï"],
                &["", "n", "r", "s", "t", "ng", "ck"],
                &[
                    "e-mail",
                    "iPhone",
                    "helpcenter.yaml",
                    "U.S.A.",
                    "2FA",
                    "sysconfig.is_python_build",
                    "“Reset",
                    "password.",
                    "→",
                    "résumé,",
                    "naïve",
                ],
            ],
            "vi" => [
                &[
                    "và", "của", "bạn", "tài", "khoản", "mật", "khẩu", "đặt", "lại",
                ],
                &[
                    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "ph", "qu", "s", "t", "th",
                    "tr", "v", "x",
                ],
                &[
                    "a", "à", "á", "ả", "ã", "ạ", "ă", "ắ", "â", "ấ", "e", "é", "ê", "ế", "i", "í",
                    "o", "ó", "ô", "ố", "ơ", "ớ", "u", "ú", "ư", "ứ", "y",
                ],
                &["", "n", "ng", "c", "t", "m", "p", "nh"],
                &["e-mail", "Đổi", "“Đặt", "khẩu.", "→", "iPhone"],
            ],
            _ => [
                &["и", "в", "не", "пароль", "аккаунт", "ёлка"],
                &[
                    "б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т",
                ],
                &["а", "е", "ё", "и", "о", "у", "ы", "я", "ю"],
                &["", "н", "р", "с", "т", "й"],
                &["e-mail", "«Сбросить", "пароль».", "→", "Ёж"],
            ],
        };
        let mut words: Vec<String> = common.iter().map(|w| w.to_string()).collect();
        let mut rng = Rng(0x5EED ^ language.len() as u64);
        while words.len() < 1_500 {
            let syllables = 1 + rng.below(3);
            let mut word = String::new();
            for _ in 0..syllables {
                let pick = |rng: &mut Rng, list: &[&'static str]| {
                    list[rng.below(list.len() as u64) as usize]
                };
                word.push_str(pick(&mut rng, onsets));
                word.push_str(pick(&mut rng, nuclei));
                word.push_str(pick(&mut rng, codas));
            }
            words.push(word);
        }
        Vocabulary { words, odd }
    }

    fn text(&self, rng: &mut Rng, words: u64) -> String {
        let mut out = String::new();
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            if rng.below(40) == 0 {
                out.push_str(self.odd[rng.below(self.odd.len() as u64) as usize]);
            } else {
                out.push_str(&self.words[rng.skewed(self.words.len())]);
            }
            if rng.below(12) == 0 {
                out.push(if rng.below(2) == 0 { ',' } else { '.' });
            }
        }
        out
    }
}

/// The articles of a language: url, title, summary, text, audience.
fn corpus(language: &str) -> Vec<[String; 5]> {
    let vocabulary = Vocabulary::of(language);
    let mut rng = Rng(0x0DD5_EED5 + language.as_bytes()[0] as u64);
    (0..ARTICLES)
        .map(|i| {
            let length = 2 + rng.below(5);
            let title = vocabulary.text(&mut rng, length);
            let summary = match rng.below(3) {
                0 => String::new(),
                _ => {
                    let length = 4 + rng.below(10);
                    vocabulary.text(&mut rng, length)
                }
            };
            let body = BODY_WORDS.start + rng.below(BODY_WORDS.end - BODY_WORDS.start);
            let text = vocabulary.text(&mut rng, body);
            let audience = ["users", "creators", "studios"][rng.below(3) as usize];
            [
                format!("/{language}/a/{i}/"),
                title,
                summary,
                text,
                audience.to_string(),
            ]
        })
        .collect()
}

fn docs(corpus: &[[String; 5]]) -> Vec<Doc<'_>> {
    corpus
        .iter()
        .map(|[url, title, summary, text, audience]| Doc {
            url,
            title,
            summary,
            text,
            audience,
        })
        .collect()
}

/// Locations as written: `(weight, position)`, from Pagefind's packing.
fn unpacked_locs(packed: &Cbor) -> Vec<(i64, i64)> {
    let values: Vec<i64> = array(packed)
        .iter()
        .map(|v| match v {
            Cbor::Uint(n) => *n as i64,
            Cbor::Negative(n) => -1 - *n as i64,
            other => panic!("not an integer: {other:?}"),
        })
        .collect();
    let (mut weight, mut last, mut out) = (25, 0, Vec::new());
    let mut values = values.into_iter();
    while let Some(v) = values.next() {
        if v < 0 {
            weight = -v - 1;
            last = values.next().expect("a position after a weight");
        } else {
            last += v;
        }
        out.push((weight, last));
    }
    out
}

/// A page of a word's list: its number, locations and meta locations (as written).
type Page = (u64, Vec<(i64, i64)>, Cbor);

/// A page list, page by page.
fn pages(list: &Cbor) -> Vec<Page> {
    let mut page = 0;
    array(list)
        .iter()
        .map(|p| {
            let p = array(p);
            let Cbor::Uint(delta) = p[0] else {
                panic!("a page number")
            };
            page += delta;
            (page, unpacked_locs(&p[1]), p[2].clone())
        })
        .collect()
}

/// Every word of a bundle, from its chunks, after checking that each chunk's words lie within
/// the bounds the metadata gives it. Also gives the number of chunks.
fn words_of(files: &HashMap<String, Vec<u8>>, meta: &Cbor) -> (BTreeMap<String, Cbor>, usize) {
    let mut words = BTreeMap::new();
    let chunks = array(&array(meta)[2]);
    for chunk in chunks {
        let (from, to, hash) = match array(chunk) {
            [from, to, hash] => (text(from), text(to), text(hash)),
            other => panic!("not a chunk: {other:?}"),
        };
        let index = cbor_file(&files[&format!("index/{hash}.pf_index")]);
        for word in array(&array(&index)[0]) {
            let key = text(&array(word)[0]).to_string();
            assert!(
                from <= key.as_str() && (key.as_str() <= to || key.starts_with(to)),
                "`{key}` in chunk {from}–{to}"
            );
            if let Some((last, _)) = words.last_key_value() {
                assert!(last < &key, "words in order: `{last}` before `{key}`");
            }
            words.insert(key, word.clone());
        }
    }
    (words, chunks.len())
}

/// Ours is Pagefind's list with at most `keep` of the heaviest locations per page (earliest
/// first among equals), where `keep` is the most ours has on any page.
fn assert_capped(word: &str, mine: &Cbor, theirs: &Cbor) {
    let (mine, theirs) = (pages(mine), pages(theirs));
    let keep = mine
        .iter()
        .map(|(_, locs, _)| locs.len())
        .max()
        .unwrap_or(0);
    assert_eq!(mine.len(), theirs.len(), "`{word}` keeps all its pages");
    for ((mp, ml, mm), (tp, tl, tm)) in mine.iter().zip(&theirs) {
        assert_eq!((mp, mm), (tp, tm), "`{word}`: page and meta locations");
        let mut heaviest = tl.clone();
        heaviest.sort_by_key(|&(weight, position)| (-weight, position));
        heaviest.truncate(keep);
        let mut kept = ml.clone();
        kept.sort_by_key(|&(weight, position)| (-weight, position));
        assert_eq!(
            kept, heaviest,
            "`{word}` on page {mp}: its heaviest locations"
        );
    }
}

/// Like [`assert_same_as_pagefind`], for a corpus where chunks and capped lists differ by
/// design. Gives how many chunks there are and how many words were capped.
fn assert_like_pagefind(language: &str, docs: &[Doc<'_>]) -> (usize, usize) {
    let runtime = Runtime::load(&[language]).unwrap();
    let mine: HashMap<String, Vec<u8>> = ours(language, docs, &runtime).files.into_iter().collect();
    let theirs = reference(language, docs);
    let (my_meta, their_meta) = (meta_of(&mine), meta_of(&theirs));
    let (m, t) = (array(&my_meta), array(&their_meta));
    assert_eq!(m.len(), t.len());
    assert_eq!(
        (&m[0], &m[4], &m[5]),
        (&t[0], &t[4], &t[5]),
        "version, sorts, meta fields"
    );
    // pages: rounded word counts, the same fragments
    assert_eq!(array(&m[1]).len(), docs.len());
    assert_eq!(array(&t[1]).len(), docs.len());
    for (mp, tp) in array(&m[1]).iter().zip(array(&t[1])) {
        let (mp, tp) = (array(mp), array(tp));
        let (Cbor::Uint(mine_count), Cbor::Uint(their_count)) = (&mp[1], &tp[1]) else {
            panic!("word counts")
        };
        assert_eq!(
            *mine_count,
            u64::from(rounded(*their_count as u32)),
            "word count"
        );
        assert_eq!(
            unpack(&mine[&format!("fragment/{}.pf_fragment", text(&mp[0]))]),
            unpack(&theirs[&format!("fragment/{}.pf_fragment", text(&tp[0]))]),
            "fragment"
        );
    }
    // filters: the same content (named after it, but with a different hash than Pagefind's)
    assert_eq!(array(&m[3]).len(), array(&t[3]).len());
    for (mf, tf) in array(&m[3]).iter().zip(array(&t[3])) {
        let (mf, tf) = (array(mf), array(tf));
        assert_eq!(mf[0], tf[0], "filter name");
        assert_eq!(
            unpack(&mine[&format!("filter/{}.pf_filter", text(&mf[1]))]),
            unpack(&theirs[&format!("filter/{}.pf_filter", text(&tf[1]))]),
            "filter {:?}",
            mf[0]
        );
    }
    // words: the same, except for capped lists
    let ((my_words, chunks), (their_words, _)) =
        (words_of(&mine, &my_meta), words_of(&theirs, &their_meta));
    assert_eq!(
        my_words.keys().collect::<Vec<_>>(),
        their_words.keys().collect::<Vec<_>>()
    );
    let mut capped = 0;
    for (key, mw) in &my_words {
        let tw = &their_words[key];
        if mw == tw {
            continue;
        }
        capped += 1;
        let (mw, tw) = (array(mw), array(tw));
        assert_capped(key, &mw[1], &tw[1]);
        let (mv, tv) = (array(&mw[2]), array(&tw[2]));
        assert_eq!(mv.len(), tv.len(), "`{key}`: variants");
        for (mv, tv) in mv.iter().zip(tv) {
            let (mv, tv) = (array(mv), array(tv));
            assert_eq!(mv[0], tv[0], "`{key}`: variant form");
            assert_capped(key, &mv[1], &tv[1]);
        }
    }
    // every other file is the runtime's or the entry, compared by the small cases
    let counted = 1 + array(&m[1]).len() + chunks + array(&m[3]).len() + 3;
    assert_eq!(mine.len(), counted, "no other files");
    (chunks, capped)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Each file's name and SHA-256 (the fragments' together), one a line.
fn listing(language: &str, bundle: &Bundle) -> String {
    let mut files: Vec<&(String, Vec<u8>)> = bundle.files.iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut fragments = Sha256::new();
    let mut out = String::new();
    for (name, bytes) in files {
        if name.starts_with("fragment/") {
            fragments.update(name.as_bytes());
            fragments.update(bytes);
        } else {
            let _ = writeln!(out, "{language}/{name} {}", hex(&Sha256::digest(bytes)));
        }
    }
    let _ = writeln!(out, "{language}/fragment/* {}", hex(&fragments.finalize()));
    out
}

#[test]
fn big_english_index_is_pagefinds_but_capped_and_chunked_by_size() {
    let corpus = corpus("en");
    let (chunks, capped) = assert_like_pagefind("en", &docs(&corpus));
    assert!(chunks > 10, "{chunks} chunks");
    assert!(capped > 0, "{capped} capped words");
}

#[test]
fn big_vietnamese_index_is_pagefinds_but_capped_and_chunked_by_size() {
    let corpus = corpus("vi");
    let (chunks, capped) = assert_like_pagefind("vi", &docs(&corpus));
    assert!(chunks > 10, "{chunks} chunks");
    assert!(capped > 0, "{capped} capped words");
}

#[test]
fn big_russian_index_is_pagefinds_but_capped_and_chunked_by_size() {
    let corpus = corpus("ru");
    let (chunks, capped) = assert_like_pagefind("ru", &docs(&corpus));
    assert!(chunks > 10, "{chunks} chunks");
    assert!(capped > 0, "{capped} capped words");
}

/// The bundles (with `đ` folding, as built) of the corpus, file by file, as recorded; set
/// `HELPCENTER_BLESS=1` to record them anew after a deliberate change of the output.
#[test]
fn big_bundles_are_as_recorded() {
    let mut listings = String::new();
    for language in ["en", "vi", "ru"] {
        let runtime = Runtime::load(&[language]).unwrap();
        let corpus = corpus(language);
        let bundle = write_bundle(
            language,
            &records(&Indexer::new(&[language]), &docs(&corpus)),
            &runtime,
        );
        listings.push_str(&listing(language, &bundle));
    }
    if std::env::var_os("HELPCENTER_BLESS").is_some() {
        std::fs::write(GOLDEN, &listings).unwrap();
    }
    let recorded = std::fs::read_to_string(GOLDEN).expect("the recorded listing");
    for (line, (mine, recorded)) in listings.lines().zip(recorded.lines()).enumerate() {
        assert_eq!(mine, recorded, "line {}", line + 1);
    }
    assert_eq!(listings.lines().count(), recorded.lines().count());
}
