//! Which database to migrate first: every assessed member of a fleet gets a score (lower goes
//! first), a migration wave, a group of near-identical schemas, and the reasons, all from the
//! control plane's summary columns and weights the user can change.
//!
//! score = complexity weight (LOW 0, MEDIUM 10, HIGH 30; an unknown one weighs as a blocker)
//!       + 20 per LEVEL_3 (blocking) issue + 3 per LEVEL_2 + 0.5 per LEVEL_1
//!       + 2 × log2(1 + data size in GiB) + 1 per hour of estimated effort
//!       + label weights (by default criticality: high 15, medium 5, low 0)
//!
//! Waves: 1 = LOW complexity, nothing blocking, at most 10 GiB and 16 hours; 2 = nothing
//! blocking; 3 = the rest. Failed or unassessed databases come last, in no wave.
//! Groups: databases whose table and index names overlap by at least 90% (Jaccard) are one
//! group (for example a schema per tenant, one database each): the work for one serves all.
//! Ties break on the database name, then the migration UUID, so the order is deterministic.
//!
//! A weights file (TOML) overrides any of these:
//! ```toml
//! complexity = { LOW = 0, MEDIUM = 10, HIGH = 30 }
//! level3 = 20
//! level2 = 3
//! level1 = 0.5
//! size = 2            # per log2(1 + GiB)
//! effort = 1          # per hour
//! [labels.criticality]
//! high = 15
//! [waves]
//! first_max_size_gib = 10
//! first_max_effort_hours = 16
//! [groups]
//! min_similarity = 0.9
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::control_plane::MigrationSummary;
use crate::vocabulary::AssessmentStatus;
use crate::{Error, Result};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// The largest weight (either sign): a score stays a finite number whatever the counts.
pub const MAX_WEIGHT: f64 = 1e6;

/// The weights of the score, the wave limits and the group threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub complexity: BTreeMap<String, f64>,
    pub level3: f64,
    pub level2: f64,
    pub level1: f64,
    pub size: f64,
    pub effort: f64,
    /// Per label name, per value (case-insensitive): what it adds.
    pub labels: BTreeMap<String, BTreeMap<String, f64>>,
    pub waves: WaveLimits,
    pub groups: GroupSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WaveLimits {
    pub first_max_size_gib: f64,
    pub first_max_effort_hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GroupSettings {
    pub min_similarity: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            complexity: BTreeMap::from([("LOW".into(), 0.0), ("MEDIUM".into(), 10.0), ("HIGH".into(), 30.0)]),
            level3: 20.0,
            level2: 3.0,
            level1: 0.5,
            size: 2.0,
            effort: 1.0,
            labels: BTreeMap::from([(
                "criticality".into(),
                BTreeMap::from([("high".into(), 15.0), ("medium".into(), 5.0), ("low".into(), 0.0)]),
            )]),
            waves: WaveLimits::default(),
            groups: GroupSettings::default(),
        }
    }
}

impl Default for WaveLimits {
    fn default() -> Self {
        WaveLimits {
            first_max_size_gib: 10.0,
            first_max_effort_hours: 16.0,
        }
    }
}

impl Default for GroupSettings {
    fn default() -> Self {
        GroupSettings { min_similarity: 0.9 }
    }
}

impl Weights {
    /// Read a weights file (TOML); keys left out keep their defaults.
    pub fn load(path: &Path) -> Result<Weights> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read the weights file", path, &e))?;
        let weights: Weights =
            toml::from_str(&text).map_err(|e| Error::config(format!("{}: {}", path.display(), e.message())))?;
        let all = [
            weights.level3,
            weights.level2,
            weights.level1,
            weights.size,
            weights.effort,
        ];
        let labels = weights.labels.values().flat_map(|v| v.values());
        if all
            .iter()
            .chain(weights.complexity.values())
            .chain(labels)
            .any(|w| !w.is_finite() || w.abs() > MAX_WEIGHT)
        {
            return Err(Error::config(format!(
                "{}: every weight must be a number from -{MAX_WEIGHT} to {MAX_WEIGHT}",
                path.display()
            )));
        }
        let waves = [weights.waves.first_max_size_gib, weights.waves.first_max_effort_hours];
        if waves.iter().any(|w| !w.is_finite() || *w < 0.0 || *w > 1e12) {
            return Err(Error::config(format!(
                "{}: waves.first_max_size_gib and waves.first_max_effort_hours must be numbers from 0 to 1e12",
                path.display()
            )));
        }
        if !(0.0..=1.0).contains(&weights.groups.min_similarity) {
            return Err(Error::config(format!(
                "{}: groups.min_similarity must be between 0 and 1",
                path.display()
            )));
        }
        Ok(weights)
    }
}

