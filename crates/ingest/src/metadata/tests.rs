//! Tests of the metadata reader on the shipped corpus and on synthetic variants.

use super::*;

const WAPO_000: &str = include_str!("../../../../corpus/000_7af196de5e79098c.txt");
const NYT_001: &str = include_str!("../../../../corpus/001_eff779026592d293.txt");
const AP_002: &str = include_str!("../../../../corpus/002_037532f3cf66b02e.txt");
const WAPO_003: &str = include_str!("../../../../corpus/003_da8470f8a25eae5a.txt");
const BNE_004: &str = include_str!("../../../../corpus/004_e9d4a3ba796d143f.txt");

fn role(m: &Metadata, line: usize) -> Option<BlockKind> {
    m.line_roles.iter().find(|r| r.line == line).map(|r| r.kind)
}

#[test]
fn wapo_000_masthead_caption_date_and_wednesday() {
    let m = from_text(WAPO_000);
    assert_eq!(m.outlet.as_deref(), Some("The Washington Post"));
    assert_eq!(m.site, None, "the text never names washingtonpost.com");
    assert_eq!(m.title.as_deref(), Some("Kremlin sees expanded talks with U.S. on Ukraine crisis after Putin call with Biden"));
    assert_eq!(m.dateline.as_deref(), Some("MOSCOW"));
    // Caption "on Dec. 7, 2021" + "Putin on Wednesday called ..." -> Wednesday Dec. 8.
    assert_eq!(m.published.as_deref(), Some("2021-12-08"));
    assert_eq!(m.published_basis, Some(PublishedBasis::InferredWeekday));
    assert_eq!(role(&m, 0), Some(BlockKind::Masthead));
    assert_eq!(role(&m, 2), Some(BlockKind::Title));
    assert_eq!(role(&m, 4), Some(BlockKind::Caption));
    assert_eq!(role(&m, 6), None, "the dateline paragraph is body");
    assert!(m.authors.is_empty() && m.contributors.is_empty());
}

#[test]
fn nyt_001_source_line_and_no_year() {
    let m = from_text(NYT_001);
    assert_eq!(m.outlet.as_deref(), Some("The New York Times"));
    assert_eq!(m.site.as_deref(), Some("nytimes.com"));
    assert_eq!(m.dateline.as_deref(), Some("WASHINGTON"));
    assert!(m.title.as_deref().unwrap().starts_with("President Vladimir V. Putin of Russia spoke with President Biden"));
    assert_eq!(role(&m, 1), Some(BlockKind::Subtitle));
    assert_eq!(m.line_roles[0].rule, "title_first_line_summary");
    assert_eq!(role(&m, 29), Some(BlockKind::Caption));
    assert_eq!(role(&m, 37), Some(BlockKind::Source));
    // The text names no year at all ("Dec. 3", "Jan. 10", "Thursday"): alone it cannot be dated.
    assert_eq!(m.published, None);
    assert_eq!(m.published_basis, Some(PublishedBasis::Unknown));
    let e = estimate_publication(NYT_001, &MetadataHints::default());
    assert_eq!(e.weekday, Some(chrono::Weekday::Thu));
    // With the year known from outside, the weekday and dated events place it.
    let hinted = from_text_with_hints(NYT_001, &MetadataHints { year: Some(2021), ..Default::default() });
    assert_eq!(hinted.published.as_deref(), Some("2021-12-30"));
    assert_eq!(hinted.published_basis, Some(PublishedBasis::InferredWeekday));
}

