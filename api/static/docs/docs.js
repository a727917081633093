// Starts Swagger UI on /docs. A file of its own (no inline script), so the page
// runs under a Content-Security-Policy of `script-src 'self'`.
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("swagger-ui");
    window.ui = SwaggerUIBundle({
      url: root.getAttribute("data-spec-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      displayOperationId: true,
      displayRequestDuration: true,
      docExpansion: "list",
      filter: true,
      showExtensions: true,
      showCommonExtensions: true,
      // No third-party validator badge: the page loads nothing from another host.
      validatorUrl: null,
      // The API is read-only: GET (and HEAD) are the methods to try.
      supportedSubmitMethods: ["get", "head"],
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
