/*
 * membership.js, as served by ctid: the XuC default queue membership API (object
 * `Membership`), written for ctid from the published XuC JavaScript API. Load it after cti.js
 * and call `Membership.init(Cti)`; its messages come to `Cti.setHandler` handlers under the
 * names of `Membership.MessageType`. Note: these take user ids, not agent ids.
 *
 * ctid answers these commands with an `Error` "not implemented" until default memberships are
 * stored (docs/xuc-api.md).
 */
var Membership = (function () {
    "use strict";

    var cti = null;

    function send(message) {
        if (cti === null) {
            console.error("membership.js: Membership.init(Cti) first");
            return;
        }
        cti.sendCallback(message);
    }

    var factory = {
        ctiMessageFactory: null,
        init: function (ctiMessageFactory) {
            factory.ctiMessageFactory = ctiMessageFactory;
        },
        createMessage: function (command) {
            if (factory.ctiMessageFactory === null) {
                return { claz: "web", command: command };
            }
            return factory.ctiMessageFactory.createMessage(command);
        },
        createGetUserDefaultMembership: function (userId) {
            var m = factory.createMessage("getUserDefaultMembership");
            m.userId = userId;
            return m;
        },
        createSetUserDefaultMembership: function (userId, membership) {
            var m = factory.createMessage("setUserDefaultMembership");
            m.userId = userId;
            m.membership = membership;
            return m;
        },
        createSetUsersDefaultMembership: function (userIds, membership) {
            var m = factory.createMessage("setUsersDefaultMembership");
            m.userIds = userIds;
            m.membership = membership;
            return m;
        },
        createApplyUsersDefaultMembership: function (userIds) {
            var m = factory.createMessage("applyUsersDefaultMembership");
            m.userIds = userIds;
            return m;
        }
    };

    return {
        MessageType: {
            USERQUEUEDEFAULTMEMBERSHIP: "UserQueueDefaultMembership",
            USERSQUEUEDEFAULTMEMBERSHIP: "UsersQueueDefaultMembership"
        },
        MessageFactory: factory,
        init: function (ctiObject) {
            cti = ctiObject;
            factory.init(ctiObject.WebsocketMessageFactory);
        },
        sendCallback: function (message) {
            send(message);
        },
        getUserDefaultMembership: function (userId) {
            send(factory.createGetUserDefaultMembership(userId));
        },
        // `membership`: [{queueId, penalty}, ...]
        setUserDefaultMembership: function (userId, membership) {
            send(factory.createSetUserDefaultMembership(userId, membership));
        },
        setUsersDefaultMembership: function (userIds, membership) {
            send(factory.createSetUsersDefaultMembership(userIds, membership));
        },
        applyUsersDefaultMembership: function (userIds) {
            send(factory.createApplyUsersDefaultMembership(userIds));
        }
    };
})();