#[test]
fn ap_002_wire_dateline_copyright_and_credits() {
    let m = from_text(AP_002);
    assert_eq!(m.outlet.as_deref(), Some("Associated Press"));
    assert_eq!(m.title.as_deref(), Some("Biden and Putin speak for nearly an hour as alarm goes off in Ukraine"));
    assert_eq!(m.dateline.as_deref(), Some("WILMINGTON, Del."));
    assert_eq!(m.contributors, vec!["Vladimir Isachenkov", "Dasha Litvinova", "Robert Burns", "Yuras Karmanau"]);
    // Copyright 2021; "Thursday evening" call; "Dec. 7" call in the past, "Jan. 10" talks ahead.
    assert_eq!(m.published.as_deref(), Some("2021-12-30"));
    assert_eq!(m.published_basis, Some(PublishedBasis::InferredWeekday));
    assert_eq!(role(&m, 0), Some(BlockKind::Title));
    assert_eq!(role(&m, 75), Some(BlockKind::Credit));
    assert_eq!(role(&m, 77), Some(BlockKind::Copyright));
    assert_eq!(role(&m, 79), None, "a bare name after the copyright is not claimed");
    let e = estimate_publication(AP_002, &MetadataHints::default());
    assert!(e.tied > 1, "the text leaves several Thursdays open: {e:?}");
}

#[test]
fn wapo_003_before_the_tuesday_call() {
    let m = from_text(WAPO_003);
    assert_eq!(m.outlet.as_deref(), Some("The Washington Post"));
    assert_eq!(m.title.as_deref(), Some("Putin expected to demand guarantee in Biden call that NATO won’t expand east"));
    assert_eq!(m.dateline.as_deref(), Some("MOSCOW"));
    assert_eq!(m.contributors, vec!["Mary Ilyushina", "Natalia Abbakumova"]);
    assert_eq!(role(&m, 78), Some(BlockKind::Credit));
    // "said Monday", "their video meeting Tuesday": a Monday, but no year or date in the text.
    assert_eq!(m.published, None);
    let e = estimate_publication(WAPO_003, &MetadataHints::default());
    assert_eq!(e.weekday, Some(chrono::Weekday::Mon));
}

#[test]
fn bne_004_byline_date_and_house_style() {
    let m = from_text(BNE_004);
    assert_eq!(m.outlet.as_deref(), Some("bne IntelliNews"));
    assert_eq!(m.site, None);
    assert_eq!(m.authors, vec!["Ben Aris"]);
    assert_eq!(m.published.as_deref(), Some("2021-12-08"));
    assert_eq!(m.published_basis, Some(PublishedBasis::Explicit));
    assert_eq!(m.title.as_deref(), Some("Talks have begun with the US over Ukraine crisis, but the Kremlin is playing a long game"));
    assert_eq!(m.dateline.as_deref(), Some("Berlin"), "the byline place is where the story was filed");
    assert_eq!(role(&m, 0), Some(BlockKind::Title));
    assert_eq!(role(&m, 2), Some(BlockKind::Duplicate));
    assert_eq!(role(&m, 3), Some(BlockKind::Caption));
    assert_eq!(role(&m, 4), Some(BlockKind::Byline));
}

#[test]
fn house_style_needs_both_signals() {
    // The same byline without the slash-credit caption names no outlet.
    let t = "Some headline about gas prices\n\nBy Jane Doe in Warsaw March 3, 2022\n\nPrices rose.\n";
    let m = from_text(t);
    assert_eq!(m.outlet, None);
    assert_eq!(m.authors, vec!["Jane Doe"]);
    assert_eq!(m.published.as_deref(), Some("2022-03-03"));
}

#[test]
fn another_wapo_article_with_a_different_dateline() {
    let t = "The Washington PostDemocracy Dies in Darkness\n\n\
Ukraine braces for a long siege of its capital\n\n\
Residents queue for bread in Kyiv on March 2, 2022. (Jane Roe/For The Washington Post)\n\n\
KYIV, Ukraine — Russian forces pressed toward the capital on Thursday, officials said.\n\n\
The mayor said Wednesday that the city had food for two weeks.\n";
    let m = from_text(t);
    assert_eq!(m.outlet.as_deref(), Some("The Washington Post"));
    assert_eq!(m.dateline.as_deref(), Some("KYIV, Ukraine"));
    assert_eq!(m.title.as_deref(), Some("Ukraine braces for a long siege of its capital"));
    // Caption Wednesday March 2, 2022; "on Thursday" is the story's day.
    assert_eq!(m.published.as_deref(), Some("2022-03-03"));
    assert_eq!(m.published_basis, Some(PublishedBasis::InferredWeekday));
}

