//! CoNLL-2003 files (original IOB1 tags) and entity-level exact-match scoring as conlleval does it.

use std::path::Path;

use super::NerError;
use super::features::LABELS;

/// One sentence: words and gold entity spans (start, end exclusive, label index).
#[derive(Debug, Clone, Default)]
pub struct ConllSentence {
    pub words: Vec<String>,
    pub spans: Vec<(usize, usize, usize)>,
}

/// One `-DOCSTART-` document.
#[derive(Debug, Clone, Default)]
pub struct ConllDoc {
    pub sents: Vec<ConllSentence>,
}

pub fn label_index(l: &str) -> Option<usize> {
    LABELS.iter().position(|x| *x == l)
}

/// Reads a CoNLL-2003 file: `token POS chunk NER` per line, blank lines between sentences,
/// `-DOCSTART-` lines between documents. Tags are IOB1 (B- only where two same-type entities
/// touch); IOB2 input reads the same.
pub fn read_conll(path: &Path) -> Result<Vec<ConllDoc>, NerError> {
    let text = std::fs::read_to_string(path).map_err(|e| NerError::Io { path: path.to_path_buf(), source: e })?;
    parse_conll(&text).map_err(|(line, message)| NerError::Format { path: path.to_path_buf(), line, message })
}

pub fn parse_conll(text: &str) -> Result<Vec<ConllDoc>, (usize, String)> {
    let mut docs: Vec<ConllDoc> = Vec::new();
    let mut doc = ConllDoc::default();
    let mut words: Vec<String> = Vec::new();
    let mut tags: Vec<(usize, bool, Option<usize>)> = Vec::new(); // (line, is_b, label)
    let flush_sent = |doc: &mut ConllDoc, words: &mut Vec<String>, tags: &mut Vec<(usize, bool, Option<usize>)>| {
        if words.is_empty() {
            return;
        }
        let mut spans = Vec::new();
        let mut open: Option<(usize, usize)> = None;
        for (i, &(_, is_b, lab)) in tags.iter().enumerate() {
            match lab {
                None => {
                    if let Some((s, l)) = open.take() {
                        spans.push((s, i, l));
                    }
                }
                Some(l) => match open {
                    Some((_, ol)) if ol == l && !is_b => {}
                    _ => {
                        if let Some((s, ol)) = open.take() {
                            spans.push((s, i, ol));
                        }
                        open = Some((i, l));
                    }
                },
            }
        }
        if let Some((s, l)) = open {
            spans.push((s, tags.len(), l));
        }
        doc.sents.push(ConllSentence { words: std::mem::take(words), spans });
        tags.clear();
    };
    for (ln, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            flush_sent(&mut doc, &mut words, &mut tags);
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols[0] == "-DOCSTART-" {
            flush_sent(&mut doc, &mut words, &mut tags);
            if !doc.sents.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        if cols.len() < 2 {
            return Err((ln + 1, format!("expected `token ... tag`, got {line:?}")));
        }
        let tag = cols[cols.len() - 1];
        let parsed = if tag == "O" {
            (ln + 1, false, None)
        } else {
            let (pre, lab) = tag.split_once('-').ok_or((ln + 1, format!("bad tag {tag:?}")))?;
            let l = label_index(lab).ok_or((ln + 1, format!("unknown label {lab:?} (PER, ORG, LOC, MISC)")))?;
            match pre {
                "B" => (ln + 1, true, Some(l)),
                "I" => (ln + 1, false, Some(l)),
                _ => return Err((ln + 1, format!("bad tag prefix in {tag:?}"))),
            }
        };
        words.push(cols[0].to_string());
        tags.push(parsed);
    }
    flush_sent(&mut doc, &mut words, &mut tags);
    if !doc.sents.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// Exact-match counts per label: (true positives, predicted, gold).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub per_label: [(usize, usize, usize); 4],
}

impl Counts {
    pub fn add(&mut self, gold: &[(usize, usize, usize)], pred: &[(usize, usize, usize)]) {
        for &(_, _, l) in gold {
            self.per_label[l].2 += 1;
        }
        for p in pred {
            self.per_label[p.2].1 += 1;
            if gold.contains(p) {
                self.per_label[p.2].0 += 1;
            }
        }
    }
    pub fn total(&self) -> (usize, usize, usize) {
        self.per_label.iter().fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2))
    }
    pub fn f1(&self) -> f64 {
        let (t, p, g) = self.total();
        pipeline::eval::prf(t, p, g).2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_spans_split_on_b_and_type_change() {
        let text = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\nJohn NNP I-NP B-PER\nBonn NNP I-NP I-LOC\n\nx NN O O\n";
        let docs = parse_conll(text).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].sents[0].spans, vec![(0, 1, 1), (2, 4, 0), (4, 5, 0), (5, 6, 2)]);
        assert!(docs[0].sents[1].spans.is_empty());
        assert!(parse_conll("a b c I-FOO\n").is_err());
    }
}