/// One database in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RankedMigration {
    /// 1 = migrate first.
    pub rank: usize,
    /// 1, 2 or 3; None when the database has no completed assessment.
    pub wave: Option<u8>,
    pub score: Option<f64>,
    pub migration_uuid: Uuid,
    pub database: String,
    pub host: String,
    pub port: i32,
    pub status: AssessmentStatus,
    pub complexity: Option<String>,
    pub level1: i32,
    pub level2: i32,
    pub level3: i32,
    pub total_size_bytes: i64,
    pub effort_hours: f64,
    pub labels: BTreeMap<String, String>,
    /// Members of the same group of near-identical schemas share its number (1, 2, ...).
    pub group: Option<usize>,
    pub group_size: usize,
    /// Why it is where it is.
    pub why: String,
    pub error: Option<String>,
    /// The assessment skipped some check (`why` says which and how to fix it): its issues, and
    /// so its place, may be incomplete.
    #[serde(default)]
    pub partial: bool,
}

/// Rank a fleet's migrations. `names` holds each assessed member's table and index names, as
/// [`crate::control_plane::name_hashes`].
pub fn rank(rows: &[MigrationSummary], names: &[(Uuid, Vec<i64>)], weights: &Weights) -> Vec<RankedMigration> {
    // Which schemas are near-identical does not depend on the scores: it is found on a thread of
    // its own while the rows are scored.
    let (mut ranked, groups) = std::thread::scope(|s| {
        let groups = s.spawn(|| similar_groups(rows, names, weights.groups.min_similarity));
        let mut ranked: Vec<RankedMigration> = rows.iter().map(|m| score(m, weights)).collect();
        ranked.sort_by(|a, b| {
            let key = |r: &RankedMigration| (r.score.is_none(), r.score.unwrap_or(0.0));
            let (a_none, a_score) = key(a);
            let (b_none, b_score) = key(b);
            a_none
                .cmp(&b_none)
                .then(a_score.total_cmp(&b_score))
                .then_with(|| a.database.cmp(&b.database))
                .then_with(|| a.migration_uuid.cmp(&b.migration_uuid))
        });
        for (i, r) in ranked.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        let groups = groups.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ranked, groups)
    });
    number_groups(&mut ranked, groups);
    ranked
}

