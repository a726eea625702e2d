//! The closed lists of words every front shares: the data migration flow, an assessment's
//! complexity and status, a fleet queue item's state, where assessments are kept, the way into
//! start-migration, and what a listing sorts by.
//!
//! Each is an enum that serialises to the same string the JSON, the control plane and the CLI
//! have always used. Parsing ignores case and surrounding blanks, and a word outside the list is
//! an `InvalidArgument` error that names the allowed ones, on every front. The CLI takes them
//! as clap value enums, so the lists are written once, here.

/// Declare a closed list of words: the enum, its strings, parsing, serde, clap and JSON Schema.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)* $(: $help:literal)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every word of the list, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every word of the list as text, in order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// What one of these is, in words (for messages).
            pub const WHAT: &'static str = $what;

            /// The word as JSON, the control plane and the CLI spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// A one-line description of the word, where there is one.
            pub fn help(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => { None $(.or(Some($help)))? }),+
                }
            }

            /// The allowed words, for messages: `a, b, c`.
            pub fn allowed() -> String {
                Self::NAMES.join(", ")
            }
        }

        impl $crate::vocabulary::Word for $name {
            fn word(self) -> &'static str {
                self.as_str()
            }

            fn label(self) -> Option<&'static str> {
                self.help()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(text: &str) -> $crate::Result<Self> {
                let wanted = $crate::vocabulary::loosely(text);
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| $crate::vocabulary::loosely(v.as_str()) == wanted)
                    .ok_or_else(|| $crate::vocabulary::not_one_of($what, text, &Self::allowed()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(|e: $crate::Error| serde::de::Error::custom(e.message()))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("A ", $what, "."),
                    "type": "string",
                    "enum": [$($text),+]
                })
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                Self::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                let aliases: &[&'static str] = match self {
                    $($name::$variant => &[$($alias),*]),+
                };
                let value = clap::builder::PossibleValue::new(self.as_str()).aliases(aliases.iter().copied());
                Some(match self.help() {
                    Some(help) => value.help(help),
                    None => value,
                })
            }
        }
    };
}

/// One word of a closed list, for code that works on any of them.
pub trait Word: Copy {
    /// The word as JSON, the control plane and the CLI spell it.
    fn word(self) -> &'static str;
    /// Its one-line description, where there is one.
    fn label(self) -> Option<&'static str>;
}

