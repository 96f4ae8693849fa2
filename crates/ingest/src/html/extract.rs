//! The main article text of an HTML page, as paragraphs.
//!
//! The work is done by rs-trafilatura (a Rust port of trafilatura, which scores 0.957 F1 on the
//! article-extraction-benchmark here, see `eval`); this module turns its output into clean
//! paragraphs and guards the pipeline against it: a panic or an error inside the extractor
//! becomes a warning, and a page it finds nothing in falls back to the page's own `<p>` elements
//! outside navigation, headers, footers and asides.

use std::panic::{AssertUnwindSafe, catch_unwind};

use scraper::{ElementRef, Html, Selector};

/// The article's paragraphs in page order (whitespace-collapsed, non-empty) and what went wrong
/// on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleBody {
    pub paragraphs: Vec<String>,
    pub warnings: Vec<String>,
}

/// Extracts the article body from a whole page; `doc` is the same page already parsed (for the
/// fallback).
pub fn article_body(html: &str, doc: &Html) -> ArticleBody {
    let mut body = ArticleBody::default();
    let options = rs_trafilatura::Options::default();
    match catch_unwind(AssertUnwindSafe(|| rs_trafilatura::extract_with_options(html, &options))) {
        Ok(Ok(r)) => body.paragraphs = paragraphs_of(&r.content_text),
        Ok(Err(e)) => body.warnings.push(format!("article extractor found no article: {e}")),
        Err(_) => body.warnings.push("article extractor failed on this page (internal panic)".into()),
    }
    if body.paragraphs.is_empty() {
        body.paragraphs = fallback_paragraphs(doc);
        if !body.paragraphs.is_empty() {
            body.warnings.push("article text taken from the page's <p> elements (fallback)".into());
        }
    }
    body
}

/// Every non-blank line of the extractor's text, whitespace collapsed, is a paragraph: the
/// extractor ends each block element with a line break, and its fallback path leaves indentation
/// and runs of blank lines that must not reach `raw_text`.
fn paragraphs_of(text: &str) -> Vec<String> {
    text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()).collect()
}

/// `<p>` elements with at least a sentence's worth of words, outside page furniture.
fn fallback_paragraphs(doc: &Html) -> Vec<String> {
    let p = Selector::parse("p").expect("static selector");
    doc.select(&p)
        .filter(|e| !inside_furniture(e))
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.split(' ').count() >= 5)
        .collect()
}

fn inside_furniture(e: &ElementRef) -> bool {
    e.ancestors().filter_map(ElementRef::wrap).any(|a| {
        let v = a.value();
        matches!(v.name(), "nav" | "header" | "footer" | "aside" | "form" | "noscript" | "template")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(html: &str) -> ArticleBody {
        article_body(html, &Html::parse_document(html))
    }

    const ARTICLE: &str = r#"<html><head><title>t</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li></ul></nav>
<header><p>Subscribe now to read unlimited articles for only one dollar a week.</p></header>
<main><article>
<h1>Biden warns Putin of sanctions</h1>
<p>President Biden warned President Vladimir Putin on Tuesday that Russia would face severe economic penalties if it invaded Ukraine, officials said.</p>
<p>The two leaders spoke for about two hours over a secure video link, according to a readout released by the White House after the call ended.</p>
<p>Putin, for his part, demanded legal guarantees that NATO would not expand further east, a Kremlin aide told reporters in Moscow later that evening.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Ten things to know today</a></li><li><a href="/b">Weather</a></li></ul></aside>
<footer><p>Copyright 2021 The Example Post. All rights reserved. Terms of use and privacy policy.</p></footer>
</body></html>"#;

    #[test]
    fn keeps_the_article_and_drops_the_furniture() {
        let b = body_of(ARTICLE);
        let text = b.paragraphs.join("\n\n");
        assert!(text.contains("severe economic penalties"), "{text}");
        assert!(text.contains("legal guarantees that NATO"), "{text}");
        assert!(!text.contains("Copyright 2021"), "{text}");
        assert!(!text.contains("Ten things to know"), "{text}");
        assert!(!text.contains("Subscribe now"), "{text}");
        assert!(b.paragraphs.iter().all(|p| p == p.trim() && !p.contains("  ")));
    }

    #[test]
    fn no_panic_on_hostile_pages() {
        for page in [
            "",
            "<html></html>",
            "<html><head><script>var a = '<p>not text</p>';</script><style>p{}</style></head></html>",
            "<p>unclosed <b><i>tags <div><p>and <table><td>cells",
            "\u{0}\u{feff}<<<>>>&amp;&#xffffff;&#0;",
            "just words, no markup at all, but quite a few of them to look like a sentence",
        ] {
            let _ = body_of(page);
        }
        let wide = "<p>word word word word word</p>".repeat(20_000);
        assert!(!body_of(&wide).paragraphs.is_empty());
        let one_line = format!("<html><body><p>{}</p></body></html>", "long ".repeat(400_000));
        let _ = body_of(&one_line);
    }

    #[test]
    fn script_only_page_has_no_article() {
        let b = body_of("<html><head><script>document.write('hello world this is a script');</script></head><body><script>x()</script></body></html>");
        assert!(b.paragraphs.is_empty(), "{:?}", b.paragraphs);
    }
}