fn score(m: &MigrationSummary, w: &Weights) -> RankedMigration {
    let labels: BTreeMap<String, String> = m
        .labels
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| k.as_str() != "fleet")
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut r = RankedMigration {
        rank: 0,
        wave: None,
        score: None,
        migration_uuid: m.migration_uuid,
        database: m.database.clone(),
        host: m.host.clone(),
        port: m.port,
        status: AssessmentStatus::NotAssessed,
        complexity: None,
        level1: 0,
        level2: 0,
        level3: 0,
        total_size_bytes: 0,
        effort_hours: 0.0,
        labels,
        group: None,
        group_size: 1,
        why: "no assessment yet: run voyager assess-fleet".into(),
        error: None,
        partial: false,
    };
    let Some(a) = &m.latest else { return r };
    r.status = a.status;
    r.error = a.error.clone();
    if a.status != AssessmentStatus::Completed {
        r.why = format!("assessment failed: {}", a.error.as_deref().unwrap_or("unknown error"));
        return r;
    }
    use std::fmt::Write as _;
    let complexity = a.complexity.clone().unwrap_or_else(|| "UNKNOWN".into());
    let gib = a.total_size_bytes as f64 / GIB;
    // Each part of the score: what it is (written only when it counts) and its points.
    enum Part<'a> {
        Complexity,
        Blocking,
        Level2,
        Level1,
        Size,
        Effort,
        Label(&'a str, &'a str),
    }
    let mut parts: Vec<(Part, f64)> = vec![
        (
            Part::Complexity,
            w.complexity
                .get(&complexity.to_uppercase())
                .copied()
                .unwrap_or(w.level3),
        ),
        (Part::Blocking, w.level3 * a.level3 as f64),
        (Part::Level2, w.level2 * a.level2 as f64),
        (Part::Level1, w.level1 * a.level1 as f64),
        (Part::Size, w.size * (1.0 + gib).log2()),
        (Part::Effort, w.effort * a.effort_hours),
    ];
    for (label, values) in &w.labels {
        if let Some(v) = r.labels.get(label) {
            if let Some(weight) = values.iter().find(|(k, _)| k.eq_ignore_ascii_case(v)).map(|(_, w)| *w) {
                parts.push((Part::Label(label, v), weight));
            }
        }
    }
    let total: f64 = parts.iter().map(|(_, p)| p).sum();
    let wave = if a.level3 > 0 || complexity == "HIGH" {
        3
    } else if complexity == "LOW"
        && gib <= w.waves.first_max_size_gib
        && a.effort_hours <= w.waves.first_max_effort_hours
    {
        1
    } else {
        2
    };
    let mut why = String::with_capacity(160);
    match wave {
        1 => why.push_str("wave 1: LOW complexity, nothing blocking, small"),
        2 => why.push_str("wave 2: nothing blocking, but more work"),
        _ if a.level3 > 0 => {
            let _ = write!(why, "wave 3: {} blocking issue(s) to solve first", a.level3);
        }
        _ => why.push_str("wave 3: HIGH complexity"),
    }
    let _ = write!(why, "; score {total:.1}");
    for (n, (what, p)) in parts.iter().filter(|(_, p)| *p != 0.0).enumerate() {
        why.push_str(if n == 0 { " = " } else { ", " });
        let _ = match what {
            Part::Complexity => write!(why, "complexity {complexity}"),
            Part::Blocking => write!(why, "{} blocking", a.level3),
            Part::Level2 => write!(why, "{} LEVEL_2", a.level2),
            Part::Level1 => write!(why, "{} LEVEL_1", a.level1),
            Part::Size => write!(
                why,
                "{} of data",
                crate::summary::human_bytes(a.total_size_bytes.max(0) as u64)
            ),
            Part::Effort => write!(why, "{:.1} h effort", a.effort_hours),
            Part::Label(label, v) => write!(why, "{label} {v}"),
        };
        let _ = write!(why, " +{p:.1}");
    }
    r.why = why;
    if a.partial {
        r.partial = true;
        let skipped = a.skipped_checks.as_deref().unwrap_or("some checks were skipped");
        r.why.push_str(&format!("; partial: {}", skipped.replace('\n', "; ")));
    }
    r.score = Some((total * 100.0).round() / 100.0);
    r.wave = Some(wave);
    r.complexity = Some(complexity);
    r.level1 = a.level1;
    r.level2 = a.level2;
    r.level3 = a.level3;
    r.total_size_bytes = a.total_size_bytes;
    r.effort_hours = a.effort_hours;
    r
}

