//! Scoring the quotes step on PolNeAR (brat standoff attributions over political news).
//!
//! `dir` is one split folder (`.../polnear/dev`) holding `text/*.txt` and `attributions/*.ann`.
//! For an article annotated by several annotators the first `.ann` file in name order is used.
//!
//! Gold units are the attribution relations (`E` lines) whose Content holds a quotation mark
//! (" “ ” „ « »). Predictions are the quotes the step gives a speaker (speaker_kind not UNKNOWN;
//! UNKNOWN quotes are by definition not attributions); the same scores over all quotes are in
//! `extra` as `all_*`.
//!
//! - Lenient (the headline precision/recall/f1): a prediction is correct when it overlaps the
//!   Content of a gold unit by at least one code point; a gold unit is found when a prediction
//!   overlaps it. A prediction that overlaps only gold Contents without quotation marks (an
//!   attribution outside the scored subset, e.g. a Content annotated without its marks) counts
//!   neither way (`pred_unscored`).
//! - Strict (`strict_*`): the prediction, trimmed of whitespace, punctuation and quotation marks
//!   at both edges, equals one quoted segment of a gold Content (the text between a pair of its
//!   marks, trimmed the same way).
//! - `speaker_accuracy`: among found gold units that have a Source, the share whose
//!   best-overlapping prediction has a speaker mention (speaker_start..speaker_end) overlapping
//!   the Source span.

use std::path::{Path, PathBuf};
use std::time::Instant;

use pipeline::eval::{EvalReport, prf};
use pipeline::{CorpusKnowledge, DocStep, Document, Metadata, QuoteRow, SourceInfo, SpeakerKind};

use super::QuoteAttributor;

#[derive(Debug, thiserror::Error)]
pub enum QuoteEvalError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: bad brat line: {message}")]
    Parse { path: PathBuf, line: usize, message: String },
    #[error("{0}: no text/*.txt articles with attributions/*.ann found")]
    Empty(PathBuf),
    #[error("step {step} failed on {path}: {message}")]
    Step { step: String, path: PathBuf, message: String },
}

/// One gold attribution: Content spans and Source spans, in code points.
#[derive(Debug, Clone)]
pub struct GoldAttribution {
    pub content: Vec<(usize, usize)>,
    pub source: Vec<(usize, usize)>,
}

fn is_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

/// Attribution relations of one brat `.ann` file.
pub fn parse_ann(ann: &str, path: &Path) -> Result<Vec<GoldAttribution>, QuoteEvalError> {
    let mut spans: std::collections::BTreeMap<&str, Vec<(usize, usize)>> = Default::default();
    let mut out = Vec::new();
    let bad = |line: usize, message: &str| QuoteEvalError::Parse { path: path.to_path_buf(), line: line + 1, message: message.into() };
    // A span's surface text may hold a newline, so a line that does not start with an id and a
    // tab ("T12\t") is the rest of the previous line's surface.
    let is_id = |line: &str, kind: char| {
        line.split_once('\t').is_some_and(|(id, _)| id.len() > 1 && id.starts_with(kind) && id[1..].bytes().all(|b| b.is_ascii_digit()))
    };
    for (ln, line) in ann.lines().enumerate() {
        if is_id(line, 'T') {
            let mut cols = line.split('\t');
            let id = cols.next().ok_or_else(|| bad(ln, "no id"))?;
            let desc = cols.next().ok_or_else(|| bad(ln, "no span"))?;
            let (_, offs) = desc.split_once(' ').ok_or_else(|| bad(ln, "no offsets"))?;
            let mut v = Vec::new();
            for part in offs.split(';') {
                let mut it = part.split_whitespace().map(str::parse::<usize>);
                match (it.next(), it.next()) {
                    (Some(Ok(s)), Some(Ok(e))) => v.push((s, e)),
                    _ => return Err(bad(ln, "bad offsets")),
                }
            }
            spans.insert(id, v);
        }
    }
    for (ln, line) in ann.lines().enumerate() {
        if !is_id(line, 'E') {
            continue;
        }
        let args = line.split('\t').nth(1).ok_or_else(|| bad(ln, "no arguments"))?;
        let mut content = None;
        let mut source = Vec::new();
        for arg in args.split_whitespace() {
            if let Some((role, id)) = arg.split_once(':') {
                let s = spans.get(id).cloned().unwrap_or_default();
                match role {
                    "Content" => content = Some(s),
                    "Source" => source = s,
                    _ => {}
                }
            }
        }
        if let Some(content) = content {
            out.push(GoldAttribution { content, source });
        }
    }
    Ok(out)
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

fn trim_edges(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || is_mark(c) || c.is_ascii_punctuation() || matches!(c, '’' | '‘' | '…' | '—' | '–'))
}

