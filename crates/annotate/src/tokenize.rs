//! News-aware word tokenizer with byte offsets, splitting text the way CoNLL-2003 (and the tagger
//! trained on it) expects: punctuation, curly and straight quotes and dashes are tokens of their
//! own; possessive ’s/'s and contractions (n't, 're) are split off; abbreviations and initials
//! keep their period ("U.S.", "Mr.", "V."); hyphenated words, numbers ("100,000", "2.5") and URLs
//! stay whole.

/// One token: byte range into the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, s: &'a str) -> &'a str {
        &s[self.start..self.end]
    }
}

/// Abbreviations that keep their period (lower-cased, without the period). Titles, months,
/// company suffixes and a few Latin ones; initials and dotted acronyms are recognised by form.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "cmdr", "adm", "maj", "cpl",
    "pvt", "rev", "fr", "jr", "sr", "st", "mt", "ft", "inc", "corp", "ltd", "co", "bros", "plc", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun", "vs", "etc", "no", "nos", "vol", "dept", "univ", "assn", "ave", "blvd", "rd",
    "approx", "est", "pres", "sec", "supt", "messrs", "mme", "mlle", "hon", "ald", "calif", "colo", "conn", "del",
    "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev",
    "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "ariz", "ark", "ala",
];

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '„' | '‚' | '‹' | '›' | '`')
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―' | '‒')
}

/// Characters always split off the edges of a word.
fn is_edge_punct(c: char) -> bool {
    is_quote(c)
        || is_dash(c)
        || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | ':' | '!' | '?' | '…' | '*' | '•' | '·' | '¡' | '¿')
}

/// Splits `text` into tokens (byte offsets, in order, never empty, never overlapping).
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_prefix(text, usize::MAX)
}

/// The first tokens of [`tokenize`]`(text)`: all of them, or at least `min_tokens`. Whitespace
/// chunks are split independently, so stopping after a chunk gives exactly the full list's
/// prefix.
pub fn tokenize_prefix(text: &str, min_tokens: usize) -> Vec<Token> {
    let mut out = Vec::with_capacity((text.len() / 5).min(min_tokens.saturating_add(4)));
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() {
            match separator_at(text, i) {
                (true, len) => i += len,
                (false, _) => break,
            }
        }
        if i == bytes.len() {
            return out;
        }
        // The chunk. ASCII letters and digits, most of any text, are passed over in a tight
        // loop; a chunk of them alone is one token (no rule of `split_chunk` splits it), so it
        // is not scanned again there.
        let s = i;
        let mut plain = true;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            match separator_at(text, i) {
                (true, _) => break,
                (false, len) => {
                    plain = false;
                    i += len;
                }
            }
        }
        if plain {
            out.push(Token { start: s, end: i });
        } else {
            split_chunk(text, s, i, &mut out);
        }
        if out.len() >= min_tokens {
            return out;
        }
    }
}

/// Whether the character at byte `i` (a char boundary) separates chunks, and its length.
#[inline]
fn separator_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes()[i] {
        // ASCII is judged by its byte (the ASCII whitespace of `char::is_whitespace`, vertical
        // tab included); only other characters are decoded.
        b if b.is_ascii() => (matches!(b, b'\t'..=b'\r' | b' '), 1),
        _ => {
            let c = text[i..].chars().next().expect("a char starts at every non-continuation byte");
            (c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}', c.len_utf8())
        }
    }
}

