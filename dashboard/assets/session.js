// With login on (PEACEPULSE_AUTH=on): when the server refuses a request of the page because its session
// has ended (401), go to the login page, and back to this view once logged in. Without login, or with a
// live session, no request is ever refused that way and this changes nothing.
(function () {
    const send = window.fetch;
    window.fetch = function (resource) {
        return send.apply(this, arguments).then(function (response) {
            const url = typeof resource === "string" ? resource : (resource && resource.url) || "";
            if (response.status === 401 && url.indexOf("_dash-") !== -1) {
                window.location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
            }
            return response;
        });
    };
})();
