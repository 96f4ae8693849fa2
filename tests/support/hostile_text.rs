//! proptest strategies for hostile article text, shared by the property tests of normalise and
//! annotate (included with `#[path]`): news-like words and punctuation mixed with every kind of
//! character that breaks naive text code (curly and straight quotes, dashes, digits, combining
//! marks, emoji, right-to-left text and bidi controls, NUL and other controls, CRLF, very long
//! lines), plus plain arbitrary Unicode.
#![allow(dead_code)]

use proptest::prelude::*;

const WORDS: &[&str] = &[
    "The", "the", "Kremlin", "said", "President", "Biden", "Putin", "Mr.", "Dr.", "U.S.", "Ukraine", "talks", "on", "Tuesday",
    "December", "Dec.", "last", "week", "in", "Geneva", "officials", "according", "to", "told", "reporters", "a", "spokesman",
    "percent", "million", "billion", "troops", "about", "nearly", "more", "than", "he", "she", "They", "WASHINGTON", "MOSCOW",
    "Jan.", "p.m.", "a.m.", "St.", "Inc.", "Read", "more", "Advertisement", "Story", "continues", "below", "Copyright", "AP",
    "tomorrow", "yesterday", "next", "month", "2021", "1991", "7", "Dec", "31",
];

const PIECES: &[&str] = &[
    "“", "”", "‘", "’", "\"", "'", "«", "»", "„", "—", "–", "-", "--", ".", "...", "…", ",", ";", ":", "?", "!", "(", ")", "[", "]",
    "$", "€", "%", "1,200", "3.5", "$3.5 billion", "12%", "100,000", "0", "00", "1.", "2.", "No. 1", "24/7", "Dec. 7, 2021",
    "7 December 2021", "2021-12-07", "12/7/21", "the 1990s", "two", "twenty-five", "half", "\u{301}", "\u{308}\u{336}", "e\u{301}",
    "😀", "👍🏽", "👨‍👩‍👧", "🇺🇦", "שלום", "القاهرة", "Кремль", "中文", "\u{202e}", "\u{200f}", "\u{2066}", "\0", "\u{1}", "\u{7}", "\u{8}",
    "\u{b}", "\u{c}", "\u{1b}", "\u{7f}", "\u{85}", "\u{9c}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{ad}", "\u{200b}", "\u{200d}",
    "\u{a0}", "\u{2009}", "\u{3000}", "\t", "\r\n", "\r", "\n", "\n\n", " \n \n", "\u{fffd}", "\u{10ffff}", "\u{e000}", "ﬁ", "Ⅻ",
    "１２３", "٣", "𝟕", "A.", "B.", "&amp;", "<p>", "http://example.com/a.b?c=d", "@user", "#tag",
];

/// One token: a news word, a hostile piece, a run of digits, or any character at all.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(WORDS).prop_map(str::to_string),
        5 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => "[0-9]{1,12}",
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[\\x00-\\x1f\\x7f]",
    ]
}

/// Tokens joined by spaces, nothing, or line breaks of every kind.
fn newsish(max_tokens: usize) -> impl Strategy<Value = String> {
    let sep = prop_oneof![8 => Just(" "), 2 => Just(""), 1 => Just("\n"), 1 => Just("\n\n"), 1 => Just("\r\n"), 1 => Just("\r\n\r\n")];
    proptest::collection::vec((token(), sep), 0..max_tokens).prop_map(|v| {
        let mut s = String::new();
        for (t, sep) in v {
            s.push_str(&t);
            s.push_str(sep);
        }
        s
    })
}

/// A long line: a short news-like run repeated until it is thousands of characters long, with
/// no line break in it.
fn long_line() -> impl Strategy<Value = String> {
    (newsish(12), 200usize..2_000).prop_map(|(s, n)| {
        let line: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
        let unit = if line.is_empty() { "x ".to_string() } else { line };
        unit.repeat(n.max(1)).chars().take(40_000).collect()
    })
}

/// Hostile article text: mostly news-like, sometimes arbitrary Unicode, sometimes with a very long
/// line inside, sometimes a real article paragraph with damage spliced in.
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => newsish(300),
        2 => any::<String>(),
        1 => "(?s:.{0,200})",
        1 => (newsish(40), long_line(), newsish(40)).prop_map(|(a, b, c)| format!("{a}\n{b}\n{c}")),
        2 => (proptest::sample::select(ARTICLE_SNIPPETS), newsish(30), any::<proptest::sample::Index>())
            .prop_map(|(snippet, noise, at)| {
                let chars: Vec<char> = snippet.chars().collect();
                let i = at.index(chars.len() + 1);
                let mut s: String = chars[..i].iter().collect();
                s.push_str(&noise);
                s.extend(&chars[i..]);
                s
            }),
    ]
}

/// A publication date as ingest might set it: a valid ISO date, or junk that must not crash.
pub fn published() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        2 => (1900i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| Some(format!("{y:04}-{m:02}-{d:02}"))),
        1 => proptest::sample::select(&["0000-00-00", "2021-02-30", "9999-12-31", "2021-13-01", "-001-01-01", "", "2021", "2021-12"][..])
            .prop_map(|s| Some(s.to_string())),
        1 => ".{0,12}".prop_map(Some),
    ]
}

const ARTICLE_SNIPPETS: &[&str] = &[
    "WASHINGTON — President Biden warned Russian President Vladimir Putin on Tuesday that the United States would impose “strong economic and other measures” if Russia invaded Ukraine, a senior administration official said.\n\n“He was crystal clear,” national security adviser Jake Sullivan told reporters at the White House.",
    "MOSCOW (AP) — The Kremlin said on Dec. 7 that the two leaders spoke for just over two hours. Peskov said, \"The conversation was frank and businesslike.\"\n\nAdvertisement\n\nStory continues below advertisement\n\nRussia has massed about 100,000 troops, or 175,000 by some U.S. estimates, near the border.",
    "Biden and Putin speak for nearly an hour . . The two presidents , who met in Geneva in June , spoke Thursday . \" We will respond decisively , \" he said .\r\n\r\nCopyright 2021 The Associated Press. All rights reserved.",
    "The ruble fell 1.2% to 73.5 per dollar on Monday, and gas prices rose $3.5 billion, or 12 percent, since last month. ‘It is a signal,’ she said, ‘nothing more.’ Mr. Putin, 69, said the talks would go on next week.",
];
