//! The outlet table (crates/ingest/data/outlets.tsv, embedded): recognises an outlet from a
//! masthead line, a written name (copyright, "Source:", byline affiliation), a wire agency code
//! in a dateline, or a web domain.

use std::sync::LazyLock;

const TABLE: &str = include_str!("../../data/outlets.tsv");

/// How a table row is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    Masthead,
    Name,
    Agency,
    Site,
    House,
}

#[derive(Debug, Clone)]
struct Row {
    kind: PatternKind,
    /// Normalised pattern (see `fold`), or the raw pattern for sites and house rules.
    key: String,
    outlet: String,
}

/// The parsed outlet table.
pub struct OutletTable {
    rows: Vec<Row>,
}

static OUTLETS: LazyLock<OutletTable> = LazyLock::new(|| OutletTable::parse(TABLE));

/// The table shipped with the crate.
pub fn table() -> &'static OutletTable {
    &OUTLETS
}

/// Lower-cases and keeps only letters and digits, so "The Washington PostDemocracy Dies in
/// Darkness" and "the washington post — democracy dies in darkness" compare equal.
pub fn fold(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

/// `fold` without a leading "the".
fn fold_name(s: &str) -> String {
    let t = s.trim_start();
    match t.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("the ") => fold(&t[4..]),
        _ => fold(t),
    }
}

impl OutletTable {
    /// Parses tab-separated rows; comment and malformed lines are skipped.
    pub fn parse(text: &str) -> Self {
        let mut rows = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            if cols.len() < 3 || cols[1].is_empty() || cols[2].is_empty() {
                continue;
            }
            let kind = match cols[0] {
                "masthead" => PatternKind::Masthead,
                "name" => PatternKind::Name,
                "agency" => PatternKind::Agency,
                "site" => PatternKind::Site,
                "house" => PatternKind::House,
                _ => continue,
            };
            let key = match kind {
                PatternKind::Masthead => fold(cols[1]),
                PatternKind::Name => fold_name(cols[1]),
                PatternKind::Agency => cols[1].to_lowercase(),
                PatternKind::Site => cols[1].to_lowercase(),
                PatternKind::House => cols[1].to_string(),
            };
            rows.push(Row { kind, key, outlet: cols[2].to_string() });
        }
        OutletTable { rows }
    }

    fn find(&self, kind: PatternKind, key: &str) -> Option<&str> {
        self.rows.iter().find(|r| r.kind == kind && r.key == key).map(|r| r.outlet.as_str())
    }

    /// The outlet whose nameplate the whole line is.
    pub fn masthead(&self, line: &str) -> Option<&str> {
        let f = fold(line);
        if f.is_empty() {
            return None;
        }
        self.find(PatternKind::Masthead, &f)
    }

    /// The outlet a written name stands for ("Associated press", "The New York Times").
    pub fn name(&self, text: &str) -> Option<&str> {
        let f = fold_name(text);
        if f.is_empty() {
            return None;
        }
        self.find(PatternKind::Name, &f)
    }

    /// The outlet of a wire agency code ("AP").
    pub fn agency(&self, code: &str) -> Option<&str> {
        self.find(PatternKind::Agency, &code.trim().to_lowercase())
    }

    /// The outlet of a web domain; "www.nytimes.com" and "nytimes.com" both match "nytimes.com".
    pub fn site(&self, domain: &str) -> Option<&str> {
        let d = domain.trim().trim_end_matches('.').to_lowercase();
        self.rows
            .iter()
            .filter(|r| r.kind == PatternKind::Site)
            .find(|r| d == r.key || d.ends_with(&format!(".{}", r.key)))
            .map(|r| r.outlet.as_str())
    }

    /// The outlet of a named house-style fingerprint.
    pub fn house(&self, rule: &str) -> Option<&str> {
        self.find(PatternKind::House, rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lookups() {
        let t = table();
        assert_eq!(t.masthead("The Washington PostDemocracy Dies in Darkness"), Some("The Washington Post"));
        assert_eq!(t.masthead("The Washington Post"), Some("The Washington Post"));
        assert_eq!(t.masthead("The Washington Post reported on Monday"), None);
        assert_eq!(t.name("Associated press"), Some("Associated Press"));
        assert_eq!(t.name("The Associated Press"), Some("Associated Press"));
        assert_eq!(t.name("Getty Images"), None);
        assert_eq!(t.agency("AP"), Some("Associated Press"));
        assert_eq!(t.site("www.nytimes.com"), Some("The New York Times"));
        assert_eq!(t.site("notnytimes.com"), None);
        assert_eq!(t.house("slash_credit_caption+byline_place_date"), Some("bne IntelliNews"));
        assert_eq!(t.masthead(""), None);
    }
}