/// Splits one whitespace-free chunk `text[s..e]`.
fn split_chunk(text: &str, mut s: usize, mut e: usize, out: &mut Vec<Token>) {
    // Most chunks are plain words of ASCII letters and digits: no rule below splits those (no
    // URL, punctuation, period, apostrophe, dash or quote), so they are one token as they are.
    if s < e && text.as_bytes()[s..e].iter().all(u8::is_ascii_alphanumeric) {
        out.push(Token { start: s, end: e });
        return;
    }
    if looks_like_url(&text[s..e]) {
        // Keep the address whole, minus trailing sentence punctuation.
        let mut tail = Vec::new();
        while let Some(c) = text[s..e].chars().next_back() {
            if matches!(c, '.' | ',' | ';' | ':' | ')' | '!' | '?') || is_quote(c) {
                let cl = c.len_utf8();
                tail.push(Token { start: e - cl, end: e });
                e -= cl;
            } else {
                break;
            }
        }
        if s < e {
            out.push(Token { start: s, end: e });
        }
        out.extend(tail.into_iter().rev());
        return;
    }
    // Leading punctuation, one token per character ("--" stays one token).
    loop {
        let rest = &text[s..e];
        let Some(c) = rest.chars().next() else { return };
        if rest.starts_with("--") {
            let n = rest.bytes().take_while(|&b| b == b'-').count();
            out.push(Token { start: s, end: s + n });
            s += n;
        } else if is_edge_punct(c) && !(c == '\'' && is_year_elision(rest)) {
            out.push(Token { start: s, end: s + c.len_utf8() });
            s += c.len_utf8();
        } else {
            break;
        }
    }
    // Trailing punctuation, pushed back to front onto `out` and moved behind the word's own
    // tokens afterwards (no buffer of its own: most chunks have one or none).
    let mark = out.len();
    loop {
        let rest = &text[s..e];
        let Some(c) = rest.chars().next_back() else { break };
        if rest.ends_with("--") && rest.len() > 2 {
            let n = rest.bytes().rev().take_while(|&b| b == b'-').count();
            out.push(Token { start: e - n, end: e });
            e -= n;
        } else if c == '.' {
            if keeps_period(rest) {
                break;
            }
            // "..." stays one token.
            let n = rest.bytes().rev().take_while(|&b| b == b'.').count();
            out.push(Token { start: e - n, end: e });
            e -= n;
        } else if (c == '\'' || c == '’') && rest.chars().count() > 2 && rest[..rest.len() - c.len_utf8()].ends_with(['s', 'S']) {
            // Plural possessive: "countries’" -> "countries" "’".
            out.push(Token { start: e - c.len_utf8(), end: e });
            e -= c.len_utf8();
        } else if is_edge_punct(c) {
            out.push(Token { start: e - c.len_utf8(), end: e });
            e -= c.len_utf8();
        } else {
            break;
        }
    }
    let n_tail = out.len() - mark;
    split_inner(text, s, e, out);
    if n_tail > 0 {
        // [tail reversed][inner] -> [inner][tail in text order]
        out[mark..].rotate_left(n_tail);
        let len = out.len();
        out[len - n_tail..].reverse();
    }
}

/// Inside a word: dashes and quotes between words split it; possessives and contractions split
/// off the end.
fn split_inner(text: &str, s: usize, e: usize, out: &mut Vec<Token>) {
    if s >= e {
        return;
    }
    let word = &text[s..e];
    // One pass over the bytes after the first says which of the checks below can apply: in ASCII
    // only '"' and "--" cut a word and only '\'' opens a contraction; any non-ASCII byte may be
    // one of the curly or dash characters, so it keeps both checks.
    let (mut may_cut, mut may_contract) = (false, false);
    for &b in &word.as_bytes()[1..] {
        match b {
            b'"' | b'-' => may_cut = true,
            b'\'' => may_contract = true,
            0x80.. => (may_cut, may_contract) = (true, true),
            _ => {}
        }
    }
    // Em dashes, ellipses and "--" glued between words: "Moscow—the".
    let mut cut = None;
    for (i, c) in word.char_indices().skip(1).take_while(|_| may_cut) {
        if i > 0 && (is_dash(c) || c == '…' || c == '"' || c == '“' || c == '”') {
            cut = Some((i, c.len_utf8()));
            break;
        }
        if i > 0 && word[i..].starts_with("--") {
            let n = word[i..].bytes().take_while(|&b| b == b'-').count();
            cut = Some((i, n));
            break;
        }
    }
    if let Some((i, n)) = cut {
        split_chunk(text, s, s + i, out);
        out.push(Token { start: s + i, end: s + i + n });
        split_chunk(text, s + i + n, e, out);
        return;
    }
    // Possessive and contractions; every one has an apostrophe after the first character.
    if !may_contract {
        out.push(Token { start: s, end: e });
        return;
    }
    for suffix in ["'s", "’s", "'S", "’S", "n't", "n’t", "N'T", "N’T", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'m", "’m", "'d", "’d"] {
        if word.len() > suffix.len() && word.ends_with(suffix) {
            let cut = e - suffix.len();
            // "n't" needs a letter before it; the others need a word before the apostrophe.
            if text[s..cut].chars().next_back().is_some_and(char::is_alphanumeric) {
                out.push(Token { start: s, end: cut });
                out.push(Token { start: cut, end: e });
                return;
            }
        }
    }
    out.push(Token { start: s, end: e });
}

