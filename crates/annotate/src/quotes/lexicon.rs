//! Word lists for quote attribution: speech cues, speaker nouns, titles. They are general English
//! news vocabulary, not names from any corpus.

use std::collections::HashSet;
use std::sync::OnceLock;

/// A long word list, looked up by hash: the longest lists (up to 200 words) are consulted for
/// most tokens near every quote, where a linear scan compared each word with every entry.
pub struct WordSet {
    words: &'static [&'static str],
    set: OnceLock<HashSet<&'static str>>,
}

impl WordSet {
    const fn new(words: &'static [&'static str]) -> Self {
        WordSet { words, set: OnceLock::new() }
    }

    /// Whether `w` is in the list (called like the slice method it replaces).
    pub fn contains(&self, w: &&str) -> bool {
        self.set.get_or_init(|| self.words.iter().copied().collect()).contains(*w)
    }
}

/// Verbs (and verb forms) that introduce or close reported speech.
pub static CUE_VERBS: WordSet = WordSet::new(&[
    "said", "says", "say", "saying", "told", "tells", "telling", "added", "adds", "adding", "asked",
    "asks", "asking", "wrote", "writes", "writing", "tweeted", "tweets", "tweeting", "posted", "stated",
    "states", "declared", "declares", "insisted", "insists", "insisting", "argued", "argues", "arguing",
    "noted", "notes", "noting", "explained", "explains", "explaining", "warned", "warns", "warning",
    "claimed", "claiming", "continued", "continues", "replied", "replies", "responded",
    "responds", "recalled", "recalls", "acknowledged", "acknowledges", "admitted", "admits",
    "announced", "announces", "observed", "remarked", "suggested", "suggests", "stressed", "stresses",
    "emphasized", "emphasised", "complained", "complains", "countered", "conceded", "concedes",
    "predicted", "predicts", "promised", "promises", "vowed", "vows", "urged", "urges", "called",
    "calls", "calling", "described", "describes", "describing", "dismissed", "labeled", "labelled",
    "branded", "termed", "dubbed", "praised", "blasted", "criticized", "criticised", "accused",
    "charged", "testified", "reported", "reports", "quipped", "joked", "shouted", "yelled",
    "whispered", "boasted", "bragged", "pledged", "threatened", "demanded", "proclaimed", "confirmed",
    "denied", "believes", "thinks", "hopes", "hoped", "expects", "expected", "feared",
    "mused", "lamented", "cautioned", "assured", "reiterated", "repeated", "agreed", "disagreed",
    "retorted", "snapped", "conceded", "contended", "contends", "maintained", "maintains", "asserted",
    "asserts", "alleged", "alleges", "wondered", "read", "reads", "concluded", "offered", "shot",
    "chanted", "sang", "sings", "stressing", "admires", "scolded", "lauded", "likened", "ruled", "screamed", "explained", "indicated", "announced", "characterized",
    "characterised", "promising", "vowing", "urging", "declaring", "stating", "adding", "pointing",
]);

/// Cue verbs that also have a plain transitive sense ("continues its run", "read the
/// report"): before a quote they report speech only when no object stands between them and it.
pub const INTRANSITIVE_CUES: &[&str] = &["continued", "continues", "read", "reads", "shot", "concluded"];

/// Nouns that can head the description of a speaker ("a senior administration official").
pub static SPEAKER_NOUNS: WordSet = WordSet::new(&[
    "official", "source", "spokesman", "spokeswoman", "spokesperson", "spokespeople", "aide",
    "adviser", "advisor", "diplomat", "analyst", "expert", "person", "people", "lawmaker",
    "legislator", "senator", "minister", "president", "leader", "statement", "readout", "report",
    "account", "ministry", "government", "administration", "campaign", "observer", "critic",
    "supporter", "resident", "witness", "voter", "democrat", "republican", "candidate", "nominee",
    "governor", "mayor", "secretary", "ambassador", "commander", "general", "officer", "member",
    "executive", "economist", "strategist", "pollster", "historian", "professor", "scholar",
    "researcher", "author", "writer", "reporter", "journalist", "editor", "website", "newspaper",
    "tweet", "message", "letter", "memo", "document", "release", "announcement", "ad",
    "advertisement", "video", "group", "organization", "organisation", "company", "firm", "agency",
    "committee", "team", "authorities", "authority", "police", "prosecutor", "lawyer", "attorney",
    "judge", "court", "doctor", "physician", "announcer", "host", "moderator", "man", "woman", "men",
    "women", "mother", "father", "friend", "colleague", "partner", "insider", "veteran", "activist",
    "protester", "student", "worker", "employee", "staffer", "operative", "consultant", "surrogate",
    "allies", "ally", "chief", "head", "chairman", "chairwoman", "director", "founder", "ceo",
    "speaker", "counterpart", "side", "camp", "kremlin", "representative", "congressman",
    "congresswoman", "manager", "director", "coordinator", "negotiator", "envoy", "military",
    "ministry", "department", "office", "council", "commission", "service", "study", "poll", "survey",
    "post", "paper", "network", "outlet", "article", "story", "editorial", "column", "blog", "book",
    "memoir", "interview", "broadcast", "show", "program", "programme", "transcript", "filing",
    "complaint", "lawsuit", "ruling", "order", "decree", "resolution", "proposal", "draft",
]);