/// The quoted segments of a gold Content: text between successive pairs of marks in each span.
fn quoted_segments(chars: &[char], content: &[(usize, usize)]) -> Vec<String> {
    let mut out = Vec::new();
    for &(s, e) in content {
        let e = e.min(chars.len());
        let marks: Vec<usize> = (s..e).filter(|&i| is_mark(chars[i])).collect();
        let mut k = 0;
        while k < marks.len() {
            let from = marks[k] + 1;
            let to = marks.get(k + 1).copied().unwrap_or(e);
            out.push(trim_edges(&chars[from.min(to)..to].iter().collect::<String>()).to_string());
            k += 2;
        }
    }
    out
}

#[derive(Debug, Default)]
struct Counts {
    gold: usize,
    gold_found: usize,
    gold_found_strict: usize,
    pred: usize,
    pred_correct: usize,
    pred_correct_strict: usize,
    pred_unscored: usize,
    speaker_total: usize,
    speaker_correct: usize,
}

fn score(counts: &mut Counts, chars: &[char], gold: &[GoldAttribution], scored: &[bool], preds: &[&QuoteRow], with_speaker: bool) {
    let segs: Vec<Vec<String>> = gold.iter().map(|g| quoted_segments(chars, &g.content)).collect();
    let pred_norm: Vec<String> = preds.iter().map(|p| trim_edges(&p.text).to_string()).collect();
    for p in preds.iter().zip(&pred_norm) {
        let (p, norm) = p;
        let span = (p.start, p.end);
        let hits_scored = gold.iter().zip(scored).any(|(g, &s)| s && g.content.iter().any(|&c| overlap(c, span) > 0));
        let hits_any = gold.iter().any(|g| g.content.iter().any(|&c| overlap(c, span) > 0));
        if hits_scored {
            counts.pred += 1;
            counts.pred_correct += 1;
        } else if hits_any {
            counts.pred_unscored += 1;
        } else {
            counts.pred += 1;
        }
        if hits_scored && gold.iter().zip(scored).zip(&segs).any(|((_, &s), sg)| s && sg.iter().any(|x| x == norm)) {
            counts.pred_correct_strict += 1;
        }
    }
    for ((g, &s), sg) in gold.iter().zip(scored).zip(&segs) {
        if !s {
            continue;
        }
        counts.gold += 1;
        let best = preds
            .iter()
            .map(|p| (g.content.iter().map(|&c| overlap(c, (p.start, p.end))).sum::<usize>(), *p))
            .filter(|(o, _)| *o > 0)
            .max_by_key(|(o, p)| (*o, std::cmp::Reverse(p.start)));
        let Some((_, best)) = best else { continue };
        counts.gold_found += 1;
        if preds.iter().zip(&pred_norm).any(|(_, n)| sg.iter().any(|x| x == n)) {
            counts.gold_found_strict += 1;
        }
        if with_speaker && !g.source.is_empty() {
            counts.speaker_total += 1;
            if let (Some(s), Some(e)) = (best.speaker_start, best.speaker_end)
                && g.source.iter().any(|&src| overlap(src, (s, e)) > 0)
            {
                counts.speaker_correct += 1;
            }
        }
    }
}

/// Articles of a split folder with the `.ann` file used for each.
fn articles(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, QuoteEvalError> {
    let read_dir = |p: &Path| -> Result<Vec<PathBuf>, QuoteEvalError> {
        let rd = std::fs::read_dir(p).map_err(|source| QuoteEvalError::Read { path: p.to_path_buf(), source })?;
        let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        v.sort();
        Ok(v)
    };
    let texts = read_dir(&dir.join("text"))?;
    let anns = read_dir(&dir.join("attributions"))?;
    let mut out = Vec::new();
    for t in texts {
        let Some(stem) = t.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        if t.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let ann = anns.iter().find(|a| {
            a.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix(stem.as_str()))
                .and_then(|r| r.strip_prefix('_'))
                .and_then(|r| r.strip_suffix(".ann"))
                .is_some_and(|annotator| !annotator.contains('_'))
        });
        if let Some(a) = ann {
            out.push((t, a.clone()));
        }
    }
    if out.is_empty() {
        return Err(QuoteEvalError::Empty(dir.to_path_buf()));
    }
    Ok(out)
}

