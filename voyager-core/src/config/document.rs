//! The config's text as a document that keeps what the user wrote: toml_edit for TOML
//! (comments, order, formatting), an ordered mapping for YAML. Values cross as JSON values.

use serde_json::Value;
use toml_edit::{DocumentMut, Item, Table};

use super::ConfigFormat;

const HEADER: &str = "# libvoyager migration config (yb-voyager key names).\n\
# Passwords are never stored here: give them with SOURCE_DB_PASSWORD / TARGET_DB_PASSWORD,\n\
# PGPASSWORD, ~/.pgpass or at the prompt.\n\n";

#[derive(Debug, Clone)]
pub(super) enum Document {
    Toml { doc: DocumentMut, new: bool },
    Yaml(serde_norway::Mapping),
}

impl Document {
    pub(super) fn new(format: ConfigFormat) -> Self {
        match format {
            ConfigFormat::Toml => Document::Toml {
                doc: DocumentMut::new(),
                new: true,
            },
            ConfigFormat::Yaml => Document::Yaml(serde_norway::Mapping::new()),
        }
    }

    pub(super) fn parse(text: &str, format: ConfigFormat) -> Result<Self, String> {
        match format {
            ConfigFormat::Toml => {
                let doc = text.parse::<DocumentMut>().map_err(|e| {
                    format!(
                        "not valid TOML: {}",
                        e.to_string().lines().collect::<Vec<_>>().join(" ")
                    )
                })?;
                Ok(Document::Toml { doc, new: false })
            }
            ConfigFormat::Yaml => {
                if text.trim().is_empty() {
                    return Ok(Document::Yaml(serde_norway::Mapping::new()));
                }
                match serde_norway::from_str::<serde_norway::Value>(text) {
                    Ok(serde_norway::Value::Mapping(m)) => Ok(Document::Yaml(m)),
                    Ok(serde_norway::Value::Null) => Ok(Document::Yaml(serde_norway::Mapping::new())),
                    Ok(_) => Err("not a YAML mapping of keys to values".into()),
                    Err(e) => Err(format!("not valid YAML: {e}")),
                }
            }
        }
    }

    pub(super) fn format(&self) -> ConfigFormat {
        match self {
            Document::Toml { .. } => ConfigFormat::Toml,
            Document::Yaml(_) => ConfigFormat::Yaml,
        }
    }

    pub(super) fn get(&self, path: &[String]) -> Option<Value> {
        match self {
            Document::Toml { doc, .. } => {
                let mut item = doc.as_item();
                for part in path {
                    item = item.get(part.as_str())?;
                }
                toml_to_json(item)
            }
            Document::Yaml(map) => {
                let mut value = map.get(path.first()?.as_str())?;
                for part in &path[1..] {
                    value = value.get(part.as_str())?;
                }
                serde_json::to_value(value).ok()
            }
        }
    }

    pub(super) fn set(&mut self, path: &[String], value: &Value) -> Result<(), String> {
        match self {
            Document::Toml { doc, .. } => {
                let (last, parents) = path.split_last().ok_or("empty key")?;
                let mut table: &mut Table = doc.as_table_mut();
                for part in parents {
                    let item = table.entry(part).or_insert_with(|| Item::Table(Table::new()));
                    table = item
                        .as_table_mut()
                        .ok_or_else(|| format!("'{part}' is not a section"))?;
                }
                let new_value = json_to_toml(value).ok_or("a value of this type cannot be written to TOML")?;
                match table.get_mut(last).and_then(Item::as_value_mut) {
                    // Keep the comments and spacing around the old value.
                    Some(old) => {
                        let decor = old.decor().clone();
                        *old = new_value;
                        *old.decor_mut() = decor;
                    }
                    None => {
                        table.insert(last, Item::Value(new_value));
                    }
                }
                Ok(())
            }
            Document::Yaml(map) => {
                let (last, parents) = path.split_last().ok_or("empty key")?;
                let mut current = map;
                for part in parents {
                    let key = serde_norway::Value::from(part.as_str());
                    let entry = current
                        .entry(key)
                        .or_insert_with(|| serde_norway::Value::Mapping(serde_norway::Mapping::new()));
                    current = entry
                        .as_mapping_mut()
                        .ok_or_else(|| format!("'{part}' is not a section"))?;
                }
                let v = serde_norway::to_value(value).map_err(|e| e.to_string())?;
                current.insert(serde_norway::Value::from(last.as_str()), v);
                Ok(())
            }
        }
    }