/// Personal pronouns that can be the subject of a speech verb.
pub const PRONOUNS: &[&str] = &["he", "she", "they", "it", "i", "we"];

/// Words that may stand between a subject and its speech verb ("Putin on Wednesday also said").
pub static SKIP_LEFT: WordSet = WordSet::new(&[
    "also", "later", "then", "again", "once", "recently", "previously", "repeatedly", "reportedly",
    "directly", "publicly", "privately", "initially", "has", "had", "have", "was", "were", "is", "are",
    "would", "will", "did", "does", "do", "ever", "never", "still", "even", "just", "already", "first",
    "further", "bluntly", "flatly", "angrily", "simply", "quickly", "often", "finally", "separately",
    "similarly", "earlier", "last", "this", "on", "late", "morning", "afternoon", "evening", "night",
    "week", "today", "yesterday", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "frequently", "openly", "explicitly", "famously", "memorably", "once",
    "subsequently", "immediately", "personally", "herself", "himself", "themselves", "not", "only",
    "may", "might", "could", "can", "should", "must", "always", "sometimes",
]);

/// Prepositions of a time phrase between a subject and its verb ("Biden in June said").
pub const TIME_PREPS: &[&str] = &["in", "on", "since", "during", "until", "by"];

/// Function words that start sentences with a capital but are never part of a name.
pub static CAP_FUNCTION_WORDS: WordSet = WordSet::new(&[
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their", "Our",
    "This", "That", "These", "Those", "There", "But", "And", "Or", "So", "Yet", "In", "On", "At", "For",
    "As", "After", "Before", "When", "While", "If", "Since", "Still", "However", "Meanwhile", "Some",
    "Many", "Most", "Other", "Others", "What", "Why", "How", "Who", "Asked", "Earlier", "Later",
    "Last", "Now", "Then", "Both", "One", "No", "Not", "Speaking", "According", "With", "From", "By",
    "To", "Of", "Under", "Over", "During", "Among", "Despite", "Although", "Though", "Because",
    "Unlike", "Like", "Also", "Even", "Instead", "Yes", "Well", "Oh", "My", "Your", "Mr", "Every",
    "Each", "Such", "Several", "Few", "All", "Any", "Here", "Where", "Which", "Whether", "Until",
    "Once", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Today",
    "Yesterday", "Tonight", "Read", "More", "Said", "Says", "Asked", "Told", "Indeed", "Specifically",
    "Adding", "Actually", "Finally", "Sadly", "Ironically", "Notably", "Unfortunately", "Fortunately",
    "Separately", "Similarly", "Likewise", "Moreover", "Furthermore", "Nevertheless", "Nonetheless",
    "Additionally", "Again", "Perhaps", "Maybe", "Please", "Thank", "Thanks", "Hey",
]);

/// Lowercase particles inside names ("Charles de Gaulle", "Ursula von der Leyen").
pub const NAME_PARTICLES: &[&str] = &["de", "von", "van", "der", "den", "bin", "al", "la", "le", "du", "del", "da", "di", "dos", "ibn"];

/// Abbreviated titles that keep their full stop ("Mr.", "Gen.").
pub const TITLE_ABBREVS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gen", "Col", "Lt", "Sgt", "Capt", "Maj", "Adm", "Cmdr", "Sen", "Rep",
    "Gov", "Prof", "Rev", "Hon", "Amb", "Atty", "Pres", "Sens", "Reps", "Gens", "Brig", "Cpl", "St",
    "Jr", "Sr", "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Col.", "Lt.", "Sgt.", "Capt.", "Maj.", "Adm.",
    "Cmdr.", "Sen.", "Rep.", "Gov.", "Prof.", "Rev.", "Hon.", "Amb.", "Atty.", "Pres.", "Sens.",
    "Reps.", "Gens.", "Brig.", "Cpl.",
];