#[test]
fn ap_new_york_dateline() {
    let t = "Stocks slip as investors weigh rate outlook\n\n\
NEW YORK (AP) — Stocks slipped on Wall Street on Tuesday as investors weighed the outlook.\n\n\
By Jane Doe and John Roe\n\n\
Copyright 2023 The Associated Press. All rights reserved.\n";
    let m = from_text(t);
    assert_eq!(m.outlet.as_deref(), Some("Associated Press"));
    assert_eq!(m.dateline.as_deref(), Some("NEW YORK"));
    assert_eq!(m.authors, vec!["Jane Doe", "John Roe"]);
    // Copyright year and one weekday: dozens of Tuesdays fit, so no date.
    assert_eq!(m.published, None);
    assert_eq!(m.published_basis, Some(PublishedBasis::Unknown));
}

#[test]
fn agency_code_alone_names_the_outlet() {
    let t = "Quake shakes city\n\nTOKYO (Reuters) - A strong earthquake struck on Monday.\n";
    let m = from_text(t);
    assert_eq!(m.outlet.as_deref(), Some("Reuters"));
    assert_eq!(m.dateline.as_deref(), Some("TOKYO"));
}

#[test]
fn semicolon_headline_with_deck() {
    let t = "Lawmaker urges retaliation on Russia;\nMember of House panel says U.S. has to keep Moscow out of elections\n\nWASHINGTON — A lawmaker said.\n";
    let m = from_text(t);
    assert_eq!(m.title.as_deref(), Some("Lawmaker urges retaliation on Russia"));
    assert_eq!(role(&m, 1), Some(BlockKind::Subtitle));
}

#[test]
fn reuters_dateline_date_with_copyright_year() {
    let t = "Russia says talks useful\n\nMOSCOW, Dec 8 (Reuters) - The Kremlin said on Wednesday the talks were useful.\n\nCopyright 2021 Thomson Reuters\n";
    let m = from_text(t);
    assert_eq!(m.outlet.as_deref(), Some("Reuters"));
    assert_eq!(m.dateline.as_deref(), Some("MOSCOW"));
    assert_eq!(m.published.as_deref(), Some("2021-12-08"));
    assert_eq!(m.published_basis, Some(PublishedBasis::Explicit));
}

#[test]
fn date_lines_and_dated_headlines() {
    let t = "Published Wednesday, December 8, 2021 at 5:01 p.m. EST\n\nMarkets rally on Dec. 8, 2021\n\nStocks rose.\n";
    let m = from_text(t);
    assert_eq!(m.published.as_deref(), Some("2021-12-08"));
    assert_eq!(m.published_basis, Some(PublishedBasis::Explicit));
    assert_eq!(role(&m, 0), Some(BlockKind::Byline));
    assert_eq!(m.title.as_deref(), Some("Markets rally on Dec. 8, 2021"));
    let m = from_text("Markets rally on Dec. 8, 2021\n\nStocks rose.\n");
    assert_eq!(m.published_basis, Some(PublishedBasis::Unknown), "a dated headline is not a date line");
}

#[test]
fn no_date_anywhere() {
    let t = "A quiet headline\n\nNothing in this text says when it happened or which day it is.\n";
    let m = from_text(t);
    assert_eq!(m.published, None);
    assert_eq!(m.published_basis, Some(PublishedBasis::Unknown));
    assert_eq!(m.outlet, None);
    assert_eq!(m.title.as_deref(), Some("A quiet headline"));
    assert_eq!(m.dateline, None);
    // Without a dateline or byline, the second line is body, not a subtitle.
    assert_eq!(role(&m, 2), None);
}

