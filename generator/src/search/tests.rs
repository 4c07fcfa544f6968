//! The index against Pagefind's own: the same records through `pagefind`'s indexer (its API)
//! give the same files, except where this writer departs from it on purpose. Small cases here,
//! file by file; a generated corpus big enough for chunks and capped lists in `corpus.rs`.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;

use super::bundle::rounded;
use super::*;

mod anchors;
mod corpus;

/// A generic CBOR value: all that Pagefind's files use.
#[derive(Debug, Clone, PartialEq)]
enum Cbor {
    Uint(u64),
    Negative(u64),
    Text(String),
    Array(Vec<Cbor>),
}

fn decode(bytes: &mut &[u8]) -> Cbor {
    let first = bytes[0];
    *bytes = &bytes[1..];
    let (major, info) = (first >> 5, first & 0x1f);
    let n = match info {
        0..=23 => u64::from(info),
        24..=27 => {
            let len = 1 << (info - 24);
            let n = bytes[..len]
                .iter()
                .fold(0u64, |n, &b| n << 8 | u64::from(b));
            *bytes = &bytes[len..];
            n
        }
        _ => panic!("indefinite lengths are not used"),
    };
    match major {
        0 => Cbor::Uint(n),
        1 => Cbor::Negative(n),
        3 => {
            let text = String::from_utf8(bytes[..n as usize].to_vec()).unwrap();
            *bytes = &bytes[n as usize..];
            Cbor::Text(text)
        }
        4 => Cbor::Array((0..n).map(|_| decode(bytes)).collect()),
        other => panic!("unexpected CBOR major type {other}"),
    }
}

fn unpack(file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(&out[..12], b"pagefind_dcd");
    out.split_off(12)
}

fn cbor_file(file: &[u8]) -> Cbor {
    let bytes = unpack(file);
    let mut slice = bytes.as_slice();
    let value = decode(&mut slice);
    assert!(slice.is_empty(), "trailing bytes");
    value
}

fn array(value: &Cbor) -> &[Cbor] {
    match value {
        Cbor::Array(items) => items,
        other => panic!("not an array: {other:?}"),
    }
}

