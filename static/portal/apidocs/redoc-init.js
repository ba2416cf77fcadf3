// Starts Redoc on the schema URL the page names (the CSP allows no inline script). Redoc gives the nonce of
// this script to the <style> elements it inserts, which the page's CSP allows by that nonce alone.
"use strict";
(function () {
  // Redoc always draws Redocly's logo from cdn.redoc.ly; the CSP refuses third-party images (and the registry
  // does not tell a CDN who reads its docs), so the logo is left without a source and hidden (apidocs.css).
  const refused = function (value) { return String(value).startsWith("https://cdn.redoc.ly/"); };
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && name === "src" && refused(value)) return;
    return setAttribute.call(this, name, value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    get: src.get,
    set: function (value) { if (!refused(value)) src.set.call(this, value); },
    configurable: true,
  });
  const container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.specUrl, { nonce: document.currentScript.nonce }, container);
})();