/// The migrations, among those with a completed assessment, whose name sets overlap by at least
/// `min_similarity` (union-find; identical sets are merged first by a hash map, so a fleet of
/// many copies costs little): each group of two or more.
fn similar_groups(rows: &[MigrationSummary], names: &[(Uuid, Vec<i64>)], min_similarity: f64) -> Vec<Vec<Uuid>> {
    let assessed: rustc_hash::FxHashSet<Uuid> = rows
        .iter()
        .filter(|m| {
            m.latest
                .as_ref()
                .is_some_and(|l| l.status == AssessmentStatus::Completed)
        })
        .map(|m| m.migration_uuid)
        .collect();
    let mut distinct: Vec<(&Vec<i64>, Vec<Uuid>)> = Vec::new();
    let mut by_set: rustc_hash::FxHashMap<&Vec<i64>, usize> = Default::default();
    for (uuid, set) in names {
        if set.is_empty() || !assessed.contains(uuid) {
            continue;
        }
        match by_set.get(set) {
            Some(&d) => distinct[d].1.push(*uuid),
            None => {
                by_set.insert(set, distinct.len());
                distinct.push((set, vec![*uuid]));
            }
        }
    }
    let component: Vec<usize> = if min_similarity < 1.0 {
        let sets: Vec<&Vec<i64>> = distinct.iter().map(|d| d.0).collect();
        similar_components(&sets, min_similarity)
    } else {
        (0..distinct.len()).collect()
    };
    let mut groups: BTreeMap<usize, Vec<Uuid>> = BTreeMap::new();
    for (d, (_, members)) in distinct.into_iter().enumerate() {
        groups.entry(component[d]).or_default().extend(members);
    }
    groups.into_values().filter(|g| g.len() > 1).collect()
}

/// Number the groups by their best-ranked member, and say so in each member's why.
fn number_groups(ranked: &mut [RankedMigration], groups: Vec<Vec<Uuid>>) {
    let index: rustc_hash::FxHashMap<Uuid, usize> =
        ranked.iter().enumerate().map(|(i, r)| (r.migration_uuid, i)).collect();
    let mut multi: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|g| g.iter().filter_map(|u| index.get(u).copied()).collect::<Vec<usize>>())
        .filter(|g| g.len() > 1)
        .collect();
    multi.iter_mut().for_each(|g| g.sort());
    multi.sort();
    for (n, members) in multi.iter().enumerate() {
        let first = &ranked[members[0]].database.clone();
        for &i in members {
            ranked[i].group = Some(n + 1);
            ranked[i].group_size = members.len();
            ranked[i].why.push_str(&format!(
                "; group {} of {} near-identical schemas (with {first}): the work for one serves all",
                n + 1,
                members.len()
            ));
        }
    }
}

