//! A company's Twikey connection settings.

use crate::server::db::{now, Db};

pub async fn is_enabled(db: &Db, company_id: i64) -> Result<bool, sqlx::Error> {
    let enabled: Option<bool> = sqlx::query_scalar("SELECT enabled FROM twikey_settings WHERE company_id = $1")
        .bind(company_id)
        .fetch_optional(db)
        .await?;
    Ok(enabled.unwrap_or(false))
}

pub async fn set_enabled(db: &Db, company_id: i64, enabled: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO twikey_settings (company_id, enabled, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (company_id) DO UPDATE SET enabled = $2, updated_at = $3",
    )
    .bind(company_id)
    .bind(enabled)
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn switch_per_company() {
        let (db, _dir) = crate::server::db::test_db().await;
        let a = crate::server::repo::companies::insert(&db, "A").await.unwrap();
        let b = crate::server::repo::companies::insert(&db, "B").await.unwrap();
        assert!(!super::is_enabled(&db, a.id).await.unwrap());
        super::set_enabled(&db, a.id, true).await.unwrap();
        assert!(super::is_enabled(&db, a.id).await.unwrap());
        assert!(!super::is_enabled(&db, b.id).await.unwrap());
        super::set_enabled(&db, a.id, false).await.unwrap();
        assert!(!super::is_enabled(&db, a.id).await.unwrap());
    }
}
