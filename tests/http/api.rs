//! Marketplace: api. Every response is validated against the schema the served OpenAPI document
//! gives for that operation and status (component references resolved, and no property that
//! the document does not declare); unknown ids are JSON 404s; no personal data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::catalog::{MUARA_SABAK_TIMUR, NIPAH_PANJANG, fixture};
use crate::helpers::TestApp;

both!(
    responses_match_the_openapi_document,
    unknown_ids_and_bad_parameters_are_json_errors,
    api_filters_like_the_catalog_and_shows_no_personal_data,
);

/// Every object schema in the components closed to undeclared properties, so a field the
/// document does not describe fails validation.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("object")) && map.contains_key("properties") {
                map.entry("additionalProperties").or_insert(json!(false));
            }
            for child in map.values_mut() {
                close_objects(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

struct Spec(Value);

impl Spec {
    async fn load(app: &TestApp) -> Spec {
        let response = app
            .client
            .get(format!("{}/api/openapi.json", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let doc: Value = response.json().await.expect("OpenAPI JSON");
        assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
        for path in [
            "/api/v1/listings",
            "/api/v1/listings/{id}",
            "/api/v1/businesses/{id}",
        ] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
        }
        Spec(doc)
    }

    /// A validator for the response of `GET path` with `status`: the operation's schema with
    /// the document's components beside it, so `#/components/schemas/...` resolves.
    fn validator(&self, path: &str, status: u16) -> jsonschema::Validator {
        let schema = self.0["paths"][path]["get"]["responses"][status.to_string()]["content"]
            ["application/json"]["schema"]
            .clone();
        assert!(schema.is_object(), "{path} {status} has a schema");
        let mut components = self.0["components"].clone();
        close_objects(&mut components);
        let mut root = schema;
        root["components"] = components;
        root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        jsonschema::validator_for(&root).expect("schema compiles")
    }

    #[track_caller]
    fn check(&self, path: &str, status: u16, body: &Value) {
        let v = self.validator(path, status);
        let errors: Vec<String> = v
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path} {status}: {errors:?}\n{body:#}");
    }
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.unwrap();
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
    assert!(
        content_type.starts_with("application/json"),
        "{path}: {content_type}"
    );
    (status, body, text)
}

async fn responses_match_the_openapi_document(app: TestApp) {
    let f = fixture(&app).await;
    let spec = Spec::load(&app).await;
    for query in [
        "q=kue".to_string(),
        format!("q=bolu+zebra&kecamatan={NIPAH_PANJANG}&only_kecamatan=true"),
        "sort=price_asc&per_page=5&page=2".into(),
        "q=pasang+ac".into(),
        "q=tidak+ada+yang+cocok".into(),
        "verified_only=true&min_price=10000&max_price=200000&sort=rating".into(),
    ] {
        let (status, body, _) = get_json(&app, &format!("/api/v1/listings?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        spec.check("/api/v1/listings", 200, &body);
    }
    for id in [f.cake, f.ac_install, f.bolu_near] {
        let (status, body, _) = get_json(&app, &format!("/api/v1/listings/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        spec.check("/api/v1/listings/{id}", 200, &body);
    }
    for id in [f.cake_business, f.ac_business, f.far_bakery] {
        let (status, body, _) = get_json(&app, &format!("/api/v1/businesses/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        spec.check("/api/v1/businesses/{id}", 200, &body);
    }
    // The check has teeth: an undeclared field or a wrong type is refused.
    let (_, mut body, _) = get_json(&app, &format!("/api/v1/listings/{}", f.cake)).await;
    body["nik"] = json!("1507010101010001");
    assert!(!spec.validator("/api/v1/listings/{id}", 200).is_valid(&body));
    let (_, mut body, _) = get_json(&app, "/api/v1/listings?q=kue").await;
    body["total"] = json!("banyak");
    assert!(!spec.validator("/api/v1/listings", 200).is_valid(&body));
}

async fn unknown_ids_and_bad_parameters_are_json_errors(app: TestApp) {
    let spec = Spec::load(&app).await;
    for (path, doc_path) in [
        ("/api/v1/listings/999999", "/api/v1/listings/{id}"),
        ("/api/v1/listings/abc", "/api/v1/listings/{id}"),
        ("/api/v1/businesses/999999", "/api/v1/businesses/{id}"),
    ] {
        let (status, body, _) = get_json(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"], json!("Data tidak ditemukan."));
        spec.check(doc_path, 404, &body);
    }
    for query in ["sort=acak", "page=-1", "min_price=murah", "trade_id=x"] {
        let (status, body, _) = get_json(&app, &format!("/api/v1/listings?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        spec.check("/api/v1/listings", 422, &body);
    }
}

async fn api_filters_like_the_catalog_and_shows_no_personal_data(app: TestApp) {
    let f = fixture(&app).await;
    let ids = |body: &Value| -> Vec<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    let (_, body, _) = get_json(&app, "/api/v1/listings?q=servis+ac").await;
    assert!(ids(&body).contains(&f.ac_split));
    let (_, body, _) = get_json(
        &app,
        &format!("/api/v1/listings?q=bolu+zebra&kecamatan={MUARA_SABAK_TIMUR}"),
    )
    .await;
    assert_eq!(ids(&body)[0], f.bolu_far);
    assert_eq!(body["items"][0]["serves_kecamatan"], json!(true));
    let (_, body, _) = get_json(
        &app,
        &format!("/api/v1/listings?q=bolu+zebra&kecamatan={NIPAH_PANJANG}&only_kecamatan=true"),
    )
    .await;
    assert_eq!(ids(&body), [f.bolu_near]);
    assert_eq!(body["total"], json!(1));
    let (_, body, _) = get_json(&app, "/api/v1/listings?q=kue+ultah").await;
    let cake = &body["items"][0];
    assert_eq!(cake["id"], json!(f.cake));
    assert_eq!(cake["price"], json!(150_000));
    assert_eq!(cake["price_text"], json!("Rp150.000 / loyang"));
    assert_eq!(cake["rating"]["count"], json!(2));
    assert_eq!(cake["rating"]["average"], json!(4.5));
    assert_eq!(
        cake["url"],
        json!(format!("{}/katalog/{}", app.base, f.cake))
    );
    let (_, body, text) = get_json(&app, &format!("/api/v1/businesses/{}", f.cake_business)).await;
    assert_eq!(body["phone"], json!("+6281234567890"), "published");
    assert!(
        body["listings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == json!(f.cake))
    );
    assert!(!text.contains("9876543210123"), "no bank account");
    assert!(!text.contains("Bank Jambi"));
    let (_, body, text) = get_json(&app, &format!("/api/v1/businesses/{}", f.ac_business)).await;
    assert_eq!(body["phone"], Value::Null, "not published");
    assert!(!text.contains("81399990000"));
    let (_, _, text) = get_json(&app, &format!("/api/v1/listings/{}", f.cake)).await;
    assert!(!text.contains("999999"), "no office price");
}
