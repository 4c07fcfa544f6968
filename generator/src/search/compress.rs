//! Compression of the bundle's files as Pagefind's runtime reads them: gzip of the signature
//! `pagefind_dcd` followed by the content.
//!
//! libdeflate rather than zlib (zlib-rs): the files are whole buffers in memory, which is what
//! libdeflate is made for. Measured on the benchmark's fragments (6.7 KB of JSON on average) and
//! index chunks: its level 1 gives smaller fragments than zlib's level 2 (37.7% of the JSON
//! against 38.3%) in 55% of the time (zlib also clears its 128 KiB hash table and its trees for
//! every file); its level 1 gives chunks 1.2% larger than zlib's level 4 (57.4% of the CBOR
//! against 56.7%) in 34% of the instructions.

use std::cell::RefCell;

use libdeflater::{CompressionLvl, Compressor};

/// Fragments are fetched only for the results shown, and compressed in the render pass: fast
/// compression.
pub(super) const FRAGMENT_LEVEL: i32 = 1;
/// A query loads the index chunk of each of its words: level 1 makes them 2% larger than
/// level 6 (57.4% of the CBOR against 56.2%) in 45% of the instructions, and they are most of
/// the bytes compressed when the bundle is written.
pub(super) const CHUNK_LEVEL: i32 = 1;
/// The metadata, loaded whole by every first query, and the filters: one small file each.
pub(super) const META_LEVEL: i32 = 6;

const SIGNATURE: &[u8] = b"pagefind_dcd";

/// A thread's compressors (one per level) and buffers: a compressor costs more to set up than
/// the small files it compresses.
#[derive(Default)]
struct Deflate {
    compressors: Vec<(i32, Compressor)>,
    input: Vec<u8>,
    output: Vec<u8>,
}

thread_local! {
    static DEFLATE: RefCell<Deflate> = RefCell::default();
}

/// Gzip of Pagefind's signature and `bytes`, at `level` (1 to 12).
pub(super) fn compress(bytes: &[u8], level: i32) -> Vec<u8> {
    DEFLATE.with_borrow_mut(|state| {
        let Deflate {
            compressors,
            input,
            output,
        } = state;
        let i = match compressors.iter().position(|(l, _)| *l == level) {
            Some(i) => i,
            None => {
                let lvl = CompressionLvl::new(level).expect("a libdeflate level");
                compressors.push((level, Compressor::new(lvl)));
                compressors.len() - 1
            }
        };
        let compressor = &mut compressors[i].1;
        input.clear();
        input.extend_from_slice(SIGNATURE);
        input.extend_from_slice(bytes);
        output.resize(compressor.gzip_compress_bound(input.len()), 0);
        let len = compressor
            .gzip_compress(input, output)
            .expect("the output has the bound's size");
        output[..len].to_vec()
    })
}

/// The CRC-32 of `bytes` (as gzip's trailer holds it): names content-addressed files.
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    libdeflater::crc32(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn files_are_gzip_of_the_signature_and_content() {
        let content = "the same words again and again, ".repeat(40);
        for level in [FRAGMENT_LEVEL, CHUNK_LEVEL, META_LEVEL] {
            let file = compress(content.as_bytes(), level);
            let mut out = String::new();
            flate2::read::GzDecoder::new(file.as_slice())
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, format!("pagefind_dcd{content}"));
            assert!(file.len() < content.len() / 4);
        }
    }
}
