//! A word's page lists: each page's locations packed as Pagefind packs them (positions as
//! differences, weights and meta fields as markers), the lists encoded as the pages arrive (in
//! order), and the commonest words' lists capped.

use minicbor::encode::{Encoder, Error, Write};
use minicbor::{Decoder, Encode};

use super::record::Entry;
use super::tokenize::{Loc, MetaLoc};

/// The most bytes (before compression) a word's lists may take: see [`Word::cap`].
const WORD_BYTES: usize = 48_000;
/// The weight Pagefind takes for granted (body text): other weights are written as markers.
const DEFAULT_WEIGHT: u8 = 25;

/// Writes locations as Pagefind packs them (a CBOR array of integers): sorted by weight (the
/// usual weight first) and position, delta-encoded, with `-(weight + 1), position` where the
/// weight changes. Written straight into the entry rather than collected into a `Vec<i32>` and
/// encoded from it: this runs for every word of every page.
pub(super) fn write_locs(out: &mut Vec<u8>, locs: &mut [Loc]) {
    locs.sort_unstable_by_key(|l| {
        let weight = if l.weight == DEFAULT_WEIGHT {
            0
        } else {
            l.weight
        };
        (weight, l.position)
    });
    let changes = changes(locs.iter().map(|l| l.weight), DEFAULT_WEIGHT);
    cbor_head(out, ARRAY, (locs.len() + changes) as u64);
    let (mut weight, mut last) = (DEFAULT_WEIGHT, 0);
    for loc in locs.iter() {
        if loc.weight != weight {
            // -(weight + 1): CBOR writes a negative n as -1 - n.
            cbor_head(out, NEGATIVE, u64::from(loc.weight));
            cbor_head(out, UNSIGNED, u64::from(loc.position));
            weight = loc.weight;
        } else {
            cbor_head(out, UNSIGNED, u64::from(loc.position - last));
        }
        last = loc.position;
    }
}

/// CBOR major types of the location arrays.
const UNSIGNED: u8 = 0;
const NEGATIVE: u8 = 1;
const ARRAY: u8 = 4;

/// A CBOR head (major type and argument), as minicbor writes it: by hand, as minicbor's encoder
/// took about 100 instructions per integer of these arrays, written for every location.
fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// How often a sequence of values changes, starting from `first`.
fn changes<T: PartialEq>(values: impl Iterator<Item = T>, first: T) -> usize {
    values
        .scan(first, |last, v| Some(std::mem::replace(last, v) != *last))
        .filter(|&changed| changed)
        .count()
}

/// The packed locations of `locs`.
#[cfg(test)]
pub(super) fn packed_locs(mut locs: Vec<Loc>) -> Vec<i32> {
    let mut bytes = Vec::new();
    write_locs(&mut bytes, &mut locs);
    minicbor::decode(&bytes).expect("packed locations")
}

/// Writes meta locations (a CBOR array of integers): `-(field + 1)` then delta-encoded
/// positions, per field.
pub(super) fn write_meta(out: &mut Vec<u8>, metas: &mut [MetaLoc]) {
    metas.sort_unstable_by_key(|m| (m.field, m.position));
    let fields = changes(metas.iter().map(|m| Some(m.field)), None);
    cbor_head(out, ARRAY, (metas.len() + fields) as u64);
    let (mut field, mut last) = (None, 0);
    for meta in metas.iter() {
        if field != Some(meta.field) {
            cbor_head(out, NEGATIVE, u64::from(meta.field));
            field = Some(meta.field);
            last = 0;
        }
        cbor_head(out, UNSIGNED, u64::from(meta.position - last));
        last = meta.position;
    }
}

/// The locations [`write_locs`] packed (their forms are not written).
fn unpack_locs(packed: &[i32]) -> Vec<Loc> {
    let mut locs = Vec::with_capacity(packed.len());
    let (mut weight, mut last, mut values) = (DEFAULT_WEIGHT, 0u32, packed.iter());
    while let Some(&v) = values.next() {
        if v < 0 {
            weight = (-v - 1) as u8;
            last = values.next().copied().unwrap_or(0) as u32;
        } else {
            last += v as u32;
        }
        locs.push(Loc {
            position: last,
            weight,
            original: None,
        });
    }
    locs
}

/// Keeps the `keep` heaviest locations (earliest first among equals) of an entry (locations,
/// then meta locations, as encoded).
pub(super) fn cap_locations(entry: &[u8], keep: usize, out: &mut Vec<u8>) {
    let mut d = Decoder::new(entry);
    let packed: Vec<i32> = d.decode().expect("packed locations");
    if packed.len() <= keep {
        out.extend_from_slice(entry);
        return;
    }
    let rest = &entry[d.position()..];
    let mut locs = unpack_locs(&packed);
    if locs.len() > keep {
        locs.sort_by_key(|l| (std::cmp::Reverse(l.weight), l.position));
        locs.truncate(keep);
    }
    write_locs(out, &mut locs);
    out.extend_from_slice(rest);
}

/// A word's page list (Pagefind's `Vec<PackedPage>`), encoded as pages arrive in order.
#[derive(Default)]
pub(super) struct PageList {
    count: u64,
    last_page: u64,
    bytes: Vec<u8>,
}

