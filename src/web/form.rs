//! Reading posted forms: pairs in order, so repeated fields (checkbox groups) and fields whose
//! names carry an id (`qty_12`) survive.

/// A posted form as pairs.
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of a field, or "" when it was not posted.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a repeated field, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a checkbox was ticked.
    pub fn flag(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}

/// A posted form read as pairs (the same body rules and rejections as `Form`).
impl<S: Send + Sync> axum::extract::FromRequest<S> for Posted {
    type Rejection =
        <axum::Form<Vec<(String, String)>> as axum::extract::FromRequest<S>>::Rejection;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) = axum::Form::from_request(req, state).await?;
        Ok(Posted(pairs))
    }
}
