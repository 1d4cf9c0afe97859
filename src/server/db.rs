//! The database: SQLite (one machine, the default) or PostgreSQL (several servers), chosen by
//! `DATABASE_URL`.
//!
//! Repositories write each query once, in SQL both understand, and run it with [`on_db!`],
//! which expands the same code for whichever backend is connected. Each backend keeps its
//! native types (dates, instants, booleans) and its own migrations folder.

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// The connection pool every repository takes.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction on either backend; dropped without `commit` it rolls back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// The backend-specific executor [`on_db!`] hands to its body.
pub enum Exec<S, P> {
    Sqlite(S),
    Postgres(P),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `$body` with `$c` bound to the backend's executor (a pool for [`Db`], a connection for
/// [`Tx`]). The body is written once and compiled for both backends.
#[macro_export]
macro_rules! on_db {
    ($target:expr, |$c:ident| $body:expr) => {
        match $target.exec() {
            $crate::server::db::Exec::Sqlite($c) => $body,
            $crate::server::db::Exec::Postgres($c) => $body,
        }
    };
}
pub use crate::on_db;

impl Db {
    pub fn exec(&self) -> Exec<&SqlitePool, &PgPool> {
        match self {
            Db::Sqlite(p) => Exec::Sqlite(p),
            Db::Postgres(p) => Exec::Postgres(p),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A plain transaction (deferred on SQLite, READ COMMITTED on PostgreSQL).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Runs one statement without parameters (maintenance, tests).
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        on_db!(self, |c| sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()))
    }

    /// One integer from a statement without parameters (counts in tests and tools).
    pub async fn scalar(&self, sql: &str) -> Result<i64, sqlx::Error> {
        on_db!(self, |c| sqlx::query_scalar(sql).fetch_one(c).await)
    }
}

impl Tx {
    pub fn exec(&mut self) -> Exec<&mut SqliteConnection, &mut PgConnection> {
        match self {
            Tx::Sqlite(t) => Exec::Sqlite(&mut **t),
            Tx::Postgres(t) => Exec::Postgres(&mut **t),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens (creating if needed) the database and runs its migrations.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    if is_postgres_url(url) {
        connect_postgres(url).await
    } else {
        connect_sqlite(url).await
    }
}

async fn connect_sqlite(url: &str) -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    let pool = SqlitePoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(10)).connect_with(options).await?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await?;
    Ok(Db::Sqlite(pool))
}

async fn connect_postgres(url: &str) -> Result<Db, sqlx::Error> {
    // Like SQLite's create-if-missing; two servers starting at once may race to create it.
    if !Postgres::database_exists(url).await? {
        if let Err(e) = Postgres::create_database(url).await {
            if !Postgres::database_exists(url).await? {
                return Err(e);
            }
        }
    }
    let options = PgConnectOptions::from_str(url)?.application_name("encaisse");
    let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(options).await?;
    if let Some(schema) = schema_in_url(url) {
        // A dedicated schema (`?options[search_path]=name`) is created like the database.
        let created = sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}")).execute(&pool).await;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)").bind(&schema).fetch_one(&pool).await?;
        if !exists {
            created?;
        }
    }
    // The migrator holds an advisory lock: servers starting together migrate once.
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(Db::Postgres(pool))
}

/// The schema a PostgreSQL URL puts first on the search path (`options[search_path]=name`),
/// if it is a plain name.
fn schema_in_url(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let (_, path) = url.query_pairs().find(|(k, _)| k == "options[search_path]")?;
    let first = path.split(',').next()?.trim().to_string();
    (!first.is_empty() && first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')).then_some(first)
}

/// Whether an error is a unique-constraint violation (a duplicate the caller can explain).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Advisory-lock namespace of [`begin_write`] on PostgreSQL ("EN" in the high bits).
const WRITE_LOCK_CLASS: i64 = 0x454E << 32;

/// A transaction for read-then-write work on one company's data (numbering, collections, feed
/// positions): writers of the same company queue instead of acting on a stale read.
/// SQLite: `BEGIN IMMEDIATE` (one writer at a time). PostgreSQL: a transaction-scoped advisory
/// lock per company, so two servers serialise exactly where one SQLite file would.
pub async fn begin_write(db: &Db, company_id: i64) -> Result<Tx, sqlx::Error> {
    match db {
        Db::Sqlite(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
        Db::Postgres(p) => {
            let mut tx = p.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK_CLASS | company_id).execute(&mut *tx).await?;
            Ok(Tx::Postgres(tx))
        }
    }
}

/// A `LIKE ... ESCAPE '\'` pattern for "contains `q`", lower-cased; `%`, `_` and `\` typed
/// by the user match themselves.
pub fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The current instant, at microsecond precision (what PostgreSQL stores), so a value read
/// back equals the value written on both backends.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// The database URL tests use: with `ENCAISSE_TEST_POSTGRES` (a server URL such as
/// `postgres://postgres@127.0.0.1:5432`), a fresh schema of the database `encaisse_test`
/// (schemas are created and dropped in an instant, databases are not); otherwise a SQLite file
/// in `dir`. Each call names a new, empty database.
pub fn test_database_url(dir: &std::path::Path) -> String {
    match std::env::var("ENCAISSE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            use rand::Rng;
            let suffix: u64 = rand::thread_rng().gen();
            format!("{}/encaisse_test?options[search_path]=t_{}_{suffix:016x}", server.trim_end_matches('/'), std::process::id())
        }
        _ => format!("sqlite://{}", dir.join("test.db").display()),
    }
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn the_schema_comes_from_the_search_path_option() {
        assert_eq!(super::schema_in_url("postgres://u@h/db?options[search_path]=t_1_ab").as_deref(), Some("t_1_ab"));
        assert_eq!(super::schema_in_url("postgres://u@h/db?options%5Bsearch_path%5D=enc,public").as_deref(), Some("enc"));
        assert_eq!(super::schema_in_url("postgres://u@h/db?options[search_path]=x;drop"), None);
        assert_eq!(super::schema_in_url("postgres://u@h/db"), None);
    }
}

#[cfg(test)]
pub async fn test_db() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = connect(&test_database_url(dir.path())).await.unwrap();
    (db, dir)
}
