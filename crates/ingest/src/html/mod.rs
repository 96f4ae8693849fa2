//! HTML pages to article text and metadata. [`extract_page`] parses the page once, reads what the
//! page says about itself (Open Graph and `article:` meta tags, `<meta name=author>`, JSON-LD
//! NewsArticle, see `meta`) and extracts the main article text ([`extract`]).
//!
//! Pathological markup is refused before parsing: HTML parsers and extractors walk the tree
//! recursively and check scopes along the stack of open elements, so a page nested thousands of
//! levels deep costs quadratic time and can overflow the stack. Browsers cap nesting at 512;
//! pages nested deeper than [`MAX_NESTING`] give no article (and a warning) instead.

pub mod extract;
mod meta;

use scraper::Html;

/// Deepest element nesting a page may have (estimated without parsing) to be parsed at all.
pub const MAX_NESTING: usize = 1500;

/// Stack for the thread that parses and extracts one page, so that deep but allowed pages never
/// overflow whatever thread calls us (rayon workers have 2 MiB).
const EXTRACT_STACK_BYTES: usize = 64 << 20;

/// What ingest takes from one HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The article text: the headline (when the page states one), then the body's paragraphs,
    /// separated by blank lines. Empty when no article was found.
    pub text: String,
    /// The extracted article body alone (no headline), paragraphs separated by blank lines:
    /// what the extraction benchmark scores.
    pub body: String,
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
/// page without an article (or too deeply nested to parse safely) gives empty `text`.
pub fn extract_page(html: &str) -> Page {
    let depth = nesting_estimate(html);
    if depth > MAX_NESTING {
        return Page {
            warnings: vec![format!("elements nested about {depth} deep (limit {MAX_NESTING}); page not parsed")],
            ..Page::default()
        };
    }
    let run = || extract_parsed(html);
    let spawned = std::thread::scope(|s| {
        std::thread::Builder::new().stack_size(EXTRACT_STACK_BYTES).spawn_scoped(s, run).map(|h| h.join())
    });
    match spawned {
        Ok(Ok(page)) => page,
        Ok(Err(_)) => Page { warnings: vec!["HTML extraction failed on this page (internal panic)".into()], ..Page::default() },
        // No thread to be had: extract on the caller's stack (the nesting cap keeps it shallow).
        Err(_) => extract_parsed(html),
    }
}

fn extract_parsed(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let m = meta::read(&doc);
    let body = extract::article_body(html, &doc);
    let body_text = body.paragraphs.join("\n\n");
    let title = m.title.as_deref().map(|t| without_site_suffix(t, m.site_name.as_deref()));
    let mut text = String::new();
    if !body.paragraphs.is_empty() {
        if let Some(t) = &title
            && body.paragraphs.first().map(String::as_str) != Some(t.as_str()) {
                text.push_str(t);
                text.push_str("\n\n");
            }
        text.push_str(&body_text);
        text.push('\n');
    }
    Page {
        text,
        body: body_text,
        title,
        authors: m.authors,
        published: m.published,
        site_name: m.site_name,
        url: m.url,
        language: m.language,
        warnings: body.warnings,
    }
}

/// "Headline | The Example Post" -> "Headline": `<title>` and og:title often carry the site name.
fn without_site_suffix(title: &str, site: Option<&str>) -> String {
    if let Some(site) = site.filter(|s| !s.is_empty()) {
        for sep in [" | ", " - ", " – ", " — ", " :: "] {
            if let Some(head) = title.strip_suffix(site).and_then(|h| h.strip_suffix(sep))
                && !head.trim().is_empty() {
                    return head.trim().to_string();
                }
        }
    }
    title.to_string()
}

/// Upper-bound-ish estimate of element nesting depth from the raw markup, in one linear pass:
/// start tags push, end tags pop; void and self-closing elements, and elements whose end tag HTML
/// lets authors omit (p, li, td, ...), are not counted; script, style, comment and similar
/// contents are skipped.
pub fn nesting_estimate(html: &str) -> usize {
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup", "rb", "rt",
        "rp", "rtc", "keygen", "basefont", "bgsound", "frame", "image", "isindex", "spacer",
    ];
    const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];
    let b = html.as_bytes();
    let (mut i, mut depth, mut max) = (0usize, 0usize, 0usize);
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i, b"-->").unwrap_or(b.len());
            continue;
        }
        if matches!(b.get(i), Some(b'!' | b'?')) {
            i = find(b, i, b">").unwrap_or(b.len());
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':').count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let tag_end = find(b, name_start, b">").unwrap_or(b.len());
        let self_closing = tag_end >= 2 && b.get(tag_end - 2) == Some(&b'/');
        i = tag_end.min(b.len());
        if closing {
            if !UNCOUNTED.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ascii_ci(b, i, close.as_bytes()).unwrap_or(b.len());
            continue;
        }
        if !self_closing && !UNCOUNTED.contains(&name.as_str()) {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Index just past the first `needle` at or after `from`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p + needle.len())
}

/// Index of the first case-insensitive `needle` at or after `from`.
fn find_ascii_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_estimate_counts_real_nesting_only() {
        assert_eq!(nesting_estimate("<html><body><div><p>a<p>b<br><img src=x></div></body></html>"), 3);
        assert_eq!(nesting_estimate("<ul><li>a<li>b<li>c</ul><div/><!-- <div><div> -->"), 1);
        assert_eq!(nesting_estimate("<script>for(i=0;i<9;i++) s+='<div>';</script><div></div>"), 1);
        assert_eq!(nesting_estimate("a < b and <3 <"), 0);
        assert_eq!(nesting_estimate(&"<div>".repeat(5000)), 5000);
    }

    #[test]
    fn site_suffix_is_dropped_from_titles() {
        assert_eq!(without_site_suffix("Biden warns Putin | The Post", Some("The Post")), "Biden warns Putin");
        assert_eq!(without_site_suffix("Biden warns Putin - The Post", Some("The Post")), "Biden warns Putin");
        assert_eq!(without_site_suffix("The Post", Some("The Post")), "The Post");
        assert_eq!(without_site_suffix("Biden warns Putin | Politics", Some("The Post")), "Biden warns Putin | Politics");
        assert_eq!(without_site_suffix("A - B", None), "A - B");
    }

    #[test]
    fn deeply_nested_page_is_refused_quickly() {
        let deep = "<div>".repeat(200_000) + "<p>deep paragraph with words</p>";
        let t = std::time::Instant::now();
        let page = extract_page(&deep);
        assert!(page.text.is_empty());
        assert!(page.warnings[0].contains("nested"), "{:?}", page.warnings);
        assert!(t.elapsed().as_secs() < 5);
        // Deep but allowed nesting works on a small caller stack.
        let ok = "<div>".repeat(1000)
            + "<p>President Biden warned Vladimir Putin of severe economic penalties if Russia invaded Ukraine, officials said.</p>"
            + &"</div>".repeat(1000);
        let page = std::thread::Builder::new().stack_size(256 << 10).spawn(move || extract_page(&ok)).unwrap().join().unwrap();
        assert!(page.text.contains("severe economic penalties"), "{page:?}");
    }
}
