//! People in an article's own credits: byline lines ("By Ben Aris in Berlin December 8, 2021",
//! "By Jane Doe and John Roe, Reuters") and contributor lines ("Mary Ilyushina and Natalia
//! Abbakumova contributed to this report.", "Vladimir Isachenkov reported from Moscow.").

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::dates;
use super::outlets;

/// What a byline line says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Byline {
    pub authors: Vec<String>,
    /// Where the author filed from ("Berlin").
    pub place: Option<String>,
    /// A full date printed in the byline.
    pub date: Option<NaiveDate>,
    /// An outlet named in the byline ("By Jane Doe, Associated Press").
    pub affiliation: Option<String>,
}

/// Words that may sit lower-case inside a person's name.
const PARTICLES: &[&str] = &[
    "de", "da", "di", "du", "dos", "das", "del", "della", "van", "von", "der", "den", "ter", "la",
    "le", "bin", "ibn", "al", "el", "y", "st.",
];
/// Capitalised words that start phrases, not names.
const NOT_FIRST_NAMES: &[&str] = &[
    "The", "A", "An", "This", "That", "Staff", "Our", "Your", "President", "Associated", "Reuters",
    "Mr.", "Mrs.", "Ms.", "Dr.", "In", "On", "At", "For", "From", "With", "And", "But", "If", "When",
];
/// Role words that may precede the names in a credit ("Associated Press editors ...").
static ROLE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:The\s+)?(?:[A-Z][\w.'’&-]*\s+){0,4}?)?(?i:staff\s+|contributing\s+|special\s+)?(?i:writers?|editors?|reporters?|correspondents?|photographers?|researchers?|journalists?|producers?)\s+",
    )
    .unwrap()
});
static ITEM_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*;\s*").unwrap());
/// Words that start the second half of a multi-word place after a comma ("Kansas City, New
/// Mexico"), so the half is not taken for a person.
const PLACE_STARTS: &[&str] = &[
    "New", "South", "North", "West", "East", "Saudi", "United", "Hong", "Sri", "El", "Costa",
    "Rhode", "Puerto", "San", "Los", "Las", "St.", "Santa", "Czech", "Sierra", "Papua",
];

/// Whether `s` has the shape of a person's name: 2 to 5 capitalised words, initials and name
/// particles, no digits.
pub fn looks_like_person(s: &str) -> bool {
    let toks: Vec<&str> = s.split_whitespace().collect();
    if toks.len() < 2 || toks.len() > 5 {
        return false;
    }
    if NOT_FIRST_NAMES.contains(&toks[0]) {
        return false;
    }
    let mut capitalised = 0;
    for (i, t) in toks.iter().enumerate() {
        let lower = t.to_lowercase();
        if i > 0 && PARTICLES.contains(&lower.as_str()) {
            continue;
        }
        if matches!(*t, "Jr." | "Sr." | "Jr" | "Sr" | "II" | "III" | "IV") && i > 0 {
            continue;
        }
        let mut chars = t.chars();
        let Some(first) = chars.next() else { return false };
        if !first.is_uppercase() {
            return false;
        }
        if !t.chars().all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-')) {
            return false;
        }
        capitalised += 1;
    }
    capitalised >= 2
}

/// Splits "A, B and C" / "A & B" into items.
fn split_items(s: &str) -> Vec<String> {
    ITEM_SPLIT.split(s).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

/// Cuts " in Moscow" (and anything after) off a credit item; returns (name, had_place).
fn cut_place(item: &str) -> (&str, bool) {
    match item.find(" in ").or_else(|| item.find(" from ")) {
        Some(i) => (item[..i].trim(), true),
        None => (item.trim(), false),
    }
}

/// People named in a list like "Dasha Litvinova in Moscow, Robert Burns in Washington, and
/// Yuras Karmanau in Kiev, Ukraine". Items that are the rest of a place are skipped.
pub fn people_in_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev_had_place = false;
    for item in split_items(s) {
        let (name, had_place) = cut_place(&item);
        let first = name.split_whitespace().next().unwrap_or("");
        let place_rest = prev_had_place && !had_place && PLACE_STARTS.contains(&first);
        if !place_rest && looks_like_person(name) {
            out.push(name.to_string());
            prev_had_place = had_place;
        } else if !place_rest {
            prev_had_place = prev_had_place && !had_place;
        }
    }
    out
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:By|BY|by)[:\s]\s*(.+)$").unwrap());

