//! Scores the dates step on TimeML (.tml) files, TempEval-3 style: each document's creation time
//! (DCT) is the anchor; a predicted expression matches a gold TIMEX3 when their spans overlap
//! (relaxed) or coincide (strict); "value_f1" counts relaxed matches whose value is also exact.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use pipeline::eval::{EvalReport, prf};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{Timex, find_timexes, parse_anchor};

#[derive(Debug, thiserror::Error)]
pub enum DateEvalError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: bad TimeML: {message}")]
    Xml { path: PathBuf, message: String },
    #[error("no .tml files under {0}")]
    NoFiles(PathBuf),
}

/// One gold TIMEX3: byte span in the document text, value, type.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub kind: String,
}

/// A TimeML document: its text (tags removed), creation date and gold expressions.
#[derive(Debug, Clone, PartialEq)]
pub struct TimemlDoc {
    pub text: String,
    pub dct: Option<NaiveDate>,
    pub gold: Vec<GoldTimex>,
}

/// Reads the `<DCT>` and the `<TEXT>` of a TimeML document.
pub fn parse_timeml(xml: &str) -> Result<TimemlDoc, String> {
    let mut reader = Reader::from_str(xml);
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut dct = None;
    let (mut in_text, mut in_dct) = (false, false);
    let mut open: Option<(usize, String, String)> = None;
    loop {
        let ev = reader.read_event().map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                let attr = |k: &str| e.try_get_attribute(k).ok().flatten().map(|a| a.value.to_string()).unwrap_or_default();
                match name.as_str() {
                    "TEXT" => in_text = true,
                    "DCT" => in_dct = true,
                    "TIMEX3" if in_dct => dct = parse_anchor(&attr("value")),
                    "TIMEX3" if in_text => open = Some((text.len(), attr("value"), attr("type"))),
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "TEXT" => in_text = false,
                "DCT" => in_dct = false,
                "TIMEX3" => {
                    if let Some((start, value, kind)) = open.take() {
                        gold.push(GoldTimex { start, end: text.len(), value, kind });
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => text.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(TimemlDoc { text, dct, gold })
}

/// Up to 80 bytes either side of a span, on char boundaries, for the tuning log.
fn context(text: &str, start: usize, end: usize) -> &str {
    let mut s = start.saturating_sub(80);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end + 80).min(text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    &text[s..e]
}

fn tml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DateEvalError> {
    let rd = std::fs::read_dir(dir).map_err(|source| DateEvalError::Io { path: dir.to_path_buf(), source })?;
    for entry in rd {
        let p = entry.map_err(|source| DateEvalError::Io { path: dir.to_path_buf(), source })?.path();
        if p.is_dir() {
            tml_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "tml") && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            out.push(p);
        }
    }
    Ok(())
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    predicted: usize,
    relaxed: usize,
    strict: usize,
    value: usize,
}

/// Scores the dates step on every .tml file under `dir`.
pub fn eval_timeml(dir: &Path) -> Result<EvalReport, DateEvalError> {
    eval_timeml_logged(dir, None)
}

/// As [`eval_timeml`], writing each miss and wrong value to `log` (for tuning on dev data).
pub fn eval_timeml_logged(dir: &Path, mut log: Option<&mut dyn Write>) -> Result<EvalReport, DateEvalError> {
    let t0 = Instant::now();
    let mut files = Vec::new();
    tml_files(dir, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(DateEvalError::NoFiles(dir.to_path_buf()));
    }
    let mut total = Counts::default();
    let mut n_gold = 0usize;
    let mut per_rule: BTreeMap<&'static str, Counts> = BTreeMap::new();
    let mut per_type: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for path in &files {
        let xml = std::fs::read_to_string(path).map_err(|source| DateEvalError::Io { path: path.clone(), source })?;
        let doc = parse_timeml(&xml).map_err(|message| DateEvalError::Xml { path: path.clone(), message })?;
        let pred = find_timexes(&doc.text, doc.dct);
        n_gold += doc.gold.len();
        total.predicted += pred.len();
        for p in &pred {
            per_rule.entry(p.rule).or_default().predicted += 1;
        }
        let mut used = vec![false; pred.len()];
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        for g in &doc.gold {
            let ty = per_type.entry(g.kind.clone()).or_default();
            ty.0 += 1;
            let hit = (0..pred.len()).find(|&i| !used[i] && pred[i].start < g.end && g.start < pred[i].end);
            let gtext = &doc.text[g.start..g.end];
            let Some(i) = hit else {
                if let Some(l) = log.as_deref_mut() {
                    let _ = writeln!(l, "MISS\t{name}\t{gtext:?}\t{}\t{}", g.value, g.kind);
                }
                continue;
            };
            used[i] = true;
            let p: &Timex = &pred[i];
            let c = per_rule.entry(p.rule).or_default();
            c.relaxed += 1;
            total.relaxed += 1;
            ty.1 += 1;
            if p.start == g.start && p.end == g.end {
                c.strict += 1;
                total.strict += 1;
            } else if let Some(l) = log.as_deref_mut() {
                let _ = writeln!(l, "SPAN\t{name}\t{gtext:?}\tpred {:?} [{}]", &doc.text[p.start..p.end], p.rule);
            }
            if p.value.as_deref() == Some(g.value.as_str()) {
                c.value += 1;
                total.value += 1;
                ty.2 += 1;
            } else if let Some(l) = log.as_deref_mut() {
                let _ = writeln!(l, "VALUE\t{name}\t{gtext:?}\t{}\tpred {:?} {:?} [{}] dct {:?}\t{:?}", g.value, &doc.text[p.start..p.end], p.value, p.rule, doc.dct, context(&doc.text, p.start, p.end));
            }
        }
        if let Some(l) = log.as_deref_mut() {
            for (i, p) in pred.iter().enumerate() {
                if !used[i] {
                    let _ = writeln!(l, "FALSE\t{name}\t{:?}\t{:?}\t[{}]\t{:?}", &doc.text[p.start..p.end], p.value, p.rule, context(&doc.text, p.start, p.end));
                }
            }
        }
    }
    let (precision, recall, f1) = prf(total.relaxed, total.predicted, n_gold);
    let (_, _, strict_f1) = prf(total.strict, total.predicted, n_gold);
    let (value_p, value_r, value_f1) = prf(total.value, total.predicted, n_gold);
    let mut extra = BTreeMap::new();
    let num = |x: f64| serde_json::json!((x * 10000.0).round() / 10000.0);
    extra.insert("value_f1".into(), num(value_f1));
    extra.insert("value_precision".into(), num(value_p));
    extra.insert("value_recall".into(), num(value_r));
    extra.insert("strict_f1".into(), num(strict_f1));
    extra.insert("documents".into(), serde_json::json!(files.len()));
    extra.insert("gold".into(), serde_json::json!(n_gold));
    extra.insert("predicted".into(), serde_json::json!(total.predicted));
    extra.insert("relaxed_matches".into(), serde_json::json!(total.relaxed));
    extra.insert("strict_matches".into(), serde_json::json!(total.strict));
    extra.insert("value_matches".into(), serde_json::json!(total.value));
    let rules: BTreeMap<&str, serde_json::Value> = per_rule
        .iter()
        .map(|(r, c)| (*r, serde_json::json!({"predicted": c.predicted, "relaxed": c.relaxed, "strict": c.strict, "value": c.value})))
        .collect();
    extra.insert("per_rule".into(), serde_json::json!(rules));
    let types: BTreeMap<&str, serde_json::Value> =
        per_type.iter().map(|(t, c)| (t.as_str(), serde_json::json!({"gold": c.0, "found": c.1, "value": c.2}))).collect();
    extra.insert("per_gold_type".into(), serde_json::json!(types));
    Ok(EvalReport { precision: num(precision).as_f64().unwrap_or(0.0), recall: num(recall).as_f64().unwrap_or(0.0), f1: num(f1).as_f64().unwrap_or(0.0), seconds: t0.elapsed().as_secs_f64(), extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TML: &str = r#"<?xml version="1.0" ?><TimeML><DOCID>x</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22" functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>
<TEXT>Dr. Jhung <EVENT eid="e1">said</EVENT> <TIMEX3 tid="t3" type="DATE" value="2013-03-22">Friday</TIMEX3> AT&amp;T's flu for <TIMEX3 tid="t1" type="DURATION" value="P1M">a month</TIMEX3>.</TEXT></TimeML>"#;

    #[test]
    fn parses_text_dct_and_gold_spans() {
        let d = parse_timeml(TML).unwrap();
        assert_eq!(d.dct, NaiveDate::from_ymd_opt(2013, 3, 22));
        assert_eq!(d.gold.len(), 2);
        assert_eq!(&d.text[d.gold[0].start..d.gold[0].end], "Friday");
        assert_eq!(&d.text[d.gold[1].start..d.gold[1].end], "a month");
        assert!(d.text.contains("AT&T's"));
        assert_eq!(d.gold[1].value, "P1M");
    }

    #[test]
    fn scores_a_folder() {
        let dir = std::env::temp_dir().join(format!("presswork-dates-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.tml"), TML).unwrap();
        let r = eval_timeml(&dir).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(r.extra["gold"], serde_json::json!(2));
        assert!((r.recall - 1.0).abs() < 1e-9, "{r:?}");
        assert_eq!(r.extra["value_matches"], serde_json::json!(2));
        assert!(eval_timeml(Path::new("/nonexistent/dir")).is_err());
    }
}
