/*
 * What ctid's pages (/sample, /wallboard) share: the REST login, token check and logout of
 * /xuc/api/2.0/auth/, the WebSocket URLs, and small DOM and formatting helpers. Plain
 * JavaScript, no build step; the pages talk to the server only through cti.js and these calls.
 */
var CtidPages = (function () {
    "use strict";

    var API = "/xuc/api/2.0/auth/";

    // A REST call; resolves to the JSON body, or rejects with an Error whose message is the
    // server's `message` (its `error` name in `.code`).
    function rest(method, path, token, body) {
        var headers = { "Content-Type": "application/json" };
        if (token) {
            headers.Authorization = "Bearer " + token;
        }
        var init = { method: method, headers: headers };
        if (body !== undefined) {
            init.body = JSON.stringify(body);
        }
        return fetch(API + path, init).then(function (response) {
            return response.json().catch(function () {
                return { error: "NoResponse", message: "No response from server" };
            }).then(function (json) {
                if (!response.ok) {
                    var error = new Error(json.message || ("HTTP " + response.status));
                    error.code = json.error;
                    throw error;
                }
                return json;
            });
        });
    }

    function wsBase() {
        return (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
    }

    return {
        // POST auth/login: {login, token, TTL}.
        login: function (login, password) {
            return rest("POST", "login", null, { login: login, password: password });
        },
        // GET auth/check: the token's credentials, its life renewed.
        check: function (token) {
            return rest("GET", "check", token);
        },
        // POST auth/logout: the token is revoked.
        logout: function (token) {
            return rest("POST", "logout", token);
        },
        tokenUrl: function (token) {
            return wsBase() + "/xuc/api/2.0/cti?token=" + encodeURIComponent(token);
        },
        passwordUrl: function (username, phoneNumber, password) {
            return wsBase() + "/xuc/ctichannel?username=" + encodeURIComponent(username) +
                "&agentNumber=" + encodeURIComponent(phoneNumber || "") +
                "&password=" + encodeURIComponent(password);
        },
        byId: function (id) {
            return document.getElementById(id);
        },
        setText: function (id, value) {
            var node = document.getElementById(id);
            if (node) {
                node.textContent = value === undefined || value === null ? "" : String(value);
            }
        },
        // An element with attributes (`class`, `data-*`, properties) and children (nodes or text).
        h: function (tag, attrs, children) {
            var node = document.createElement(tag);
            Object.keys(attrs || {}).forEach(function (key) {
                var value = attrs[key];
                if (key === "class") {
                    node.className = value;
                } else if (key.indexOf("data-") === 0) {
                    node.setAttribute(key, value);
                } else {
                    node[key] = value;
                }
            });
            (children || []).forEach(function (child) {
                node.appendChild(typeof child === "string" || typeof child === "number"
                    ? document.createTextNode(String(child)) : child);
            });
            return node;
        },
        // 75 → "1:15", 3725 → "1:02:05".
        duration: function (seconds) {
            var s = Math.max(0, Math.floor(seconds || 0));
            var h = Math.floor(s / 3600);
            var m = Math.floor((s % 3600) / 60);
            var rest = s % 60;
            var mm = h > 0 && m < 10 ? "0" + m : String(m);
            return (h > 0 ? h + ":" : "") + mm + ":" + (rest < 10 ? "0" : "") + rest;
        },
        clock: function (date) {
            return date.toTimeString().slice(0, 8);
        }
    };
})();