/// Scores the quotes step on one PolNeAR split folder (see the module docs for the criteria).
/// `entities`, when given, runs before the quotes step on each document.
pub fn eval_polnear(dir: &Path, entities: Option<&dyn DocStep>) -> Result<EvalReport, QuoteEvalError> {
    let t0 = Instant::now();
    let step = QuoteAttributor::new();
    let knowledge = CorpusKnowledge::default();
    let mut attributed = Counts::default();
    let mut all = Counts::default();
    let mut n_docs = 0usize;
    let mut n_quotes = 0usize;
    let mut n_gold_attributions = 0usize;
    let mut by_rule: std::collections::BTreeMap<String, usize> = Default::default();
    for (txt_path, ann_path) in articles(dir)? {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|source| QuoteEvalError::Read { path: p.to_path_buf(), source });
        let text = read(&txt_path)?;
        let gold = parse_ann(&read(&ann_path)?, &ann_path)?;
        let chars: Vec<char> = text.chars().collect();
        let scored: Vec<bool> =
            gold.iter().map(|g| g.content.iter().any(|&(s, e)| chars[s.min(chars.len())..e.min(chars.len())].iter().any(|&c| is_mark(c)))).collect();
        let src = SourceInfo::in_memory(txt_path.display(), &text);
        let mut doc = Document::new(pipeline::ids::doc_id(&txt_path.display().to_string(), None), src, text, Metadata::default());
        let fail = |step: &str, e: pipeline::StepError| QuoteEvalError::Step { step: step.into(), path: txt_path.clone(), message: e.to_string() };
        if let Some(ent) = entities {
            ent.apply(&mut doc, &knowledge).map_err(|e| fail(ent.name(), e))?;
        }
        step.apply(&mut doc, &knowledge).map_err(|e| fail("quotes", e))?;
        n_docs += 1;
        n_quotes += doc.quotes.len();
        n_gold_attributions += gold.len();
        for q in &doc.quotes {
            *by_rule.entry(q.rule.clone()).or_default() += 1;
        }
        let attributed_preds: Vec<&QuoteRow> = doc.quotes.iter().filter(|q| q.speaker_kind != SpeakerKind::UNKNOWN).collect();
        let all_preds: Vec<&QuoteRow> = doc.quotes.iter().collect();
        score(&mut attributed, &chars, &gold, &scored, &attributed_preds, true);
        score(&mut all, &chars, &gold, &scored, &all_preds, false);
    }
    // Precision counts predictions, recall counts gold units: with overlap matching one prediction
    // can cover two gold units and the reverse, so the two are not one matched-pair count.
    let scores = |correct_pred: usize, found_gold: usize, c: &Counts| {
        let p = prf(correct_pred, c.pred, c.gold).0;
        let r = prf(found_gold, c.pred, c.gold).1;
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        (p, r, f)
    };
    let (p, recall, f1) = scores(attributed.pred_correct, attributed.gold_found, &attributed);
    let strict = scores(attributed.pred_correct_strict, attributed.gold_found_strict, &attributed);
    let all_scores = scores(all.pred_correct, all.gold_found, &all);
    let speaker_accuracy =
        if attributed.speaker_total == 0 { 0.0 } else { attributed.speaker_correct as f64 / attributed.speaker_total as f64 };
    let mut report = EvalReport { precision: p, recall, f1, seconds: 0.0, extra: Default::default() };
    let mut put = |k: &str, v: serde_json::Value| {
        report.extra.insert(k.to_string(), v);
    };
    put("speaker_accuracy", speaker_accuracy.into());
    put("strict_precision", strict.0.into());
    put("strict_recall", strict.1.into());
    put("strict_f1", strict.2.into());
    put("all_precision", all_scores.0.into());
    put("all_recall", all_scores.1.into());
    put("all_f1", all_scores.2.into());
    put("docs", n_docs.into());
    put("gold_attributions", n_gold_attributions.into());
    put("gold_quote_attributions", attributed.gold.into());
    put("gold_found", attributed.gold_found.into());
    put("predicted_quotes", n_quotes.into());
    put("predicted_attributed", attributed.pred.into());
    put("pred_correct", attributed.pred_correct.into());
    put("pred_unscored", attributed.pred_unscored.into());
    put("speaker_scored", attributed.speaker_total.into());
    put("speaker_correct", attributed.speaker_correct.into());
    put("rules", serde_json::to_value(&by_rule).unwrap_or_default());
    report.seconds = t0.elapsed().as_secs_f64();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_relations_with_multiline_surfaces() {
        let ann = "T1\tSource 0 5\tPutin\nT2\tCue 6 10\tsaid\nT3\tContent 12 20;25 30\tab\ncd\nThe rest\nT4\tAttribution 6 10\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\nE2\tAttribution:T4 Cue:T2\n";
        let g = parse_ann(ann, Path::new("x.ann")).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].content, vec![(12, 20), (25, 30)]);
        assert_eq!(g[0].source, vec![(0, 5)]);
        assert!(parse_ann("T1\tSource x y\tz\n", Path::new("x.ann")).is_err());
    }

    #[test]
    fn quoted_segments_and_trimming() {
        let text: Vec<char> = "He said “open, frank” and “fine.” Then".chars().collect();
        let segs = quoted_segments(&text, &[(3, text.len())]);
        assert_eq!(segs, vec!["open, frank".to_string(), "fine".to_string()]);
        assert_eq!(trim_edges("“fine,” "), "fine");
    }

    #[test]
    fn missing_dir_is_an_error() {
        assert!(eval_polnear(Path::new("/nonexistent/polnear/dev"), None).is_err());
    }
}