    pub(super) fn remove(&mut self, path: &[String]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        match self {
            Document::Toml { doc, .. } => {
                let mut table: &mut Table = doc.as_table_mut();
                for part in parents {
                    match table.get_mut(part).and_then(Item::as_table_mut) {
                        Some(t) => table = t,
                        None => return false,
                    }
                }
                table.remove(last).is_some()
            }
            Document::Yaml(map) => {
                let mut current = map;
                for part in parents {
                    match current
                        .get_mut(part.as_str())
                        .and_then(serde_norway::Value::as_mapping_mut)
                    {
                        Some(m) => current = m,
                        None => return false,
                    }
                }
                current.remove(last.as_str()).is_some()
            }
        }
    }

    /// Dotted keys of every value (not of sections), in file order.
    pub(super) fn keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Document::Toml { doc, .. } => toml_keys(doc.as_table(), "", &mut out),
            Document::Yaml(map) => yaml_keys(map, "", &mut out),
        }
        out
    }

    pub(super) fn render(&self) -> String {
        match self {
            Document::Toml { doc, new: true } => format!("{HEADER}{doc}"),
            Document::Toml { doc, new: false } => doc.to_string(),
            Document::Yaml(map) if map.is_empty() => String::new(),
            Document::Yaml(map) => serde_norway::to_string(map).unwrap_or_default(),
        }
    }

    /// The same keys and values in another format (comments do not carry over).
    pub(super) fn convert(&self, format: ConfigFormat) -> Document {
        let mut out = Document::new(format);
        for key in self.keys() {
            let path: Vec<String> = key.split('.').map(str::to_string).collect();
            if let Some(v) = self.get(&path) {
                let _ = out.set(&path, &v);
            }
        }
        out
    }
}

fn toml_keys(table: &Table, prefix: &str, out: &mut Vec<String>) {
    for (key, item) in table.iter() {
        let full = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        match item {
            Item::Table(t) => toml_keys(t, &full, out),
            Item::Value(toml_edit::Value::InlineTable(t)) => {
                for (k, _) in t.iter() {
                    out.push(format!("{full}.{k}"));
                }
            }
            Item::None => {}
            _ => out.push(full),
        }
    }
}

fn yaml_keys(map: &serde_norway::Mapping, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in map {
        let key = match key {
            serde_norway::Value::String(s) => s.clone(),
            other => serde_norway::to_string(other).unwrap_or_default().trim().to_string(),
        };
        let full = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            serde_norway::Value::Mapping(m) => yaml_keys(m, &full, out),
            _ => out.push(full),
        }
    }
}

fn toml_to_json(item: &Item) -> Option<Value> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(toml_value_to_json(v)),
        Item::Table(t) => Some(Value::Object(
            t.iter()
                .filter_map(|(k, v)| toml_to_json(v).map(|v| (k.to_string(), v)))
                .collect(),
        )),
        Item::ArrayOfTables(a) => Some(Value::Array(
            a.iter().filter_map(|t| toml_to_json(&Item::Table(t.clone()))).collect(),
        )),
    }
}

fn toml_value_to_json(v: &toml_edit::Value) -> Value {
    use toml_edit::Value as T;
    match v {
        T::String(s) => Value::String(s.value().clone()),
        T::Integer(i) => Value::from(*i.value()),
        T::Float(f) => serde_json::Number::from_f64(*f.value())
            .map(Value::Number)
            .unwrap_or(Value::Null),
        T::Boolean(b) => Value::Bool(*b.value()),
        T::Datetime(d) => Value::String(d.value().to_string()),
        T::Array(a) => Value::Array(a.iter().map(toml_value_to_json).collect()),
        T::InlineTable(t) => Value::Object(t.iter().map(|(k, v)| (k.to_string(), toml_value_to_json(v))).collect()),
    }
}

fn json_to_toml(v: &Value) -> Option<toml_edit::Value> {
    Some(match v {
        Value::String(s) => toml_edit::Value::from(s.as_str()),
        Value::Bool(b) => toml_edit::Value::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml_edit::Value::from(i),
            None => toml_edit::Value::from(n.as_f64()?),
        },
        Value::Array(items) => {
            let mut array = toml_edit::Array::new();
            for item in items {
                array.push(json_to_toml(item)?);
            }
            toml_edit::Value::Array(array)
        }
        Value::Object(map) => {
            let mut table = toml_edit::InlineTable::new();
            for (k, item) in map {
                table.insert(k, json_to_toml(item)?);
            }
            toml_edit::Value::InlineTable(table)
        }
        Value::Null => return None,
    })
}
