//! Slows down password guessing: after a few failures for one e-mail, each further attempt
//! must wait twice as long as the previous one (capped), whether the password is right or not.

use crate::server::db::{now, on_db, Db};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// What is stored for a key (an e-mail as typed): its SHA-256, so the row has a fixed size
/// whatever was typed (PostgreSQL cannot index a long text) and holds no address in clear.
fn stored(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Failures allowed before waiting is required.
pub const FREE_FAILURES: i64 = 5;
/// Longest wait between attempts once throttled.
pub const MAX_WAIT_SECS: i64 = 15 * 60;
/// Failures older than this are forgotten.
pub const FORGET_AFTER_SECS: i64 = 60 * 60;

/// Seconds to wait before the next attempt for `failures` consecutive failures.
pub fn wait_secs(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        (1i64 << (failures - FREE_FAILURES).min(20)).min(MAX_WAIT_SECS)
    }
}

/// Seconds left before `key` may try again (0 = now).
pub async fn retry_after(db: &Db, key: &str) -> Result<i64, sqlx::Error> {
    let row: Option<(i64, DateTime<Utc>)> =
        on_db!(db, |ex| sqlx::query_as("SELECT failures, last_failure_at FROM login_throttle WHERE key = $1")
            .bind(stored(key))
            .fetch_optional(ex)
            .await)?;
    let Some((failures, last)) = row else {
        return Ok(0);
    };
    let elapsed = (now() - last).num_seconds();
    if elapsed > FORGET_AFTER_SECS {
        return Ok(0);
    }
    Ok((wait_secs(failures) - elapsed).max(0))
}

pub async fn record_failure(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    let at = now();
    let forget_before = at - chrono::Duration::seconds(FORGET_AFTER_SECS);
    on_db!(db, |ex| {
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
           last_failure_at = $2",
        )
        .bind(stored(key))
        .bind(at)
        .bind(forget_before)
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(stored(key)).execute(ex).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes the failures old enough to be forgotten at `at` (they count for nothing any more;
/// the scheduler's tick). Returns how many keys.
pub async fn purge_stale(db: &Db, at: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let forget_before = at - chrono::Duration::seconds(FORGET_AFTER_SECS);
    on_db!(db, |ex| sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1")
        .bind(forget_before)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_are_capped() {
        assert_eq!(wait_secs(4), 0);
        assert_eq!(wait_secs(5), 1);
        assert_eq!(wait_secs(7), 4);
        assert_eq!(wait_secs(100), MAX_WAIT_SECS);
    }

    #[tokio::test]
    async fn failures_accumulate_then_clear() {
        let (db, _dir) = crate::server::db::test_db().await;
        for _ in 0..FREE_FAILURES - 1 {
            record_failure(&db, "a@b.be").await.unwrap();
        }
        assert_eq!(retry_after(&db, "a@b.be").await.unwrap(), 0);
        record_failure(&db, "a@b.be").await.unwrap();
        record_failure(&db, "a@b.be").await.unwrap();
        assert!(retry_after(&db, "a@b.be").await.unwrap() > 0);
        assert_eq!(retry_after(&db, "other@b.be").await.unwrap(), 0);
        clear(&db, "a@b.be").await.unwrap();
        assert_eq!(retry_after(&db, "a@b.be").await.unwrap(), 0);
    }

    #[tokio::test]
    async fn forgotten_failures_are_purged() {
        let (db, _dir) = crate::server::db::test_db().await;
        record_failure(&db, "a@b.be").await.unwrap();
        assert_eq!(purge_stale(&db, now()).await.unwrap(), 0, "recent: kept");
        let later = now() + chrono::Duration::seconds(FORGET_AFTER_SECS + 1);
        assert_eq!(purge_stale(&db, later).await.unwrap(), 1, "forgotten by then");
        assert_eq!(db.scalar("SELECT COUNT(*) FROM login_throttle").await.unwrap(), 0);
    }
}