/// Whether a word ending in '.' keeps it: initials ("V."), dotted acronyms ("U.S.", "a.m."),
/// known abbreviations ("Mr.", "Gen.", "Dec.").
fn keeps_period(w: &str) -> bool {
    let stem = &w[..w.len() - 1];
    if stem.is_empty() || stem.ends_with('.') {
        return false;
    }
    let letters = stem.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && stem.chars().count() == 1 {
        return stem.chars().all(|c| c.is_uppercase());
    }
    // Dotted acronyms: every part short and alphabetic ("U.S", "a.m", "U.K").
    if stem.contains('.') && stem.split('.').all(|p| !p.is_empty() && p.chars().count() <= 2 && p.chars().all(char::is_alphabetic)) {
        return true;
    }
    // Only a capitalised word can be one (checked first: most words before a full stop are not).
    if !stem.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    if stem.is_ascii() {
        ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(stem))
    } else {
        // Lowercasing can make a non-ASCII letter ASCII (KELVIN SIGN -> "k").
        ABBREVIATIONS.contains(&stem.to_lowercase().as_str())
    }
}

/// "'90s", "'21": an apostrophe that elides a year's century.
fn is_year_elision(s: &str) -> bool {
    let mut ch = s.chars();
    ch.next();
    let digits = ch.clone().take_while(char::is_ascii_digit).count();
    digits == 2
}

fn looks_like_url(w: &str) -> bool {
    let l = w.trim_start_matches(|c: char| is_edge_punct(c));
    // A byte loop for '@': the chunks are short, too short for `contains`' memchr to pay off.
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.") || (l.bytes().any(|b| b == b'@') && l.contains('.') && !l.starts_with('@'))
}

/// The token as the tagger was trained to see it: curly quotes and dashes in their CoNLL forms.
///
/// Called for every token: the ASCII case (most tokens) is inlined into the caller, the mapping
/// is not.
#[inline]
pub fn model_form(tok: &str) -> std::borrow::Cow<'_, str> {
    if tok.is_ascii() { std::borrow::Cow::Borrowed(tok) } else { std::borrow::Cow::Owned(mapped_form(tok)) }
}