/// Parses a byline line; None when the line is not one (e.g. "By massing troops on the border").
pub fn parse_byline(line: &str) -> Option<Byline> {
    let line = line.trim();
    if line.chars().count() > 200 {
        return None;
    }
    let caps = BYLINE.captures(line)?;
    let mut rest = caps.get(1)?.as_str().trim();
    let mut out = Byline::default();
    // A date printed at the end ("... in Berlin December 8, 2021", "..., Dec. 8, 2021 at 5 p.m.").
    if let Some(m) = dates::find_full_dates(rest).into_iter().next() {
        let tail = &rest[m.end..];
        if tail.chars().count() <= 30 {
            out.date = Some(m.date);
            rest = rest[..m.start].trim_end_matches(|c: char| c.is_whitespace() || ",|·•-–—".contains(c));
        }
    }
    // Outlet affiliation after a separator ("By Jane Doe | Reuters").
    for sep in [" | ", " - ", " — ", " – "] {
        if let Some(i) = rest.rfind(sep) {
            let aff = rest[i + sep.len()..].trim();
            if let Some(o) = outlets::table().name(aff) {
                out.affiliation = Some(o.to_string());
                rest = rest[..i].trim();
            }
        }
    }
    let mut prev_had_place = false;
    for item in split_items(rest) {
        if let Some(o) = outlets::table().name(&item) {
            out.affiliation.get_or_insert_with(|| o.to_string());
            continue;
        }
        let (name, had_place) = cut_place(&item);
        if had_place && out.place.is_none() {
            let p = item[name.len()..].trim_start();
            let p = p.strip_prefix("in ").or_else(|| p.strip_prefix("from ")).unwrap_or(p);
            out.place = Some(p.trim().to_string());
        }
        let first = name.split_whitespace().next().unwrap_or("");
        if prev_had_place && !had_place && (PLACE_STARTS.contains(&first) || !name.contains(' ')) {
            continue; // second half of a place ("in Kiev, Ukraine")
        }
        if looks_like_person(name) {
            out.authors.push(name.to_string());
        } else if is_role_word(&item) {
            continue; // "Staff Writer", "Correspondent"
        } else {
            return None; // something that is neither a person, an outlet nor a role
        }
        prev_had_place = had_place;
    }
    if out.authors.is_empty() { None } else { Some(out) }
}

fn is_role_word(s: &str) -> bool {
    let l = s.to_lowercase();
    let words: Vec<&str> = l.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().any(|w| {
            matches!(
                w.trim_end_matches('s'),
                "writer" | "editor" | "reporter" | "correspondent" | "photographer" | "columnist" | "contributor"
            )
        })
}

static CONTRIBUTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?)\s+(?:also\s+)?contributed(?:\s+(?:reporting|research|to\s+(?:this|the)\s+(?:report|story|article)))?(?:\s+(?:from|in)\s+[^.]+)?\.?$").unwrap()
});
static REPORTED_FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s+reported\s+(?:from|in)\s+[A-Z][^.]*\.?$").unwrap());
/// One "NAMES (reported) from PLACE" clause of a "reported from" credit.
static FROM_CLAUSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|,\s*(?:and\s+)?)([^,]+?)\s+(?:(?:also\s+)?reported\s+)?(?:from|in)\s+[A-Z]").unwrap());
static REPORTING_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:additional\s+)?(?i:reporting|writing|editing|research)\s+by\s+(.+?)\.?$").unwrap()
});
static CONTRIBUTING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Contributing:\s+(.+?)\.?$").unwrap());

