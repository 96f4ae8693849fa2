//! HTML pages to article text and metadata. [`extract_page`] parses the page once, reads what the
//! page says about itself (Open Graph and `article:` meta tags, `<meta name=author>`, JSON-LD
//! NewsArticle) and extracts the main article text with [`extract`]'s readability-style scorer.

pub mod extract;
mod meta;

use scraper::Html;

/// What ingest takes from one HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The article text: paragraphs separated by blank lines, the headline first when found.
    pub text: String,
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// The publication date or timestamp as the page states it (not yet ISO).
    pub published: Option<String>,
    /// `og:site_name` or the JSON-LD publisher's name ("The Washington Post").
    pub site_name: Option<String>,
    /// The page's canonical URL (`og:url`, `<link rel=canonical>`, JSON-LD `url`).
    pub url: Option<String>,
    /// `<html lang>` primary subtag, lower case.
    pub language: Option<String>,
    pub warnings: Vec<String>,
}

/// Reads a whole HTML page. Never panics: malformed markup is repaired by the HTML5 parser, and a
/// page without an article gives empty `text`.
pub fn extract_page(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let m = meta::read(&doc);
    let body = extract::article_text(&doc);
    let title = m.title.clone().or_else(|| body.headline.clone());
    let mut text = String::new();
    if let Some(t) = &title {
        let first = body.paragraphs.first().map(|p| p.trim());
        if first != Some(t.trim()) {
            text.push_str(t.trim());
        }
    }
    for p in &body.paragraphs {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(p);
    }
    if body.paragraphs.is_empty() {
        text.clear();
    } else {
        text.push('\n');
    }
    Page {
        text,
        title,
        authors: m.authors,
        published: m.published,
        site_name: m.site_name,
        url: m.url,
        language: m.language,
        warnings: Vec::new(),
    }
}
