//! Reading stored rows by column name, with an error that names the column instead of a panic
//! when the stored data is not what this libvoyager expects (a newer layout, a column widened,
//! a NULL where a value belongs).

use tokio_postgres::types::FromSql;
use tokio_postgres::Row;

/// Why a read of stored rows failed.
#[derive(Debug)]
pub(crate) enum ColumnError {
    /// The query itself failed.
    Db(tokio_postgres::Error),
    /// A value could not be read: what, in words.
    Column(String),
}

impl From<tokio_postgres::Error> for ColumnError {
    fn from(e: tokio_postgres::Error) -> Self {
        ColumnError::Db(e)
    }
}

/// The value of column `name`, or an error saying which column holds what.
pub(crate) fn column<'a, T: FromSql<'a>>(row: &'a Row, name: &str) -> Result<T, ColumnError> {
    row.try_get(name).map_err(|e| {
        let found = row.columns().iter().find(|c| c.name() == name);
        let why = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_else(|| e.to_string());
        ColumnError::Column(match found {
            Some(c) => format!("the stored column {name} ({}) cannot be read: {why}", c.type_().name()),
            None => format!("the stored column {name} is missing"),
        })
    })
}
