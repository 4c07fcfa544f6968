//! `_redirects`: every old path of a moved article and where it leads, in the format Netlify and
//! Cloudflare Pages read (`from to 301`, one per line). The pages at those paths (written by the
//! build) send visitors on wherever the file is not read.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::model::Site;

/// What a path keeps as it is; the rest (spaces, letters of other scripts) is percent-encoded,
/// since hosts compare the request's encoded path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Cloudflare Pages applies at most this many static redirects.
pub const CLOUDFLARE_LIMIT: usize = 2000;

/// The file's text, in the order of the site's aliases (language by language).
pub fn redirects_file(site: &Site) -> String {
    let mut out =
        String::from("# Old paths of moved articles (`aliases:` in their front matter).\n");
    for alias in &site.aliases {
        let from = site.alias_url(alias);
        let to = site.article_url(alias.lang, alias.article);
        out.push_str(&format!("{} {} 301\n", encode(&from), encode(&to)));
    }
    out
}

fn encode(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded_except_their_slashes() {
        assert_eq!(
            encode("/ru/users/смена/"),
            "/ru/users/%D1%81%D0%BC%D0%B5%D0%BD%D0%B0/"
        );
        assert_eq!(encode("/en/a b/"), "/en/a%20b/");
    }
}
