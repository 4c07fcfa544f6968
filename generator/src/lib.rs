//! `helpcenter`: turns a folder of Markdown into a multilingual static help center.
//!
//! The data flows one way: `content/` → [`load`] → [`model`] → [`render`] → [`write`] `public/`,
//! driven by [`build`]. The writers' commands sit on top: [`check`] (with [`external`] links),
//! [`serve`] (with [`watch`]), [`starter`] (`new`), and [`report`] for what they print.

pub mod assets;
pub mod build;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod external;
pub mod frontmatter;
pub mod headers;
pub mod history;
pub mod i18n;
pub mod ids;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod page;
pub mod redirects;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod sitemap;
pub mod starter;
pub mod urls;
pub mod watch;
pub mod write;
