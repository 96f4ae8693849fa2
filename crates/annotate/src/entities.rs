//! placeholder
pub struct EntityTagger;
pub struct EntityLinker;
pub struct EntityResolution;
