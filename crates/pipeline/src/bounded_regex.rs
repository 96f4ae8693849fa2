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
//! A pattern with Unicode word boundaries (`\b`) or letter classes (`\p{L}`, `\p{Lu}`, `\p{Ll}`,
//! `\p{M}` in a bracket, `\w`) also gets an ASCII form, for texts whose word characters are all
//! ASCII (see [`WordScan`]); [`ascii_words_form`] tells why it finds the same matches there. Its
//! `\b` stays on the DFAs where the Unicode one falls back to the slow PikeVM as soon as a curly
//! quote or a dash is in the text, and its classes compile to a few byte ranges where `\p{L}` is
//! a UTF-8 automaton of hundreds of ranges, built forward and in reverse for each occurrence
//! (~2 M instructions each; the ingest dateline pattern took 24 M to compile, its ASCII form 1.6 M).
//! Texts whose word characters are all Latin ("tête-à-tête") get a third form, compiled on first
//! need, with the letter classes cut to Latin ([`latin_form`]): a fifth of the Unicode cost.
//! The ASCII form is compiled at once, the Unicode one when a text first needs it (like
//! [`crate::word_regex::WordRegex`]): a run over English news may never need it, and each
//! compile is a fixed cost of every run.

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
    /// `relaxed` for texts whose word characters are all ASCII ([`ascii_words_form`]), when that
    /// differs from it.
    ascii_words: Option<Regex>,
    /// `relaxed` for texts whose word characters are all Latin ([`latin_form`]), when that
    /// differs from it: the pattern, compiled on first need.
    latin: Option<(String, Arc<OnceLock<Regex>>)>,
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
        let latin = latin_form(&ast).map(|p| (p, Arc::default()));
        let ascii_words = if ascii_words_form(&mut ast) { Some(Regex::new(&ast.to_string())?) } else { None };
        // Nothing to relax: the pattern as written is the relaxed regex too.
        let relaxed_pattern = if bounds.is_empty() { pattern.to_string() } else { relaxed_pattern };
        let relaxed = Arc::new(OnceLock::new());
        if ascii_words.is_none() {
            // Compiled now, so that a bad pattern is an error here. (The Unicode form of a
            // pattern whose ASCII form compiled differs in its `\b` and in a few classes
            // ([`MAX_ASCII_CLASS_COPIES`]): it compiles too.)
            relaxed.set(Regex::new(&relaxed_pattern)?).expect("just made");
        }
        Ok(BoundedRegex {
            pattern: pattern.to_string(),
            relaxed_pattern,
            relaxed,
            bounds,
            ascii_words,
            latin,
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
        if self.ascii_words.is_none() && self.latin.is_none() {
            return self.relaxed();
        }
        match (&self.ascii_words, &self.latin) {
            (Some(ascii), _) if WordScan::of(text).ascii_words() => ascii,
            (_, Some((pattern, latin))) if latin_words(text) => latin.get_or_init(|| Regex::new(pattern).expect("a smaller form of the relaxed pattern")),
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

/// `pattern` for texts whose word characters are all ASCII ([`ascii_words_form`]), for a regex
/// searched only on such texts; None when it does not parse (`Regex::new` tells why).
pub(crate) fn ascii_words_pattern(pattern: &str) -> Option<String> {
    let mut ast = ast::parse::Parser::new().parse(pattern).ok()?;
    ascii_words_form(&mut ast);
    Some(ast.to_string())
}

/// A pattern's ASCII form has at most this many copies of the letter classes it makes ASCII
/// (a class in `{3}` counts thrice), or it keeps them as written: the Unicode form, compiled
/// only when a text needs it, must then still fit the regex crate's size limit, which `\w{1000}`
/// exceeds and ~900 copies of `\w` would.
const MAX_ASCII_CLASS_COPIES: u32 = 100;

/// Rewrites `ast` (the relaxed pattern) into its form for texts whose word characters are all
/// ASCII; false when that is `ast` as it was. Two rewrites, each exact on such texts:
///
/// - Word-boundary assertions are wrapped in `(?-u:...)`: with no non-ASCII word character
///   around, Unicode and ASCII `\b` agree at every position.
/// - `\p{L}`, `\p{Lu}`, `\p{Ll}` and `\w` (negated too) become `[[:alpha:]]`, `[[:upper:]]`,
///   `[[:lower:]]` and `[[:word:]]`, and a `\p{M}` beside other items in a bracket is dropped.
///   Each Unicode class differs from its ASCII one only in non-ASCII word characters (letters
///   and marks are word characters), which these texts lack; set operations, negation and
///   case-insensitive folding keep that so (checked over all of Unicode by a test).
fn ascii_words_form(ast: &mut Ast) -> bool {
    let mut classes = ast.clone();
    let (mut changed, mut copies) = (false, 0);
    ascii_words_rewrite(&mut classes, 1, Some(Classes::Ascii), &mut changed, &mut copies);
    if copies <= MAX_ASCII_CLASS_COPIES {
        *ast = classes;
    } else {
        changed = false;
        ascii_words_rewrite(ast, 1, None, &mut changed, &mut copies);
    }
    changed
}

/// Word characters of the texts the Latin form is searched on are all below this: ASCII and
/// Latin-1 to Latin Extended-B ("tête-à-tête", "Zürich", "Łódź"), two UTF-8 bytes at most.
const LATIN_END: char = '\u{250}';

/// Whether every word character of `text` is below [`LATIN_END`].
fn latin_words(text: &str) -> bool {
    text.chars().all(|c| c < LATIN_END || !regex_syntax::is_word_character(c))
}

/// The relaxed pattern `ast` for texts whose word characters are all below [`LATIN_END`], when
/// it has letter classes to cut: each of `\p{L}`, `\p{Lu}`, `\p{Ll}` and `\w` becomes its part
/// below [`LATIN_END`] (`[\p{Lu}&&\x00-\x{24F}]`), and a `\p{M}` beside other items in a bracket
/// is dropped (marks start at U+0300). Exact on such texts by the argument of
/// [`ascii_words_form`], but not under case-insensitive matching, whose folding links letters
/// across the cut (MICRO SIGN and GREEK CAPITAL MU): such patterns get no Latin form. Word
/// boundaries stay Unicode. About a fifth of the Unicode form's compile cost; gen-2's few
/// accented words made the Unicode form of the ingest dateline (24 M instructions) be compiled.
fn latin_form(ast: &Ast) -> Option<String> {
    if folds_case(ast) {
        return None;
    }
    let mut latin = ast.clone();
    let (mut changed, mut copies) = (false, 0);
    ascii_words_rewrite(&mut latin, 1, Some(Classes::Latin), &mut changed, &mut copies);
    (changed && copies <= MAX_ASCII_CLASS_COPIES).then(|| latin.to_string())
}

/// Whether `ast` sets the case-insensitive flag anywhere.
fn folds_case(ast: &Ast) -> bool {
    let sets = |flags: &ast::Flags| flags.items.iter().any(|i| i.kind == ast::FlagsItemKind::Flag(ast::Flag::CaseInsensitive));
    match ast {
        Ast::Flags(f) => sets(&f.flags),
        Ast::Group(g) => matches!(&g.kind, ast::GroupKind::NonCapturing(f) if sets(f)) || folds_case(&g.ast),
        Ast::Repetition(rep) => folds_case(&rep.ast),
        Ast::Concat(c) => c.asts.iter().any(folds_case),
        Ast::Alternation(a) => a.asts.iter().any(folds_case),
        _ => false,
    }
}

/// Which letter classes a rewrite makes.
#[derive(Clone, Copy, PartialEq)]
enum Classes {
    Ascii,
    Latin,
}

/// The class item that stands for a letter class in the `classes` form; None to keep it.
fn letter_class(classes: Classes, kind: ast::ClassAsciiKind, negated: bool, span: ast::Span) -> Option<ast::ClassSetItem> {
    use ast::ClassAsciiKind::*;
    match classes {
        Classes::Ascii => Some(ast::ClassSetItem::Ascii(ast::ClassAscii { span, kind, negated })),
        // A negated class keeps the characters above the cut: left as it is.
        Classes::Latin if negated => None,
        Classes::Latin => {
            let name = match kind {
                Alpha => r"\p{L}",
                Upper => r"\p{Lu}",
                Lower => r"\p{Ll}",
                _ => r"\w",
            };
            match &ast::parse::Parser::new().parse(&format!(r"[{name}&&\x00-\x{{24F}}]")) {
                Ok(Ast::ClassBracketed(b)) => Some(ast::ClassSetItem::Bracketed(b.clone())),
                _ => unreachable!("a valid class"),
            }
        }
    }
}

/// [`ascii_words_form`]'s and [`latin_form`]'s rewrite; `weight` is how many copies of `ast`
/// the compiled regex holds, `copies` counts the class copies rewritten. Word boundaries are
/// made ASCII in the ASCII form and when no classes are rewritten (`classes` None).
fn ascii_words_rewrite(ast: &mut Ast, weight: u32, classes: Option<Classes>, changed: &mut bool, copies: &mut u32) {
    match ast {
        Ast::Assertion(a) if classes != Some(Classes::Latin) => {
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
        Ast::ClassUnicode(u) => {
            if let (Some(classes), Some(Some(kind))) = (classes, ascii_letters(u))
                && let Some(item) = letter_class(classes, kind, u.negated, u.span)
            {
                *ast = Ast::class_bracketed(ast::ClassBracketed { span: u.span, negated: false, kind: ast::ClassSet::Item(item) });
                (*changed, *copies) = (true, copies.saturating_add(weight));
            }
        }
        Ast::ClassPerl(p) if p.kind == ast::ClassPerlKind::Word => {
            if let Some(classes) = classes
                && let Some(item) = letter_class(classes, ast::ClassAsciiKind::Word, p.negated, p.span)
            {
                *ast = Ast::class_bracketed(ast::ClassBracketed { span: p.span, negated: false, kind: ast::ClassSet::Item(item) });
                (*changed, *copies) = (true, copies.saturating_add(weight));
            }
        }
        Ast::ClassBracketed(b) => {
            if let Some(classes) = classes {
                let before = *copies;
                ascii_class_set(&mut b.kind, classes, weight, copies);
                *changed |= *copies != before;
            }
        }
        Ast::Repetition(rep) => {
            // The regex crate compiles `x{2,5}` as five copies of `x`, `x{2,}` as three.
            let n = match rep.op.kind {
                RepetitionKind::ZeroOrOne | RepetitionKind::ZeroOrMore => 1,
                RepetitionKind::OneOrMore => 2,
                RepetitionKind::Range(RepetitionRange::Exactly(n) | RepetitionRange::Bounded(_, n)) => n.max(1),
                RepetitionKind::Range(RepetitionRange::AtLeast(n)) => n.saturating_add(1),
            };
            ascii_words_rewrite(&mut rep.ast, weight.saturating_mul(n), classes, changed, copies)
        }
        Ast::Group(g) => ascii_words_rewrite(&mut g.ast, weight, classes, changed, copies),
        Ast::Concat(c) => c.asts.iter_mut().for_each(|a| ascii_words_rewrite(a, weight, classes, changed, copies)),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(|a| ascii_words_rewrite(a, weight, classes, changed, copies)),
        _ => {}
    }
}

/// The items of a bracketed class: letter classes rewritten, `\p{M}` dropped from a union that
/// keeps other items.
fn ascii_class_set(set: &mut ast::ClassSet, classes: Classes, weight: u32, copies: &mut u32) {
    match set {
        ast::ClassSet::BinaryOp(op) => {
            ascii_class_set(&mut op.lhs, classes, weight, copies);
            ascii_class_set(&mut op.rhs, classes, weight, copies);
        }
        ast::ClassSet::Item(item) => ascii_class_item(item, classes, weight, copies),
    }
}

fn ascii_class_item(item: &mut ast::ClassSetItem, classes: Classes, weight: u32, copies: &mut u32) {
    use ast::ClassSetItem;
    match item {
        ClassSetItem::Unicode(u) => {
            if let Some(Some(kind)) = ascii_letters(u)
                && let Some(class) = letter_class(classes, kind, u.negated, u.span)
            {
                *item = class;
                *copies = copies.saturating_add(weight);
            }
        }
        ClassSetItem::Perl(p) if p.kind == ast::ClassPerlKind::Word => {
            if let Some(class) = letter_class(classes, ast::ClassAsciiKind::Word, p.negated, p.span) {
                *item = class;
                *copies = copies.saturating_add(weight);
            }
        }
        ClassSetItem::Bracketed(b) => ascii_class_set(&mut b.kind, classes, weight, copies),
        ClassSetItem::Union(union) => {
            let marks = |i: &ClassSetItem| matches!(i, ClassSetItem::Unicode(u) if ascii_letters(u) == Some(None));
            if union.items.iter().any(|i| !marks(i)) && union.items.iter().any(marks) {
                union.items.retain(|i| !marks(i));
                *copies = copies.saturating_add(weight);
            }
            union.items.iter_mut().for_each(|i| ascii_class_item(i, classes, weight, copies));
        }
        _ => {}
    }
}

/// The ASCII class a Unicode letter class has on texts without non-ASCII word characters:
/// `Some(Some(kind))`, or `Some(None)` for the marks (none there); `None` for any other class,
/// and for negated marks.
fn ascii_letters(u: &ast::ClassUnicode) -> Option<Option<ast::ClassAsciiKind>> {
    use ast::ClassAsciiKind::*;
    // Property names as the regex crate loosely matches them: case, spaces, `_` and `-` aside.
    let name: String = match &u.kind {
        ast::ClassUnicodeKind::OneLetter(c) => c.to_string(),
        ast::ClassUnicodeKind::Named(n) => n.chars().filter(|c| !matches!(c, ' ' | '_' | '-')).collect(),
        ast::ClassUnicodeKind::NamedValue { .. } => return None,
    };
    match name.to_ascii_lowercase().as_str() {
        "l" | "letter" => Some(Some(Alpha)),
        "lu" | "uppercaseletter" => Some(Some(Upper)),
        "ll" | "lowercaseletter" => Some(Some(Lower)),
        "m" | "mark" | "combiningmark" if !u.negated => Some(None),
        _ => None,
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
    fn ascii_letter_classes_agree_on_texts_without_non_ascii_word_characters() {
        // Every character such a text can hold: ASCII, or not a word character.
        let word = Regex::new(r"^\w$").unwrap();
        let mut buf = [0; 4];
        let chars: Vec<String> = (0..=0x10FFFF).filter_map(char::from_u32).map(|c| c.encode_utf8(&mut buf).to_string()).filter(|s| s.is_ascii() || !word.is_match(s)).collect();
        let classes = [
            r"\p{L}", r"\pL", r"\p{Letter}", r"\p{Lu}", r"\p{Uppercase_Letter}", r"\p{Ll}", r"\P{L}", r"\P{Lu}", r"\w", r"\W",
            r"[\p{Lu}\p{M} .'’-]", r"[^\p{L}\p{M}]", r"[\p{L}&&[^a-c]]", r"[\w--\p{Ll}]", r"[^\p{Lu}[\p{Ll}\p{M}]]", r"[\p{L}\p{N}]",
        ];
        for flags in ["", "(?i)"] {
            for class in classes {
                let pattern = format!("{flags}^{class}$");
                let ascii = ascii_words_pattern(&pattern).unwrap();
                assert!(!ascii.contains(r"\p{L") && !ascii.contains(r"\pL") && !ascii.contains(r"\P") && !ascii.contains(r"\w") && !ascii.contains(r"\W"), "{ascii}");
                let (u, a) = (Regex::new(&pattern).unwrap(), Regex::new(&ascii).unwrap());
                for c in &chars {
                    assert_eq!(u.is_match(c), a.is_match(c), "{pattern} / {ascii} on {c:?}");
                }
            }
        }
    }

    #[test]
    fn latin_letter_classes_agree_on_texts_without_other_word_characters() {
        let mut buf = [0; 4];
        let chars: Vec<String> = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| c < LATIN_END || !regex_syntax::is_word_character(c)).map(|c| c.encode_utf8(&mut buf).to_string()).collect();
        let classes = [r"\p{L}", r"\pL", r"\p{Lu}", r"\p{Ll}", r"\w", r"[\p{Lu}\p{M} .'’-]", r"[^\p{L}\p{M}]", r"[\p{L}&&[^a-c]]", r"[\w--\p{Ll}]", r"[\p{L}\p{N}]", r"\P{L}"];
        for class in classes {
            let pattern = format!("^{class}$");
            let ast = ast::parse::Parser::new().parse(&pattern).unwrap();
            let Some(latin) = latin_form(&ast) else {
                assert!(class.starts_with(r"\P"), "{class}");
                continue;
            };
            let (u, l) = (Regex::new(&pattern).unwrap(), Regex::new(&latin).unwrap());
            for c in &chars {
                assert_eq!(u.is_match(c), l.is_match(c), "{pattern} / {latin} on {c:?}");
            }
        }
        for p in [r"(?i)\p{Lu}", r"x(?i:y)\p{L}", r"(?i:x)|[\p{L}]"] {
            assert!(latin_form(&ast::parse::Parser::new().parse(p).unwrap()).is_none(), "{p}");
        }
        assert!(latin_words("tête-à-tête in Łódź — “ok”") && !latin_words("Київ") && !latin_words("e\u{301}"));
    }

    #[test]
    fn letter_classes_wait_for_a_text_that_needs_them() {
        let b = BoundedRegex::new(r"^[\p{Lu}][\p{Lu}\p{M} .'’-]{2,12}(,\s*[\p{Lu}][\p{L}.]*\.?)?\s*[—–-]{0,2}$").unwrap();
        assert!(b.ascii_words.as_ref().unwrap().as_str().starts_with("^[[:upper:]][[:upper:] .'’-]{2,}"));
        assert!(b.is_match("WASHINGTON, Del. —") && b.relaxed.get().is_none());
        assert!(!b.is_match("“WASHINGTON” —") && b.relaxed.get().is_none());
        assert!(b.is_match("ZÜRICH —") && b.relaxed.get().is_none() && b.latin.as_ref().unwrap().1.get().is_some());
        assert!(b.is_match("МОСКВА —") && b.relaxed.get().is_some());
        // Too many copies for the Unicode form to be sure to compile later: classes as written.
        let b = BoundedRegex::new(r"\b\p{L}{150}").unwrap();
        assert!(b.ascii_words.as_ref().unwrap().as_str().contains(r"\p{L}{150}"));
        assert_eq!(ascii_words_pattern(r"\p{L}{3}[\w\p{M}]{2,}").unwrap(), "[[:alpha:]]{3}[[:word:]]{2,}");
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
