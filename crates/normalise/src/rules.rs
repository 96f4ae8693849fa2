//! Boilerplate rules files: outlet-specific and generic line patterns, kept out of code so users
//! extend them (`[normalise.boilerplate] rules_files`) without rebuilding. The built-in file is
//! `rules/boilerplate.toml`, embedded in the binary; its header documents the format.

use std::path::PathBuf;
use std::sync::LazyLock;

use pipeline::bounded_regex::BoundedRegex;
use serde::Deserialize;

use pipeline::BlockKind;
use pipeline::config::BoilerplateConfig;

/// The built-in rules, embedded at build time.
pub const BUILTIN_RULES: &str = include_str!("../rules/boilerplate.toml");
const BUILTIN_ORIGIN: &str = "built-in rules/boilerplate.toml";

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("cannot read rules file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("rules file {origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("rules file {origin}: rule `{name}`: bad regex: {message}")]
    Regex { origin: String, name: String, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    pattern: Vec<PatternSpec>,
    #[serde(default)]
    outlet: Vec<OutletSpec>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    #[default]
    Any,
    /// Among the first [`EDGE_BLOCKS`] blocks.
    Head,
    /// Among the last [`EDGE_BLOCKS`] blocks.
    Tail,
}

/// How many blocks count as the head or the tail of an article for `position`.
pub const EDGE_BLOCKS: usize = 6;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternSpec {
    name: String,
    kind: BlockKind,
    regex: String,
    #[serde(default)]
    outlets: Vec<String>,
    #[serde(default)]
    position: Position,
    max_words: Option<usize>,
    #[serde(default)]
    unpunctuated: bool,
    covers_next_group: Option<String>,
    #[serde(default)]
    covers_previous_title: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutletSpec {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    detect: Vec<String>,
    short_line_kind: Option<BlockKind>,
}

/// One line pattern: a block it matches is of kind `kind`.
#[derive(Debug, Clone)]
pub struct BoilerplatePattern {
    pub name: String,
    pub kind: BlockKind,
    pub regex: BoundedRegex,
    pub outlets: Vec<String>,
    pub position: Position,
    pub max_words: Option<usize>,
    pub unpunctuated: bool,
    pub covers_next_group: Option<String>,
    pub covers_previous_title: bool,
}

/// An outlet's recognisers and house style.
#[derive(Debug, Clone)]
pub struct OutletRule {
    pub name: String,
    pub aliases: Vec<String>,
    pub detect: Vec<BoundedRegex>,
    /// What a short line without final punctuation between body paragraphs is.
    pub short_line_kind: BlockKind,
}

impl OutletRule {
    pub fn is_named(&self, outlet: &str) -> bool {
        let o = outlet.trim();
        self.name.eq_ignore_ascii_case(o) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(o))
    }
}

/// All rules in force: the user's files first (so they can override), then the built-in ones.
#[derive(Debug, Clone)]
pub struct BoilerplateRules {
    pub patterns: Vec<BoilerplatePattern>,
    pub outlets: Vec<OutletRule>,
}

impl BoilerplateRules {
    pub fn load(cfg: &BoilerplateConfig) -> Result<Self, RulesError> {
        let mut rules = BoilerplateRules { patterns: Vec::new(), outlets: Vec::new() };
        for path in &cfg.rules_files {
            let src = std::fs::read_to_string(path).map_err(|source| RulesError::Read { path: path.clone(), source })?;
            rules.add(&src, &path.display().to_string())?;
        }
        // The built-in rules are compiled once per process (the survey and the boilerplate
        // step both load them; compiling their regexes is most of the cost). Regexes are
        // cheap to clone: clones share the compiled program.
        static BUILTIN: LazyLock<Result<BoilerplateRules, String>> = LazyLock::new(|| {
            let mut builtin = BoilerplateRules { patterns: Vec::new(), outlets: Vec::new() };
            builtin.add(BUILTIN_RULES, BUILTIN_ORIGIN).map(|()| builtin).map_err(|e| e.to_string())
        });
        match &*BUILTIN {
            Ok(builtin) => {
                rules.patterns.extend(builtin.patterns.iter().cloned());
                rules.outlets.extend(builtin.outlets.iter().cloned());
            }
            // Unreachable with the shipped rules (a test loads them); report as before.
            Err(_) => rules.add(BUILTIN_RULES, BUILTIN_ORIGIN)?,
        }
        Ok(rules)
    }

    /// Adds the rules of one file's text; `origin` names it in errors.
    pub fn add(&mut self, src: &str, origin: &str) -> Result<(), RulesError> {
        let file: RulesFile =
            toml::from_str(src).map_err(|e| RulesError::Parse { origin: origin.to_string(), message: e.to_string() })?;
        let compile = |name: &str, re: &str| {
            // Bounded repeats of big classes ("{1,60}") cost tens of milliseconds to compile as
            // written; `BoundedRegex` finds the same matches for a fraction of that.
            BoundedRegex::new(re).map_err(|e| RulesError::Regex { origin: origin.to_string(), name: name.to_string(), message: e.to_string() })
        };
        for p in file.pattern {
            let regex = compile(&p.name, &p.regex)?;
            if let Some(g) = &p.covers_next_group
                && !regex.capture_names().any(|n| n == Some(g.as_str()))
            {
                return Err(RulesError::Regex {
                    origin: origin.to_string(),
                    name: p.name.clone(),
                    message: format!("covers_next_group names group `{g}`, which the regex does not have"),
                });
            }
            self.patterns.push(BoilerplatePattern {
                name: p.name,
                kind: p.kind,
                regex,
                outlets: p.outlets,
                position: p.position,
                max_words: p.max_words,
                unpunctuated: p.unpunctuated,
                covers_next_group: p.covers_next_group,
                covers_previous_title: p.covers_previous_title,
            });
        }
        for o in file.outlet {
            let detect = o.detect.iter().map(|d| compile(&o.name, d)).collect::<Result<Vec<_>, _>>()?;
            self.outlets.push(OutletRule {
                name: o.name,
                aliases: o.aliases,
                detect,
                short_line_kind: o.short_line_kind.unwrap_or(BlockKind::Heading),
            });
        }
        Ok(())
    }

    /// The outlet rule for a document: by ingest's outlet name, else by a line that identifies it.
    pub fn outlet_rule<'a>(&self, meta_outlet: Option<&str>, lines: impl Iterator<Item = &'a str>) -> Option<&OutletRule> {
        if let Some(o) = meta_outlet {
            return self.outlets.iter().find(|r| r.is_named(o));
        }
        for line in lines {
            let line = line.trim();
            if let Some(r) = self.outlets.iter().find(|r| r.detect.iter().any(|d| d.is_match(line))) {
                return Some(r);
            }
        }
        None
    }

    /// The key recurring lines are counted under: ingest's outlet name, or the detected outlet.
    pub fn outlet_key<'a>(&self, meta_outlet: Option<&str>, lines: impl Iterator<Item = &'a str>) -> Option<String> {
        match meta_outlet {
            Some(o) => Some(o.to_string()),
            None => self.outlet_rule(None, lines).map(|r| r.name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn load_files(paths: &[&Path]) -> Result<BoilerplateRules, RulesError> {
        let cfg = BoilerplateConfig { rules_files: paths.iter().map(|p| p.to_path_buf()).collect(), ..Default::default() };
        BoilerplateRules::load(&cfg)
    }

    #[test]
    fn builtin_rules_load() {
        let r = BoilerplateRules::load(&BoilerplateConfig::default()).unwrap();
        assert!(r.patterns.len() > 10);
        assert!(r.outlets.iter().any(|o| o.is_named("washington post")));
    }

    #[test]
    fn user_rules_come_first_and_errors_name_the_rule() {
        let dir = std::env::temp_dir().join(format!("presswork-rules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.toml");
        std::fs::write(&good, "[[pattern]]\nname = \"mine\"\nkind = \"masthead\"\nregex = '^Daily Bugle$'\n").unwrap();
        let r = load_files(&[good.as_path()]).unwrap();
        assert_eq!(r.patterns[0].name, "mine");
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "[[pattern]]\nname = \"oops\"\nkind = \"masthead\"\nregex = '(unclosed'\n").unwrap();
        let e = load_files(&[bad.as_path()]).unwrap_err().to_string();
        assert!(e.contains("oops") && e.contains("bad.toml"), "{e}");
        let unknown = dir.join("unknown.toml");
        std::fs::write(&unknown, "[[pattern]]\nname = \"x\"\nkind = \"banner\"\nregex = 'x'\n").unwrap();
        assert!(load_files(&[unknown.as_path()]).unwrap_err().to_string().contains("banner"));
        assert!(load_files(&[dir.join("missing.toml").as_path()]).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn outlet_by_name_or_by_a_line() {
        let r = BoilerplateRules::load(&BoilerplateConfig::default()).unwrap();
        let lines = ["The Washington PostDemocracy Dies in Darkness", "Title"];
        assert_eq!(r.outlet_rule(None, lines.into_iter()).unwrap().name, "The Washington Post");
        assert_eq!(r.outlet_key(None, lines.into_iter()).unwrap(), "The Washington Post");
        assert_eq!(r.outlet_rule(Some("AP"), std::iter::empty()).unwrap().name, "Associated Press");
        assert!(r.outlet_rule(None, ["Just text."].into_iter()).is_none());
    }
}
