//! Step `dedupe_blocks`: exact duplicates of lines and paragraphs inside one document (a repeated
//! title, a caption repeated in the body). The first body occurrence is kept (the first occurrence
//! when none is body); the others become kind `duplicate`.

use std::collections::BTreeMap;

use pipeline::{BlockKind, CorpusKnowledge, DocStep, Document, StepError};

use crate::boilerplate::comparable;
use crate::workspace::{assemble, ensure_blocks, working_texts};

pub struct DedupeBlocksStep;

impl DocStep for DedupeBlocksStep {
    fn name(&self) -> &'static str {
        "dedupe_blocks"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        ensure_blocks(doc);
        let texts = working_texts(doc);
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, t) in texts.iter().enumerate() {
            let key = comparable(t);
            if !key.is_empty() && doc.blocks[i].kind != BlockKind::Duplicate {
                groups.entry(key).or_default().push(i);
            }
        }
        for members in groups.values().filter(|m| m.len() > 1) {
            let keeper = members.iter().copied().find(|&i| doc.blocks[i].kind.is_kept()).unwrap_or(members[0]);
            let keeper_index = doc.blocks[keeper].index;
            for &i in members.iter().filter(|&&i| i != keeper) {
                let b = &mut doc.blocks[i];
                b.kind = BlockKind::Duplicate;
                b.kept = false;
                b.rule = format!("duplicate_of:{keeper_index}");
            }
        }
        assemble(doc);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::tests::doc;

    #[test]
    fn repeated_title_and_caption_in_body() {
        let mut d = doc("Talks have begun\n\nTalks have begun\nBody one is here.\nBody one is here!\nOther body.");
        ensure_blocks(&mut d);
        d.blocks[0].kind = BlockKind::Title;
        d.blocks[0].kept = false;
        DedupeBlocksStep.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        let kinds: Vec<BlockKind> = d.blocks.iter().map(|b| b.kind).collect();
        // The second title line was body by default: it is the first body occurrence, so it stays
        // and the title line is the duplicate.
        assert_eq!(kinds, [BlockKind::Duplicate, BlockKind::Body, BlockKind::Body, BlockKind::Duplicate, BlockKind::Body]);
        assert_eq!(d.text, "Talks have begun\n\nBody one is here.\n\nOther body.");
        d.check_spans().unwrap();
    }

    #[test]
    fn distinct_blocks_untouched() {
        let mut d = doc("One line.\nAnother line.");
        DedupeBlocksStep.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        assert!(d.blocks.iter().all(|b| b.kind == BlockKind::Body && b.kept));
    }
}
