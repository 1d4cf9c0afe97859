//! The two schemas agree: after every migration, SQLite and PostgreSQL have the same tables with
//! the same columns (names; each engine keeps its native types). Needs both databases, so it
//! runs in the PostgreSQL pass (`ENCAISSE_TEST_POSTGRES` set) and says so otherwise.

use encaisse::on_db;
use encaisse::server::db::{self, Backend, Db};
use std::collections::{BTreeMap, BTreeSet};

type Schema = BTreeMap<String, BTreeSet<String>>;

/// Tables and their columns, without the migrator's own table.
async fn schema(db: &Db) -> Schema {
    let rows: Vec<(String, String)> = match db.backend() {
        Backend::Sqlite => on_db!(db, |ex| sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_sqlx_migrations'"
        )
        .fetch_all(ex)
        .await),
        Backend::Postgres => on_db!(db, |ex| sqlx::query_as(
            "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
             JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_sqlx_migrations'"
        )
        .fetch_all(ex)
        .await),
    }
    .unwrap();
    let mut schema = Schema::new();
    for (table, column) in rows {
        schema.entry(table).or_default().insert(column);
    }
    schema
}

/// What one schema has that the other has not, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in sqlite.keys().chain(postgres.keys()).collect::<BTreeSet<_>>() {
        match (sqlite.get(table), postgres.get(table)) {
            (Some(_), None) => out.push(format!("table {table}: only in SQLite")),
            (None, Some(_)) => out.push(format!("table {table}: only in PostgreSQL")),
            (Some(s), Some(p)) => {
                out.extend(s.difference(p).map(|c| format!("{table}.{c}: only in SQLite")));
                out.extend(p.difference(s).map(|c| format!("{table}.{c}: only in PostgreSQL")));
            }
            (None, None) => unreachable!(),
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgresql_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let postgres_url = db::test_database_url(dir.path());
    if !db::is_postgres_url(&postgres_url) {
        eprintln!("schema parity: not checked, it needs PostgreSQL (set ENCAISSE_TEST_POSTGRES)");
        return;
    }
    let sqlite = db::connect(&format!("sqlite://{}", dir.path().join("parity.db").display())).await.unwrap();
    let postgres = db::connect(&postgres_url).await.unwrap();
    assert_eq!((sqlite.backend(), postgres.backend()), (Backend::Sqlite, Backend::Postgres));
    let (sqlite, postgres) = (schema(&sqlite).await, schema(&postgres).await);
    assert!(sqlite.len() > 10 && sqlite.contains_key("invoices"), "the SQLite schema was read: {sqlite:?}");
    let differences = differences(&sqlite, &postgres);
    assert!(differences.is_empty(), "the migrations of the two engines disagree:\n{}", differences.join("\n"));
}

#[test]
fn differences_are_named_by_table_and_column() {
    let schema = |tables: &[(&str, &[&str])]| -> Schema {
        tables.iter().map(|(t, cs)| (t.to_string(), cs.iter().map(|c| c.to_string()).collect())).collect()
    };
    let sqlite = schema(&[("a", &["id", "x"]), ("b", &["id"])]);
    let postgres = schema(&[("a", &["id", "y"]), ("c", &["id"])]);
    assert_eq!(
        differences(&sqlite, &postgres),
        ["a.x: only in SQLite", "a.y: only in PostgreSQL", "table b: only in SQLite", "table c: only in PostgreSQL"]
    );
    assert!(differences(&sqlite, &sqlite).is_empty());
}