#[test]
fn conflicting_weekdays_do_not_crash() {
    let t = "Talks stall\n\nGENEVA — Diplomats said Monday that talks would resume. \
On Friday the envoy left. The minister said Sunday he would return on Monday. \
A photo taken on June 1, 2022 shows the hall. Officials met on Saturday and will meet again Wednesday.\n\
Copyright 2022 Reuters\n";
    let m = from_text(t);
    assert_eq!(m.outlet.as_deref(), Some("Reuters"));
    let e = estimate_publication(t, &MetadataHints::default());
    assert!(!e.note.is_empty());
    if let Some(d) = &m.published {
        assert!(d.starts_with("2022-"), "{d}");
    }
}

#[test]
fn negatives_do_not_fire() {
    let t = "Officials weigh options\n\n\
U.S. officials — speaking on condition of anonymity — said the plan was ready.\n\n\
By massing troops on the border, Russia raised the stakes.\n\n\
An intelligence document obtained by The Washington Post shows the plan.\n\n\
Copyright law is not the issue here, the lawyer said (and/or the judge).\n\n\
The vote split the chamber (50/50)\n";
    let m = from_text(t);
    assert_eq!(m.dateline, None);
    assert!(m.authors.is_empty());
    assert_eq!(m.outlet, None, "an outlet named in the body is not the publisher");
    assert_eq!(m.line_roles.len(), 1, "{:?}", m.line_roles);
}

#[test]
fn section_label_and_url_line() {
    let t = "Fed holds rates steady amid uncertainty | Economy\n\nhttps://www.reuters.com/markets/us/2023/06/14/fed-holds/\n\nWASHINGTON (Reuters) - The Fed held.\n";
    let m = from_text(t);
    assert_eq!(m.title.as_deref(), Some("Fed holds rates steady amid uncertainty"));
    assert_eq!(m.site.as_deref(), Some("reuters.com"));
    assert_eq!(m.outlet.as_deref(), Some("Reuters"));
    assert_eq!(m.published.as_deref(), Some("2023-06-14"));
    assert_eq!(m.published_basis, Some(PublishedBasis::Explicit));
}

#[test]
fn hints_fill_gaps_but_text_wins() {
    let hints = MetadataHints {
        outlet: Some("Example Daily".into()),
        title: Some("A hinted title for the tests | Example Daily".into()),
        published: Some("2020-05-04T10:00:00Z".into()),
        ..Default::default()
    };
    let m = from_text_with_hints("\n\n", &hints);
    assert_eq!(m.outlet.as_deref(), Some("Example Daily"));
    assert_eq!(m.title.as_deref(), Some("A hinted title for the tests"));
    assert_eq!(m.published.as_deref(), Some("2020-05-04"));
    assert_eq!(m.published_basis, Some(PublishedBasis::Metadata));
    let m = from_text_with_hints(WAPO_000, &hints);
    assert_eq!(m.outlet.as_deref(), Some("The Washington Post"));
}

#[test]
fn never_panics_on_odd_input() {
    let long_line = "Дата: 7 декабря — ".repeat(20_000);
    let inputs = [
        String::new(),
        "\n\n\n".into(),
        "\u{feff}".into(),
        "By".into(),
        "©".into(),
        "Copyright".into(),
        "Source:".into(),
        "MOSCOW —".into(),
        "Monday Tuesday Wednesday Dec. 31, 9999 Jan. 1, 1800".into(),
        "Feb. 29 said Monday\n© 2021 AP".into(),
        "😀 By 😀 in 😀 December 8, 2021\n/ 😀".into(),
        long_line,
        "x\n".repeat(100_000),
    ];
    for t in &inputs {
        let m = from_text(t);
        for r in &m.line_roles {
            assert!(r.line < t.split('\n').count());
        }
    }
}

