//! One file against the contract's limits: the same rules for an upload in the bucket (checked
//! on submit), a file in a form post without JavaScript, and a slot's claim.

use super::sniff::sniff;
use crate::contract::{Attachments, FileType};
use crate::http::Code;

/// A file of `size` bytes starting with `head`: its sniffed type, or why it is refused.
pub fn check_file(rules: &Attachments, size: u64, head: &[u8]) -> Result<FileType, Code> {
    check_size(rules, size)?;
    match sniff(head) {
        Some(file_type) if rules.allows(file_type) => Ok(file_type),
        _ => Err(Code::UnsupportedType),
    }
}

/// `empty_file` or `too_large`, the checks a slot can make before the file exists.
pub fn check_size(rules: &Attachments, size: u64) -> Result<(), Code> {
    match size {
        0 => Err(Code::EmptyFile),
        n if n > rules.max_file_bytes() => Err(Code::TooLarge),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::MIB;
    use crate::testing::PNG;

    #[test]
    fn size_then_type() {
        let rules = Attachments::default();
        assert_eq!(check_file(&rules, PNG.len() as u64, PNG), Ok(FileType::Png));
        assert_eq!(check_file(&rules, 0, b""), Err(Code::EmptyFile));
        assert_eq!(check_file(&rules, 21 * MIB, PNG), Err(Code::TooLarge));
        assert_eq!(check_file(&rules, 20 * MIB, PNG), Ok(FileType::Png));
        assert_eq!(
            check_file(&rules, 10, b"MZ\x90\x00\x03\x00"),
            Err(Code::UnsupportedType)
        );
        let images_only = Attachments {
            types: vec![FileType::Png, FileType::Jpeg],
            ..Attachments::default()
        };
        assert_eq!(
            check_file(&images_only, 5, b"hello"),
            Err(Code::UnsupportedType)
        );
    }
}
