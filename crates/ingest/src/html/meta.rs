//! What a page says about itself: JSON-LD (`NewsArticle`, `Article`, `BlogPosting`, ... including
//! `@graph` lists), Open Graph and `article:` meta tags, `<meta name=author>` and friends,
//! `<link rel=canonical>` and `<html lang>`. JSON-LD wins over meta tags when both say something,
//! because it is what publishers maintain for search engines.

use scraper::{Html, Selector};
use serde_json::Value;

use crate::fields::{author_names, split_author_string};

#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

fn clean(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

pub(crate) fn read(doc: &Html) -> PageMeta {
    let mut m = PageMeta::default();
    let ld = json_ld_article(doc);
    // Meta tags by name or property, case-insensitive, first non-empty one in document order.
    let mut tags: Vec<(String, String)> = Vec::new();
    for el in doc.select(&sel("meta")) {
        let v = el.value();
        let key = v.attr("property").or_else(|| v.attr("name")).or_else(|| v.attr("itemprop"));
        if let (Some(k), Some(c)) = (key, v.attr("content"))
            && let Some(c) = clean(c) {
                tags.push((k.trim().to_ascii_lowercase(), c));
            }
    }
    let tag = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| tags.iter().find(|(tk, _)| tk == k).map(|(_, v)| v.clone()))
    };

    if let Some(a) = &ld {
        m.title = a.get("headline").and_then(Value::as_str).and_then(clean);
        m.authors = a.get("author").map(author_names).unwrap_or_default();
        m.published = a.get("datePublished").and_then(Value::as_str).and_then(clean);
        m.site_name = a.get("publisher").and_then(|p| p.get("name")).and_then(Value::as_str).and_then(clean);
        m.url = a.get("url").and_then(Value::as_str).and_then(clean).or_else(|| {
            a.get("mainEntityOfPage").and_then(|e| e.as_str().or_else(|| e.get("@id").and_then(Value::as_str))).and_then(clean)
        });
    }
    if m.title.is_none() {
        m.title = tag(&["og:title", "twitter:title", "headline", "title"])
            .or_else(|| doc.select(&sel("title")).next().and_then(|t| clean(&t.text().collect::<String>())));
    }
    if m.authors.is_empty()
        && let Some(a) = tag(&["author", "article:author", "byl", "sailthru.author", "parsely-author", "dc.creator"]) {
            m.authors = split_author_string(&a);
        }
    if m.published.is_none() {
        m.published = tag(&[
            "article:published_time",
            "datepublished",
            "og:published_time",
            "pubdate",
            "publishdate",
            "parsely-pub-date",
            "sailthru.date",
            "dc.date.issued",
            "dc.date",
            "date",
        ])
        .or_else(|| {
            doc.select(&sel("time[datetime]")).next().and_then(|t| t.value().attr("datetime")).and_then(clean)
        });
    }
    if m.site_name.is_none() {
        m.site_name = tag(&["og:site_name", "application-name"]);
    }
    if m.url.is_none() {
        m.url = tag(&["og:url"]).or_else(|| {
            doc.select(&sel("link[rel=canonical]")).next().and_then(|l| l.value().attr("href")).and_then(clean)
        });
    }
    m.language = doc
        .select(&sel("html[lang]"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .and_then(|l| l.split(['-', '_']).next())
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| l.len() >= 2 && l.len() <= 3 && l.chars().all(|c| c.is_ascii_alphabetic()));
    m
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "Article",
    "BlogPosting",
    "ScholarlyArticle",
    "TechArticle",
    "Report",
];

/// The first JSON-LD object on the page whose `@type` is an article type.
fn json_ld_article(doc: &Html) -> Option<Value> {
    for script in doc.select(&sel("script[type=\"application/ld+json\"]")) {
        let raw: String = script.text().collect();
        let raw = raw.trim().trim_start_matches("<![CDATA[").trim_end_matches("]]>").trim();
        let Ok(v) = serde_json::from_str::<Value>(raw) else { continue };
        if let Some(a) = find_article(&v, 0) {
            return Some(a.clone());
        }
    }
    None
}

fn find_article(v: &Value, depth: usize) -> Option<&Value> {
    if depth > 5 {
        return None;
    }
    match v {
        Value::Array(items) => items.iter().find_map(|x| find_article(x, depth + 1)),
        Value::Object(o) => {
            let is_article = match o.get("@type") {
                Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(|t| ARTICLE_TYPES.contains(&t)),
                _ => false,
            };
            if is_article {
                return Some(v);
            }
            o.get("@graph").and_then(|g| find_article(g, depth + 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_wins_and_meta_tags_fill_in() {
        let page = r#"<html lang="en-US"><head>
<title>Fallback title | Site</title>
<meta property="og:title" content="OG headline">
<meta property="og:site_name" content="The Daily Example">
<meta property="og:url" content="https://www.example.com/2021/12/07/story">
<meta name="author" content="Ann Lee and Bo Chen">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
 {"@type":["NewsArticle"],"headline":"Biden and Putin talk","datePublished":"2021-12-07T10:00:00Z",
  "author":[{"@type":"Person","name":"Ann Lee"}],"publisher":{"@type":"Organization","name":"Example News"}}]}</script>
</head><body></body></html>"#;
        let m = read(&Html::parse_document(page));
        assert_eq!(m.title.as_deref(), Some("Biden and Putin talk"));
        assert_eq!(m.authors, ["Ann Lee"]);
        assert_eq!(m.published.as_deref(), Some("2021-12-07T10:00:00Z"));
        assert_eq!(m.site_name.as_deref(), Some("Example News"));
        assert_eq!(m.url.as_deref(), Some("https://www.example.com/2021/12/07/story"));
        assert_eq!(m.language.as_deref(), Some("en"));
    }

    #[test]
    fn meta_tags_alone() {
        let page = r#"<html><head><meta property="og:title" content=" OG  headline ">
<meta property="article:published_time" content="2021-12-08">
<meta name="author" content="Ann Lee and Bo Chen"><meta property="og:site_name" content="Example">
<script type="application/ld+json">{ broken json</script></head></html>"#;
        let m = read(&Html::parse_document(page));
        assert_eq!(m.title.as_deref(), Some("OG headline"));
        assert_eq!(m.authors, ["Ann Lee", "Bo Chen"]);
        assert_eq!(m.published.as_deref(), Some("2021-12-08"));
        assert_eq!(m.site_name.as_deref(), Some("Example"));
        assert_eq!(m.language, None);
    }
}
