//! Login sessions. The browser holds a random token; the database holds its SHA-256.

use crate::server::db::{now, on_db, Db};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_DAYS: i64 = 30;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session and returns the token for the cookie.
pub async fn create(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let created = now();
    on_db!(db, |ex| {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(digest(&token))
            .bind(user_id)
            .bind(created)
            .bind(created + Duration::days(SESSION_DAYS))
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(token)
}

/// The user of a live session.
pub async fn user_id(db: &Db, token: &str) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(digest(token))
        .bind(now())
        .fetch_optional(ex)
        .await)
}

pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(digest(token))
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes the sessions expired at `at` (the scheduler's tick). Returns how many.
pub async fn purge_expired(db: &Db, at: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    on_db!(db, |ex| sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(at).execute(ex).await.map(|r| r.rows_affected()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[tokio::test]
    async fn create_find_delete() {
        let (db, _dir) = crate::server::db::test_db().await;
        let c = crate::server::repo::companies::create(&db, "Acme").await.unwrap();
        let u = crate::server::repo::users::create(&db, c.id, "A", "a@b.be", "h", Lang::En).await.unwrap();
        let token = create(&db, u).await.unwrap();
        assert_eq!(user_id(&db, &token).await.unwrap(), Some(u));
        assert_eq!(user_id(&db, "forged").await.unwrap(), None);
        let stored: String = on_db!(db, |ex| sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_one(ex).await).unwrap();
        assert_ne!(stored, token, "only the digest is stored");
        delete(&db, &token).await.unwrap();
        assert_eq!(user_id(&db, &token).await.unwrap(), None);
    }

    #[tokio::test]
    async fn expired_sessions_are_purged() {
        let (db, _dir) = crate::server::db::test_db().await;
        let c = crate::server::repo::companies::create(&db, "Acme").await.unwrap();
        let u = crate::server::repo::users::create(&db, c.id, "A", "a@b.be", "h", Lang::En).await.unwrap();
        let token = create(&db, u).await.unwrap();
        assert_eq!(purge_expired(&db, now()).await.unwrap(), 0, "a live session stays");
        assert_eq!(user_id(&db, &token).await.unwrap(), Some(u));
        assert_eq!(purge_expired(&db, now() + Duration::days(SESSION_DAYS)).await.unwrap(), 1, "expired by then");
        assert_eq!(db.scalar("SELECT COUNT(*) FROM sessions").await.unwrap(), 0);
    }
}
