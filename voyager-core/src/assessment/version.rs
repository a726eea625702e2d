//! YugabyteDB versions (`2025.1.0.0`, `2.25.1.0`): parsing, order, and the release series an
//! issue's fix is recorded against.

use std::fmt;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YbVersion([u32; 4]);

impl YbVersion {
    pub fn parse(text: &str) -> Result<Self> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let bad = || {
            Error::invalid_argument(format!(
                "target YugabyteDB version '{}' is not of the form X.Y.Z.W (for example 2025.1.0.0 or 2.25.1.0)",
                text.chars().take(40).collect::<String>()
            ))
        };
        if parts.len() != 4 {
            return Err(bad());
        }
        let mut v = [0u32; 4];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part.parse().map_err(|_| bad())?;
        }
        Ok(YbVersion(v))
    }

    /// The release series: the first two parts (`2025.1`, `2.25`).
    pub fn series(&self) -> String {
        format!("{}.{}", self.0[0], self.0[1])
    }

    /// Whether an issue fixed in `fixed_in` (series → first fixed version) is fixed here.
    pub fn has_fix(&self, fixed_in: &std::collections::BTreeMap<String, String>) -> bool {
        fixed_in
            .get(&self.series())
            .and_then(|v| YbVersion::parse(v).ok())
            .is_some_and(|fixed| *self >= fixed)
    }
}

impl fmt::Display for YbVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}.{}", self.0[0], self.0[1], self.0[2], self.0[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_order_series_and_fixes() {
        let v = YbVersion::parse("2.25.1.0").unwrap();
        assert_eq!(v.series(), "2.25");
        assert!(v > YbVersion::parse("2.25.0.0").unwrap());
        assert!(YbVersion::parse("2025.1.0.0").unwrap() > v);
        let fixed: std::collections::BTreeMap<_, _> = [("2.25".to_string(), "2.25.0.0".to_string())].into();
        assert!(v.has_fix(&fixed));
        assert!(!YbVersion::parse("2024.2.3.0").unwrap().has_fix(&fixed));
        assert!(!YbVersion::parse("2.24.9.9").unwrap().has_fix(&fixed));
        for bad in ["", "2.25", "2.25.x.0", "1.2.3.4.5", "-1.0.0.0"] {
            assert!(YbVersion::parse(bad).is_err(), "{bad}");
        }
    }

    /// yb-voyager's MinimumVersionsFixedIn, per series.
    #[test]
    fn fixes_by_series_as_yb_voyager_records_them() {
        use crate::assessment::issue::{FIXED_IN_2024_2, FIXED_IN_2_25};
        use crate::assessment::sql_constructs::{ADVISORY_LOCKS, SAVEPOINT_USAGE};
        let fixed = |kind: &[(&str, &str)], v: &str| {
            let map = kind.iter().map(|(s, v)| (s.to_string(), v.to_string())).collect();
            YbVersion::parse(v).unwrap().has_fix(&map)
        };
        // Advisory locks: tech preview in 2.25 is not a fix; fixed from 2025.1.
        assert!(!fixed(ADVISORY_LOCKS.fixed_in, "2.25.2.0"));
        assert!(!fixed(ADVISORY_LOCKS.fixed_in, "2024.2.9.0"));
        assert!(fixed(ADVISORY_LOCKS.fixed_in, "2025.1.0.0"));
        assert!(fixed(ADVISORY_LOCKS.fixed_in, "2025.2.1.0"));
        // A 2.25 fix is in the stable series built on it.
        for v in ["2.25.0.0", "2025.1.0.0", "2025.2.0.0", "2026.1.0.0"] {
            assert!(fixed(FIXED_IN_2_25, v), "{v}");
        }
        assert!(!fixed(FIXED_IN_2_25, "2024.2.9.0"));
        assert!(fixed(FIXED_IN_2024_2, "2024.2.0.0") && !fixed(FIXED_IN_2024_2, "2024.1.5.0"));
        // Savepoints: from a patch release of each series.
        assert!(!fixed(SAVEPOINT_USAGE.fixed_in, "2025.1.2.0"));
        assert!(fixed(SAVEPOINT_USAGE.fixed_in, "2025.1.3.0"));
        assert!(!fixed(SAVEPOINT_USAGE.fixed_in, "2025.2.0.0"));
        assert!(fixed(SAVEPOINT_USAGE.fixed_in, "2024.2.8.0"));
    }

    /// `voyager --version` names every series the fixed-in tables know, once, in order, and
    /// the default target's series among them.
    #[test]
    fn known_release_series_are_those_of_the_fixed_in_tables() {
        use crate::assessment::issue::known_release_series;
        let known = known_release_series();
        assert_eq!(
            known,
            ["2.23", "2.25", "2024.1", "2024.2", "2025.1", "2025.2", "2026.1"]
        );
        let default = YbVersion::parse(crate::assessment::DEFAULT_TARGET_DB_VERSION).unwrap();
        assert!(known.contains(&default.series().as_str()));
        for kind in crate::assessment::sql_constructs::KINDS {
            for (series, _) in kind.fixed_in {
                assert!(known.contains(series), "{}: {series}", kind.issue_type);
            }
        }
    }
}
