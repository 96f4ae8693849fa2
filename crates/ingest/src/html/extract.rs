//! Main article text of an HTML page (placeholder: every paragraph).

use scraper::{Html, Selector};

/// The article's paragraphs, in page order, and the page's main headline when found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleBody {
    pub headline: Option<String>,
    pub paragraphs: Vec<String>,
}

pub fn article_text(doc: &Html) -> ArticleBody {
    let p = Selector::parse("p").expect("static selector");
    let paragraphs = doc
        .select(&p)
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect();
    ArticleBody { headline: None, paragraphs }
}