fn text(value: &Cbor) -> &str {
    match value {
        Cbor::Text(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

struct Doc<'a> {
    url: &'a str,
    title: &'a str,
    summary: &'a str,
    text: &'a str,
    audience: &'a str,
}

const EN: &[Doc<'static>] = &[
    Doc { url: "/en/users/account/reset-password/", title: "Reset your password", summary: "When you forgot it.", text: "Open Settings → Account. Choose “Reset password” and check your e-mail; the link works once. On an iPhone, see helpcenter.yaml or U.S.A. rules.", audience: "users" },
    Doc { url: "/en/creators/payouts/tax-forms/", title: "Tax forms for payouts", summary: "", text: "Payouts need a tax form. Café owners and naïve résumé writers: the form is the same. Passwords are never asked.", audience: "creators" },
    Doc { url: "/en/users/account/two-factor/", title: "Two-factor sign-in", summary: "Protect your account with a second step.", text: "Turn on two-factor authentication (2FA) under Settings. Codes change every 30 seconds; keep backup codes safe.", audience: "users" },
];

const VI: &[Doc<'static>] = &[
    Doc {
        url: "/vi/users/account/doi-mat-khau/",
        title: "Đổi mật khẩu tài khoản",
        summary: "Khi bạn quên mật khẩu.",
        text: "Mở Cài đặt → Tài khoản, chọn “Đặt lại mật khẩu” và kiểm tra email của bạn.",
        audience: "users",
    },
    Doc {
        url: "/vi/creators/payouts/thue/",
        title: "Biểu mẫu thuế",
        summary: "",
        text: "Thanh toán cần biểu mẫu thuế cho tài khoản nhà sáng tạo.",
        audience: "creators",
    },
];

const RU: &[Doc<'static>] = &[
    Doc { url: "/ru/users/account/smena-parolya/", title: "Смена пароля учётной записи", summary: "Если вы забыли пароль.", text: "Откройте Настройки → Аккаунт и выберите «Сбросить пароль». Проверьте почту: ссылка действует один раз.", audience: "users" },
    Doc { url: "/ru/creators/payouts/nalogi/", title: "Налоговые формы", summary: "", text: "Для выплат нужна налоговая форма. Ёлка и ёж — слова с буквой ё.", audience: "creators" },
];

fn ours(language: &str, docs: &[Doc<'_>], runtime: &Runtime) -> Bundle {
    let indexer = Indexer::new(&[language]).like_pagefind();
    write_bundle(language, &records(&indexer, docs), runtime)
}

/// The records of `docs`, in order, as the render pass makes them.
fn records(indexer: &Indexer, docs: &[Doc<'_>]) -> Vec<Record> {
    docs.iter()
        .enumerate()
        .map(|(key, d)| {
            indexer.page(
                0,
                &Document {
                    key,
                    url: d.url,
                    title: d.title,
                    summary: d.summary,
                    text: d.text,
                    category: "",
                    filters: &[("audience", d.audience), ("category", "c")],
                    headings: &[],
                },
            )
        })
        .collect()
}

/// Pagefind's own index of the same records, through its API.
fn reference(language: &str, docs: &[Doc<'_>]) -> HashMap<String, Vec<u8>> {
    use pagefind::{api::PagefindIndex, options::PagefindServiceConfig};
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut index = PagefindIndex::new(Some(PagefindServiceConfig::builder().force_language(language.to_string()).build())).unwrap();
        for d in docs {
            // (25/24: our body weight.)
            let content = format!("___PAGEFIND_WEIGHT___7 {} ___END_PAGEFIND_WEIGHT___ ___PAGEFIND_WEIGHT___2 {} ___END_PAGEFIND_WEIGHT___ ___PAGEFIND_WEIGHT___1.0417 {} ___END_PAGEFIND_WEIGHT___", d.title, d.summary, d.text);
            let meta = BTreeMap::from([("category".to_string(), String::new()), ("title".to_string(), d.title.to_string())]);
            let filters = BTreeMap::from([("audience".to_string(), vec![d.audience.to_string()]), ("category".to_string(), vec!["c".to_string()])]);
            index.add_custom_record(d.url.into(), content, language.into(), Some(meta), Some(filters), None).await.unwrap();
        }
        index.get_files().await.unwrap().into_iter().map(|f| (f.filename.to_string_lossy().into_owned(), f.contents)).collect()
    })
}

fn meta_of(files: &HashMap<String, Vec<u8>>) -> Cbor {
    let (_, bytes) = files
        .iter()
        .find(|(name, _)| name.ends_with(".pf_meta"))
        .expect("a pf_meta file");
    cbor_file(bytes)
}

/// The same records give the same index as Pagefind's own indexer: word chunks, filters and
/// fragments byte for byte (after decompression), metadata up to the file names.
fn assert_same_as_pagefind(language: &str, docs: &[Doc<'_>]) {
    let runtime = Runtime::load(&[language]).unwrap();
    let mine: HashMap<String, Vec<u8>> = ours(language, docs, &runtime).files.into_iter().collect();
    let theirs = reference(language, docs);
    let (my_meta, their_meta) = (meta_of(&mine), meta_of(&theirs));
    let (m, t) = (array(&my_meta), array(&their_meta));
    assert_eq!(m.len(), 6);
    assert_eq!(m[0], t[0], "version");
    assert_eq!(m[4], t[4], "sorts");
    assert_eq!(m[5], t[5], "meta fields");
    // pages: same word counts, and the same fragments
    assert_eq!(array(&m[1]).len(), docs.len());
    for (mp, tp) in array(&m[1]).iter().zip(array(&t[1])) {
        let (mp, tp) = (array(mp), array(tp));
        assert_eq!(mp[1], tp[1], "word count");
        let mine_fragment = unpack(&mine[&format!("fragment/{}.pf_fragment", text(&mp[0]))]);
        let their_fragment = unpack(&theirs[&format!("fragment/{}.pf_fragment", text(&tp[0]))]);
        assert_eq!(
            String::from_utf8(mine_fragment).unwrap(),
            String::from_utf8(their_fragment).unwrap()
        );
    }
    // word index chunks: same bounds, same content
    assert_eq!(array(&m[2]).len(), array(&t[2]).len());
    for (mc, tc) in array(&m[2]).iter().zip(array(&t[2])) {
        let (mc, tc) = (array(mc), array(tc));
        assert_eq!((&mc[0], &mc[1]), (&tc[0], &tc[1]), "chunk bounds");
        let mine_chunk = cbor_file(&mine[&format!("index/{}.pf_index", text(&mc[2]))]);
        let their_chunk = cbor_file(&theirs[&format!("index/{}.pf_index", text(&tc[2]))]);
        for (mw, tw) in array(&array(&mine_chunk)[0])
            .iter()
            .zip(array(&array(&their_chunk)[0]))
        {
            assert_eq!(mw, tw);
        }
        assert_eq!(mine_chunk, their_chunk);
    }
    // filters
    assert_eq!(array(&m[3]).len(), array(&t[3]).len());
    for (mf, tf) in array(&m[3]).iter().zip(array(&t[3])) {
        let (mf, tf) = (array(mf), array(tf));
        assert_eq!(mf[0], tf[0]);
        assert_eq!(
            unpack(&mine[&format!("filter/{}.pf_filter", text(&mf[1]))]),
            unpack(&theirs[&format!("filter/{}.pf_filter", text(&tf[1]))])
        );
    }
    // the runtime is Pagefind's
    assert_eq!(mine["pagefind.js"], theirs["pagefind.js"]);
    let wasm = mine.keys().find(|k| k.starts_with("wasm.")).unwrap();
    assert_eq!(mine[wasm], theirs[wasm]);
    let entry: serde_json::Value = serde_json::from_slice(&mine["pagefind-entry.json"]).unwrap();
    let their_entry: serde_json::Value =
        serde_json::from_slice(&theirs["pagefind-entry.json"]).unwrap();
    assert_eq!(entry["version"], their_entry["version"]);
    assert_eq!(
        entry["include_characters"],
        their_entry["include_characters"]
    );
    assert_eq!(
        entry["languages"][language]["wasm"],
        their_entry["languages"][language]["wasm"]
    );
    assert_eq!(
        entry["languages"][language]["page_count"],
        their_entry["languages"][language]["page_count"]
    );
}

#[test]
fn english_index_is_pagefinds() {
    assert_same_as_pagefind("en", EN);
}

#[test]
fn vietnamese_index_is_pagefinds() {
    assert_same_as_pagefind("vi", VI);
}

#[test]
fn russian_index_is_pagefinds() {
    assert_same_as_pagefind("ru", RU);
}
