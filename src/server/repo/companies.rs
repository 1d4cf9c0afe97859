use crate::server::db::{now, on_db, Db, Tx};
use rand::distributions::{Alphanumeric, DistString};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Company {
    pub id: i64,
    pub public_id: String,
    pub name: String,
}

/// Creates a company with a fresh unguessable public id (used in the Twikey callback URL).
pub async fn insert(db: &mut Tx, name: &str) -> Result<Company, sqlx::Error> {
    let public_id = Alphanumeric.sample_string(&mut rand::thread_rng(), 24).to_lowercase();
    let id: i64 =
        on_db!(db, |ex| sqlx::query_scalar("INSERT INTO companies (public_id, name, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(&public_id)
            .bind(name)
            .bind(now())
            .fetch_one(ex)
            .await)?;
    Ok(Company { id, public_id, name: name.to_string() })
}

/// [`insert`] in a transaction of its own.
pub async fn create(db: &Db, name: &str) -> Result<Company, sqlx::Error> {
    let mut tx = db.begin().await?;
    let company = insert(&mut tx, name).await?;
    tx.commit().await?;
    Ok(company)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Company>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as("SELECT id, public_id, name FROM companies WHERE id = $1").bind(id).fetch_optional(ex).await)
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM companies").fetch_one(ex).await)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn public_ids_are_unique_and_long() {
        let (db, _dir) = crate::server::db::test_db().await;
        let a = super::create(&db, "A").await.unwrap();
        let b = super::create(&db, "B").await.unwrap();
        assert_ne!(a.public_id, b.public_id);
        assert_eq!(a.public_id.len(), 24);
        assert_eq!(super::get(&db, b.id).await.unwrap().unwrap().name, "B");
        assert_eq!(super::count(&db).await.unwrap(), 2);
    }
}
