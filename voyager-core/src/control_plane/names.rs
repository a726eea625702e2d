//! A schema's table and index names as ranking compares them to find near-identical schemas:
//! each name as the first 64 bits of its MD5, sorted and distinct. Stored with each assessment
//! (schema version 5 on), so ranking 10,000 databases reads numbers, not 300,000 strings. The
//! same hash is computed in SQL (`md5` and a cast through `bit(64)`, which PostgreSQL and
//! YugabyteDB both run) for rows stored before that version.

use md5::{Digest, Md5};

/// One name's hash: the first 8 bytes of its UTF-8 MD5, big-endian.
pub fn name_hash(name: &str) -> i64 {
    let digest = Md5::digest(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// The sorted, distinct hashes of some names.
pub fn name_hashes<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
    let mut hashes: Vec<i64> = names.into_iter().map(name_hash).collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// SQL computing [`name_hashes`] of a `text[]` expression.
pub(super) fn hashes_sql(names: &str) -> String {
    format!(
        "ARRAY(SELECT DISTINCT ('x' || pg_catalog.left(pg_catalog.md5(n), 16))::bit(64)::bigint \
         FROM pg_catalog.unnest({names}) n WHERE n IS NOT NULL)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_sorted_and_distinct() {
        // md5("orders") = 12c500ed0b787910...; its first 8 bytes, big-endian.
        assert_eq!(name_hash("orders"), 0x12c5_00ed_0b78_7910);
        let h = name_hashes(["b", "a", "b", "ünï \"x\""]);
        assert_eq!(h.len(), 3);
        assert!(h.windows(2).all(|w| w[0] < w[1]));
    }
}