impl PageList {
    pub(super) fn push(&mut self, page: u64, entry: Entry<'_>) {
        // [page_number, locs, meta_locs]: the page as the difference to the previous one, the
        // locations as the record encoded them.
        cbor_head(&mut self.bytes, ARRAY, 3);
        cbor_head(&mut self.bytes, UNSIGNED, page - self.last_page);
        self.bytes.extend_from_slice(entry.0);
        self.last_page = page;
        self.count += 1;
    }

    /// The bytes of its pages (without the list's head).
    pub(super) fn size(&self) -> usize {
        self.bytes.len()
    }

    /// Keeps the `keep` heaviest locations of each page.
    fn cap(&mut self, keep: usize) {
        let mut out = Vec::with_capacity(self.bytes.len() / 2);
        let mut d = Decoder::new(&self.bytes);
        let malformed = "a page list as encoded";
        while d.position() < self.bytes.len() {
            let page = d.position();
            d.array().expect(malformed); // [page, locations, meta locations]
            d.u64().expect(malformed);
            let entry = d.position();
            d.skip().expect(malformed);
            d.skip().expect(malformed);
            out.extend_from_slice(&self.bytes[page..entry]);
            cap_locations(&self.bytes[entry..d.position()], keep, &mut out);
        }
        self.bytes = out;
    }
}

impl<C> Encode<C> for PageList {
    fn encode<W: Write>(&self, e: &mut Encoder<W>, _: &mut C) -> Result<(), Error<W::Error>> {
        e.array(self.count)?;
        e.writer_mut().write_all(&self.bytes).map_err(Error::write)
    }
}

/// A word's lists: its pages, and per form with diacritics, the form's pages.
#[derive(Default)]
pub(super) struct Word {
    pub(super) pages: PageList,
    pub(super) variants: Vec<(Box<[u8]>, PageList)>,
}

impl Word {
    pub(super) fn push(
        &mut self,
        page: u64,
        main: Option<Entry<'_>>,
        variants: &[(&[u8], Entry<'_>)],
    ) {
        if let Some(main) = main {
            self.pages.push(page, main);
        }
        for &(form, entry) in variants {
            match self.variants.iter_mut().find(|(f, _)| &**f == form) {
                Some((_, list)) => list.push(page, entry),
                None => {
                    let mut list = PageList::default();
                    list.push(page, entry);
                    self.variants.push((form.into(), list));
                }
            }
        }
    }

    /// Bytes of its lists and forms, as they go into a chunk (without their heads).
    pub(super) fn size(&self) -> usize {
        self.pages.size()
            + self
                .variants
                .iter()
                .map(|(form, list)| form.len() + list.size())
                .sum::<usize>()
    }

    /// The commonest words ("the", "and"…) keep only their heaviest locations on each page, as
    /// many as fit in `WORD_BYTES`: they barely rank, and their full lists would be most of a
    /// query's download.
    pub(super) fn cap(&mut self) {
        let lists = || std::iter::once(&self.pages).chain(self.variants.iter().map(|(_, p)| p));
        let (count, bytes) = lists().fold((0, 0), |(c, b), p| (c + p.count as usize, b + p.size()));
        if bytes > WORD_BYTES {
            // An entry takes about 5 bytes, and 1.5 per location.
            let keep = ((WORD_BYTES / count).saturating_sub(5) * 2 / 3).max(1);
            self.pages.cap(keep);
            self.variants.iter_mut().for_each(|(_, p)| p.cap(keep));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::format::encode;
    use crate::search::record::{BODY_WEIGHT, TITLE_WEIGHT};

    /// An array of integers (as packed locations are written).
    fn ints(d: &mut Decoder<'_>) -> Vec<i32> {
        d.decode().unwrap()
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
        encode(packed.as_slice(), &mut entry);
        encode([-2, 0].as_slice(), &mut entry);
        let mut capped = Vec::new();
        cap_locations(&entry, 3, &mut capped);
        let mut bytes = Decoder::new(&capped);
        assert_eq!(
            ints(&mut bytes),
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
        assert_eq!(ints(&mut bytes), [-2, 0], "meta locations are kept");
        assert_eq!(bytes.position(), capped.len(), "nothing else");
        let mut short = Vec::new();
        cap_locations(&entry, 5, &mut short);
        assert_eq!(short, entry);
    }

    #[test]
    fn capping_a_word_list_keeps_its_pages() {
        let entry = |positions: &[u32]| {
            let mut locs: Vec<Loc> = positions
                .iter()
                .map(|&position| Loc {
                    position,
                    weight: BODY_WEIGHT,
                    original: None,
                })
                .collect();
            let mut bytes = Vec::new();
            write_locs(&mut bytes, &mut locs);
            write_meta(&mut bytes, &mut []);
            bytes
        };
        let mut postings = PageList::default();
        for (page, positions) in [(0, &[1, 5, 9][..]), (300, &[2])] {
            postings.push(page, Entry(&entry(positions)));
        }
        postings.cap(2);
        let mut bytes = Vec::new();
        encode(&postings, &mut bytes);
        let mut rest = Decoder::new(&bytes);
        assert_eq!(rest.array().unwrap(), Some(2));
        for (delta, locs) in [(0, vec![1, 4]), (300, vec![2])] {
            assert_eq!(rest.array().unwrap(), Some(3));
            assert_eq!(rest.u64().unwrap(), delta);
            assert_eq!(ints(&mut rest), locs);
            assert_eq!(ints(&mut rest), Vec::<i32>::new());
        }
        assert_eq!(rest.position(), bytes.len(), "nothing else");
    }
}