/// For each of `sets`, a label of its group: sets are in one group when a chain of them joins
/// them, each next to the next with a Jaccard similarity of at least `t`. Without comparing
/// every pair: two sets that similar share a name among the first `|A| - ceil(t·|A|) + 1`
/// names of each, in one order of names (rarest first), so only sets sharing such a name are
/// compared (prefix filtering), only when their sizes allow `t`, and only when not yet in one
/// group.
fn similar_components<T: std::hash::Hash + Eq>(sets: &[&Vec<T>], t: f64) -> Vec<usize> {
    let n = sets.len();
    if t <= 0.0 {
        // Every pair qualifies, disjoint ones too.
        return vec![0; n];
    }
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    // Names as numbers, and how many sets hold each.
    let mut id_of: rustc_hash::FxHashMap<&T, u32> = Default::default();
    let mut frequency: Vec<u32> = Vec::new();
    let ids: Vec<Vec<u32>> = sets
        .iter()
        .map(|set| {
            let mut v: Vec<u32> = set
                .iter()
                .map(|name| {
                    let next = id_of.len() as u32;
                    let id = *id_of.entry(name).or_insert(next);
                    if id as usize == frequency.len() {
                        frequency.push(0);
                    }
                    id
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            for &id in &v {
                frequency[id as usize] += 1;
            }
            v
        })
        .collect();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut postings: Vec<Vec<usize>> = vec![Vec::new(); frequency.len()];
    for i in 0..n {
        let len = ids[i].len();
        if len == 0 {
            continue;
        }
        let mut ordered = ids[i].clone();
        ordered.sort_unstable_by_key(|&id| (frequency[id as usize], id));
        // Rounding down the needed overlap only lengthens the prefix: never misses a pair.
        let needed = ((t * len as f64) - 1e-9).ceil().max(0.0) as usize;
        let prefix = (len + 1).saturating_sub(needed).clamp(1, len);
        for &name in &ordered[..prefix] {
            for &j in &postings[name as usize] {
                let (small, large) = (ids[j].len().min(len), ids[j].len().max(len));
                if (small as f64) < t * large as f64 - 1e-9 {
                    continue;
                }
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                if ri != rj && jaccard(&ids[i], &ids[j]) >= t {
                    parent[ri] = rj;
                }
            }
            postings[name as usize].push(i);
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

/// |A ∩ B| / |A ∪ B| of two sorted, deduplicated lists.
fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control_plane::AssessmentSummary;

    fn row(
        db: &str,
        complexity: &str,
        l1: i32,
        l3: i32,
        gib: f64,
        hours: f64,
        labels: serde_json::Value,
    ) -> MigrationSummary {
        MigrationSummary {
            migration_uuid: Uuid::new_v5(&Uuid::NAMESPACE_OID, db.as_bytes()),
            db_type: "postgresql".into(),
            host: "h".into(),
            port: 5432,
            database: db.into(),
            schemas: vec![],
            user: None,
            labels,
            origin: Default::default(),
            identity: None,
            migrations: vec![],
            latest: Some(AssessmentSummary {
                run: 1,
                status: AssessmentStatus::Completed,
                error: None,
                complexity: Some(complexity.into()),
                level1: l1,
                level2: 0,
                level3: l3,
                total_size_bytes: (gib * GIB) as i64,
                effort_hours: hours,
                assessed_at: chrono::Utc::now(),
                partial: false,
                skipped_checks: None,
            }),
        }
    }

    #[test]
    fn order_waves_and_reasons() {
        let none = serde_json::json!({});
        let rows = vec![
            row("blocked", "HIGH", 0, 2, 0.1, 20.0, none.clone()),
            row("big", "LOW", 0, 0, 50.0, 0.0, none.clone()),
            row("clean", "LOW", 0, 0, 0.01, 0.0, none.clone()),
            row("some_l1", "LOW", 4, 0, 0.01, 2.0, none.clone()),
            row(
                "critical",
                "LOW",
                0,
                0,
                0.01,
                0.0,
                serde_json::json!({"criticality": "HIGH", "fleet": "f"}),
            ),
        ];
        let ranked = rank(&rows, &[], &Weights::default());
        let order: Vec<&str> = ranked.iter().map(|r| r.database.as_str()).collect();
        assert_eq!(order, ["clean", "some_l1", "big", "critical", "blocked"]);
        let waves: Vec<u8> = ranked.iter().map(|r| r.wave.unwrap()).collect();
        assert_eq!(waves, [1, 1, 2, 1, 3]);
        assert!(ranked[4].why.contains("2 blocking issue(s)"), "{}", ranked[4].why);
        assert!(ranked[3].why.contains("criticality HIGH +15.0"), "{}", ranked[3].why);
        assert!(!ranked[3].labels.contains_key("fleet"));
        assert!(ranked.iter().all(|r| !r.partial && !r.why.contains("partial")));
        // Changing a weight changes the order.
        let mut w = Weights::default();
        w.labels.clear();
        let ranked = rank(&rows, &[], &w);
        assert_eq!(ranked[0].database, "clean");
        assert_eq!(ranked[1].database, "critical");
    }

    #[test]
    fn a_partial_assessment_is_marked_and_says_why() {
        let mut partial = row("partly", "LOW", 0, 0, 0.0, 0.0, serde_json::json!({}));
        if let Some(a) = partial.latest.as_mut() {
            a.partial = true;
            a.skipped_checks = Some("Workload queries check skipped: hidden; fix: GRANT pg_read_all_stats TO u".into());
        }
        let ranked = rank(&[partial], &[], &Weights::default());
        assert!(ranked[0].partial);
        assert!(
            ranked[0]
                .why
                .ends_with("; partial: Workload queries check skipped: hidden; fix: GRANT pg_read_all_stats TO u"),
            "{}",
            ranked[0].why
        );
    }

    #[test]
    fn similar_components_are_exactly_what_comparing_every_pair_gives() {
        // Deterministic pseudo-random name sets around a few shared cores.
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let mut sets: Vec<Vec<String>> = Vec::new();
        for _ in 0..300 {
            let core = next() % 6;
            let size = 5 + next() % 30;
            let mut set: Vec<String> = (0..size).map(|k| format!("c{core}_{k}")).collect();
            for _ in 0..next() % 4 {
                set.push(format!("x{}", next() % 50));
            }
            set.sort();
            set.dedup();
            sets.push(set);
        }
        let refs: Vec<&Vec<String>> = sets.iter().collect();
        for t in [0.0, 0.3, 0.75, 0.9, 0.95, 1.0] {
            // Every pair compared, joined by union-find.
            let mut parent: Vec<usize> = (0..refs.len()).collect();
            fn root(parent: &[usize], mut x: usize) -> usize {
                while parent[x] != x {
                    x = parent[x];
                }
                x
            }
            for a in 0..refs.len() {
                for b in a + 1..refs.len() {
                    if jaccard(refs[a], refs[b]) >= t {
                        let (ra, rb) = (root(&parent, a), root(&parent, b));
                        parent[ra] = rb;
                    }
                }
            }
            let found = similar_components(&refs, t);
            let mut groups = 0;
            for a in 0..refs.len() {
                for b in a + 1..refs.len() {
                    assert_eq!(
                        found[a] == found[b],
                        root(&parent, a) == root(&parent, b),
                        "t = {t}, sets {a} and {b}"
                    );
                }
                groups += usize::from(root(&parent, a) == a);
            }
            assert!(
                t < 0.5 || groups > 6,
                "t = {t}: the test sets must not all join ({groups} groups)"
            );
        }
    }

    #[test]
    fn near_identical_schemas_are_grouped() {
        let none = serde_json::json!({});
        let rows: Vec<_> = ["t1", "t2", "t3", "other"]
            .iter()
            .map(|d| row(d, "LOW", 0, 0, 0.0, 0.0, none.clone()))
            .collect();
        let set = |extra: &str| {
            let mut v: Vec<String> = (0..20).map(|i| format!("table_{i:02}")).collect();
            if !extra.is_empty() {
                v.push(extra.into());
            }
            v.sort();
            v
        };
        let names = vec![
            (rows[0].migration_uuid, set("")),
            (rows[1].migration_uuid, set("")),
            (rows[2].migration_uuid, set("tenant_extra")),
            (rows[3].migration_uuid, vec!["a".into(), "b".into()]),
        ];
        let names: Vec<(Uuid, Vec<i64>)> = names
            .into_iter()
            .map(|(u, set)| (u, crate::control_plane::name_hashes(set.iter().map(String::as_str))))
            .collect();
        let ranked = rank(&rows, &names, &Weights::default());
        let group_of = |db: &str| ranked.iter().find(|r| r.database == db).unwrap().group;
        assert_eq!(group_of("t1"), Some(1));
        assert_eq!(group_of("t2"), Some(1));
        assert_eq!(group_of("t3"), Some(1));
        assert_eq!(group_of("other"), None);
        assert_eq!(ranked.iter().find(|r| r.database == "t1").unwrap().group_size, 3);
    }

    #[test]
    fn weights_files_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.toml");
        std::fs::write(&path, "level3 = 100\n[groups]\nmin_similarity = 0.5\n").unwrap();
        let w = Weights::load(&path).unwrap();
        assert_eq!((w.level3, w.level2), (100.0, 3.0));
        std::fs::write(&path, "level9 = 1\n").unwrap();
        assert_eq!(Weights::load(&path).unwrap_err().kind(), crate::ErrorKind::Config);
        std::fs::write(&path, "[groups]\nmin_similarity = 3\n").unwrap();
        assert!(Weights::load(&path).unwrap_err().message().contains("between 0 and 1"));
        for huge in [
            "level1 = -1e308\n",
            "size = 1e300\n",
            "[complexity]\nHIGH = -1e308\n",
            "[labels.criticality]\nhigh = 1e308\n",
            "[waves]\nfirst_max_size_gib = -1\n",
        ] {
            std::fs::write(&path, huge).unwrap();
            let err = Weights::load(&path).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Config, "{huge}: {err}");
            assert!(err.message().contains("must be"), "{huge}: {err}");
        }
    }
}