/// Splits a line into sentences at ". " that does not follow an initial or a short abbreviation.
pub fn sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if matches!(bytes[i], b'.' | b';') && bytes[i + 1] == b' ' {
            let word_start = line[..i].rfind(' ').map(|p| p + 1).unwrap_or(0);
            let word = &line[word_start..i];
            let abbrev = bytes[i] == b'.'
                && (word.chars().count() <= 1
                    || matches!(word, "Mr" | "Mrs" | "Ms" | "Dr" | "Gen" | "Col" | "Lt" | "Sgt" | "St" | "Jr" | "Sr" | "Gov" | "Sen" | "Rep" | "U.S" | "U.N")
                    || word.contains('.'));
            if !abbrev {
                out.push(line[start..=i].trim());
                start = i + 2;
            }
        }
        i += 1;
    }
    if start < line.len() {
        out.push(line[start..].trim());
    }
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// The people a contributor line credits, or None when the line is not (only) credits.
pub fn parse_credit_line(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 400 {
        return None;
    }
    // Every sentence must match one of the four credit forms, and each form has a literal
    // word ("contributed", "reported", "by", "Contributing:"): a line with none of them is no
    // credit (most body lines), without splitting it or running the regexes.
    if !["contributed", "reported", "by", "Contributing:"].iter().any(|w| line.contains(w)) {
        return None;
    }
    let mut people = Vec::new();
    for s in sentences(line) {
        // "A reported from X, and B and C from Y, Hawaii."
        if REPORTED_FROM.is_match(s) {
            let mut found = Vec::new();
            for c in FROM_CLAUSE.captures_iter(s) {
                found.extend(people_in_list(c.get(1).map_or("", |m| m.as_str())));
            }
            if found.is_empty() {
                return None;
            }
            people.extend(found);
            continue;
        }
        let who = CONTRIBUTED
            .captures(s)
            .or_else(|| REPORTED_FROM.captures(s))
            .or_else(|| REPORTING_BY.captures(s))
            .or_else(|| CONTRIBUTING.captures(s))
            .and_then(|c| c.get(1))?
            .as_str();
        let who = match ROLE_PREFIX.find(who) {
            Some(m) => &who[m.end()..],
            None => who,
        };
        let found = people_in_list(who);
        if found.is_empty() {
            return None;
        }
        people.extend(found);
    }
    if people.is_empty() { None } else { Some(people) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bne_byline_with_place_and_date() {
        let b = parse_byline("By Ben Aris in Berlin December 8, 2021").unwrap();
        assert_eq!(b.authors, vec!["Ben Aris"]);
        assert_eq!(b.place.as_deref(), Some("Berlin"));
        assert_eq!(b.date, NaiveDate::from_ymd_opt(2021, 12, 8));
    }

    #[test]
    fn two_authors_and_affiliation() {
        let b = parse_byline("By Jane Doe and John Roe").unwrap();
        assert_eq!(b.authors, vec!["Jane Doe", "John Roe"]);
        let b = parse_byline("By Jane Doe, Associated Press").unwrap();
        assert_eq!(b.authors, vec!["Jane Doe"]);
        assert_eq!(b.affiliation.as_deref(), Some("Associated Press"));
        let b = parse_byline("By Mary Ann de la Cruz, Staff Writer").unwrap();
        assert_eq!(b.authors, vec!["Mary Ann de la Cruz"]);
    }

    #[test]
    fn body_sentences_are_not_bylines() {
        assert!(parse_byline("By massing troops on the border and then publishing two draft treaties, Mr. Putin created a crisis.").is_none());
        assert!(parse_byline("By the end of the week, nothing had changed").is_none());
        assert!(parse_byline("Byzantine politics").is_none());
    }

    #[test]
    fn contributor_lines() {
        assert_eq!(
            parse_credit_line("Mary Ilyushina and Natalia Abbakumova contributed to this report.").unwrap(),
            vec!["Mary Ilyushina", "Natalia Abbakumova"]
        );
        assert_eq!(
            parse_credit_line("Vladimir Isachenkov reported from Moscow. Associated Press editors Dasha Litvinova in Moscow, Robert Burns in Washington, and Yuras Karmanau in Kiev, Ukraine contributed to this report.").unwrap(),
            vec!["Vladimir Isachenkov", "Dasha Litvinova", "Robert Burns", "Yuras Karmanau"]
        );
        assert_eq!(
            parse_credit_line("Julie Hirschfeld Davis reported from Midway Atoll, and Mark Landler and Coral Davenport from Kaneohe Bay, Hawaii.").unwrap(),
            vec!["Julie Hirschfeld Davis", "Mark Landler", "Coral Davenport"]
        );
        assert_eq!(
            parse_credit_line("Reporting by Jane Doe in London and John Roe in New York; Editing by Jim Poe").unwrap(),
            vec!["Jane Doe", "John Roe", "Jim Poe"]
        );
        assert_eq!(
            parse_credit_line("Jane Doe in Kansas City, New Mexico, and John Roe contributed reporting.").unwrap(),
            vec!["Jane Doe", "John Roe"]
        );
    }

    #[test]
    fn body_lines_are_not_credits() {
        assert!(parse_credit_line("Ukraine’s foreign minister, Dmytro Kuleba, said the talks had served to deter Russia.").is_none());
        assert!(parse_credit_line("The BBC reported from Kyiv.").is_none());
        assert!(parse_credit_line("Some analysts contributed to this confusion.").is_none());
        assert!(parse_credit_line("").is_none());
    }
}
