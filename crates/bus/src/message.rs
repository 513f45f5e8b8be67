//! A bus message and its envelope: the JSON body (`name`, `origin_uuid`, `required_acl`,
//! `data`) and the AMQP headers that mirror it (plus one `user_uuid:<uuid>` header per user the
//! event is about), as xivo-bus and wazo-bus publish them.

use serde::Serialize;
use serde_json::Value;

/// One event as it goes on the bus, before the envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct BusMessage {
    /// The event name (`user_status_update`, ...).
    pub name: &'static str,
    /// The routing key (values from event content already escaped).
    pub routing_key: String,
    /// The ACL a bus consumer needs (`None`: the key is left out, as xivo-bus does).
    pub required_acl: Option<String>,
    /// The event's own data.
    pub data: Value,
    /// The users the event is about (each gets a `user_uuid:<uuid>: true` header).
    pub user_uuids: Vec<String>,
}

/// An AMQP header value.
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderValue {
    /// A string.
    Text(String),
    /// A boolean.
    Bool(bool),
}

/// A message ready to publish.
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded {
    /// The routing key.
    pub routing_key: String,
    /// The JSON body.
    pub body: Vec<u8>,
    /// The AMQP headers.
    pub headers: Vec<(String, HeaderValue)>,
}

#[derive(Serialize)]
struct Body<'a> {
    name: &'a str,
    origin_uuid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_acl: Option<&'a str>,
    data: &'a Value,
}

impl BusMessage {
    /// The body and headers of this message sent by the node `origin_uuid`.
    pub fn encode(&self, origin_uuid: &str) -> Encoded {
        let body = serde_json::to_vec(&Body {
            name: self.name,
            origin_uuid,
            required_acl: self.required_acl.as_deref(),
            data: &self.data,
        })
        .unwrap_or_default();
        let mut headers = vec![
            ("name".to_owned(), HeaderValue::Text(self.name.to_owned())),
            (
                "origin_uuid".to_owned(),
                HeaderValue::Text(origin_uuid.to_owned()),
            ),
        ];
        if let Some(acl) = &self.required_acl {
            headers.push(("required_acl".to_owned(), HeaderValue::Text(acl.clone())));
        }
        for uuid in &self.user_uuids {
            headers.push((format!("user_uuid:{uuid}"), HeaderValue::Bool(true)));
        }
        Encoded {
            routing_key: self.routing_key.clone(),
            body,
            headers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_mirrors_the_headers_and_omits_a_missing_acl() {
        let message = BusMessage {
            name: "call_form_result",
            routing_key: "call_form_result".into(),
            required_acl: None,
            data: serde_json::json!({"user_id": 1}),
            user_uuids: vec!["u1".into()],
        };
        let encoded = message.encode("node");
        let body: Value = serde_json::from_slice(&encoded.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"name": "call_form_result", "origin_uuid": "node", "data": {"user_id": 1}})
        );
        assert_eq!(
            encoded.headers,
            vec![
                ("name".into(), HeaderValue::Text("call_form_result".into())),
                ("origin_uuid".into(), HeaderValue::Text("node".into())),
                ("user_uuid:u1".into(), HeaderValue::Bool(true)),
            ]
        );
    }
}
