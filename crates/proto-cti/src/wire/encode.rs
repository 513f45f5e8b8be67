//! Encoding: a serde message becomes one JSON line with `timenow` added, as shared [`Bytes`]
//! (encoded once, sent to any number of sessions).

use bytes::Bytes;
use serde::Serialize;

use ctid_core::Timestamp;

/// Encodes a message (which must serialize as a JSON object) as a line with `timenow`.
pub fn encode<T: Serialize + ?Sized>(msg: &T, now: Timestamp) -> Bytes {
    with_timenow(&encode_prefix(msg), now)
}

/// Encodes a message without its `timenow` and closing brace (`{"class":..., `), so that a reply
/// whose content does not change can be encoded once and finished with [`with_timenow`] at each
/// send.
pub fn encode_prefix<T: Serialize + ?Sized>(msg: &T) -> Bytes {
    let mut buf = match serde_json::to_vec(msg) {
        Ok(buf) if buf.last() == Some(&b'}') => buf,
        Ok(_) | Err(_) => {
            // Our own messages are always objects; never send a broken line.
            tracing::error!("a CTI message did not encode as a JSON object");
            b"{\"class\":\"error\",\"error_string\":\"internal_error\"}".to_vec()
        }
    };
    buf.pop();
    if buf.len() > 1 {
        buf.push(b',');
    }
    Bytes::from(buf)
}

/// Completes an [`encode_prefix`] with `timenow` and the line end.
pub fn with_timenow(prefix: &[u8], now: Timestamp) -> Bytes {
    let mut secs = ryu_secs(now);
    let mut buf = Vec::with_capacity(prefix.len() + 12 + secs.len());
    buf.extend_from_slice(prefix);
    buf.extend_from_slice(b"\"timenow\":");
    buf.append(&mut secs);
    buf.extend_from_slice(b"}\n");
    Bytes::from(buf)
}

fn ryu_secs(now: Timestamp) -> Vec<u8> {
    serde_json::to_vec(&now.as_secs_f64()).unwrap_or_else(|_| b"0".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn adds_timenow() {
        let b = encode(&json!({"class":"keepalive"}), Timestamp(1_361_268_824_640));
        assert_eq!(
            &b[..],
            b"{\"class\":\"keepalive\",\"timenow\":1361268824.64}\n"
        );
        let b = encode(&json!({}), Timestamp(1000));
        assert_eq!(&b[..], b"{\"timenow\":1.0}\n");
    }
}
