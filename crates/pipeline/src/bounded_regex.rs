//! Regexes with bounded repeats of character classes, cheap to compile and to search.
//!
//! The regex crate compiles `[\p{L} .-]{1,60}` as sixty copies of the class's UTF-8 automaton,
//! forward and in reverse: one such rule took ~200 M instructions (tens of milliseconds) to
//! compile, and its lazy DFAs build a state per count. [`BoundedRegex`] compiles the pattern with
//! those upper bounds dropped (`{1,}`), which is one or two copies, and finds the very same
//! matches:
//!
//! - Without the bounds the regex can only match more, so no relaxed match means no match.
//! - Leftmost-first matching is the first success of a backtracking search, and dropping a bound
//!   adds paths without reordering the others (a repeat tries its counts in the same order either
//!   way: most first when greedy, fewest first when lazy). So when the relaxed search's winner repeats each relaxed class at most as often as its
//!   bound allowed, it is also the bounded pattern's winner, with the same groups.
//! - Each iteration of a class consumes one character, so a repeat inside a capture group (or the
//!   whole match, group 0) iterates at most as often as the group's span has characters: a span
//!   no longer than the bound proves the bound held. A group inside a loop only captures its last
//!   iteration, so the nearest group outside every loop is the one checked.
//!
//! Only when a winner's span exceeds a bound (a 40-character caption credit, say: rare) is the
//! pattern compiled as written, once, and asked instead. [`BoundedRegex::is_match`] asks a form
//! compiled for the NFA engines only (PikeVM, backtracker): the regex crate's lazy DFA needs a
//! reverse NFA too, and compiling the bounded repeats in reverse is most of their cost (~84 M
//! instructions for the slash caption credit, against ~45 M for the forward NFA alone), where a
//! rare yes-or-no answer on a short line needs no fast engine.
//!
//! A pattern with Unicode word boundaries (`\b`) also gets a form with ASCII ones, for texts
//! whose word characters are all ASCII (see [`WordScan`]): there the two agree at every position,
//! and the ASCII form stays on the DFAs where the Unicode one falls back to the slow PikeVM as
//! soon as a curly quote or a dash is in the text. The ASCII form is compiled at once, the
//! Unicode one when a text first needs it (like [`crate::word_regex::WordRegex`]): a run over
//! English news may never need it, and each compile is a fixed cost of every run.

use std::sync::{Arc, OnceLock};

use regex::{Captures, Regex};
use regex_automata::meta;
use regex_syntax::ast::{self, Ast, AssertionKind, RepetitionKind, RepetitionRange};

use crate::word_regex::WordScan;

/// Bounded repeats of fewer iterations are left as they are (`\d{1,2}`): they compile cheaply,
/// and a span check on them would rarely pass.
const MIN_RELAXED_BOUND: u32 = 8;

/// A regex whose bounded repeats of character classes are searched unbounded (see the module
/// docs); same matches and groups as `Regex::new(pattern)`. The forms compiled on first need
/// are shared by clones: the boilerplate rules are cloned into each step before any search.
#[derive(Debug, Clone)]
pub struct BoundedRegex {
    pattern: String,
    /// The pattern with its bounds dropped, compiled as `relaxed`.
    relaxed_pattern: String,
    /// Compiled at once unless `ascii_words` is there, else on first need.
    relaxed: Arc<OnceLock<Regex>>,
    /// (capture group index, bound): a span of the group no longer than the bound proves the
    /// repeats it encloses kept their bounds.
    bounds: Vec<(usize, usize)>,
    /// `relaxed` with ASCII word boundaries, when it has Unicode ones.
    ascii_words: Option<Regex>,
    exact: Arc<OnceLock<Regex>>,
    /// The pattern as written for the NFA engines only: [`Self::is_match`]'s fallback.
    exact_nfa: Arc<OnceLock<meta::Regex>>,
}

