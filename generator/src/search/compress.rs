//! Compression of the bundle's files as Pagefind's runtime reads them: gzip of the signature
//! `pagefind_dcd` followed by the content.

/// Fragments are fetched only for the results shown, and compressed in the render pass: fast
/// compression. The index and metadata are fetched by every first query: within 3% of the
/// smallest, in a third of the time.
pub(super) const FRAGMENT_LEVEL: u32 = 2;
pub(super) const INDEX_LEVEL: u32 = 4;

/// Gzip with Pagefind's signature inside. Each thread keeps its compressor per level: a new one
/// per file costs more than the small files it compresses, and churns the allocator.
pub(super) fn compress(bytes: &[u8], level: u32) -> Vec<u8> {
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
