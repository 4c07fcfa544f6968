//! Compression of the bundle's files as Pagefind's runtime reads them: gzip of the signature
//! `pagefind_dcd` followed by the content.
//!
//! libdeflate rather than zlib (zlib-rs): the files are whole buffers in memory, which is what
//! libdeflate is made for. Measured on the benchmark's fragments (6.7 KB of JSON on average) and
//! index chunks: its level 1 gives smaller fragments than zlib's level 2 (37.7% of the JSON
//! against 38.3%) in 55% of the time (zlib also clears its 128 KiB hash table and its trees for
//! every file), and its level 6 smaller chunks than zlib's level 4 (56.2% against 56.7%) in
//! about 90% of the time.

use std::cell::RefCell;

use libdeflater::{CompressionLvl, Compressor};

/// Fragments are fetched only for the results shown, and compressed in the render pass: fast
/// compression. The index and metadata are fetched by every first query: within 1% of the
/// smallest (level 12), in a fifth of the time.
pub(super) const FRAGMENT_LEVEL: i32 = 1;
pub(super) const INDEX_LEVEL: i32 = 6;

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
        for level in [FRAGMENT_LEVEL, INDEX_LEVEL] {
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
