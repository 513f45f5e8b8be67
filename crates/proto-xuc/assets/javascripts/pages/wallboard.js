/*
 * The wallboard (/wallboard): every queue (waiting calls, longest wait, its agents by state)
 * and every agent, live, updated in place, for a wall screen. Logs in over REST once (the
 * token is kept in the tab's sessionStorage and renewed with auth/check), subscribes to queue
 * statistics and agent events through cti.js, and reconnects by itself when the socket closes.
 */
(function () {
    "use strict";

    var P = CtidPages;
    var TOKEN_KEY = "ctid.wallboard.credentials";
    var LATE_SECONDS = 60;
    var STATES = [
        ["ready", "Ready", ["AgentReady"]],
        ["ringing", "Ringing", ["AgentRinging"]],
        ["oncall", "On call", ["AgentOnCall", "AgentDialing"]],
        ["wrapup", "Wrap-up", ["AgentOnWrapup"]],
        ["paused", "Paused", ["AgentOnPause"]]
    ];
    var STATE_LABELS = {
        AgentReady: "Ready", AgentRinging: "Ringing", AgentOnCall: "On call", AgentDialing: "Dialing",
        AgentOnWrapup: "Wrap-up", AgentOnPause: "Paused", AgentLoggedOut: "Logged out", AgentLogin: "Logging in"
    };

    var queues = {};   // id → {id, name, number, counters, receivedAt, node}
    var agents = {};   // id → {id, name, number, state, cause, phoneNb, queues, sinceAt, row}
    var credentials = null;
    var retryDelay = 1000;
    var retryTimer = null;
    var renewTimer = null;

    // ------------------------------------------------------------------ credentials
    function saved() {
        try {
            return JSON.parse(sessionStorage.getItem(TOKEN_KEY));
        } catch (e) {
            return null;
        }
    }

    function keep(creds) {
        credentials = creds;
        sessionStorage.setItem(TOKEN_KEY, JSON.stringify(creds));
        clearInterval(renewTimer);
        var every = Math.max(30, Math.min((creds.TTL || 3600) / 2, 600)) * 1000;
        renewTimer = setInterval(function () {
            P.check(credentials.token).then(keep, function () { /* the next reconnect decides */ });
        }, every);
    }

    function forget(message) {
        credentials = null;
        sessionStorage.removeItem(TOKEN_KEY);
        clearInterval(renewTimer);
        P.byId("wb-board").hidden = true;
        P.byId("wb-login").hidden = false;
        P.setText("wb-error", message || "");
        setStatus("closed", "offline");
    }

    function setStatus(status, text) {
        var node = P.byId("wb-status");
        node.setAttribute("data-status", status);
        node.textContent = text;
    }

    // ------------------------------------------------------------------ connection
    function connect() {
        setStatus("reconnecting", "connecting");
        Cti.WebSocket.init(P.tokenUrl(credentials.token), credentials.login, "");
    }

    function reconnectLater() {
        if (retryTimer !== null || credentials === null) {
            return;
        }
        setStatus("reconnecting", "reconnecting");
        retryTimer = setTimeout(function () {
            retryTimer = null;
            P.check(credentials.token).then(function (creds) {
                keep(creds);
                connect();
            }, function (error) {
                if (error.code === "TokenExpired" || error.code === "InvalidToken") {
                    forget("Session expired: log in again.");
                } else {
                    reconnectLater();
                }
            });
        }, retryDelay);
        retryDelay = Math.min(Math.max(retryDelay * 2, 1000), 30000);
    }

    function onLoggedOn() {
        retryDelay = 1000;
        setStatus("live", "live");
        P.byId("wb-login").hidden = true;
        P.byId("wb-board").hidden = false;
        Cti.getList("queue");
        Cti.getList("agent");
        Cti.subscribeToQueueStats();
        Cti.getAgentStates();
        Cti.subscribeToAgentEvents();
    }

    function onLink(event) {
        if (event.status === "closed") {
            reconnectLater();
        }
    }

    function onLoggedOnError(event) {
        forget(event.message || "Login refused.");
    }

    // ------------------------------------------------------------------ queues
    function queue(id) {
        if (!queues[id]) {
            queues[id] = { id: id, name: "Queue " + id, number: "", counters: {}, receivedAt: Date.now(), node: null };
        }
        return queues[id];
    }

    function onQueueList(list) {
        (Array.isArray(list) ? list : [list]).forEach(function (config) {
            if (config && config.id !== undefined) {
                var q = queue(config.id);
                q.name = config.displayName || config.name || q.name;
                q.number = config.number || "";
                renderQueue(q);
            }
        });
    }

    function onQueueStatistics(stats) {
        if (stats.queueId === undefined) {
            return;
        }
        var q = queue(stats.queueId);
        (stats.counters || []).forEach(function (counter) {
            q.counters[counter.statName] = counter.value;
        });
        if (q.counters.WaitingCalls === 0) {
            q.counters.LongestWaitTime = 0;
        }
        q.receivedAt = Date.now();
        renderQueue(q);
    }

    function figure(cls, label) {
        return P.h("div", { class: "figure " + cls }, [
            P.h("div", { class: "value" }, ["—"]),
            P.h("div", { class: "label" }, [label])
        ]);
    }

    function queueNode(q) {
        if (q.node) {
            return q.node;
        }
        var chips = STATES.map(function (s) {
            return P.h("span", { class: "state " + s[0], "data-state": s[0] }, [s[1] + " ", P.h("b", {}, ["0"])]);
        });
        q.node = P.h("article", { class: "queue", "data-queue-id": String(q.id) }, [
            P.h("h2", {}, [P.h("span", { class: "name" }, []), P.h("small", { class: "number" }, [])]),
            P.h("div", { class: "figures" }, [
                figure("waiting", "Waiting"),
                figure("longest", "Longest wait"),
                figure("available", "Available")
            ]),
            P.h("div", { class: "states" }, chips)
        ]);
        var list = P.byId("wb-queues");
        var after = Array.prototype.find.call(list.children, function (node) {
            return Number(node.getAttribute("data-queue-id")) > Number(q.id);
        });
        list.insertBefore(q.node, after || null);
        return q.node;
    }

    function longestWait(q) {
        var waiting = q.counters.WaitingCalls || 0;
        if (!waiting) {
            return 0;
        }
        return (q.counters.LongestWaitTime || 0) + (Date.now() - q.receivedAt) / 1000;
    }

    function renderQueue(q) {
        var node = queueNode(q);
        node.querySelector(".name").textContent = q.name;
        node.querySelector(".number").textContent = q.number;
        var waiting = q.counters.WaitingCalls;
        node.querySelector(".waiting .value").textContent = waiting === undefined ? "—" : waiting;
        var available = q.counters.AvailableAgents;
        node.querySelector(".available .value").textContent = available === undefined ? "—" : available;
        renderWait(q);
        renderQueueAgents(q);
    }

    function renderWait(q) {
        if (!q.node) {
            return;
        }
        var wait = longestWait(q);
        q.node.querySelector(".longest .value").textContent = P.duration(wait);
        var alert = !q.counters.WaitingCalls ? "none" : wait >= LATE_SECONDS ? "late" : "waiting";
        q.node.setAttribute("data-alert", alert);
    }

    function renderQueueAgents(q) {
        var node = queueNode(q);
        STATES.forEach(function (s) {
            var count = Object.keys(agents).filter(function (id) {
                var a = agents[id];
                return s[2].indexOf(a.state) >= 0 && (a.queues || []).indexOf(Number(q.id)) >= 0;
            }).length;
            node.querySelector('.state[data-state="' + s[0] + '"] b').textContent = count;
        });
    }

    // ------------------------------------------------------------------ agents
    function agent(id) {
        if (!agents[id]) {
            agents[id] = { id: id, name: "", number: "", state: "AgentLoggedOut", cause: "", phoneNb: "", queues: [], sinceAt: Date.now(), row: null };
        }
        return agents[id];
    }

    function onAgentList(list) {
        (Array.isArray(list) ? list : [list]).forEach(function (config) {
            if (config && config.id !== undefined) {
                var a = agent(config.id);
                a.name = [config.firstName, config.lastName].filter(Boolean).join(" ");
                a.number = config.number || "";
                renderAgent(a);
            }
        });
    }

    function onAgentState(event) {
        if (event.agentId === undefined) {
            return;
        }
        var a = agent(event.agentId);
        a.state = event.name;
        a.cause = event.cause || "";
        a.phoneNb = event.phoneNb && event.phoneNb !== "null" ? event.phoneNb : "";
        a.queues = Array.isArray(event.queues) ? event.queues.map(Number) : a.queues;
        a.sinceAt = Date.now() - (event.since || 0) * 1000;
        renderAgent(a);
        Object.keys(queues).forEach(function (id) { renderQueueAgents(queues[id]); });
        // An agent in a queue no statistics told of yet still shows its queue.
        a.queues.forEach(function (id) { renderQueueAgents(queue(id)); });
    }

    function agentRow(a) {
        if (a.row) {
            return a.row;
        }
        a.row = P.h("tr", { "data-agent-id": String(a.id) }, [
            P.h("td", { class: "agent-name" }, []),
            P.h("td", {}, [P.h("span", { class: "agent-state" }, [])]),
            P.h("td", { class: "agent-since" }, []),
            P.h("td", { class: "agent-phone" }, []),
            P.h("td", { class: "agent-queues muted" }, [])
        ]);
        var body = P.byId("wb-agents").tBodies[0];
        var after = Array.prototype.find.call(body.rows, function (row) {
            return Number(row.getAttribute("data-agent-id")) > Number(a.id);
        });
        body.insertBefore(a.row, after || null);
        return a.row;
    }

    function renderAgent(a) {
        var row = agentRow(a);
        var label = a.name ? a.name + (a.number ? " (" + a.number + ")" : "") : "Agent " + (a.number || a.id);
        row.querySelector(".agent-name").textContent = label;
        var pill = row.querySelector(".agent-state");
        pill.setAttribute("data-state", a.state);
        pill.textContent = (STATE_LABELS[a.state] || a.state) +
            (a.state === "AgentOnPause" && a.cause ? " · " + a.cause : "");
        row.querySelector(".agent-phone").textContent = a.phoneNb;
        row.querySelector(".agent-queues").textContent = a.queues.map(function (id) {
            return queues[id] ? queues[id].name : "#" + id;
        }).join(", ");
        renderSince(a);
    }

    function renderSince(a) {
        if (a.row) {
            a.row.querySelector(".agent-since").textContent =
                a.state === "AgentLoggedOut" ? "" : P.duration((Date.now() - a.sinceAt) / 1000);
        }
    }

    // ------------------------------------------------------------------ start
    function tick() {
        P.setText("wb-clock", P.clock(new Date()));
        Object.keys(queues).forEach(function (id) { renderWait(queues[id]); });
        Object.keys(agents).forEach(function (id) { renderSince(agents[id]); });
    }

    function init() {
        var T = Cti.MessageType;
        Cti.setHandler(T.LOGGEDON, onLoggedOn);
        Cti.setHandler("LoggedOnError", onLoggedOnError);
        Cti.setHandler(T.LINKSTATUSUPDATE, onLink);
        Cti.setHandler(T.QUEUELIST, onQueueList);
        Cti.setHandler(T.QUEUECONFIG, onQueueList);
        Cti.setHandler(T.QUEUESTATISTICS, onQueueStatistics);
        Cti.setHandler(T.AGENTLIST, onAgentList);
        Cti.setHandler(T.AGENTCONFIG, onAgentList);
        Cti.setHandler(T.AGENTSTATEEVENT, onAgentState);

        P.byId("wb-login").addEventListener("submit", function (event) {
            event.preventDefault();
            P.setText("wb-error", "");
            P.login(P.byId("wb-user").value.trim(), P.byId("wb-password").value).then(function (creds) {
                keep(creds);
                connect();
            }, function (error) {
                P.setText("wb-error", error.message);
            });
        });

        setInterval(tick, 1000);
        tick();
        var creds = saved();
        if (creds && creds.token) {
            credentials = creds;
            retryDelay = 0;
            reconnectLater();
        } else {
            forget("");
        }
    }

    init();
})();