#[test]
fn deterministic() {
    for t in [WAPO_000, NYT_001, AP_002, WAPO_003, BNE_004] {
        assert_eq!(from_text(t), from_text(t));
    }
}


#[test]
fn huge_article_stays_fast() {
    // 20 copies of every corpus article: about 1.2 MB, thousands of dates and weekdays.
    let big = [WAPO_000, NYT_001, AP_002, WAPO_003, BNE_004].concat().repeat(20);
    let t0 = std::time::Instant::now();
    let m = from_text(&big);
    assert!(t0.elapsed().as_secs() < 20, "took {:?}", t0.elapsed());
    assert_eq!(m.outlet.as_deref(), Some("The Washington Post"));
}

#[test]
fn token_soup_never_panics() {
    // Deterministic pseudo-random mixes of the tokens the recognisers look for.
    const TOKENS: &[&str] = &[
        "By ", "Jane", "Doe", " and ", " in ", "Berlin", "December", "Dec.", "8,", "2021", "Monday", "said",
        "will", "(AP)", " — ", " – ", " / ", "wiki", "Copyright", "©", "Source:", "nytimes.com", "https://",
        "\n", "\n\n", "MOSCOW", ",", ".", " ", "contributed to this report.", "reported from", "Кремль",
        "😀", "\u{feff}", "|", "The Washington Post", "Credit…", "(", ")", "/", "Feb.", "29", "Jan. 10",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        let mut t = String::new();
        for _ in 0..60 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            t.push_str(TOKENS[(state % TOKENS.len() as u64) as usize]);
        }
        let (m, s) = from_text_with_summary(&t, &MetadataHints::default());
        let n_lines = t.split('\n').count();
        assert!(m.line_roles.iter().all(|r| r.line < n_lines));
        assert!(m.line_roles.windows(2).all(|w| w[0].line < w[1].line), "one role per line, in order");
        if let Some(p) = &m.published {
            assert!(chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").is_ok());
        }
        let _ = collection::date_collection(&[s]);
    }
}

#[test]
fn slash_credit_test_only_skips_lines_the_pattern_rejects() {
    let exact = Regex::new(CAPTION_SLASH_CREDIT.as_str()).unwrap();
    let pieces = [". ", "” ", "/ ", "/", " ", "Reuters", "é", "Getty Images", "2021", ",", "-", "\u{a0}", "wiki NATO dismissed the stipulation", "x"];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut matched, mut long) = (0, 0);
    for _ in 0..20000 {
        let mut t = String::from("Talks began");
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        for k in 0..(seed >> 59) as usize {
            t.push_str(pieces[((seed >> (k % 40)) as usize).wrapping_add(k * 5) % pieces.len()]);
        }
        let want = exact.is_match(&t);
        assert!(!want || slash_credit_fits(&t), "{t:?}");
        assert_eq!(slash_credit_fits(&t) && CAPTION_SLASH_CREDIT.is_match(&t), want, "{t:?}");
        matched += usize::from(want);
        long += usize::from(!slash_credit_fits(&t) && t.contains('/'));
    }
    assert!(matched > 50 && long > 50, "{matched} matches, {long} long credits");
}

#[test]
fn metadata_reading_skips_only_what_the_metadata_does_not_use() {
    // Read for the metadata alone (no mention contexts; no mentions once a date is stated), an
    // article gives the metadata and estimate the full reading for the collection pass gives.
    let dated = MetadataHints { published: Some("2021-12-09".into()), ..Default::default() };
    for text in [WAPO_000, NYT_001, AP_002, WAPO_003, BNE_004] {
        for hints in [MetadataHints::default(), dated.clone()] {
            let (full, summary) = from_text_with_summary(text, &hints);
            assert_eq!(from_text_with_hints(text, &hints), full);
            assert_eq!(estimate_publication(text, &hints), summary.estimate);
        }
    }
}