/// [`model_form`] of a token with non-ASCII characters.
fn mapped_form(tok: &str) -> String {
    let mut s = String::with_capacity(tok.len());
    for c in tok.chars() {
        match c {
            '’' | '‘' | '‚' | '‹' | '›' => s.push('\''),
            '“' | '”' | '„' | '«' | '»' => s.push('"'),
            '—' | '―' => s.push_str("--"),
            '–' | '‒' => s.push('-'),
            '…' => s.push_str("..."),
            _ => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn news_sentence() {
        assert_eq!(
            toks("MOSCOW — The Kremlin expects talks with the U.S. on Ukraine’s border, Putin’s aide said."),
            vec!["MOSCOW", "—", "The", "Kremlin", "expects", "talks", "with", "the", "U.S.", "on", "Ukraine", "’s", "border", ",", "Putin", "’s", "aide", "said", "."]
        );
    }

    #[test]
    fn quotes_and_dashes() {
        assert_eq!(
            toks("“We can continue this dialogue,” Putin said—calmly. \"Yes\" (no)"),
            vec!["“", "We", "can", "continue", "this", "dialogue", ",", "”", "Putin", "said", "—", "calmly", ".", "\"", "Yes", "\"", "(", "no", ")"]
        );
        assert_eq!(toks("U.S.-Russia talks -- again"), vec!["U.S.-Russia", "talks", "--", "again"]);
    }

    #[test]
    fn abbreviations_initials_numbers() {
        assert_eq!(
            toks("Mr. Putin and Vladimir V. Putin met Gen. Mark Milley on Dec. 7 at 10 a.m. with 100,000 troops, 2.5 percent."),
            vec![
                "Mr.", "Putin", "and", "Vladimir", "V.", "Putin", "met", "Gen.", "Mark", "Milley", "on", "Dec.", "7", "at", "10", "a.m.",
                "with", "100,000", "troops", ",", "2.5", "percent", "."
            ]
        );
        // A sentence-final word is not an abbreviation.
        assert_eq!(toks("He went home."), vec!["He", "went", "home", "."]);
    }

    #[test]
    fn possessives_and_contractions() {
        assert_eq!(toks("Biden's don't countries’ it’s"), vec!["Biden", "'s", "do", "n't", "countries", "’", "it", "’s"]);
        // The apostrophe of a lone "'s" or a year stays.
        assert_eq!(toks("the '90s"), vec!["the", "'90s"]);
    }

    #[test]
    fn offsets_are_exact_on_any_input() {
        for s in ["", "   ", "—", "’s", "“”", "a\u{200b}b", "Кремль — “да”.", "😀 x.", "...", "--", "'", "U.S.", ".'", "e\u{301}."] {
            let ts = tokenize(s);
            let mut last = 0;
            for t in &ts {
                assert!(t.start < t.end && t.start >= last && t.end <= s.len(), "{s:?} {ts:?}");
                assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                assert!(!t.text(s).trim().is_empty());
                last = t.end;
            }
        }
    }

    #[test]
    fn prefix_is_a_prefix() {
        let s = "“We can’t,” Putin said—calmly (again). Mr. Biden’s aides, U.S. officials... and countries’ envoys.";
        let all = tokenize(s);
        for n in 0..all.len() + 2 {
            let p = tokenize_prefix(s, n);
            assert!(p.len() >= n.min(all.len()), "{n}");
            assert_eq!(p[..], all[..p.len()], "{n}");
        }
    }

    /// The chunk scan before the fast path for plain chunks: every byte judged, every chunk
    /// given to `split_chunk`.
    fn reference_prefix(text: &str, min_tokens: usize) -> Vec<Token> {
        let mut out = Vec::new();
        let mut chunk_start: Option<usize> = None;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
                if let Some(s) = chunk_start.take() {
                    split_chunk(text, s, i, &mut out);
                    if out.len() >= min_tokens {
                        return out;
                    }
                }
            } else if chunk_start.is_none() {
                chunk_start = Some(i);
            }
        }
        if let Some(s) = chunk_start {
            split_chunk(text, s, text.len(), &mut out);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn prefix_matches_the_plain_chunk_scan(
            text in "([A-Za-z0-9]{1,8}|[ \\t\\n\u{a0}\u{200b}\u{2003}]|[.,'’“”—()-]|Mr\\.|U\\.S\\.|n't|https://x\\.y|\\PC){0,40}",
            min in 0usize..12,
        ) {
            proptest::prop_assert_eq!(tokenize_prefix(&text, min), reference_prefix(&text, min));
            proptest::prop_assert_eq!(tokenize(&text), reference_prefix(&text, usize::MAX));
        }
    }

    #[test]
    fn urls_stay_whole() {
        assert_eq!(toks("See https://www.washingtonpost.com/world/x.html."), vec!["See", "https://www.washingtonpost.com/world/x.html", "."]);
    }

    #[test]
    fn model_form_maps_typography() {
        assert_eq!(model_form("’s"), "'s");
        assert_eq!(model_form("“"), "\"");
        assert_eq!(model_form("—"), "--");
        assert_eq!(model_form("Putin"), "Putin");
    }
}
