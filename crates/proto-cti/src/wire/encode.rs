//! Encoding: a serde message becomes one JSON line with `timenow` added, as shared [`Bytes`]
//! (encoded once, sent to any number of sessions).

use bytes::Bytes;
use serde::Serialize;

use ctid_core::Timestamp;

/// Encodes a message (which must serialize as a JSON object) as a line with `timenow`.
pub fn encode<T: Serialize + ?Sized>(msg: &T, now: Timestamp) -> Bytes {
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
    buf.extend_from_slice(b"\"timenow\":");
    let secs = now.as_secs_f64();
    let mut ryu = serde_json::to_vec(&secs).unwrap_or_else(|_| b"0".to_vec());
    buf.append(&mut ryu);
    buf.extend_from_slice(b"}\n");
    Bytes::from(buf)
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
