//! Metadata values as records and pages state them, made uniform: dates to ISO `YYYY-MM-DD`,
//! URLs to the site's host name, author fields to a list of names.

use chrono::{DateTime, NaiveDate};
use pipeline::Metadata;

/// The calendar date of a date or timestamp string, as the source wrote it (a timestamp's own
/// local date, not converted to UTC, because that is the date the publisher printed).
pub fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() >= 10 && s.is_char_boundary(10) {
        let head = &s[..10];
        for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
            if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                return Some(d.format("%Y-%m-%d").to_string());
            }
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.date_naive().format("%Y-%m-%d").to_string());
    }
    let cleaned: String = s.replace(['.', ','], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    for fmt in ["%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%A %B %d %Y", "%a %b %d %Y", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(&cleaned, fmt) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    None
}

/// Host of an http(s) URL without `www.`: "https://www.washingtonpost.com/x" -> "washingtonpost.com".
pub fn site_of_url(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map(|(scheme, rest)| (scheme.to_ascii_lowercase(), rest))?;
    if rest.0 != "http" && rest.0 != "https" {
        return None;
    }
    let host = rest.1.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    if host.contains('.') && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        Some(host)
    } else {
        None
    }
}

/// Names from an author field: a string ("Ann Lee and Bo Chen", "Ann Lee, Bo Chen"), a list of
/// strings, or a list of objects with a `name` (JSON-LD Person).
pub fn author_names(v: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_authors(v, &mut out, 0);
    let mut uniq: Vec<String> = Vec::new();
    for a in out {
        if !uniq.iter().any(|u| u.eq_ignore_ascii_case(&a)) {
            uniq.push(a);
        }
    }
    uniq
}

fn collect_authors(v: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        serde_json::Value::String(s) => out.extend(split_author_string(s)),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_authors(x, out, depth + 1)),
        serde_json::Value::Object(o) => {
            if let Some(n) = o.get("name") {
                collect_authors(n, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Splits "By Ann Lee and Bo Chen" into names; URLs and e-mail addresses are not names.
pub fn split_author_string(s: &str) -> Vec<String> {
    let s = s.trim();
    let s = s.strip_prefix("By ").or_else(|| s.strip_prefix("by ")).unwrap_or(s);
    s.split([',', ';', '|'])
        .flat_map(|part| part.split(" and ").map(str::to_string).collect::<Vec<_>>())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty() && !p.contains("://") && !p.contains('@') && p.chars().count() <= 80)
        .collect()
}

/// Fills what `meta` lacks from what the text says about itself. Line roles always come from the
/// text: they describe its lines.
pub fn fill_missing(meta: &mut Metadata, from_text: Metadata) {
    if meta.outlet.is_none() {
        meta.outlet = from_text.outlet;
    }
    if meta.site.is_none() {
        meta.site = from_text.site;
    }
    if meta.title.is_none() {
        meta.title = from_text.title;
    }
    if meta.authors.is_empty() {
        meta.authors = from_text.authors;
    }
    if meta.contributors.is_empty() {
        meta.contributors = from_text.contributors;
    }
    if meta.dateline.is_none() {
        meta.dateline = from_text.dateline;
    }
    if meta.published.is_none() {
        meta.published = from_text.published;
        meta.published_basis = from_text.published_basis;
    }
    if meta.language.is_none() {
        meta.language = from_text.language;
    }
    meta.line_roles = from_text.line_roles;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_to_iso() {
        assert_eq!(iso_date("2021-12-07T14:05:00-05:00").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("2021-12-07").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("2021/12/07 10:00").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("Tue, 07 Dec 2021 10:00:00 GMT").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("December 7, 2021").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("Dec. 7, 2021").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("7 December 2021").as_deref(), Some("2021-12-07"));
        assert_eq!(iso_date("2021-13-45"), None);
        assert_eq!(iso_date("yesterday"), None);
        assert_eq!(iso_date("ééééééééééé"), None);
    }

    #[test]
    fn sites_and_authors() {
        assert_eq!(site_of_url("https://www.washingtonpost.com/world/2021/12/07/x/").as_deref(), Some("washingtonpost.com"));
        assert_eq!(site_of_url("http://user@Example.org:8080?q").as_deref(), Some("example.org"));
        assert_eq!(site_of_url("ftp://x.org"), None);
        assert_eq!(site_of_url("not a url"), None);
        let v = serde_json::json!([{"@type": "Person", "name": "Ann Lee"}, "Bo Chen and Cy Dee", {"name": "ann lee"}]);
        assert_eq!(author_names(&v), ["Ann Lee", "Bo Chen", "Cy Dee"]);
        assert_eq!(split_author_string("By Ann Lee, https://x.com/ann"), ["Ann Lee"]);
    }
}