/// Title and role words stripped off the front of a name (lowercase, no full stop).
pub const TITLE_WORDS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "sen", "rep", "gov", "lt", "sgt", "capt", "maj", "adm",
    "cmdr", "prof", "rev", "hon", "amb", "atty", "pres", "president", "vice", "prime", "minister",
    "secretary", "spokesman", "spokeswoman", "spokesperson", "chancellor", "chairman", "chairwoman",
    "director", "ambassador", "senator", "governor", "judge", "justice", "pope", "king", "queen",
    "prince", "princess", "deputy", "chief", "general", "leader", "speaker", "mayor", "commissioner",
    "foreign", "defense", "defence", "state", "sir", "lord", "lady", "dame", "professor", "attorney",
    "candidate", "nominee", "congressman", "congresswoman", "representative", "aide", "adviser",
    "advisor", "officer", "rabbi", "father", "sheikh", "president-elect", "former", "first",
    "admiral", "colonel", "lieutenant", "sergeant", "captain", "major", "press",
];

/// Adjectives that open a title phrase and are not part of the name ("Russian President ...").
pub const LEADING_ADJECTIVES: &[&str] = &[
    "russian", "ukrainian", "american", "british", "french", "german", "chinese", "israeli",
    "republican", "democratic", "democrat", "independent", "libertarian", "gop", "then", "incoming",
    "outgoing", "acting", "late",
];

/// Words that make a capitalised name an organisation.
pub const ORG_WORDS: &[&str] = &[
    "kremlin", "house", "ministry", "department", "office", "council", "committee", "commission",
    "agency", "party", "post", "times", "news", "journal", "network", "campaign", "administration",
    "government", "army", "navy", "pentagon", "union", "bank", "fund", "service", "inc", "corp",
    "group", "university", "institute", "court", "congress", "senate", "parliament", "duma",
    "embassy", "association", "foundation", "center", "centre", "organization", "organisation",
    "tass", "reuters", "interfax", "politifact", "company", "board", "police", "bureau", "magazine",
    "tribune", "herald", "gazette", "daily", "review", "broadcasting", "radio", "television", "media",
    "alliance", "coalition", "movement", "forces", "command", "headquarters", "club", "federation",
    "republic", "state", "states", "nations", "assembly", "cabinet", "ria", "novosti", "twitter",
    "facebook", "telegram",
];

/// Prepositions after which a capitalised run is a place or an object, not a person.
pub const PLACE_PREPS: &[&str] = &["in", "at", "to", "from", "near", "into", "across", "toward", "towards", "outside", "inside", "across", "via"];

/// Words that open a noun phrase and end it on the left.
pub const DETERMINERS: &[&str] = &[
    "a", "an", "the", "another", "some", "one", "two", "three", "four", "several", "many", "few",
    "his", "her", "their", "its", "our", "this", "that", "these", "those", "other", "both", "no",
    "all", "most", "any", "my", "your",
];

/// Words a speaker phrase never runs over.
pub const NP_STOP: &[&str] = &[
    "of", "in", "on", "at", "for", "with", "to", "from", "by", "about", "after", "before", "during",
    "over", "under", "as", "than", "and", "or", "but", "that", "which", "who", "whom", "whose", "when",
    "while", "because", "if", "is", "was", "are", "were", "has", "had", "have", "be", "been", "into",
    "since", "who", "where", "not", "also", "said", "told",
];

pub fn is_speaker_noun(lower_word: &str) -> bool {
    SPEAKER_NOUNS.contains(&lower_word) || SPEAKER_NOUNS.contains(&super::singular(lower_word))
}

/// Lowercase words allowed inside a title-case title ("Fox and Friends").
pub const TITLE_SMALL_WORDS: &[&str] = &["of", "the", "and", "a", "an", "in", "on", "for", "to", "with", "at", "by", "from", "or", "is"];

/// Verbs that introduce a name or label in quotes ("called Machado “Miss Piggy”").
pub const NAMING_CUES: &[&str] = &["called", "calls", "calling", "dubbed", "labeled", "labelled", "branded", "nicknamed", "as", "termed", "named", "chanting", "chanted"];

/// Capitalised words that are never a speaker's name (months).
pub const NOT_NAMES: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
];

/// Lowercase words that open a clause that is not a speaker phrase ("amid", "when", "so").
pub const CLAUSE_OPENERS: &[&str] = &[
    "amid", "when", "so", "then", "because", "although", "though", "unless", "until", "despite",
    "including", "like", "unlike", "per", "via", "without", "against", "toward", "towards", "among",
    "between", "through", "throughout", "within", "where", "whereas", "whether", "what", "how", "why",
    "or", "nor", "yet", "even", "just", "only", "rather", "instead", "not", "no", "never", "ever",
];

/// Words that mark the quote after them as a scare quote.
pub const SCARE_MARKERS: &[&str] = &["so-called", "supposed", "alleged", "self-styled", "self-described", "quote-unquote", "word"];

/// Auxiliary and modal verbs (a clause's verb follows its subject).
pub const AUXILIARIES: &[&str] = &["has", "had", "have", "is", "was", "were", "are", "will", "would", "can", "could", "did", "does", "do", "should", "may", "might", "must"];
