//! Random texts for the tests that check a fast path against its plain definition.

/// Endless texts, each a run of 0 to `max_pieces - 1` pieces drawn from `pieces`; the same
/// sequence on every run (xorshift64 from a fixed seed), so a failure names a text that recurs.
pub(crate) struct RandomTexts<'a> {
    pieces: &'a [&'a str],
    max_pieces: u64,
    state: u64,
}

pub(crate) fn random_texts<'a>(pieces: &'a [&'a str], max_pieces: u64) -> RandomTexts<'a> {
    RandomTexts { pieces, max_pieces, state: 0x2545_f491_4f6c_dd1d }
}

impl RandomTexts<'_> {
    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }
}

impl Iterator for RandomTexts<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let len = self.next_u64() % self.max_pieces;
        Some((0..len).map(|_| self.pieces[(self.next_u64() % self.pieces.len() as u64) as usize]).collect())
    }
}
