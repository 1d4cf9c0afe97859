//! A company's Twikey connection: switch, encrypted API key, contracts, health, feed positions.

use crate::server::db::{now, on_db, Db, Tx};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Settings {
    pub company_id: i64,
    pub enabled: bool,
    pub api_key_encrypted: Option<String>,
    pub api_key_last4: Option<String>,
    pub b2c_ct: Option<i64>,
    pub b2b_ct: Option<i64>,
    pub prenotify: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub last_login_error: Option<String>,
    pub last_webhook_at: Option<DateTime<Utc>>,
    pub last_webhook_valid: Option<bool>,
    pub last_test_webhook_at: Option<DateTime<Utc>>,
    pub webhooks_rejected: i64,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_sync_error: Option<String>,
    pub mandate_feed_position: Option<i64>,
    pub transaction_feed_position: Option<i64>,
    /// Automatic retry of failed collections where it can help (off by default).
    pub retry_enabled: bool,
    pub retry_after_days: i64,
    pub retry_max: i64,
    /// The Twikey account (`X-MERCHANT-ID`) this company is connected to; one company each.
    pub merchant_id: Option<String>,
    /// Private key of an "enhanced security" API key, sealed like the key.
    pub private_key_encrypted: Option<String>,
    /// Encaisse sends the open transactions to the bank (one batch per contract and day);
    /// off: the Twikey profile's automatic sending does.
    pub batch_sending: bool,
}

impl Settings {
    pub fn is_configured(&self) -> bool {
        self.api_key_encrypted.is_some() && self.b2c_ct.is_some()
    }
}

const COLUMNS: &str = "company_id, enabled, api_key_encrypted, api_key_last4, b2c_ct, b2b_ct, prenotify,
    last_login_at, last_login_error, last_webhook_at, last_webhook_valid, last_test_webhook_at, webhooks_rejected,
    last_sync_at, last_sync_error, mandate_feed_position, transaction_feed_position, retry_enabled, retry_after_days, retry_max,
    merchant_id, private_key_encrypted, batch_sending";

