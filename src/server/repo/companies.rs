use crate::server::db::{now, Db};
use rand::distributions::{Alphanumeric, DistString};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Company {
    pub id: i64,
    pub public_id: String,
    pub name: String,
}

/// Creates a company with a fresh unguessable public id (used in the Twikey callback URL).
pub async fn insert<'e, E: sqlx::SqliteExecutor<'e>>(db: E, name: &str) -> Result<Company, sqlx::Error> {
    let public_id = Alphanumeric.sample_string(&mut rand::thread_rng(), 24).to_lowercase();
    let id: i64 = sqlx::query_scalar("INSERT INTO companies (public_id, name, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(&public_id)
        .bind(name)
        .bind(now())
        .fetch_one(db)
        .await?;
    Ok(Company { id, public_id, name: name.to_string() })
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Company>, sqlx::Error> {
    sqlx::query_as("SELECT id, public_id, name FROM companies WHERE id = $1").bind(id).fetch_optional(db).await
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM companies").fetch_one(db).await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn public_ids_are_unique_and_long() {
        let (db, _dir) = crate::server::db::test_db().await;
        let a = super::insert(&db, "A").await.unwrap();
        let b = super::insert(&db, "B").await.unwrap();
        assert_ne!(a.public_id, b.public_id);
        assert_eq!(a.public_id.len(), 24);
        assert_eq!(super::get(&db, b.id).await.unwrap().unwrap().name, "B");
        assert_eq!(super::count(&db).await.unwrap(), 2);
    }
}
