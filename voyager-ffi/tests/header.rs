//! include/voyager.h is what cbindgen makes from this crate; this test fails when they differ.
//! `VOYAGER_BLESS=1 cargo test -p voyager-ffi --test header` rewrites it.

use std::path::PathBuf;

#[test]
fn committed_header_matches_the_code() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml reads");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let header_path = crate_dir.join("../include/voyager.h");
    if std::env::var_os("VOYAGER_BLESS").is_some() {
        std::fs::write(&header_path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read(&header_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/voyager.h differs from what cbindgen makes from voyager-ffi: run \
         `VOYAGER_BLESS=1 cargo test -p voyager-ffi --test header` and commit the header"
    );
}