/// A word as parsing compares it: trimmed, lower case, `-`, `_` and blanks alike.
pub(crate) fn loosely(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| {
            if c == '-' || c == '_' || c.is_whitespace() {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The error for a word outside its list.
pub(crate) fn not_one_of(what: &str, text: &str, allowed: &str) -> crate::Error {
    crate::Error::invalid_argument(format!(
        "'{}' is not a {what}: give one of {allowed}",
        text.chars().take(40).collect::<String>()
    ))
}

vocabulary! {
    /// The data migration flow yb-voyager runs.
    #[derive(Default)]
    pub enum Flow ("data migration flow") {
        #[default]
        Offline = "offline": "Offline: stop writes to the source, copy the data, switch over",
        Live = "live": "Live: copy the data and stream changes until cutover",
        LiveFallBack = "live-fall-back": "Live with fall-back: stream target changes back to the source after cutover",
        LiveFallForward = "live-fall-forward": "Live with fall-forward: also keep a source replica up to date",
    }
}

vocabulary! {
    /// How hard a database is to migrate (`MigrationComplexity`).
    pub enum Complexity ("complexity") {
        Low = "LOW",
        Medium = "MEDIUM",
        High = "HIGH",
    }
}

vocabulary! {
    /// How an assessment ended; `not assessed` for a database without one (in a ranking).
    pub enum AssessmentStatus ("status of an assessment") {
        Completed = "completed",
        Failed = "failed",
        NotAssessed = "not assessed" | "not-assessed",
    }
}

vocabulary! {
    /// Where a database of a fleet run is in the work queue.
    pub enum QueueState ("fleet queue state") {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
}

vocabulary! {
    /// Where assessments are kept.
    pub enum ControlPlaneChoice ("control plane choice") {
        Shared = "shared": "Use a shared YugabyteDB instance",
        Local = "local": "Use local UI",
    }
}

vocabulary! {
    /// How start-migration found the assessed migration.
    pub enum WayIn ("way into start-migration") {
        /// The config file of the migration dir that ran the assessment.
        ConfigFile = "config-file",
        /// A migration dir rebuilt from the control plane by the migration's UUID.
        ControlPlane = "control-plane",
    }
}

vocabulary! {
    /// What a listing of the control plane sorts by.
    #[derive(Default)]
    pub enum SortKey ("sort key") {
        #[default]
        Name = "name",
        Complexity = "complexity",
        Size = "size",
        Effort = "effort",
        Issues = "issues",
        AssessedAt = "assessed_at" | "assessed-at",
    }
}

impl ControlPlaneChoice {
    /// The choice the answers make, by the rule every front follows: a shared control plane's
    /// connection string alone means `shared`; with `local` it is a contradiction.
    pub fn from_answers(choice: Option<Self>, assessment_control_plane: Option<&str>) -> crate::Result<Option<Self>> {
        match (choice, assessment_control_plane) {
            (Some(ControlPlaneChoice::Local), Some(_)) => Err(crate::Error::invalid_argument(
                "\u{E000}assessment_control_plane\u{E001} goes with \u{E000}control_plane\u{E001} shared, not local",
            )),
            (None, Some(_)) => Ok(Some(ControlPlaneChoice::Shared)),
            (choice, _) => Ok(choice),
        }
    }
}

impl Complexity {
    /// The weight a listing sorts by (an unknown complexity weighs 0).
    pub fn weight(text: Option<&str>) -> i32 {
        match text.and_then(|t| t.parse().ok()) {
            Some(Complexity::High) => 3,
            Some(Complexity::Medium) => 2,
            Some(Complexity::Low) => 1,
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips_through_json_as_todays_string() {
        fn check<T>(all: &[T])
        where
            T: std::fmt::Display + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
        {
            for v in all {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{v}\""));
                assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v);
            }
        }
        check(Flow::ALL);
        check(Complexity::ALL);
        check(AssessmentStatus::ALL);
        check(QueueState::ALL);
        check(ControlPlaneChoice::ALL);
        check(WayIn::ALL);
        check(SortKey::ALL);
        assert_eq!(
            serde_json::to_string(&Flow::LiveFallBack).unwrap(),
            "\"live-fall-back\""
        );
        assert_eq!(serde_json::to_string(&Complexity::High).unwrap(), "\"HIGH\"");
        assert_eq!(serde_json::to_string(&SortKey::AssessedAt).unwrap(), "\"assessed_at\"");
        assert_eq!(
            serde_json::to_string(&WayIn::ControlPlane).unwrap(),
            "\"control-plane\""
        );
    }

    #[test]
    fn parsing_ignores_case_and_blanks_and_a_bad_word_names_the_allowed_ones() {
        assert_eq!(" low ".parse::<Complexity>().unwrap(), Complexity::Low);
        assert_eq!(
            "Shared".parse::<ControlPlaneChoice>().unwrap(),
            ControlPlaneChoice::Shared
        );
        assert_eq!("assessed-at".parse::<SortKey>().unwrap(), SortKey::AssessedAt);
        assert_eq!("Live_Fall_Back".parse::<Flow>().unwrap(), Flow::LiveFallBack);
        assert_eq!(
            "not_assessed".parse::<AssessmentStatus>().unwrap(),
            AssessmentStatus::NotAssessed
        );
        let err = "sideways".parse::<SortKey>().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert!(
            err.message()
                .contains("give one of name, complexity, size, effort, issues, assessed_at"),
            "{err}"
        );
        let err = serde_json::from_str::<Complexity>("\"EXTREME\"").unwrap_err();
        assert!(err.to_string().contains("LOW, MEDIUM, HIGH"), "{err}");
    }

    #[test]
    fn a_shared_control_planes_address_alone_means_shared() {
        use ControlPlaneChoice::*;
        let cp = Some("postgresql://yb@cp:5433/yugabyte");
        assert_eq!(ControlPlaneChoice::from_answers(None, cp).unwrap(), Some(Shared));
        assert_eq!(
            ControlPlaneChoice::from_answers(Some(Shared), cp).unwrap(),
            Some(Shared)
        );
        assert_eq!(ControlPlaneChoice::from_answers(None, None).unwrap(), None);
        assert_eq!(
            ControlPlaneChoice::from_answers(Some(Local), None).unwrap(),
            Some(Local)
        );
        let err = ControlPlaneChoice::from_answers(Some(Local), cp).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
    }
}
