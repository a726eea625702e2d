//! Names in the SQL the report writes itself (the SqlStatement of an issue found in the
//! catalogs, the fixes of skipped checks): quoted the way PostgreSQL's quote_ident does, so the
//! statement can be run as it is, whatever the owner named things.

use pg_query::protobuf::KeywordKind;

/// An identifier as SQL writes it: bare when plain lower case and not a keyword that would be
/// read as one, else double-quoted.
pub fn quote_ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain && !is_keyword(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `schema.name`, each part quoted.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// A keyword that needs quoting as a name (all but the unreserved ones, as quote_ident).
fn is_keyword(word: &str) -> bool {
    match pg_query::scan(word) {
        Ok(scan) => scan.tokens.iter().any(|t| {
            t.keyword_kind != KeywordKind::NoKeyword as i32 && t.keyword_kind != KeywordKind::UnreservedKeyword as i32
        }),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_postgresql() {
        assert_eq!(quote_ident("orders"), "orders");
        assert_eq!(quote_ident("with"), "\"with\"");
        assert_eq!(quote_ident("select"), "\"select\"");
        assert_eq!(quote_ident("between"), "\"between\"");
        assert_eq!(quote_ident("left"), "\"left\"");
        assert_eq!(quote_ident("name"), "name");
        assert_eq!(quote_ident("Mixed"), "\"Mixed\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("1st"), "\"1st\"");
        assert_eq!(quote_ident(""), "\"\"");
        assert_eq!(qualified("public", "WITH"), "public.\"WITH\"");
    }
}
