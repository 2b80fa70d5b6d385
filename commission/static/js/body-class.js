// Marks the page as running JavaScript before GOV.UK Frontend styles load,
// without an inline script (the Content-Security-Policy allows none).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
