/*
 * shotgun.js, as served by ctid: a small event bus with the SHOTGUN interface XuC's pages
 * load before cti.js (`SHOTGUN.listen(event, fn[, key])`, `SHOTGUN.fire(event[, args])`,
 * `SHOTGUN.remove(event[, key])`, `SHOTGUN.getEvents()`), written for ctid. Event names are
 * paths: firing or removing `a` reaches `a/b` too. Without jQuery, a cti.js that relies on
 * SHOTGUN delivers its messages as `cti/<msgType>` events through it; ctid's cti.js does not
 * need it, and fires those events too when it is loaded.
 */
var SHOTGUN = (function () {
    "use strict";

    var events = {};
    var nextKey = 1;

    function under(name, prefix) {
        return name === prefix || name.indexOf(prefix + "/") === 0;
    }

    var api = {
        // Subscribes `fn` to `event`; returns the subscription's key.
        listen: function (event, fn, key) {
            if (typeof fn !== "function") {
                return undefined;
            }
            var k = key === undefined ? "k" + nextKey++ : String(key);
            if (!Object.prototype.hasOwnProperty.call(events, event)) {
                events[event] = [];
            }
            events[event].push({ key: k, fn: fn });
            return k;
        },
        // Calls the listeners of `event` and of the events under it with `args` (an array).
        fire: function (event, args) {
            var list = Array.isArray(args) ? args : args === undefined ? [] : [args];
            var names = Object.keys(events).filter(function (name) {
                return under(name, event);
            });
            names.forEach(function (name) {
                events[name].slice().forEach(function (sub) {
                    try {
                        sub.fn.apply(null, list);
                    } catch (e) {
                        console.error("shotgun.js: a listener of " + name + " threw", e);
                    }
                });
            });
            return api;
        },
        // Removes one listener (`key`), or every listener of `event` and of the events under it.
        remove: function (event, key) {
            Object.keys(events).forEach(function (name) {
                if (key === undefined ? under(name, event) : name === event) {
                    if (key === undefined) {
                        delete events[name];
                    } else {
                        events[name] = events[name].filter(function (sub) {
                            return sub.key !== String(key);
                        });
                    }
                }
            });
            return api;
        },
        getEvents: function (event) {
            if (event === undefined) {
                return events;
            }
            return events[event];
        }
    };
    return api;
})();
var SG = SHOTGUN;
