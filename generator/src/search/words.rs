//! What a raw word is indexed as, by Pagefind's rules: lowercased letters and digits, stemmed
//! with the language's snowball stemmer, diacritics folded (the written form kept as a variant),
//! compounds also found by their parts, dotted names by their tails, and `đ` also as `d`. A
//! thread's [`Dictionary`] remembers each raw word's answer.

use std::collections::hash_map::Entry;
use std::rc::Rc;

use pagefind_stem::{Algorithm, Stemmer};
use smallvec::SmallVec;
use unicode_normalization::UnicodeNormalization;

use super::Map;

/// Characters that count as part of a word (Unicode "Punctuation, Connector"), as in Pagefind.
pub(super) const WORD_SYMBOLS: [char; 10] =
    ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

/// The snowball stemmer Pagefind uses for a language (the same runs on the query in the browser).
pub(super) fn stemmer(code: &str) -> Option<Algorithm> {
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

/// What a raw word is indexed as, remembered across the pages a thread indexes in one language
/// (help articles repeat most of their words); indexed words get numbers, so that a page gathers
/// its locations without hashing strings again.
#[derive(Default)]
pub(super) struct Dictionary {
    language: String,
    fold_strokes: bool,
    /// Raw word → what it is indexed as, in the table itself: a word of a page costs one cache
    /// miss, not three (at 50,000 pages the table outgrows the cache, and the misses were most of
    /// tokenizing).
    index: Map<RawWord, Found>,
    /// Indexed word → number, and back.
    numbers: Map<Rc<str>, u32>,
    pub(super) keys: Vec<Rc<str>>,
}

/// One indexed word: number, compound part?, form with diacritics.
pub(super) type FoundWord = (u32, bool, Option<Rc<str>>);

pub(super) struct Found {
    /// [`indexable_words`], then the dotted tails (body text only); nearly always one.
    pub(super) words: SmallVec<[FoundWord; 1]>,
    /// How many of `words` are dotted tails (u32: the entry is no larger than with u8, and a
    /// word with hundreds of dots still counts its own).
    pub(super) tails: u32,
    /// How many are compound parts (they share the word's weight).
    pub(super) compound: u8,
}

impl Dictionary {
    const MAX_WORDS: usize = 100_000;

    pub(super) fn for_language(&mut self, language: &str, fold_strokes: bool) -> &mut Self {
        if self.language != language
            || self.fold_strokes != fold_strokes
            || self.index.len() > Self::MAX_WORDS
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

    pub(super) fn get(&mut self, raw: &str, stemmer: Option<&Stemmer>) -> &Found {
        match self.index.entry(RawWord::new(raw)) {
            Entry::Occupied(found) => found.into_mut(),
            Entry::Vacant(slot) => {
                let words = found_words(raw, stemmer, self.fold_strokes);
                let (numbers, keys) = (&mut self.numbers, &mut self.keys);
                slot.insert(numbered(words, numbers, keys))
            }
        }
    }
}

/// What `raw` is found by, before numbering: [`indexable_words`], the `đ`-folded form, the
/// dotted tails; and how many of them are tails.
fn found_words(
    raw: &str,
    stemmer: Option<&Stemmer>,
    fold_strokes: bool,
) -> (Vec<Indexable>, usize) {
    let mut words = indexable_words(raw, stemmer);
    // `đ` is a letter of its own, not d with a mark: Pagefind keeps it, so `dat` would not find
    // `đặt`. Such words are also indexed with `d` (their written form kept for ranking).
    if fold_strokes {
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
    (words, tail_count)
}

/// The words found, each given its number (new words the next one).
fn numbered(
    (words, tails): (Vec<Indexable>, usize),
    numbers: &mut Map<Rc<str>, u32>,
    keys: &mut Vec<Rc<str>>,
) -> Found {
    let compound = u8::try_from(words.iter().filter(|w| w.compound).count()).unwrap_or(u8::MAX);
    let words = words
        .into_iter()
        .map(|w| {
            let number = *numbers.entry(w.stemmed.clone()).or_insert_with(|| {
                keys.push(w.stemmed);
                (keys.len() - 1) as u32
            });
            (number, w.compound, w.original)
        })
        .collect();
    Found {
        words,
        tails: u32::try_from(tails).unwrap_or(u32::MAX),
        compound,
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
    lowercase_core(raw).map_or_else(|| segmented(raw), str::to_string)
}

/// [`discrete_words`] by convert_case.
fn segmented(raw: &str) -> String {
    use convert_case::Casing;
    let spaced = raw.replace(|c: char| c.is_ascii_punctuation(), " ");
    spaced
        .to_case(convert_case::Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The letters of a word between ASCII punctuation, if they are all in lower case (or have no
/// case): what [`discrete_words`] gives for them, without convert_case's segmenting (most words
/// it sees are just next to a comma or full stop, and convert_case was a fifth of the
/// dictionary's work).
fn lowercase_core(raw: &str) -> Option<&str> {
    let core = raw.trim_matches(|c: char| c.is_ascii_punctuation());
    let lower = |c: char| c.is_alphabetic() && !c.is_uppercase() && c.to_lowercase().eq([c]);
    (!core.is_empty() && core.chars().all(lower)).then_some(core)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::record::BODY_WEIGHT;
    use crate::search::tokenize::{tokenize, PageWords};

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
    fn lowercase_words_by_punctuation_are_split_as_convert_case_splits_them() {
        for raw in [
            "and,",
            "(passwords)",
            "_id",
            "ça.",
            "пароль,",
            "日本語.",
            "mật,",
            "x",
        ] {
            let core = lowercase_core(raw).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!(core, segmented(raw), "{raw}");
        }
        for raw in ["e-mail", "iPhone,", "2fa.", "ǅx.", "U.S.A.", "«mot»", "..."] {
            assert_eq!(lowercase_core(raw), None, "{raw}");
        }
    }
}