/// Makes sure the company has its settings row (every update below can then be a plain UPDATE).
async fn ensure_row(db: &Db, company_id: i64) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| {
        sqlx::query("INSERT INTO twikey_settings (company_id, enabled, updated_at) VALUES ($1, FALSE, $2) ON CONFLICT (company_id) DO NOTHING")
            .bind(company_id)
            .bind(now())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn get(db: &Db, company_id: i64) -> Result<Settings, sqlx::Error> {
    let row: Option<Settings> = on_db!(db, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM twikey_settings WHERE company_id = $1"))
        .bind(company_id)
        .fetch_optional(ex)
        .await)?;
    Ok(row.unwrap_or(Settings { company_id, retry_after_days: 5, retry_max: 2, batch_sending: true, ..Default::default() }))
}

/// The company behind a callback URL's public id, with its settings.
pub async fn by_public_id(db: &Db, public_id: &str) -> Result<Option<Settings>, sqlx::Error> {
    let company_id: Option<i64> =
        on_db!(db, |ex| sqlx::query_scalar("SELECT id FROM companies WHERE public_id = $1").bind(public_id).fetch_optional(ex).await)?;
    match company_id {
        Some(id) => Ok(Some(get(db, id).await?)),
        None => Ok(None),
    }
}

pub async fn is_enabled(db: &Db, company_id: i64) -> Result<bool, sqlx::Error> {
    Ok(get(db, company_id).await?.enabled)
}

pub async fn set_enabled(db: &Db, company_id: i64, enabled: bool) -> Result<(), sqlx::Error> {
    ensure_row(db, company_id).await?;
    on_db!(db, |ex| sqlx::query("UPDATE twikey_settings SET enabled = $2, updated_at = $3 WHERE company_id = $1")
        .bind(company_id)
        .bind(enabled)
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Companies whose Twikey integration is on and configured (for the periodic sync).
pub async fn active_companies(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |ex| {
        sqlx::query_scalar("SELECT company_id FROM twikey_settings WHERE enabled = TRUE AND api_key_encrypted IS NOT NULL")
            .fetch_all(ex)
            .await
    })
}

pub struct ConfigUpdate {
    /// `(encrypted, last four characters)`; `None` keeps the stored key.
    pub api_key: Option<(String, String)>,
    pub b2c_ct: i64,
    pub b2b_ct: Option<i64>,
    pub prenotify: bool,
    pub retry: Option<(i64, i64)>,
    /// Sealed private key; `None` keeps the stored one unless a new API key is given (a new
    /// key comes with its own private key or none).
    pub private_key: Option<String>,
    pub batch_sending: bool,
    /// The account the key logged in to.
    pub merchant_id: Option<String>,
}

/// Saves the configuration. A unique violation means another company is connected to the
/// same Twikey account (`merchant_id`).
pub async fn save_config(db: &Db, company_id: i64, update: &ConfigUpdate) -> Result<(), sqlx::Error> {
    ensure_row(db, company_id).await?;
    if update.merchant_id.is_some() {
        set_merchant(db, company_id, update.merchant_id.as_deref()).await?;
    }
    if let Some((encrypted, last4)) = &update.api_key {
        on_db!(db, |ex| {
            sqlx::query(
                "UPDATE twikey_settings SET api_key_encrypted = $2, api_key_last4 = $3, private_key_encrypted = $4 WHERE company_id = $1",
            )
            .bind(company_id)
            .bind(encrypted)
            .bind(last4)
            .bind(update.private_key.as_deref())
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
        })?;
    } else if let Some(private_key) = &update.private_key {
        on_db!(db, |ex| sqlx::query("UPDATE twikey_settings SET private_key_encrypted = $2 WHERE company_id = $1")
            .bind(company_id)
            .bind(private_key)
            .execute(ex)
            .await
            .map(|r| r.rows_affected()))?;
    }
    on_db!(db, |ex| sqlx::query("UPDATE twikey_settings SET batch_sending = $2 WHERE company_id = $1")
        .bind(company_id)
        .bind(update.batch_sending)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    on_db!(db, |ex| {
        sqlx::query("UPDATE twikey_settings SET b2c_ct = $2, b2b_ct = $3, prenotify = $4, updated_at = $5, retry_enabled = $6 WHERE company_id = $1")
        .bind(company_id)
        .bind(update.b2c_ct)
        .bind(update.b2b_ct)
        .bind(update.prenotify)
        .bind(now())
        .bind(update.retry.is_some())
        .execute(ex)
        .await.map(|r| r.rows_affected())
    })?;
    if let Some((after_days, max)) = update.retry {
        on_db!(db, |ex| {
            sqlx::query("UPDATE twikey_settings SET retry_after_days = $2, retry_max = $3 WHERE company_id = $1")
                .bind(company_id)
                .bind(after_days)
                .bind(max)
                .execute(ex)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Records the Twikey account the company's key belongs to. Fails with a unique violation when
/// another company is connected to that account.
pub async fn set_merchant(db: &Db, company_id: i64, merchant_id: Option<&str>) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("UPDATE twikey_settings SET merchant_id = $2 WHERE company_id = $1")
        .bind(company_id)
        .bind(merchant_id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The company connected to a Twikey account, if any.
pub async fn company_of_merchant(db: &Db, merchant_id: &str) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT company_id FROM twikey_settings WHERE merchant_id = $1")
        .bind(merchant_id)
        .fetch_optional(ex)
        .await)
}

pub async fn record_login(db: &Db, company_id: i64, error: Option<&str>) -> Result<(), sqlx::Error> {
    ensure_row(db, company_id).await?;
    on_db!(db, |ex| {
        sqlx::query("UPDATE twikey_settings SET last_login_at = $2, last_login_error = $3 WHERE company_id = $1")
            .bind(company_id)
            .bind(now())
            .bind(error)
            .execute(ex)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records a webhook on the connection's health. A burst of valid calls writes once a second
/// (the page shows the time to the second): one row per company would otherwise take every
/// call's write lock and, on PostgreSQL, a disk flush each. A rejected call is always counted;
/// a test call is shown within the second. Returns whether it wrote.
pub async fn record_webhook(db: &Db, company_id: i64, valid: bool, test: bool) -> Result<bool, sqlx::Error> {
    let at = now();
    let written = on_db!(db, |ex| sqlx::query(
        "UPDATE twikey_settings SET last_webhook_at = $2, last_webhook_valid = $3,
           webhooks_rejected = webhooks_rejected + CASE WHEN $3 THEN 0 ELSE 1 END,
           last_test_webhook_at = CASE WHEN $4 THEN $2 ELSE last_test_webhook_at END
         WHERE company_id = $1
           AND (NOT $3 OR last_webhook_at IS NULL OR last_webhook_at < $5
                OR last_webhook_valid IS NULL OR last_webhook_valid <> $3
                OR ($4 AND (last_test_webhook_at IS NULL OR last_test_webhook_at < $5)))",
    )
    .bind(company_id)
    .bind(at)
    .bind(valid)
    .bind(test)
    .bind(at - chrono::Duration::seconds(1))
    .execute(ex)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(written == 1)
}

/// Which feed a position belongs to.
#[derive(Clone, Copy, Debug)]
pub enum Feed {
    Mandates,
    Transactions,
}

/// The stored position of a feed, read inside a chunk's write transaction: a reader that
/// fetched from another position lost the race to a second server and must start again.
pub async fn feed_position(tx: &mut Tx, company_id: i64, feed: Feed) -> Result<Option<i64>, sqlx::Error> {
    let column = match feed {
        Feed::Mandates => "mandate_feed_position",
        Feed::Transactions => "transaction_feed_position",
    };
    let sql = format!("SELECT {column} FROM twikey_settings WHERE company_id = $1");
    let position: Option<Option<i64>> = on_db!(tx, |ex| sqlx::query_scalar(&sql).bind(company_id).fetch_optional(ex).await)?;
    Ok(position.flatten())
}

pub async fn record_sync(db: &Db, company_id: i64, error: Option<&str>) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("UPDATE twikey_settings SET last_sync_at = $2, last_sync_error = $3 WHERE company_id = $1")
        .bind(company_id)
        .bind(now())
        .bind(error)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Stores the mandate feed position, inside the transaction that applied the chunk.
pub async fn set_mandate_position(tx: &mut Tx, company_id: i64, position: i64) -> Result<(), sqlx::Error> {
    on_db!(tx, |ex| sqlx::query("UPDATE twikey_settings SET mandate_feed_position = $2 WHERE company_id = $1")
        .bind(company_id)
        .bind(position)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_of_valid_webhooks_writes_once_but_every_rejection_counts() {
        let (db, _dir) = crate::server::db::test_db().await;
        let a = crate::server::repo::companies::create(&db, "A").await.unwrap();
        set_enabled(&db, a.id, true).await.unwrap();
        assert!(record_webhook(&db, a.id, true, false).await.unwrap(), "the first is recorded");
        assert!(!record_webhook(&db, a.id, true, false).await.unwrap(), "the same second: not written again");
        assert!(record_webhook(&db, a.id, false, false).await.unwrap(), "a rejection always counts");
        assert!(record_webhook(&db, a.id, false, false).await.unwrap());
        assert!(record_webhook(&db, a.id, true, false).await.unwrap(), "valid again after a rejection");
        assert!(record_webhook(&db, a.id, true, true).await.unwrap(), "the first test call is shown");
        assert!(!record_webhook(&db, a.id, true, true).await.unwrap(), "a burst of test calls writes once");
        let s = get(&db, a.id).await.unwrap();
        assert_eq!((s.webhooks_rejected, s.last_webhook_valid), (2, Some(true)));
        assert!(s.last_test_webhook_at.is_some());
    }

    #[tokio::test]
    async fn switch_config_and_health_per_company() {
        let (db, _dir) = crate::server::db::test_db().await;
        let a = crate::server::repo::companies::create(&db, "A").await.unwrap();
        let b = crate::server::repo::companies::create(&db, "B").await.unwrap();
        assert!(!is_enabled(&db, a.id).await.unwrap());
        set_enabled(&db, a.id, true).await.unwrap();
        assert!(is_enabled(&db, a.id).await.unwrap());
        assert!(!is_enabled(&db, b.id).await.unwrap());
        assert!(active_companies(&db).await.unwrap().is_empty(), "no key yet");

        let update =
            ConfigUpdate {
            api_key: Some(("sealed".into(), "abcd".into())),
            b2c_ct: 1001,
            b2b_ct: None,
            prenotify: true,
            retry: None,
            private_key: None,
            batch_sending: true,
            merchant_id: Some("1000".into()),
        };
        save_config(&db, a.id, &update).await.unwrap();
        let keep_key = ConfigUpdate {
            api_key: None,
            b2c_ct: 1001,
            b2b_ct: Some(1002),
            prenotify: false,
            retry: Some((3, 2)),
            private_key: None,
            batch_sending: false,
            merchant_id: None,
        };
        save_config(&db, a.id, &keep_key).await.unwrap();
        let same_account = ConfigUpdate { merchant_id: Some("1000".into()), api_key: None, ..keep_key };
        let err = save_config(&db, b.id, &same_account).await.unwrap_err();
        assert!(crate::server::db::is_unique_violation(&err), "one Twikey account, one company: {err}");
        assert_eq!(company_of_merchant(&db, "1000").await.unwrap(), Some(a.id));
        let s = get(&db, a.id).await.unwrap();
        assert_eq!((s.api_key_encrypted.as_deref(), s.b2b_ct, s.prenotify), (Some("sealed"), Some(1002), false));
        assert_eq!((s.retry_enabled, s.retry_after_days, s.retry_max), (true, 3, 2));
        assert_eq!((s.merchant_id.as_deref(), s.batch_sending), (Some("1000"), false));
        assert!(s.is_configured());
        assert_eq!(active_companies(&db).await.unwrap(), vec![a.id]);

        record_webhook(&db, a.id, false, false).await.unwrap();
        record_webhook(&db, a.id, true, true).await.unwrap();
        let s = by_public_id(&db, &a.public_id).await.unwrap().unwrap();
        assert_eq!((s.webhooks_rejected, s.last_webhook_valid), (1, Some(true)));
        assert!(s.last_test_webhook_at.is_some());
        assert!(by_public_id(&db, "nope").await.unwrap().is_none());
        set_enabled(&db, a.id, false).await.unwrap();
        assert_eq!(get(&db, a.id).await.unwrap().api_key_encrypted.as_deref(), Some("sealed"), "switching off keeps the data");
    }
}
