//! Splitting a page into words as Pagefind does (its `fossick/splitting.rs`): weighted runs of
//! text (title, summary, body) and meta fields, each word at its position; what a word is
//! indexed as is the dictionary's ([`super::words`]).

use std::borrow::Cow;
use std::rc::Rc;

use pagefind_stem::Stemmer;

use super::words::Dictionary;

/// A word's location on the page: position, weight, and its form before diacritics were removed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Loc {
    pub(super) position: u32,
    pub(super) weight: u8,
    pub(super) original: Option<Rc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct MetaLoc {
    pub(super) field: u16,
    pub(super) position: u32,
    pub(super) original: Option<Rc<str>>,
}

/// The words of the page being indexed: per indexed word, its locations. Kept by the thread
/// and reused from page to page (no allocation per word and page).
#[derive(Default)]
pub(super) struct PageWords {
    /// The words, separated by single spaces: what excerpts are cut from.
    pub(super) content: String,
    pub(super) word_count: usize,
    /// Per mark given to [`tokenize`], the position of the first word at or after it.
    pub(super) marks: Vec<u32>,
    slots: Vec<Slot>,
    pub(super) used: usize,
    /// This page's number for the thread, and per word number: the page it was last seen on and
    /// its slot there.
    page: u32,
    seen_on: Vec<(u32, u32)>,
}

#[derive(Default)]
pub(super) struct Slot {
    /// The word's number in the dictionary.
    pub(super) number: u32,
    pub(super) locs: Vec<Loc>,
    pub(super) metas: Vec<MetaLoc>,
}

impl PageWords {
    fn start(&mut self) {
        self.page += 1;
        self.content.clear();
        self.marks.clear();
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

    /// The words of this page.
    pub(super) fn slots_mut(&mut self) -> &mut [Slot] {
        &mut self.slots[..self.used]
    }

    #[cfg(test)]
    pub(super) fn get<'a>(
        &'a self,
        dictionary: &Dictionary,
        key: &str,
    ) -> Option<(&'a [Loc], &'a [MetaLoc])> {
        self.slots[..self.used]
            .iter()
            .find(|s| &*dictionary.keys[s.number as usize] == key)
            .map(|s| (s.locs.as_slice(), s.metas.as_slice()))
    }
}

/// Splits weighted runs of text into words and indexes them, plus the words of meta fields.
/// `marks` are places in the last run (byte offsets, in order), e.g. where headings start: the
/// position of the word at or after each goes into `out.marks` (as Pagefind places an anchor: at
/// the word that follows it).
pub(super) fn tokenize(
    runs: &[(&str, u8)],
    meta: &[(u16, &str)],
    marks: &[usize],
    stemmer: Option<&Stemmer>,
    dictionary: &mut Dictionary,
    out: &mut PageWords,
) {
    out.start();
    let mut position: u32 = 0;
    let mut last = 0;
    for (run, &(text, weight)) in runs.iter().enumerate() {
        let mut marks = if run + 1 == runs.len() { marks } else { &[] };
        // Asked of the run, not of each word: a search for a character was a sixth of this.
        let zero_widths = text.contains('\u{200B}');
        for raw in text.split_whitespace() {
            let word: Cow<'_, str> = if zero_widths && raw.contains('\u{200B}') {
                Cow::Owned(raw.replace('\u{200B}', ""))
            } else {
                Cow::Borrowed(raw)
            };
            if word.is_empty() {
                continue;
            }
            // (`raw` is a slice of `text`.)
            let start = raw.as_ptr() as usize - text.as_ptr() as usize;
            while marks.first().is_some_and(|&m| m <= start) {
                out.marks.push(position);
                marks = &marks[1..];
            }
            out.content.push_str(&word);
            out.content.push(' ');
            let found = dictionary.get(&word, stemmer);
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
        out.marks.extend(marks.iter().map(|_| position));
    }
    out.content.pop();
    out.word_count = last as usize + 1;
    for &(field, text) in meta {
        for (position, word) in text.split_whitespace().enumerate() {
            let found = dictionary.get(word, stemmer);
            let own = found.words.len() - found.tails as usize;
            for (number, _, original) in &found.words[..own] {
                out.slot(*number).metas.push(MetaLoc {
                    field,
                    position: position as u32,
                    original: original.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings::packed_locs;
    use crate::search::record::{BODY_WEIGHT, SUMMARY_WEIGHT, TITLE_FIELD, TITLE_WEIGHT};
    use pagefind_stem::Algorithm;

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
            &[],
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
}