impl BoundedRegex {
    pub fn new(pattern: &str) -> Result<Self, regex::Error> {
        // The syntax tree, not the HIR: printed back, it keeps `\p{L}` as written, where the
        // HIR would spell out every range of the class for `Regex::new` to parse again.
        let mut ast = match ast::parse::Parser::new().parse(pattern) {
            Ok(ast) => ast,
            // The regex crate's own error, worded as users of `Regex::new` know it.
            Err(e) => return Err(Regex::new(pattern).err().unwrap_or_else(|| regex::Error::Syntax(e.to_string()))),
        };
        let mut bounds = Vec::new();
        relax(&mut ast, 0, false, &mut bounds);
        let relaxed_pattern = ast.to_string();
        let mut unicode_words = false;
        ascii_word_boundaries(&mut ast, &mut unicode_words);
        let ascii_words = if unicode_words { Some(Regex::new(&ast.to_string())?) } else { None };
        // Nothing to relax: the pattern as written is the relaxed regex too.
        let relaxed_pattern = if bounds.is_empty() { pattern.to_string() } else { relaxed_pattern };
        let relaxed = Arc::new(OnceLock::new());
        if ascii_words.is_none() {
            // Compiled now, so that a bad pattern is an error here. (The Unicode form of a
            // pattern whose ASCII form compiled differs only in its `\b`: it compiles too.)
            relaxed.set(Regex::new(&relaxed_pattern)?).expect("just made");
        }
        Ok(BoundedRegex {
            pattern: pattern.to_string(),
            relaxed_pattern,
            relaxed,
            bounds,
            ascii_words,
            exact: Arc::default(),
            exact_nfa: Arc::default(),
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn capture_names(&self) -> regex::CaptureNames<'_> {
        // The same groups in both forms.
        self.ascii_words.as_ref().unwrap_or_else(|| self.relaxed()).capture_names()
    }

    /// The relaxed regex with Unicode word boundaries, compiled on first need.
    fn relaxed(&self) -> &Regex {
        self.relaxed.get_or_init(|| Regex::new(&self.relaxed_pattern).expect("its ASCII form compiled"))
    }

    /// The regex as written, compiled on first need.
    fn exact(&self) -> &Regex {
        if self.bounds.is_empty() {
            return self.relaxed();
        }
        self.exact.get_or_init(|| Regex::new(&self.pattern).expect("its relaxed form compiled"))
    }

    /// Whether `span` has at most `bound` characters (no more than its bytes).
    fn within(span: &str, bound: usize) -> bool {
        span.len() <= bound || span.chars().count() <= bound
    }

    /// The relaxed regex to search `text` with: same matches as `self.relaxed`.
    fn relaxed_for(&self, text: &str) -> &Regex {
        match &self.ascii_words {
            Some(ascii) if WordScan::of(text).ascii_words() => ascii,
            _ => self.relaxed(),
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        if self.bounds.is_empty() {
            return self.relaxed_for(text).is_match(text);
        }
        let Some(m) = self.relaxed_for(text).find(text) else { return false };
        // Every group lies within the whole match: a short match settles it without groups.
        if self.bounds.iter().all(|&(_, b)| Self::within(m.as_str(), b)) {
            return true;
        }
        if self.relaxed_for(text).captures(text).is_some_and(|caps| self.keeps_bounds(&caps)) {
            return true;
        }
        self.exact_nfa().is_match(text)
    }

    /// The pattern as written, compiled on first need without the lazy DFA (see the module docs):
    /// `meta::Regex::new` with the syntax defaults `Regex::new` uses, same matches.
    fn exact_nfa(&self) -> &meta::Regex {
        self.exact_nfa.get_or_init(|| {
            meta::Regex::builder()
                .configure(meta::Config::new().hybrid(false).dfa(false).onepass(false))
                .build(&self.pattern)
                .expect("its relaxed form compiled")
        })
    }

    /// Whether the relaxed winner's groups prove it kept every bound.
    fn keeps_bounds(&self, caps: &Captures) -> bool {
        // A group that took no part holds no iteration of the repeats inside it.
        self.bounds.iter().all(|&(g, b)| caps.get(g).is_none_or(|m| Self::within(m.as_str(), b)))
    }

    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        let caps = self.relaxed_for(text).captures(text)?;
        if self.keeps_bounds(&caps) {
            return Some(caps);
        }
        self.exact().captures(text)
    }
}

/// Drops the upper bounds of `ast`'s bounded repeats of a character class (`{2,40}` -> `{2,}`);
/// each dropped bound is recorded with `group`, the nearest capture group that encloses it
/// outside every loop. (Any class matches one character per iteration, which the span check
/// needs; the bound below which repeats are kept is only a matter of cost.)
fn relax(ast: &mut Ast, group: usize, in_loop: bool, bounds: &mut Vec<(usize, usize)>) {
    match ast {
        Ast::Repetition(rep) => {
            let is_class = matches!(*rep.ast, Ast::ClassUnicode(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_) | Ast::Dot(_));
            match rep.op.kind {
                RepetitionKind::Range(RepetitionRange::Bounded(min, max)) if is_class && max >= MIN_RELAXED_BOUND => {
                    bounds.push((group, max as usize));
                    rep.op.kind = RepetitionKind::Range(RepetitionRange::AtLeast(min));
                }
                ref kind => {
                    let once = matches!(kind, RepetitionKind::ZeroOrOne | RepetitionKind::Range(RepetitionRange::Exactly(0 | 1) | RepetitionRange::Bounded(_, 0 | 1)));
                    relax(&mut rep.ast, group, in_loop || !once, bounds);
                }
            }
        }
        Ast::Group(g) => {
            let group = match g.capture_index() {
                Some(index) if !in_loop => index as usize,
                _ => group,
            };
            relax(&mut g.ast, group, in_loop, bounds);
        }
        Ast::Concat(c) => c.asts.iter_mut().for_each(|a| relax(a, group, in_loop, bounds)),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(|a| relax(a, group, in_loop, bounds)),
        _ => {}
    }
}

/// Wraps `ast`'s word-boundary assertions in `(?-u:...)`; `changed` tells whether it had any.
/// (One that was ASCII already stays ASCII: a needless but harmless second regex.)
fn ascii_word_boundaries(ast: &mut Ast, changed: &mut bool) {
    match ast {
        Ast::Assertion(a) => {
            use AssertionKind::*;
            if matches!(
                a.kind,
                WordBoundary | NotWordBoundary | WordBoundaryStart | WordBoundaryEnd | WordBoundaryStartAngle | WordBoundaryEndAngle | WordBoundaryStartHalf | WordBoundaryEndHalf
            ) {
                let span = a.span;
                let not_unicode = ast::Flags {
                    span,
                    items: vec![
                        ast::FlagsItem { span, kind: ast::FlagsItemKind::Negation },
                        ast::FlagsItem { span, kind: ast::FlagsItemKind::Flag(ast::Flag::Unicode) },
                    ],
                };
                let assertion = std::mem::replace(ast, Ast::empty(span));
                *ast = Ast::group(ast::Group { span, kind: ast::GroupKind::NonCapturing(not_unicode), ast: Box::new(assertion) });
                *changed = true;
            }
        }
        Ast::Repetition(rep) => ascii_word_boundaries(&mut rep.ast, changed),
        Ast::Group(g) => ascii_word_boundaries(&mut g.ast, changed),
        Ast::Concat(c) => c.asts.iter_mut().for_each(|a| ascii_word_boundaries(a, changed)),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(|a| ascii_word_boundaries(a, changed)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random texts, checked against the pattern as written: each text takes 0 to 11 random
    /// pieces from each slot in turn (long runs, to exceed the bounds, and missing delimiters).
    fn agrees(pattern: &str, slots: &[&[&str]]) {
        let b = BoundedRegex::new(pattern).unwrap();
        assert!(!b.bounds.is_empty(), "{pattern} has nothing to relax");
        let exact = Regex::new(pattern).unwrap();
        let spans = |c: Option<Captures>| c.map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>());
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let (mut matched, mut rejected) = (0, 0);
        for _ in 0..50000 {
            let mut t = String::new();
            for slot in slots {
                let n = match next() % 4 { 0 => 0, 1 => 1, 2 => next() % 4, _ => next() % 12 };
                for _ in 0..n {
                    t.push_str(slot[next() % slot.len()]);
                }
            }
            let want = spans(exact.captures(&t));
            assert_eq!(spans(b.captures(&t)), want, "{pattern} on {t:?}");
            assert_eq!(b.is_match(&t), want.is_some(), "{pattern} on {t:?}");
            matched += usize::from(want.is_some());
            rejected += usize::from(spans(b.relaxed().captures(&t)).is_some_and(|r| Some(r) != want));
        }
        // The texts exercise both matches and relaxed matches that break a bound.
        assert!(matched > 20 && rejected > 5, "{pattern}: {matched} matches, {rejected} relaxed winners rejected");
    }

    #[test]
    fn relaxed_search_finds_the_bounded_matches() {
        // The built-in patterns' shapes, with bounds small enough for random texts to exceed.
        let any: &[&str] = &["A", "é", "(", ")", "/", " ", ".", ",", "—", "\u{a0}"];
        let name: &[&str] = &["A", "Bé", "É", "K", "y", "ж", "Д", "x", "\u{301}", " ", "’", "-", ".", "&", ","];
        agrees(
            r"\(((photo|image|credit|pictured)\s*:?\s*)?\p{Lu}[\p{L}.'’ -]{1,8}/\s?\p{Lu}[\p{L}.'’ &,-]{0,8}\)\s*$",
            &[any, &["("], &["photo", ": ", " ", "Credit"], name, &["/", "/ "], name, &[")"], &[" ", "\n"]],
        );
        agrees(r"[.!?”)]\s+/\s*[\p{L}][\p{L} .&-]{1,8}$", &[any, &[".", "”", ")"], &[" ", "\t"], &["/"], &[" "], name]);
        agrees(r"^[\p{Lu}][\p{Lu}\p{M} .'’-]{2,12}(,\s*[\p{Lu}][\p{L}.]*\.?)?\s*[—–-]{0,2}$", &[&["A", "Ü"], &["A", "B", " ", ".", "-", "’", "\u{301}", "x"], &[", ", "Del."], &[" ", "—", "-"]]);
        agrees(
            r"^[\p{Lu}][\p{Lu}\p{M} .'’-]{2,9}(,\s*[\p{Lu}][\p{L}.]*\.?(\s[\p{Lu}][\p{L}.]*\.?)?)?(,?\s*[\p{Lu}][\p{L}]+\.?\s+\d{1,2})?\s*(\([\p{L} ]+\))?\s*[—–-]{1,2}\s*\S",
            &[&["A", "Ü"], &["A", "B", " ", ".", "-", "’"], &[", ", "Del.", " Dec 8", " (AP)"], &[" ", "—", "-"], any],
        );
        agrees(
            r"\((?:\p{Lu}[^()/]{1,9}/\s*\p{Lu}[^()]{0,9}|(?i:photo|credit|courtesy)[^()]{1,10})\)\s*$",
            &[any, &["("], &["A", "photo", "CREDIT", "ſ"], name, &["/", "/ "], name, &[")"], &[" "]],
        );
        agrees(
            r"^(?P<place>[\p{Lu}][\p{Lu}.'’-]+)(?:\s*\((?P<agency>[\p{L}][\p{L} .&-]{0,8})\))?\s*(?:—|-)(?:\s+\S|\s*$)",
            &[&["A", "B", ".", "-"], &[" ", "("], &["A", "é", "Reu", " ", "&", "."], &[")"], &[" ", "—", "-"], any],
        );
        // A group inside a loop holds only its last iteration: the whole match is checked.
        agrees(r"(?:(?P<w>[\p{L}]{1,8})\s)+end", &[any, name, &[" "], name, &[" "], &["end"]]);
    }

    #[test]
    fn unicode_word_boundaries_agree_with_the_ascii_ones_where_used() {
        let p = r"(?i)\bcontributed (reporting|to this report)|^(additional )?reporting by\b|\breported from \p{Lu}[\p{L}]+\.?\s*$|\Bx\b{start}y\b{end-half}";
        let b = BoundedRegex::new(p).unwrap();
        assert!(b.ascii_words.is_some() && b.bounds.is_empty());
        // The Unicode form waits for a text with a non-ASCII word character.
        assert!(b.is_match("“x” — contributed reporting") && b.relaxed.get().is_none());
        assert!(b.is_match("Zürich contributed reporting") && b.relaxed.get().is_some());
        let words: &[&str] = &["contributed", "reporting", "Reporting by", "reported from", "é", "“", "—", " ", "x", "y", "Kyiv", "Zürich", "ſ", "K", "\u{212A}iev", "to this report"];
        agrees_anyway(p, &[words, words, words, words]);
    }

    /// Like [`agrees`], for a pattern with nothing to relax.
    fn agrees_anyway(pattern: &str, slots: &[&[&str]]) {
        let b = BoundedRegex::new(pattern).unwrap();
        let exact = Regex::new(pattern).unwrap();
        let spans = |c: Option<Captures>| c.map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>());
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut matched = 0;
        for _ in 0..50000 {
            let mut t = String::new();
            for slot in slots {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let n = (seed >> 40) as usize % 4;
                for k in 0..n {
                    t.push_str(slot[((seed >> (8 * k)) as usize) % slot.len()]);
                }
            }
            let want = spans(exact.captures(&t));
            assert_eq!(spans(b.captures(&t)), want, "{pattern} on {t:?}");
            assert_eq!(b.is_match(&t), want.is_some(), "{pattern} on {t:?}");
            matched += usize::from(want.is_some());
        }
        assert!(matched > 100, "{matched}");
    }

    #[test]
    fn small_bounds_are_kept() {
        for p in [r"\d{1,2}", r"x{1,60}", r"(?:ab){1,60}", r"x"] {
            assert!(BoundedRegex::new(p).unwrap().bounds.is_empty(), "{p}");
        }
        let b = BoundedRegex::new(r"(?P<a>x)([\p{L} ]{0,40})").unwrap();
        assert_eq!(b.bounds, [(2, 40)]);
        assert_eq!(b.capture_names().collect::<Vec<_>>(), [None, Some("a"), None]);
    }
}
